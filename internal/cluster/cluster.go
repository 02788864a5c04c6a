// Package cluster names the platform's API clusters (INTOUCH.md, "Hosts"): the presets a brand file's
// `cluster`, the --cluster flag and CIAMCTL_INTOUCH_URL may name instead of a URL.
package cluster

import (
	"fmt"
	"strings"
)

// A preset and its API host (one host serves v1.1/v2/v3).
type preset struct{ name, url string }

// presets, sorted by name. India's host is under .co.in; apac is its older name, kept as an alias. (A slice of
// literals, not a map: the linker lays it out, so nothing runs for it when ciamctl starts.)
var presets = []preset{
	{"apac", "https://apac.api.capillary.co.in"},
	{"apac2", "https://apac2.api.capillarytech.com"},
	{"china", "https://api.capillarytech.cn.com"},
	{"eu", "https://eu.api.capillarytech.com"},
	{"india", "https://apac.api.capillary.co.in"},
	{"us", "https://us.api.capillarytech.com"},
}

// commonNames are what people call the clusters, for suggestions only.
var commonNames = []preset{
	{"america", "us"}, {"cn", "china"}, {"eur", "eu"}, {"europe", "eu"}, {"in", "india"}, {"ind", "india"}, {"usa", "us"},
}

func find(table []preset, name string) (string, bool) {
	for _, p := range table {
		if p.name == name {
			return p.url, true
		}
	}
	return "", false
}

// Names returns the preset names, sorted, for help texts and messages.
func Names() []string {
	names := make([]string, len(presets))
	for i, p := range presets {
		names[i] = p.name
	}
	return names
}

// Lookup returns the base URL of a preset named exactly so (as a brand file must).
func Lookup(name string) (string, bool) { return find(presets, name) }

// URL returns the base URL of a preset, compared case-insensitively; ok is false for an unknown name.
func URL(name string) (string, bool) {
	return find(presets, strings.ToLower(strings.TrimSpace(name)))
}

// Check accepts a preset name exactly as listed; anything else is an error that suggests the closest preset.
func Check(name string) error {
	if _, ok := Lookup(name); ok {
		return nil
	}
	msg := fmt.Sprintf("%q is not a cluster preset", name)
	if s := Suggest(name); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return fmt.Errorf("%s (presets: %s; apac is india's older name)", msg, strings.Join(Names(), ", "))
}

// Suggest returns the preset closest to name (same letters in another case, a host of a preset, or at most
// two edits away), or "".
func Suggest(name string) string {
	lower := strings.ToLower(strings.TrimSpace(name))
	if _, ok := Lookup(lower); ok {
		return lower
	}
	if n, ok := find(commonNames, lower); ok {
		return n
	}
	for _, p := range presets {
		if host := strings.TrimPrefix(p.url, "https://"); lower == host || lower == p.url {
			if p.name == "apac" {
				return "india"
			}
			return p.name
		}
	}
	best, bestDist := "", 3
	for _, n := range Names() {
		if d := distance(lower, n); d < bestDist && d < len(n) {
			best, bestDist = n, d
		}
	}
	return best
}

// distance counts the edits (insert, delete, replace, swap two neighbours) between two short ASCII strings:
// the optimal string alignment distance, so a typo like "apca2" is one edit from "apac2".
func distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
