// Command rsafloor is the floor for `token verify --batch`: it reads RS256
// tokens one per line, like the batch does, and checks only their
// signatures with the standard library (split at the dots, base64url,
// SHA-256, rsa.VerifyPKCS1v15) on every core, writing one short line per
// token. perf.sh runs it on the same file as ciamctl, interleaved, and
// reports ciamctl's throughput as a share of this one.
//
//	rsafloor JWKS_FILE TOKENS_FILE > /dev/null
package main

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"runtime"
	"strconv"
	"sync"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: rsafloor JWKS_FILE TOKENS_FILE")
		os.Exit(2)
	}
	pub, err := rsaKey(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "rsafloor:", err)
		os.Exit(1)
	}
	in, err := os.Open(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "rsafloor:", err)
		os.Exit(1)
	}
	defer in.Close()

	type chunk struct {
		lines [][]byte
		out   chan []byte
	}
	workers := runtime.NumCPU()
	jobs := make(chan *chunk, workers)
	order := make(chan *chunk, workers*2)
	go func() {
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64<<10), 64<<10)
		c := &chunk{out: make(chan []byte, 1)}
		for sc.Scan() {
			c.lines = append(c.lines, bytes.Clone(sc.Bytes()))
			if len(c.lines) == 32 {
				order <- c
				jobs <- c
				c = &chunk{out: make(chan []byte, 1)}
			}
		}
		if len(c.lines) > 0 {
			order <- c
			jobs <- c
		}
		close(order)
		close(jobs)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				var out []byte
				for _, tok := range c.lines {
					dot := bytes.LastIndexByte(tok, '.')
					sig := make([]byte, base64.RawURLEncoding.DecodedLen(len(tok)-dot-1))
					n, err := base64.RawURLEncoding.Decode(sig, tok[dot+1:])
					ok := err == nil
					if ok {
						h := sha256.Sum256(tok[:dot])
						ok = rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig[:n]) == nil
					}
					out = strconv.AppendBool(append(out, `{"valid":`...), ok)
					out = append(out, "}\n"...)
				}
				c.out <- out
			}
		}()
	}
	w := bufio.NewWriterSize(os.Stdout, 64<<10)
	for c := range order {
		w.Write(<-c.out)
	}
	w.Flush()
	wg.Wait()
}

// rsaKey reads the first RSA key of a JWKS file.
func rsaKey(path string) (*rsa.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var set struct {
		Keys []struct{ Kty, N, E string }
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, err
	}
	for _, k := range set.Keys {
		if k.Kty != "RSA" {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s: bad RSA key", path)
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
	}
	return nil, fmt.Errorf("%s: no RSA key", path)
}
