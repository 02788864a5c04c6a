package oidc

import (
	"context"
	"sync"

	"github.com/ciamctl/ciamctl/internal/jwks"
)

// keyState is the key set as seen by one Verify call or one batch: loaded
// once, and refreshed at most once, so a stream of tokens with unknown kids
// cannot turn into a stream of requests to the identity provider.
type keyState struct {
	src KeySource

	mu         sync.Mutex
	loaded     bool
	set        *jwks.Set
	err        error
	refreshed  bool
	refreshErr error
}

func newKeyState(src KeySource) *keyState { return &keyState{src: src} }

func (k *keyState) current(ctx context.Context) (*jwks.Set, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.loaded {
		k.set, k.err = k.src.Set(ctx)
		k.loaded = true
	}
	return k.set, k.err
}

// refresh forces one refetch; later calls return the refreshed set and
// didNow=false. Concurrent callers wait for the one refetch in flight.
func (k *keyState) refresh(ctx context.Context) (set *jwks.Set, didNow bool, err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.refreshed {
		return k.set, false, k.refreshErr
	}
	k.refreshed = true
	set, err = k.src.Refresh(ctx)
	k.refreshErr = err
	if err == nil {
		// A failed refresh keeps the set other tokens are using.
		k.set, k.err, k.loaded = set, nil, true
	}
	return k.set, true, err
}

// StaticSource serves one parsed set; Refresh returns it unchanged.
type StaticSource struct{ S *jwks.Set }

func (s StaticSource) Set(context.Context) (*jwks.Set, error)     { return s.S, nil }
func (s StaticSource) Refresh(context.Context) (*jwks.Set, error) { return s.S, nil }

// FetcherSource loads a URL or file through a jwks.Fetcher and keeps the set
// in memory until Refresh replaces it.
type FetcherSource struct {
	Fetcher  *jwks.Fetcher
	Location string

	mu  sync.Mutex
	set *jwks.Set
}

// NewFetcherSource returns a KeySource over f for location (URL or path).
func NewFetcherSource(f *jwks.Fetcher, location string) *FetcherSource {
	return &FetcherSource{Fetcher: f, Location: location}
}

// NewFileSource returns a KeySource for a JWKS file; Refresh re-reads it.
func NewFileSource(path string) *FetcherSource {
	return NewFetcherSource(&jwks.Fetcher{NoCache: true}, path)
}

func (s *FetcherSource) Set(ctx context.Context) (*jwks.Set, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.set != nil {
		return s.set, nil
	}
	set, err := s.Fetcher.Load(ctx, s.Location)
	if err != nil {
		return nil, err
	}
	s.set = set
	return set, nil
}

func (s *FetcherSource) Refresh(ctx context.Context) (*jwks.Set, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	set, err := s.Fetcher.Refresh(ctx, s.Location)
	if err != nil {
		// Keep serving the previous set to other tokens; this one fails.
		return nil, err
	}
	s.set = set
	return set, nil
}
