package jwks

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"time"
)

// leafCert is what the key checks read from an x5c certificate.
type leafCert struct {
	notAfter time.Time
	pub      crypto.PublicKey
}

// parseLeaf reads an x5c certificate's expiry and public key. crypto/x509
// refuses negative serial numbers since Go 1.23 (RFC 5280 forbids them),
// yet Microsoft's signing certificates of 2014–2017 have one, and the
// providers' own libraries (.NET, Java, OpenSSL) read them. Only for that
// case are the two fields read from the TBSCertificate directly; the rest
// of the program, TLS included, keeps crypto/x509's strict rule, which a
// program-wide GODEBUG x509negativeserial=1 would relax. Verification never
// uses the certificate: it is only compared with the JWK and its expiry shown.
func parseLeaf(der []byte) (leafCert, error) {
	cert, err := x509.ParseCertificate(der)
	if err == nil {
		return leafCert{notAfter: cert.NotAfter, pub: cert.PublicKey}, nil
	}
	if leaf, ok := parseNegativeSerial(der); ok {
		return leaf, nil
	}
	return leafCert{}, err
}

// parseNegativeSerial accepts a well-formed certificate whose only fault
// is a negative serial number. RFC 5280 §4.1: Certificate is a SEQUENCE of
// tbsCertificate, signatureAlgorithm and signatureValue; tbsCertificate
// begins [0] version (optional), serialNumber, signature, issuer, validity,
// subject, subjectPublicKeyInfo, and what follows is not needed here.
func parseNegativeSerial(der []byte) (leafCert, bool) {
	var outer struct {
		TBS       asn1.RawValue
		SigAlg    pkix.AlgorithmIdentifier
		Signature asn1.BitString
	}
	if rest, err := asn1.Unmarshal(der, &outer); err != nil || len(rest) != 0 ||
		outer.TBS.Class != asn1.ClassUniversal || outer.TBS.Tag != asn1.TagSequence {
		return leafCert{}, false
	}
	var fields []asn1.RawValue
	for rest := outer.TBS.Bytes; len(rest) > 0 && len(fields) < 7; {
		var f asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &f); err != nil {
			return leafCert{}, false
		}
		fields = append(fields, f)
	}
	if len(fields) > 0 && fields[0].Class == asn1.ClassContextSpecific && fields[0].Tag == 0 {
		fields = fields[1:] // version
	}
	if len(fields) < 6 {
		return leafCert{}, false
	}
	var serial *big.Int
	if rest, err := asn1.Unmarshal(fields[0].FullBytes, &serial); err != nil || len(rest) != 0 || serial.Sign() >= 0 {
		return leafCert{}, false
	}
	var validity struct{ NotBefore, NotAfter time.Time }
	if rest, err := asn1.Unmarshal(fields[3].FullBytes, &validity); err != nil || len(rest) != 0 {
		return leafCert{}, false
	}
	pub, err := x509.ParsePKIXPublicKey(fields[5].FullBytes)
	if err != nil {
		return leafCert{}, false
	}
	return leafCert{notAfter: validity.NotAfter, pub: pub}, true
}
