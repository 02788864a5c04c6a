package brandcmd

import (
	"path/filepath"
	"strings"
)

func brandNameOf(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml")
}
