// Package build reports which ciamctl this is. Release builds inject the
// values with -ldflags -X; other builds fall back to the module build info.
package build

import (
	"runtime"
	"runtime/debug"
)

// Set by the release build:
//
//	-X github.com/ciamctl/ciamctl/internal/build.Version=1.2.3
//	-X github.com/ciamctl/ciamctl/internal/build.Commit=abc1234
//	-X github.com/ciamctl/ciamctl/internal/build.Date=2026-11-23T10:00:00Z
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// Info describes the running binary.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// Current returns the injected values, completed from debug.ReadBuildInfo:
// `go install …@v1.2.3` records the module version, a VCS build records the
// revision and commit time.
func Current() Info {
	info := Info{
		Version:   Version,
		Commit:    Commit,
		Date:      Date,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	if info.Version != "" && info.Commit != "" && info.Date != "" {
		return info // a release build: nothing to look up
	}
	bi, ok := debug.ReadBuildInfo()
	if ok {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		modified := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Commit == "" {
					info.Commit = s.Value
				}
			case "vcs.time":
				if info.Date == "" {
					info.Date = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if modified && info.Commit != "" && Commit == "" {
			info.Commit += "-dirty"
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	if info.Date == "" {
		info.Date = "unknown"
	}
	if len(info.Commit) > 12 && Commit == "" {
		info.Commit = info.Commit[:12]
	}
	return info
}
