// Package mapping reproduces the gateway's claim mapping as a dry run: from ID token claims and a brand's
// mappings (platform field → claim name or JSON Pointer) to the customer profile, the exact
// `POST /v2/customers` body, and the problems an operator must fix.
package mapping
