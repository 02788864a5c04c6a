// Package intouch is a client for the loyalty platform's (Capillary "Intouch") REST API: OAuth or Basic auth,
// channel (source) accounts and the customer calls the CIAM gateway makes. Paths live in endpoints.go only.
package intouch
