package durfmt

import (
	"testing"
	"time"
)

func TestShort(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{900 * time.Millisecond, "0s"},
		{45 * time.Second, "45s"},
		{59*time.Minute + 59*time.Second, "59m 59s"},
		{time.Hour, "1h"},
		{2*time.Hour + 5*time.Minute + 30*time.Second, "2h 5m"},
		{26 * time.Hour, "1d 2h"},
		{54385*time.Hour + 53*time.Minute, "6y 76d"},
		{2*365*24*time.Hour + 3*24*time.Hour + 5*time.Hour, "2y 3d"},
		{-90 * time.Second, "1m 30s"},
	} {
		if got := Short(c.d); got != c.want {
			t.Errorf("Short(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}
