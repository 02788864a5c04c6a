package channelcmd

import (
	"errors"
	"fmt"

	"github.com/charmbracelet/huh"

	"github.com/ciamctl/ciamctl/internal/brand"
	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/iostreams"
)

// Relink is a change of the account a brand is linked to.
type Relink struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Consequence says what becomes of the customers under From.
	Consequence string `json:"consequence"`
}

// relinkConsequence says what happens to the customers created under the old account: the platform keeps them
// there, and the gateway looks customers up under the new one only.
func relinkConsequence(from, to string) string {
	return fmt.Sprintf("customers created under account %s stay under it: the gateway's lookups by cuid under %s will not find them, "+
		"so each one's next login creates a customer under %s (which the platform may merge with the old one by mobile or email, warning 8050)", from, to, to)
}

// errRelink is a re-link nobody has confirmed yet: nothing was created or written.
type errRelink struct{ from, to string }

func (e *errRelink) Error() string {
	return fmt.Sprintf("the brand is linked to OAUTH_EXTERNAL account %q, not %q", e.from, e.to)
}

// checkRelink notes a link to another account than the one the brand file records; unless --force, --dry-run
// or a confirmation allows it, it stops the link before anything is created or written.
func (o *LinkOptions) checkRelink(cfg *brand.Config, to string, out *LinkResult) error {
	rec := cfg.Channel
	if rec == nil || rec.AccountID == "" || rec.AccountID == to {
		return nil
	}
	out.Relinked = &Relink{From: rec.AccountID, To: to, Consequence: relinkConsequence(rec.AccountID, to)}
	if o.Force || o.DryRun || o.confirmedTo == to {
		return nil
	}
	return &errRelink{from: rec.AccountID, to: to}
}

// askRelink asks on a terminal whether to re-link; without one, the re-link needs --force (a usage error, as
// `brand remove` needs --yes).
func (o *LinkOptions) askRelink(re *errRelink) error {
	f := o.Factory
	if !f.CanPrompt() {
		return cmdutil.WithHint(cmdutil.FlagErrorf("brand %q is linked to OAUTH_EXTERNAL account %s; linking it to %s needs --force",
			o.Brand, iostreams.SafeText(re.from), iostreams.SafeText(re.to)), "%s", iostreams.SafeText(relinkConsequence(re.from, re.to)))
	}
	ok, err := o.confirm(o, re)
	if err != nil {
		return err
	}
	if !ok {
		return cmdutil.ErrCancelled
	}
	o.confirmedTo = re.to
	return nil
}

func confirmRelink(o *LinkOptions, re *errRelink) (bool, error) {
	ok := false
	safe := iostreams.SafeText
	err := huh.NewForm(huh.NewGroup(huh.NewConfirm().
		Title(fmt.Sprintf("Brand %s is linked to account %s. Link it to %s instead?", safe(o.Brand), safe(re.from), safe(re.to))).
		Description(safe(relinkConsequence(re.from, re.to))).
		Affirmative("Re-link").Negative("Keep " + safe(re.from)).Value(&ok))).
		WithInput(o.Factory.IOStreams.In).
		WithOutput(o.Factory.IOStreams.ErrOut).
		WithAccessible(o.Factory.Accessible()).
		Run()
	if errors.Is(err, huh.ErrUserAborted) {
		return false, cmdutil.ErrCancelled
	}
	return ok, err
}
