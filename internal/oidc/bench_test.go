package oidc

import "testing"

func BenchmarkVerifyRS256(b *testing.B) {
	v := mustVerifier(b, testPolicy(), StaticSource{S: standardSet(b)})
	tok := mint(b, goodClaims())
	b.ReportAllocs()
	for b.Loop() {
		if res := v.Verify(b.Context(), tok); !res.Valid {
			b.Fatal(res.Error)
		}
	}
}
