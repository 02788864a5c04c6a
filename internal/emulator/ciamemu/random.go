package ciamemu

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"sync"
)

// randomness hands out bytes: crypto/rand normally, a ChaCha8 stream per purpose when seeded, so that
// e.g. adding a user does not change the keys.
type randomness struct {
	seed string
	mu   sync.Mutex
	n    map[string]int
}

func (r *randomness) reader(purpose string) io.Reader {
	if r.seed == "" {
		return rand.Reader
	}
	r.mu.Lock()
	if r.n == nil {
		r.n = map[string]int{}
	}
	r.n[purpose]++
	k := sha256.Sum256([]byte(fmt.Sprintf("%s/%s/%d", r.seed, purpose, r.n[purpose])))
	r.mu.Unlock()
	return mrand.NewChaCha8(k)
}

func (r *randomness) uuid() string {
	var b [16]byte
	_, _ = io.ReadFull(r.reader("uuid"), b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (r *randomness) token(prefix string) string {
	var b [24]byte
	_, _ = io.ReadFull(r.reader("token"), b[:])
	return fmt.Sprintf("%s%x", prefix, b)
}
