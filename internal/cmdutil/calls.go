package cmdutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"

	"github.com/ciamctl/ciamctl/internal/intouch"
	"github.com/ciamctl/ciamctl/internal/iostreams"
)

// Call is one platform request a command made, or (Made false) only shows:
// the writes a run without --apply prints instead of sending.
type Call struct {
	Method string          `json:"method"`
	Path   string          `json:"path"`
	Body   json.RawMessage `json:"body,omitempty"`
	Made   bool            `json:"made"`
	Result string          `json:"result"`
}

// NotSent is the result of a write a dry run only shows.
const NotSent = "not sent (no --apply)"

// NewCall describes a call of the endpoint table: its method, and its path
// and query exactly as the client sends them.
func NewCall(id intouch.EndpointID, params map[string]string, q url.Values, body any) Call {
	ep := intouch.EndpointOf(id)
	path, err := ep.URL("", params, q)
	if err != nil {
		path = ep.Path
	}
	c := Call{Method: ep.Method, Path: path}
	if body != nil {
		c.Body, _ = json.Marshal(body)
	}
	return c
}

// WriteCalls prints calls one a line (✓ made, → only shown, ✗ failed), with
// the body of those not made or failed. Paths, bodies and results carry the
// platform's and the token's data: escaped.
func WriteCalls(w io.Writer, cs *iostreams.ColorScheme, calls []Call) {
	for _, c := range calls {
		mark := cs.SuccessIcon()
		switch {
		case c.Result == "failed":
			mark = cs.FailureIcon()
		case !c.Made:
			mark = cs.Yellow("→")
		}
		fmt.Fprintf(w, "%s %s %s  %s\n", mark, cs.Bold(c.Method), iostreams.SafeText(c.Path), cs.Gray(iostreams.SafeText(c.Result)))
		if len(c.Body) > 0 && (!c.Made || c.Result == "failed") {
			var ind bytes.Buffer
			if err := json.Indent(&ind, c.Body, "    ", "  "); err != nil {
				ind.Write(c.Body)
			}
			fmt.Fprintf(w, "    %s\n", iostreams.SafeLines(ind.String()))
		}
	}
}
