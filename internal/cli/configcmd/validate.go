package configcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/jwks"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

// ValidateOptions holds the dependencies and flags of `config validate`.
type ValidateOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context
	Paths   []string
	Format  string
	Strict  bool
	Online  bool
	NoCache bool
}

// NewCmdValidate builds `config validate [PATH...]`.
func NewCmdValidate(f *cmdutil.Factory, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "validate [PATH...] [--online]",
		Short: "Check brand files; errors carry file:line:col",
		Long: `Check brand configuration files: syntax, unknown keys, required values, URLs
(https unless loopback), brand name and file name, claim mappings, algorithms
(asymmetric only; never none or HS*), and brands defined twice.

PATH is a file or a directory of *.yaml/*.yml files; the default is the workspace.
Files are read only when they are regular files of at most 1 MiB; in a
directory, a symbolic link must stay inside it (a file named as PATH may be
a link, as cat reads one). Anything else (a FIFO, a device, a directory, a
link out) is skipped without being read and is an error of that file.
Exit 0 when valid (warnings allowed), 1 when any file has an error (or, with
--strict, a warning), 2 on usage errors.

--online also checks each brand without errors against its live CIAM, up to 8
brands at a time: the discovery document when an issuer is set (its issuer must
equal ciam.issuer; a different jwks_uri or userinfo_endpoint is a warning), the
JWKS (fetched, parsed and checked as ` + "`ciamctl jwks inspect`" + ` does, with a key
for an allowed algorithm), and the userinfo endpoint (a GET without a token;
401, 403, 400 and 405 mean it is there). Findings are problems of the brand's
file at the field concerned. Exit 3 when any brand's CIAM could not be reached
(no answer, timeout, 5xx): the check is incomplete, whatever else was found.
Key sets are cached as Cache-Control allows; --no-cache always fetches.

--format github prints workflow commands that GitHub Actions shows as
annotations on the pull request.`,
		Example: `  ciamctl config validate
  ciamctl config validate brands/acme.yaml
  ciamctl config validate brands/ --format github   # in a GitHub Actions step
  ciamctl config validate -o json
  ciamctl config validate --online              # also against each brand's live CIAM
  ciamctl config validate --online --no-cache --timeout 5s brands/acme.yaml`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Paths = args
			var err error
			opts.Format, err = cmdutil.FormatFlag(opts.Format, f.Globals, cmdutil.FormatText,
				cmdutil.FormatText, cmdutil.FormatJSON, cmdutil.FormatYAML, "github")
			if err != nil {
				return err
			}
			if opts.NoCache && !opts.Online {
				return cmdutil.FlagErrorf("--no-cache only applies with --online")
			}
			if runF != nil {
				return runF(opts)
			}
			return validateRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "", "text, json or github (default text, or -o's format)")
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "treat warnings as errors")
	cmd.Flags().BoolVar(&opts.Online, "online", false, "also check discovery, JWKS and userinfo against each brand's live CIAM")
	cmd.Flags().BoolVar(&opts.NoCache, "no-cache", false, "with --online: fetch key sets even when the cached copy is fresh")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(
		[]string{"text", "json", "github"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// Report is the JSON shape of the contract, plus the number of files checked.
type Report struct {
	Valid    bool            `json:"valid"`
	Files    int             `json:"files"`
	Problems []brand.Problem `json:"problems"`
	// Unreachable lists, with --online, the brands whose CIAM could not be reached.
	Unreachable []string `json:"unreachable,omitempty"`

	online *onlineStats
}

func validateRun(o *ValidateOptions) error {
	f := o.Factory
	files, err := collect(o.Paths, f.Workspace())
	if err != nil {
		return err
	}
	results, err := workspace.CheckFiles(files)
	if err != nil {
		return err
	}

	rep := Report{Valid: true, Files: len(results), Problems: []brand.Problem{}}
	if o.Online {
		rep.online = o.checkOnline(results)
		rep.Unreachable = rep.online.unreachable
	}
	for _, r := range results {
		rep.Problems = append(rep.Problems, r.Problems...)
	}
	for i, p := range rep.Problems {
		if o.Strict && p.Severity == brand.SeverityWarning {
			rep.Problems[i].Severity = brand.SeverityError
		}
	}
	rep.Valid = !brand.HasErrors(rep.Problems)

	out := f.IOStreams.Out
	switch o.Format {
	case cmdutil.FormatJSON, cmdutil.FormatYAML:
		err = cmdutil.WriteStructured(out, o.Format, rep)
	case "github":
		err = writeGitHub(out, rep)
		if !f.IOStreams.Quiet() {
			writeSummary(f.IOStreams.ErrOut, f.IOStreams.ErrColorScheme(), rep)
		}
	default:
		err = writeText(out, f.IOStreams.ColorScheme(), rep, f.IOStreams.Quiet())
	}
	if err != nil {
		return err
	}
	if len(rep.Unreachable) > 0 {
		return cmdutil.WithHint(fmt.Errorf("could not reach the CIAM of %s %s%w",
			cmdutil.Plural(len(rep.Unreachable), "brand"), strings.Join(rep.Unreachable, ", "), unavailable{}),
			"the online check is incomplete; check the network and --timeout, then run it again")
	}
	if !rep.Valid {
		return cmdutil.ErrFailed
	}
	return nil
}

// unavailable makes an error count as jwks.ErrUnavailable (exit 3) without
// adding the sentinel's text to the message.
type unavailable struct{}

func (unavailable) Error() string        { return "" }
func (unavailable) Is(target error) bool { return target == jwks.ErrUnavailable }

// collect expands the arguments into brand files; no arguments means the
// workspace. Files found in a directory are read only inside it; a file
// named here may be a link (the user chose it), as cat would read it.
func collect(paths []string, store *workspace.Store) ([]workspace.File, error) {
	if len(paths) == 0 {
		files, err := store.Files()
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, cmdutil.WithHint(cmdutil.FlagErrorf("no brand files (*.yaml) in workspace %s", store.Dir),
				"pass files or directories, set --dir or $CIAMCTL_DIR, or create one with `ciamctl brand add`")
		}
		return workspace.Listed(files), nil
	}
	var files []workspace.File
	for _, p := range paths {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, cmdutil.FlagErrorf("%s: no such file or directory", p)
		}
		if err != nil {
			return nil, workspace.IOError("read", p, err)
		}
		if !st.IsDir() {
			files = append(files, workspace.File{Path: p})
			continue
		}
		found, err := (&workspace.Store{Dir: p}).Files()
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, cmdutil.FlagErrorf("%s: no brand files (*.yaml) in this directory", p)
		}
		files = append(files, workspace.Listed(found)...)
	}
	return files, nil
}

