package cmdutil

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/ciamctl/ciamctl/internal/deadline"
)

// annotationOwnDeadline marks a command whose context gets no deadline from
// --timeout: it runs for long by design (sandbox, demo, whose steps are
// commands with their own), waits for a person (forms), or does long work
// that is not network work (token verify --batch). Its network work still
// draws on the Factory's NetBudget.
const annotationOwnDeadline = "ciamctl/own-deadline"

// OwnDeadline marks cmd (and the commands under it) as one that bounds its
// network work itself.
func OwnDeadline(cmd *cobra.Command) *cobra.Command {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[annotationOwnDeadline] = "true"
	return cmd
}

func hasOwnDeadline(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		if c.Annotations[annotationOwnDeadline] != "" {
			return true
		}
	}
	return false
}

// StartDeadline fixes the command's one --timeout when it starts: the
// network budget every key-set fetch draws on and, unless the command owns
// its deadline, a context deadline bounding everything it does over the
// network (requests, retries, Retry-After waits, refetches). The deadline
// is released when ctx (the caller's) is done.
func (f *Factory) StartDeadline(cmd *cobra.Command) {
	f.NetBudget = deadline.NewBudget(f.Globals.Timeout, "--timeout", time.Now)
	if hasOwnDeadline(cmd) {
		return
	}
	// No cancel to call: cmd.Context() ends when the command returns
	// (root.Execute), which releases the deadline with it; and a
	// context.AfterFunc here would start the very timer a command that never
	// goes to the network should not pay for.
	ctx, _ := deadline.With(cmd.Context(), f.Globals.Timeout, "--timeout")
	cmd.SetContext(ctx)
}
