package ciamemu_test

import "encoding/base64"

func jwkBase64(seg string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(seg) }
