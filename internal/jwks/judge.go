package jwks

import (
	"fmt"
	"slices"
	"strings"
)

// problemClass decides a problem's severity once the algorithms a verifier
// accepts are known: a key a brand would never use is not the brand's error.
type problemClass uint8

const (
	// classNote: worth knowing, the key is still usable (duplicate kid,
	// expired certificate). Always a warning.
	classNote problemClass = iota
	// classNotForSigning: the key is for something else (use: enc, an
	// encryption alg, an X25519 curve). Always a warning.
	classNotForSigning
	// classUnfit: the key is weak or broken (RSA-1024, small-order Ed25519,
	// alg not fitting the key). An error when an allowed algorithm would use
	// a key of its type, else a warning.
	classUnfit
	// classLeak: secret material is published (oct, private members), or
	// the set is empty. Always an error.
	classLeak
	// classNoUsableKey: no usable key verifies an allowed algorithm.
	classNoUsableKey
)

// Judgement is a key set judged against an algorithm allow-list.
type Judgement struct {
	Algorithms []string  // the allow-list judged against, sorted
	Problems   []Problem // every problem, with its severity for this list
	Usable     int       // usable keys that verify an allowed algorithm
}

// Valid reports whether a verifier with this allow-list has a key to use
// and nothing in the set is an error for it.
func (j Judgement) Valid() bool {
	return j.Usable > 0 && !slices.ContainsFunc(j.Problems, func(p Problem) bool { return p.Severity == SeverityError })
}

// SignatureAlgorithms lists every algorithm ciamctl can verify, sorted.
func SignatureAlgorithms() []string { return slices.Clone(signatureAlgs) }

// Judge weighs the set's problems against algs (empty: every supported
// algorithm; names that are not signature algorithms are ignored): a weak
// or broken key is an error only when an allowed algorithm would use a key
// of its type, and the set is an error only when no usable key verifies an
// allowed algorithm. Verification never uses an unusable key either way.
func (s *Set) Judge(algs []string) Judgement {
	allowed := map[string]bool{}
	for _, a := range algs {
		if IsSignatureAlg(a) {
			allowed[a] = true
		}
	}
	every := map[string]bool{}
	for _, a := range signatureAlgs {
		every[a] = true
	}
	all := len(allowed) == 0 || len(allowed) == len(every)
	if len(allowed) == 0 {
		allowed = every
	}
	j := Judgement{Problems: make([]Problem, 0, len(s.found)+1)}
	for a := range allowed {
		j.Algorithms = append(j.Algorithms, a)
	}
	slices.Sort(j.Algorithms)
	list := strings.Join(j.Algorithms, ", ")

	for _, p := range s.found {
		p.Severity = SeverityWarning
		switch p.class {
		case classLeak:
			p.Severity = SeverityError
		case classUnfit:
			k := s.Keys[p.key]
			switch {
			case wouldUse(k, allowed):
				p.Severity = SeverityError
			case !all && wouldUse(k, every):
				p.Message += fmt.Sprintf(" (not an error here: the allowed algorithms, %s, never use this key)", list)
			}
		}
		j.Problems = append(j.Problems, p)
	}
	for _, k := range s.Keys {
		if k.Usable && wouldUse(k, allowed) {
			j.Usable++
		}
	}
	if len(s.Keys) > 0 && j.Usable == 0 {
		msg := "no key in the set can verify signatures"
		if !all {
			msg = fmt.Sprintf("no usable key in the set verifies an allowed algorithm (%s)", list)
		}
		j.Problems = append(j.Problems, Problem{Message: msg, Severity: SeverityError, key: -1, class: classNoUsableKey})
	}
	return j
}

// wouldUse reports whether a verifier allowing these algorithms would pick
// this key for one of them: by its alg when it has one, else by its type.
func wouldUse(k KeyInfo, allowed map[string]bool) bool {
	if k.Alg != "" {
		_, ok := allowed[k.Alg]
		return ok
	}
	for a := range allowed {
		if AlgFits(a, k.Kty, k.Curve) {
			return true
		}
	}
	return false
}
