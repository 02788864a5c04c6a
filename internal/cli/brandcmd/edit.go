package brandcmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
	"github.com/ciamctl/ciamctl/internal/safefile"
	"github.com/ciamctl/ciamctl/internal/workspace"
)

// EditOptions holds the dependencies and arguments of `brand edit`.
type EditOptions struct {
	Factory *cmdutil.Factory
	Ctx     context.Context
	Name    string

	// runEditor opens path in the user's editor; tests may replace it.
	runEditor func(o *EditOptions, path string) error
}

// NewCmdEdit builds `brand edit NAME`.
func NewCmdEdit(f *cmdutil.Factory, runF func(*EditOptions) error) *cobra.Command {
	opts := &EditOptions{Factory: f, runEditor: runEditor}
	cmd := &cobra.Command{
		Use:   "edit NAME",
		Short: "Edit a brand's file in your editor; it is checked before it is saved",
		Long: `Open a copy of the brand's file in $VISUAL, else $EDITOR, else vi, as kubectl
edit does. When the editor exits, the copy is checked: with errors it is
opened again with the problems listed at the top as "# ciamctl:" comments
(which are removed on save); saving it again unchanged gives up and keeps the
copy. Saving the file unchanged, or emptying it, cancels. Only a valid file is
written, atomically under the workspace lock, and the fields that changed are
listed. If the brand file changed meanwhile (channel link, say), nothing is
written and the copy is kept.

The editor needs a terminal; scripts use ` + "`ciamctl brand set`" + `.`,
		Example: `  ciamctl brand edit acme
  EDITOR="code --wait" ciamctl brand edit acme`,
		Args:              cmdutil.ExactArgs(1, "brand NAME"),
		ValidArgsFunction: cmdutil.CompleteBrandName(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ctx = cmd.Context()
			opts.Name = args[0]
			if err := brand.ValidateName(opts.Name); err != nil {
				return cmdutil.FlagErrorf("brand NAME: %v", err)
			}
			if !f.CanPrompt() {
				return cmdutil.WithHint(cmdutil.FlagErrorf("brand edit opens an editor and needs a terminal (and no --no-input)"),
					"change fields without one: `ciamctl brand set %s KEY=VALUE...`", opts.Name)
			}
			if runF != nil {
				return runF(opts)
			}
			return editRun(opts)
		},
	}
	// The editor waits for a person: --timeout bounds network work only.
	return cmdutil.OwnDeadline(cmd)
}

// headerMark starts the lines brand edit adds at the top of the copy; they
// are removed when it is read back, the user's own comments are not.
const headerMark = "# ciamctl:"

func editRun(o *EditOptions) error {
	f := o.Factory
	store := f.Workspace()
	path := store.Path(o.Name)
	orig, err := readBrand(store, o.Name)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp("", "ciamctl-edit-"+o.Name+"-*.yaml")
	if err != nil {
		return workspace.IOError("create a temporary copy in", os.TempDir(), err)
	}
	tmpPath := tmp.Name()
	tmp.Close()
	keep := false
	defer func() {
		if !keep {
			os.Remove(tmpPath)
		}
	}()

	body := orig
	var problems []brand.Problem
	var refused []byte // the last body refused for its errors
	for {
		if err := os.WriteFile(tmpPath, append(editHeader(o.Name, path, problems), body...), 0o600); err != nil {
			return workspace.IOError("write", tmpPath, err)
		}
		if err := o.runEditor(o, tmpPath); err != nil {
			return err
		}
		edited, err := safefile.ReadFile(tmpPath, safefile.MaxSize)
		if err != nil {
			return workspace.IOError("read", tmpPath, err)
		}
		body = stripHeader(edited)
		switch {
		case isBlank(body):
			fmt.Fprintln(f.IOStreams.ErrOut, "Edit cancelled: the file was emptied; nothing was written.")
			return nil
		case bytes.Equal(body, orig):
			fmt.Fprintln(f.IOStreams.ErrOut, "Edit cancelled: no changes; nothing was written.")
			return nil
		}
		problems = errorsOf(brand.CheckFile(path, body).Problems)
		if len(problems) == 0 {
			break
		}
		if refused != nil && bytes.Equal(body, refused) {
			keep = true
			return cmdutil.WithHint(cmdutil.Invalid(fmt.Errorf("brand %q: the edit still has %d %s (%s); nothing was written",
				o.Name, len(problems), cmdutil.Plural(len(problems), "error"), problems[0].Message)),
				"your edit is kept in %s; fix it and copy it over with `ciamctl brand edit %s`", tmpPath, o.Name)
		}
		refused = body
	}

	var diff []brand.FieldChange
	outcome, err := store.Update(o.Ctx, o.Name, func(cur []byte) ([]byte, error) {
		if !bytes.Equal(cur, orig) {
			keep = true
			return nil, cmdutil.WithHint(fmt.Errorf("brand %q: %s changed while it was being edited; nothing was written%w", o.Name, path, existsMarker{}),
				"your edit is kept in %s; run `ciamctl brand edit %s` again and carry it over", tmpPath, o.Name)
		}
		before, _, _ := brand.Decode(cur)
		after, _, _ := brand.Decode(body)
		diff = brand.Diff(before, after)
		return body, nil
	})
	if err != nil {
		return notFoundHint(err, store)
	}
	printFileWarnings(f, path)
	return reportEdit(f, o.Name, path, outcome, diff)
}

