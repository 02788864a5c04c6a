package intouch

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// knownSecrets are the values of cfg that must never be shown: the client
// secret, the password, its md5 hex (what Basic sends), the Basic value and
// its base64 part. The OAuth key and the username are identifiers, like a
// user name or an AWS access key ID: they are needed to tell which
// credentials failed, and alone they grant nothing.
func knownSecrets(cfg Config) []string {
	out := []string{cfg.ClientSecret}
	if cfg.Password != "" {
		sum := md5.Sum([]byte(cfg.Password))
		md5hex := hex.EncodeToString(sum[:])
		basic := base64.StdEncoding.EncodeToString([]byte(cfg.Username + ":" + md5hex))
		out = append(out, cfg.Password, md5hex, strings.ToUpper(md5hex), basic, "Basic "+basic)
	}
	return out
}

// addSecrets makes values (e.g. a newly minted access token) unprintable.
func (c *Client) addSecrets(values ...string) {
	c.secretsMu.Lock()
	defer c.secretsMu.Unlock()
	c.secrets.Add(values...)
}

// scrub hides every secret the client knows in s: a server that echoes the
// secret or the token in an error message or a body must not get it printed.
func (c *Client) scrub(s string) string {
	c.secretsMu.Lock()
	defer c.secretsMu.Unlock()
	return c.secrets.Text(s)
}

func (c *Client) scrubItems(items []Item) {
	for i := range items {
		items[i].Message = c.scrub(items[i].Message)
	}
}
