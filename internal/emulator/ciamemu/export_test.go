package ciamemu

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestExportUsersAndTokens(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	s := New(Options{Seed: "export", Now: func() time.Time { return now }})
	s.AddUser(User{Username: "carol", Email: "Carol@Example.com"})
	var users bytes.Buffer
	if err := s.ExportUsers(&users, "https://id.example/"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(users.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), users.String())
	}
	var alice map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &alice); err != nil {
		t.Fatal(err)
	}
	if alice["sub"] == "" || alice["email"] != "alice@example.com" || alice["https://id.example/claims/mobile"] != "+44 7700 900001" ||
		alice["contact"].(map[string]any)["email"] != "alice@example.com" {
		t.Errorf("alice: %v", alice)
	}
	if !strings.Contains(lines[2], `"email":"Carol@Example.com"`) {
		t.Errorf("carol: %s", lines[2])
	}

	var toks bytes.Buffer
	if err := s.ExportTokens(&toks, TokenOptions{Issuer: "https://id.example/"}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(toks.String(), "\n"); n != 3 || strings.Count(strings.SplitN(toks.String(), "\n", 2)[0], ".") != 2 {
		t.Errorf("tokens:\n%s", toks.String())
	}
}
