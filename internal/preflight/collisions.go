package preflight

import (
	"slices"
)

// Limits of what the summary lists; the counts are always exact.
const (
	MaxGroups     = 20 // groups listed per kind: those seen first in the input
	MaxGroupLines = 5  // lines listed per group: its first
)

// Collisions are the identifiers several profiles hold, by kind.
type Collisions struct {
	Email  KindCollisions `json:"email"`
	Mobile KindCollisions `json:"mobile"`
	CUID   KindCollisions `json:"cuid"`
}

// KindCollisions counts one kind: Identifiers held more than once, and
// the Profiles involved. For email and mobile a group's Count is the
// number of distinct subs holding the identifier (those customers would
// merge on the platform); for cuid it is the number of lines with the same
// sub (one customer, several profiles). Groups lists the first MaxGroups
// groups in input order, each with its first MaxGroupLines lines. The
// identifiers themselves are never kept, so the summary carries none.
type KindCollisions struct {
	Identifiers int64   `json:"identifiers"`
	Profiles    int64   `json:"profiles"`
	Groups      []Group `json:"groups"`
}

// Group is one identifier held more than once.
type Group struct {
	Count int64   `json:"count"`
	Lines []int64 `json:"lines"`
}

func (c *Collisions) of(k Kind) *KindCollisions {
	switch k {
	case KindEmail:
		return &c.Email
	case KindMobile:
		return &c.Mobile
	}
	return &c.CUID
}

// Collisions merges the index in key order and reports every identifier
// held by more than one profile. The index can still be closed after.
func (x *Index) Collisions() (Collisions, error) {
	c := Collisions{}
	for k := range kindCount {
		c.of(k).Groups = []Group{}
	}
	srcs, closeAll, err := x.sources()
	if err != nil {
		return c, err
	}
	defer closeAll()

	var g groupState
	flush := func() {
		if !g.open {
			return
		}
		g.open = false
		count := g.subs
		if g.kind == KindCUID {
			count = g.records
		}
		if count < 2 {
			return
		}
		kc := c.of(g.kind)
		kc.Identifiers++
		kc.Profiles += count
		keepGroup(kc, Group{Count: count, Lines: slices.Clone(g.lines[:g.nLines])})
	}
	err = merge(srcs, func(r record) error {
		if !g.open || r.hi != g.hi || r.lo != g.lo {
			flush()
			g = groupState{open: true, hi: r.hi, lo: r.lo, kind: r.kind(), sub: r.sub, subs: 1}
		} else if r.sub != g.sub {
			g.sub = r.sub
			g.subs++
		}
		g.records++
		g.addLine(int64(r.line))
		return nil
	})
	flush()
	return c, err
}

// groupState is the group being read: records of one key, sorted by sub
// then line.
type groupState struct {
	open          bool
	hi, lo        uint64
	kind          Kind
	sub           uint64
	subs, records int64
	lines         [MaxGroupLines]int64
	nLines        int
}

// addLine keeps the smallest MaxGroupLines lines, sorted.
func (g *groupState) addLine(line int64) {
	if g.nLines == MaxGroupLines && line >= g.lines[MaxGroupLines-1] {
		return
	}
	i := g.nLines
	if i == MaxGroupLines {
		i--
	} else {
		g.nLines++
	}
	for i > 0 && g.lines[i-1] > line {
		g.lines[i] = g.lines[i-1]
		i--
	}
	g.lines[i] = line
}

// keepGroup keeps the MaxGroups groups whose first line comes first,
// sorted by it.
func keepGroup(kc *KindCollisions, grp Group) {
	first := grp.Lines[0]
	if len(kc.Groups) == MaxGroups && first >= kc.Groups[MaxGroups-1].Lines[0] {
		return
	}
	i, _ := slices.BinarySearchFunc(kc.Groups, first, func(g Group, l int64) int { return cmpU64(uint64(g.Lines[0]), uint64(l)) })
	kc.Groups = slices.Insert(kc.Groups, i, grp)
	if len(kc.Groups) > MaxGroups {
		kc.Groups = kc.Groups[:MaxGroups]
	}
}
