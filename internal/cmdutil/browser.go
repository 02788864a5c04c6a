package cmdutil

import (
	"io"

	"github.com/cli/browser"
)

// SystemBrowser opens URLs with the system's browser, as gh does (xdg-open,
// x-www-browser, www-browser or wslview; open; the URL handler on Windows).
// What the opener prints goes to w (stderr), never to stdout, which may
// carry a token.
func SystemBrowser(w io.Writer) func(string) error {
	return func(url string) error {
		browser.Stdout, browser.Stderr = w, w
		return browser.OpenURL(url)
	}
}
