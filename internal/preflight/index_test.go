package preflight

import (
	"context"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/mapping"
)

// profile is one synthetic profile: sub, email, mobile (normalised).
type profile struct{ sub, email, mobile string }

// synthetic builds n profiles where every 7th shares an email with the one
// before it, every 11th a mobile with the one 3 before it, every 13th
// repeats the sub of the one before it, and one in a thousand has the same
// placeholder email: collisions of every kind, in groups of two and one
// large group.
func synthetic(n int) []profile {
	out := make([]profile, n)
	for i := range out {
		p := profile{sub: fmt.Sprintf("u-%d", i), email: fmt.Sprintf("e%d@example.com", i), mobile: fmt.Sprintf("4477009%05d", i)}
		if i%7 == 0 && i > 0 {
			p.email = out[i-1].email
		}
		if i%1000 == 5 {
			p.email = "noemail@example.com"
		}
		if i%11 == 0 && i > 0 {
			p.mobile = out[i-3].mobile
		}
		if i%13 == 0 && i > 0 {
			p.sub = out[i-1].sub
		}
		out[i] = p
	}
	return out
}

func collide(t *testing.T, x *Index, ps []profile) Collisions {
	t.Helper()
	h := x.Hasher()
	var recs []record
	for i, p := range ps {
		recs = h.Records(recs[:0], i+1, p.sub, p.email, p.mobile)
		if err := x.Add(recs); err != nil {
			t.Fatal(err)
		}
	}
	c, err := x.Collisions()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// naive counts collisions with maps of the identifiers themselves.
func naive(ps []profile) (emails, mobiles, subs [2]int64) {
	count := func(key func(profile) string, distinctSubs bool) [2]int64 {
		holders := map[string]map[string]bool{}
		lines := map[string]int64{}
		for _, p := range ps {
			k := key(p)
			if holders[k] == nil {
				holders[k] = map[string]bool{}
			}
			holders[k][p.sub] = true
			lines[k]++
		}
		var idents, profiles int64
		for k, h := range holders {
			n := int64(len(h))
			if !distinctSubs {
				n = lines[k]
			}
			if n > 1 {
				idents++
				profiles += n
			}
		}
		return [2]int64{idents, profiles}
	}
	return count(func(p profile) string { return p.email }, true), count(func(p profile) string { return p.mobile }, true), count(func(p profile) string { return p.sub }, false)
}

// The index spilled to disk at the smallest budget (many runs, merged in
// several passes) finds exactly the collisions it finds in memory, and
// those agree with counting the identifiers themselves.
func TestIndexSpillFindsTheSameCollisions(t *testing.T) {
	ps := synthetic(20000) // 60,000 records: 469 runs of 128 at 4 KiB, more than maxFanIn
	inMemory := NewIndex(1<<30, t.TempDir())
	defer inMemory.Close()
	want := collide(t, inMemory, ps)
	if inMemory.Spilled != 0 || inMemory.Dir() != "" {
		t.Fatalf("the in-memory index spilled %d records to %q", inMemory.Spilled, inMemory.Dir())
	}

	tmp := t.TempDir()
	spilled := NewIndex(MinMemory, tmp)
	got := collide(t, spilled, ps)
	if spilled.Spilled == 0 || spilled.Dir() == "" {
		t.Fatal("a 4 KiB budget did not spill")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spilled:\n%+v\nin memory:\n%+v", got, want)
	}
	emails, mobiles, subs := naive(ps)
	for _, c := range []struct {
		name string
		kc   KindCollisions
		want [2]int64
	}{{"email", got.Email, emails}, {"mobile", got.Mobile, mobiles}, {"cuid", got.CUID, subs}} {
		if c.kc.Identifiers != c.want[0] || c.kc.Profiles != c.want[1] || c.want[0] == 0 {
			t.Errorf("%s: %d identifiers, %d profiles; counting the strings gives %v", c.name, c.kc.Identifiers, c.kc.Profiles, c.want)
		}
		if len(c.kc.Groups) != MaxGroups {
			t.Errorf("%s: %d groups listed, want %d", c.name, len(c.kc.Groups), MaxGroups)
		}
	}
	if err := spilled.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("spill files left after Close: %v", left)
	}
}

// Groups list their first lines and come in the order of their first line.
func TestIndexGroupsAndLines(t *testing.T) {
	ps := []profile{
		{"a", "x@example.com", ""}, {"b", "y@example.com", "111111111"}, {"c", "x@example.com", "111111111"},
		{"d", "x@example.com", ""}, {"a", "z@example.com", ""}, {"e", "x@example.com", ""}, {"f", "x@example.com", ""},
		{"g", "x@example.com", ""}, {"b", "y@example.com", ""},
	}
	x := NewIndex(MinMemory, t.TempDir())
	defer x.Close()
	c := collide(t, x, ps)
	want := Collisions{
		// x@ is held by a, c, d, e, f, g: six users, first five lines listed;
		// y@ twice by b alone is no merge (but b's sub is on two lines).
		Email:  KindCollisions{Identifiers: 1, Profiles: 6, Groups: []Group{{Count: 6, Lines: []int64{1, 3, 4, 6, 7}}}},
		Mobile: KindCollisions{Identifiers: 1, Profiles: 2, Groups: []Group{{Count: 2, Lines: []int64{2, 3}}}},
		CUID:   KindCollisions{Identifiers: 2, Profiles: 4, Groups: []Group{{Count: 2, Lines: []int64{1, 5}}, {Count: 2, Lines: []int64{2, 9}}}},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
}

// A cancelled run stops, and closing the index removes what it spilled.
func TestRunCancelledLeavesNoSpillFiles(t *testing.T) {
	tmp := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	x := NewIndex(MinMemory, tmp)
	opts := Options{
		Mapper: mapping.NewMapper(map[string]string{"email": "email"}, "acct"),
		Index:  x,
		Encode: func(buf []byte, line int, r *mapping.Result) []byte { return buf },
		Write:  func([]byte) error { return nil },
		Progress: func(lines int, _ int64) {
			if x.Spilled > 0 { // runs on the writer goroutine, as Add does
				cancel()
			}
		},
	}
	go func() {
		for i := 0; ; i++ {
			if _, err := fmt.Fprintf(pw, "{\"sub\":\"u-%d\",\"email\":\"e%d@example.com\"}\n", i, i); err != nil {
				return
			}
		}
	}()
	_, err := Run(ctx, pr, opts)
	pr.Close()
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("cancelled run: %v", err)
	}
	if x.Dir() == "" {
		t.Fatal("nothing was spilled before the cancel")
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("spill files left: %v", left)
	}
}