func errorsOf(ps []brand.Problem) []brand.Problem {
	var out []brand.Problem
	for _, p := range ps {
		if p.Severity == brand.SeverityError {
			out = append(out, p)
		}
	}
	return out
}

// editHeader is the comment block above the brand file in the editor: what
// to do and, after a refused save, the problems, with line numbers as the
// editor shows them.
func editHeader(name, path string, problems []brand.Problem) []byte {
	var ls []string
	if len(problems) > 0 {
		ls = append(ls, fmt.Sprintf("The file was not saved: fix the %s below.", cmdutil.Plural(len(problems), "problem")))
	} else {
		ls = append(ls, fmt.Sprintf("Editing brand %s (%s).", name, path))
	}
	ls = append(ls, "Save and quit to apply; the file is checked first. Empty it to cancel.",
		"These lines are removed when the file is saved; your own comments are kept.")
	n := len(ls) + len(problems)
	for _, p := range problems {
		ls = append(ls, fmt.Sprintf("  line %d, column %d: %s", p.Line+n, p.Column, p.Message))
	}
	var b strings.Builder
	for _, l := range ls {
		// Messages quote the file's content: nothing in them may end the comment line.
		b.WriteString(headerMark + " " + iostreams.SafeText(l) + "\n")
	}
	return []byte(b.String())
}

// stripHeader removes the leading "# ciamctl:" lines.
func stripHeader(data []byte) []byte {
	for bytes.HasPrefix(data, []byte(headerMark)) {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return nil
		}
		data = data[i+1:]
	}
	return data
}

// isBlank is true for a file of only blank and comment lines.
func isBlank(data []byte) bool {
	for _, l := range strings.Split(string(data), "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			return false
		}
	}
	return true
}

// editorCommand is the user's editor: $VISUAL, else $EDITOR, else vi.
func editorCommand(getenv func(string) string) string {
	for _, v := range []string{"VISUAL", "EDITOR"} {
		if e := strings.TrimSpace(getenv(v)); e != "" {
			return e
		}
	}
	return "vi"
}

// runEditor runs the editor on path, attached to the terminal. The editor
// variable may hold arguments ("code --wait"), so it goes through the shell
// with the path as a separate argument, as git runs core.editor.
func runEditor(o *EditOptions, path string) error {
	f := o.Factory
	editor := editorCommand(f.Getenv)
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		args := strings.Fields(editor)
		cmd = exec.CommandContext(o.Ctx, args[0], append(args[1:], path)...)
	} else {
		cmd = exec.CommandContext(o.Ctx, "sh", "-c", editor+` "$@"`, editor, path)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = f.IOStreams.In, f.IOStreams.Out, f.IOStreams.ErrOut
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("the editor (%s) failed (%s); nothing was written", editor, exit.ProcessState)
		}
		return fmt.Errorf("running the editor (%s): %w; set $VISUAL or $EDITOR", editor, err)
	}
	return nil
}
