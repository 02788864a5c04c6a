package democmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ciamctl/ciamctl/internal/cmdutil"
	"github.com/ciamctl/ciamctl/internal/emulator/ciamemu"
)

// preflightUsers join the CIAM before the pre-flight: carol signs up with
// alice's mobile written the national way, dave with alice's email in
// capitals, and erin gives neither.
var preflightUsers = []ciamemu.User{
	{Username: "carol", Password: "password", GivenName: "Carol", FamilyName: "Clark", Email: "carol@example.com", PhoneNumber: "+44 (0)7700 900001"},
	{Username: "dave", Password: "password", GivenName: "Dave", FamilyName: "Dunn", Email: "ALICE@Example.com", PhoneNumber: "+1 202 555 0199"},
	{Username: "erin", Password: "password", GivenName: "Erin"},
}

// preflight exports the CIAM's users (as `sandbox --export-users` does) and
// maps them all, as the gateway will, before anyone logs in: the summary
// shows who cannot be created and who would merge into one customer.
func (j *journey) preflight(ctx context.Context) error {
	for _, u := range preflightUsers {
		if _, ok := j.sb.CIAM.FindUser(u.Username); !ok {
			j.sb.CIAM.AddUser(u)
		}
	}
	path := filepath.Join(j.dir, "users.jsonl")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	err = j.sb.CIAM.ExportUsers(f, j.sb.Issuer)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("exporting the CIAM's users: %w", err)
	}
	fmt.Fprintf(j.f.IOStreams.Out, "  %d users exported to users.jsonl, one claims object per line (ciamctl sandbox --export-users)\n", len(j.sb.CIAM.Users()))

	// The summary goes to stderr; here it is part of the walkthrough.
	ios := *j.f.IOStreams
	ios.ErrOut = ios.Out
	f2 := *j.f
	f2.IOStreams = &ios
	args := []string{"mapping", "dry-run", "--brand", j.brand, "--batch", path}
	cs := j.f.IOStreams.ColorScheme()
	fmt.Fprintf(ios.Out, "%s %s\n", cs.Gray("$"), displayArgs([]string{"mapping", "dry-run", "--brand", j.brand, "--batch", "users.jsonl"}, nil))
	// Exit 1 is the finding: profiles that fail or collide.
	if err := j.opts.Run(ctx, childFactory(&f2, j.env), args); err != nil && !errors.Is(err, cmdutil.ErrFailed) {
		return fmt.Errorf("mapping dry-run --batch: %w", err)
	}
	return nil
}
