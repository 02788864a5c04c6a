package brand

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"
)

// Encode renders a config as the YAML file ciamctl writes.
func Encode(c *Config) ([]byte, error) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Gateway CIAM configuration for brand %q. Check with `ciamctl config validate`.\n", c.Brand)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("encode brand %q: %w", c.Brand, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode brand %q: %w", c.Brand, err)
	}
	return buf.Bytes(), nil
}