// writeText prints the problems and a summary; quiet (-q), only the
// problems (as helm lint --quiet: warnings and errors), so a clean run
// prints nothing.
func writeText(w io.Writer, cs *iostreams.ColorScheme, rep Report, quiet bool) error {
	for _, p := range rep.Problems {
		if _, err := fmt.Fprintln(w, cmdutil.ProblemLine(cs, p)); err != nil {
			return err
		}
	}
	if !quiet {
		writeSummary(w, cs, rep)
	}
	return nil
}

func writeSummary(w io.Writer, cs *iostreams.ColorScheme, rep Report) {
	errs, warns := 0, 0
	for _, p := range rep.Problems {
		if p.Severity == brand.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	if st := rep.online; st != nil {
		msg := fmt.Sprintf("online: %d %s checked", st.checked, cmdutil.Plural(st.checked, "brand"))
		if n := len(st.unreachable); n > 0 {
			msg += fmt.Sprintf(", %d not reachable", n)
		}
		if st.skipped > 0 {
			msg += fmt.Sprintf(", %d skipped because of errors in the file", st.skipped)
		}
		fmt.Fprintln(w, cs.Gray(msg))
	}
	files := fmt.Sprintf("%d brand %s", rep.Files, cmdutil.Plural(rep.Files, "file"))
	if rep.Valid {
		msg := fmt.Sprintf("%s %s valid", cs.SuccessIcon(), files)
		if warns > 0 {
			msg += fmt.Sprintf(" (%d %s)", warns, cmdutil.Plural(warns, "warning"))
		}
		fmt.Fprintln(w, msg)
		return
	}
	fmt.Fprintf(w, "%s %s checked: %d %s, %d %s\n", cs.FailureIcon(), files,
		errs, cmdutil.Plural(errs, "error"), warns, cmdutil.Plural(warns, "warning"))
}

// writeGitHub prints GitHub Actions workflow commands, escaped as the
// runner expects so messages with ':' or ',' or newlines survive: a value can
// never end the command or start another (no raw CR or LF reaches the
// output, and ':' and ',' are escaped in properties). Control characters are
// first made visible (iostreams.SafeText), as the log viewer renders ANSI
// sequences.
func writeGitHub(w io.Writer, rep Report) error {
	for _, p := range rep.Problems {
		level := "warning"
		if p.Severity == brand.SeverityError {
			level = "error"
		}
		_, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,title=ciamctl config validate::%s\n",
			level, escapeProperty(iostreams.SafeText(filepath.ToSlash(p.File))), p.Line, p.Column, escapeData(iostreams.SafeText(p.Message)))
		if err != nil {
			return err
		}
	}
	return nil
}

// The replacers are made per call, not as package variables, which would be
// built every time ciamctl starts; only --format github uses them.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
