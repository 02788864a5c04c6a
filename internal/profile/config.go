package profile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ciamctl/ciamctl/internal/safefile"
	"gopkg.in/yaml.v3"
)

// ErrNotFound marks a profile name that is not configured.
var ErrNotFound = errors.New("no such profile")

// NotFoundError names the profile asked for and the ones there are.
type NotFoundError struct {
	Name  string
	Known []string
}

func (e *NotFoundError) Error() string {
	if len(e.Known) == 0 {
		return fmt.Sprintf("no profile %q: no profiles are configured", e.Name)
	}
	return fmt.Sprintf("no profile %q (profiles: %s)", e.Name, strings.Join(e.Known, ", "))
}
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// Config is the content of ConfigFile.
type Config struct {
	Profiles map[string]*Profile `yaml:"profiles"`
}

// Names returns the profile names, sorted.
func (c *Config) Names() []string {
	names := make([]string, 0, len(c.Profiles))
	for n := range c.Profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// List returns the profiles sorted by name.
func (c *Config) List() []*Profile {
	out := make([]*Profile, 0, len(c.Profiles))
	for _, n := range c.Names() {
		out = append(out, c.Profiles[n])
	}
	return out
}

// Get returns the named profile or a *NotFoundError.
func (c *Config) Get(name string) (*Profile, error) {
	if p, ok := c.Profiles[name]; ok {
		return p, nil
	}
	return nil, &NotFoundError{Name: name, Known: c.Names()}
}

const configHeader = `# ciamctl's platform credential profiles (ciamctl auth login / list / logout).
# No secret is kept here: secretStore says where each profile's secret is.
`

const secretsHeader = `# Platform secrets of ciamctl's profiles, kept here because no OS keychain was
# available when they were stored. Only you may read this file (mode 0600);
# ciamctl auth logout removes entries.
`

// loadConfig reads dir/ConfigFile; a missing file is an empty config.
func loadConfig(dir string) (*Config, error) {
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, ConfigFile)
	data, err := readPrivate(path, safefile.File)
	if err != nil {
		return nil, err
	}
	c := &Config{Profiles: map[string]*Profile{}}
	if err := decodeStrict(data, c); err != nil {
		return nil, fmt.Errorf("%s: %w (fix or remove the file)", path, err)
	}
	if c.Profiles == nil {
		c.Profiles = map[string]*Profile{}
	}
	for name, p := range c.Profiles {
		if p == nil {
			return nil, fmt.Errorf("%s: profile %q is empty (fix or remove the file)", path, name)
		}
		p.Name = name
		if err := p.check(); err != nil {
			return nil, fmt.Errorf("%s: %w (fix the file, or run ciamctl auth login --profile %s again)", path, err, name)
		}
	}
	return c, nil
}

func (p *Profile) check() error {
	switch {
	case CheckName(p.Name) != nil:
		return CheckName(p.Name)
	case p.URL == "":
		return fmt.Errorf("profile %q has no url", p.Name)
	case p.OrgID == "":
		return fmt.Errorf("profile %q has no orgId", p.Name)
	case p.Auth == AuthOAuth && p.ClientKey == "", p.Auth == AuthBasic && p.Username == "":
		return fmt.Errorf("profile %q has no clientKey or username", p.Name)
	case p.Auth != AuthOAuth && p.Auth != AuthBasic:
		return fmt.Errorf("profile %q: auth is %q, not oauth or basic", p.Name, p.Auth)
	case p.SecretStore != StoreKeychain && p.SecretStore != StoreFile:
		return fmt.Errorf("profile %q: secretStore is %q, not keychain or file", p.Name, p.SecretStore)
	}
	return nil
}

func saveConfig(dir string, c *Config) error {
	var buf bytes.Buffer
	buf.WriteString(configHeader)
	if err := encode(&buf, c); err != nil {
		return err
	}
	return writePrivate(filepath.Join(dir, ConfigFile), buf.Bytes())
}

// secretsFile is the content of SecretsFile: profile name → secret.
type secretsFile struct {
	Secrets map[string]string `yaml:"secrets"`
}

func loadSecrets(dir string) (*secretsFile, error) {
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, SecretsFile)
	data, err := readPrivate(path, safefile.Secret)
	if err != nil {
		return nil, err
	}
	s := &secretsFile{}
	// The decoder's message may quote the file: say only where it failed.
	if err := decodeStrict(data, s); err != nil {
		return nil, fmt.Errorf("%s is not a ciamctl secrets file; remove it and run ciamctl auth login again", path)
	}
	if s.Secrets == nil {
		s.Secrets = map[string]string{}
	}
	return s, nil
}

// saveSecrets writes the file, or removes it when no secret is left.
func saveSecrets(dir string, s *secretsFile) error {
	path := filepath.Join(dir, SecretsFile)
	if len(s.Secrets) == 0 {
		return removePrivate(path)
	}
	var buf bytes.Buffer
	buf.WriteString(secretsHeader)
	if err := encode(&buf, s); err != nil {
		return err
	}
	return writePrivate(path, buf.Bytes())
}

func decodeStrict(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

func encode(w io.Writer, v any) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return enc.Close()
}
