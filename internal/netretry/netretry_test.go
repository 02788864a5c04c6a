package netretry

import (
	"context"
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"0": 0, "5": 5 * time.Second, " 12 ": 12 * time.Second, "99999999999999": 24 * time.Hour,
		now.Add(-time.Hour).Format(http.TimeFormat): 0, now.Add(time.Minute).Format(http.TimeFormat): time.Minute,
		now.Add(1000 * time.Hour).Format(http.TimeFormat): 24 * time.Hour,
	} {
		if d, ok := ParseRetryAfter(in, now); !ok || d != want {
			t.Errorf("%q: %s %v, want %s", in, d, ok, want)
		}
	}
	for _, in := range []string{"", "-1", "soon", "1.5"} {
		if _, ok := ParseRetryAfter(in, now); ok {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestSleepStopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Sleep(ctx, time.Hour); err != context.Canceled {
		t.Errorf("Sleep on a cancelled context: %v", err)
	}
	if err := Sleep(context.Background(), 0); err != nil {
		t.Errorf("Sleep(0): %v", err)
	}
}
