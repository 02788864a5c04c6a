// Package durfmt writes durations for people: the two largest units, as
// "2y 3d", "5h 12m" or "45s", rather than time.Duration's "54385h53m0s".
package durfmt

import (
	"strconv"
	"time"
)

var units = []struct {
	suffix string
	size   time.Duration
}{
	{"y", 365 * 24 * time.Hour},
	{"d", 24 * time.Hour},
	{"h", time.Hour},
	{"m", time.Minute},
	{"s", time.Second},
}

// Short is d (its absolute value) in at most two units, truncated to the
// smaller one: 1h59m59s is "1h 59m", 54385h53m is "6y 76d". Below a second
// it is "0s".
func Short(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	for i, u := range units {
		if d < u.size {
			continue
		}
		n := d / u.size
		s := strconv.FormatInt(int64(n), 10) + u.suffix
		if i+1 < len(units) {
			next := units[i+1]
			if m := (d - n*u.size) / next.size; m > 0 {
				s += " " + strconv.FormatInt(int64(m), 10) + next.suffix
			}
		}
		return s
	}
	return "0s"
}
