package tokencmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/durfmt"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/oidc"
)

// DecodeOptions holds the dependencies and arguments of `token decode`.
type DecodeOptions struct {
	Factory *cmdutil.Factory
	Args    []string
}

// NewCmdDecode builds `token decode [TOKEN|-]`.
func NewCmdDecode(f *cmdutil.Factory, runF func(*DecodeOptions) error) *cobra.Command {
	opts := &DecodeOptions{Factory: f}
	return &cobra.Command{
		Use:   "decode [TOKEN|-]",
		Short: "Show a token's header and claims, unverified",
		Long: `Show a JWT's header and claims without verifying anything. The output is marked
UNVERIFIED: anyone can write a token that decodes; only ` + "`ciamctl token verify`" + `
says whether the gateway would accept it.

Time claims (exp, iat, nbf, auth_time, updated_at) are also shown as dates.
The token is the argument, or stdin with - (or when stdin is not a terminal).
A token that is not a signed JWT with JSON header and claims is exit 1.`,
		Example: `  ciamctl token decode eyJhbGciOiJSUzI1NiIs...
  pbpaste | ciamctl token decode -
  ciamctl token decode -o json < token.txt | jq .claims.sub`,
		Args: cmdutil.MaximumArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if runF != nil {
				return runF(opts)
			}
			return decodeRun(opts)
		},
	}
}

// DecodeReport is the JSON shape of `token decode`.
type DecodeReport struct {
	Verified bool              `json:"verified"`
	Header   json.RawMessage   `json:"header"`
	Claims   json.RawMessage   `json:"claims"`
	Dates    map[string]string `json:"dates"`
}

// timeClaims are the NumericDate claims of an ID token worth showing as dates.
var timeClaims = []string{"iat", "nbf", "exp", "auth_time", "updated_at"}

func decodeRun(o *DecodeOptions) error {
	f := o.Factory
	tok, err := f.ReadToken(o.Args)
	if err != nil {
		return err
	}
	header, claims, err := oidc.Decode(tok)
	if err != nil {
		return fmt.Errorf("cannot decode the token: %w", err) // exit 1: the token is bad
	}
	dates := claimDates(claims)
	if f.Globals.Output != cmdutil.FormatText {
		rep := DecodeReport{Header: header, Claims: claims, Dates: map[string]string{}}
		for _, d := range dates {
			rep.Dates[d.name] = d.at.Format(time.RFC3339)
		}
		return cmdutil.WriteStructured(f.IOStreams.Out, f.Globals.Output, rep)
	}
	return writeDecoded(f, header, claims, dates)
}

type claimDate struct {
	name string
	raw  string
	at   time.Time
}

// claimDates picks the time claims that hold plausible NumericDates.
func claimDates(claims json.RawMessage) []claimDate {
	var m map[string]json.RawMessage
	if json.Unmarshal(claims, &m) != nil {
		return nil
	}
	var out []claimDate
	for _, name := range timeClaims {
		raw, ok := m[name]
		if !ok {
			continue
		}
		var n json.Number
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if dec.Decode(&n) != nil {
			continue
		}
		v, err := n.Float64()
		if err != nil || math.IsNaN(v) || v < -62135596800 || v > 253402300799 {
			continue
		}
		sec := math.Floor(v)
		out = append(out, claimDate{name: name, raw: n.String(), at: time.Unix(int64(sec), int64((v-sec)*1e9)).UTC()})
	}
	return out
}

func writeDecoded(f *cmdutil.Factory, header, claims json.RawMessage, dates []claimDate) error {
	cs := f.IOStreams.ColorScheme()
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n\n", cs.Yellow(cs.Bold("UNVERIFIED")),
		"decoded only: the signature and claims were not checked (use `ciamctl token verify`)")
	for _, part := range []struct {
		title string
		raw   json.RawMessage
	}{{"Header", header}, {"Claims", claims}} {
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, part.raw, "", "  "); err != nil {
			return err
		}
		// JSON escapes C0 controls in strings, not DEL, C1 or bidi
		// overrides: SafeJSON does, keeping the text valid JSON to copy.
		fmt.Fprintf(&b, "%s\n%s\n\n", cs.Bold(part.title), iostreams.SafeLines(string(iostreams.SafeJSON(pretty.Bytes()))))
	}
	if len(dates) > 0 {
		fmt.Fprintf(&b, "%s\n", cs.Bold("Dates (UTC)"))
		now := f.Now()
		tb := iostreams.NewTable()
		tb.Indent = "  "
		for _, d := range dates {
			tb.Row(d.name, d.raw, d.at.Format(time.RFC3339), cs.Gray(relative(d.at, now)))
		}
		_ = tb.Render(&b)
	}
	_, err := io.WriteString(f.IOStreams.Out, b.String())
	return err
}

// relative says how far t is from now, e.g. "in 59m" or "2y 3d ago".
func relative(t, now time.Time) string {
	d := t.Sub(now).Round(time.Second)
	switch {
	case d == 0:
		return "now"
	case d > 0:
		return "in " + durfmt.Short(d)
	}
	return durfmt.Short(d) + " ago"
}
