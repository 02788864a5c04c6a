package intouch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ciamctl/ciamctl/internal/intouch"
)

// Lenient about the reference's variations, strict about what the client acts on: ids and codes.
func TestDecodingIsStrictAboutIDsAndCodes(t *testing.T) {
	bad := map[string]string{
		"createdId missing":      `{"warnings": []}`,
		"createdId not a number": `{"createdId": "abc", "warnings": []}`,
		"createdId fractional":   `{"createdId": 12.5, "warnings": []}`,
		"createdId boolean":      `{"createdId": true}`,
		"code not a number":      `{"createdId": 1, "warnings": [{"code": "eighty", "message": "x"}]}`,
	}
	for name, body := range bad {
		var r intouch.AddCustomerResponse
		if err := json.Unmarshal([]byte(body), &r); err == nil {
			t.Errorf("%s: decoded %+v without an error", name, r)
		}
	}
	var c intouch.Customer
	if err := json.Unmarshal([]byte(`{"profiles": []}`), &c); err == nil {
		t.Error("a customer without id must not decode")
	}
	var a intouch.ChannelAccount
	if err := json.Unmarshal([]byte(`{"id": "x", "name": "n"}`), &a); err == nil {
		t.Error("a channel account with a non-numeric id must not decode")
	}
	var it intouch.Item
	if err := json.Unmarshal([]byte(`{"status": "false", "code": " 8015 ", "message": "m"}`), &it); err != nil || it.Code != 8015 || it.Status {
		t.Errorf("string code and status: %+v %v", it, err)
	}
	var ch intouch.CommChannel
	if err := json.Unmarshal([]byte(`{"type": "mobile", "primary": "maybe"}`), &ch); err == nil {
		t.Error(`"primary": "maybe" is not a boolean`)
	}
	if err := json.Unmarshal([]byte(`{"id": 7, "toMirror": 1, "isActive": "TRUE"}`), &a); err != nil || !a.ToMirror || !a.IsActive {
		t.Errorf("toMirror 1 and isActive \"TRUE\": %+v %v", a, err)
	}
}

// A lookup that answers 200 without an entity is an error, never "not found" (which would create a twin).
func TestLookupWithoutEntityIsAnError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"warnings": []}`))
	}))
	defer srv.Close()
	c := basicClient(t, srv.URL)
	res, err := c.Lookup(context.Background(), intouch.SourceOAuthExternal, sampleAccount, intouch.IdentifierEmail, "a@example.com")
	if err == nil || res.Found {
		t.Fatalf("want an error, got %+v", res)
	}
}

func TestMandatoryFieldNamedInTheMessage(t *testing.T) {
	for msg, want := range map[string]string{
		"Mandatory field is missing. Field lastName is mandatory":      "lastName",
		"Mandatory field is missing. Field {dateofbirth} is mandatory": "dateofbirth",
		"mandatory field is missing":                                   "(unnamed)",
		"V2 is not enabled for the org":                                "",
		"Access denied":                                                "",
	} {
		e := &intouch.APIError{Status: 403, Message: msg}
		if got := e.MandatoryField(); got != want {
			t.Errorf("%q: field %q, want %q", msg, got, want)
		}
	}
}

// The endpoint table says which calls are inferred; a failing inferred call says so, and --debug notes it
// before the call.
func TestInferredCallsAreNamed(t *testing.T) {
	for _, id := range intouch.EndpointIDs() {
		ep := intouch.EndpointOf(id)
		if inferred := !ep.Documented(); inferred != (id == intouch.EPCreateSource) {
			t.Errorf("%s: inferred=%v", id, inferred)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"errors": [{"status": false, "code": 8013, "message": "Customer identifier is invalid"}]}`))
	}))
	defer srv.Close()
	var debug bytes.Buffer
	c, err := intouch.New(intouch.Config{BaseURL: srv.URL, OrgID: sampleOrg, Username: "u", Password: "p", MaxRetries: -1, Debug: &debug})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = c.Lookup(ctx, intouch.SourceOAuthExternal, sampleAccount, intouch.IdentifierCUID, sampleCUID)
	if err == nil || !strings.Contains(err.Error(), "inferred call: ") || !strings.Contains(err.Error(), "cuid") {
		t.Errorf("a failed lookup by cuid must name the inference: %v", err)
	}
	if !strings.Contains(debug.String(), "is an inferred call") {
		t.Errorf("--debug does not note the inferred call:\n%s", debug.String())
	}
	debug.Reset()
	_, err = c.Lookup(ctx, intouch.SourceOAuthExternal, sampleAccount, intouch.IdentifierEmail, "a@example.com")
	if err == nil || strings.Contains(err.Error(), "inferred") || strings.Contains(debug.String(), "inferred") {
		t.Errorf("a lookup by email is documented: %v\n%s", err, debug.String())
	}
}

// The hint says what can be done: map a claim for a field the gateway sends, else relax the org's rule.
func TestMandatoryFieldHint(t *testing.T) {
	for field, want := range map[string]string{
		"lastName":    "map a claim the CIAM sends to lastName",
		"email":       "map a claim the CIAM sends to email",
		"dateofbirth": `the gateway sends only names, mobile and email (other data goes through a separate INSTORE registration): have the org's admin make "dateofbirth" optional`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"errors": [{"status": false, "code": 403, "message": "Mandatory field is missing. Field ` + field + ` is mandatory"}]}`))
		}))
		_, err := basicClient(t, srv.URL).AddCustomer(context.Background(), newCustomerRequest(sampleCUID, "", "a@example.com"))
		srv.Close()
		var ae *intouch.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("%s: %v", field, err)
		}
		if !strings.Contains(ae.Hint, want) || !strings.Contains(ae.Hint, "Registration Configuration") {
			t.Errorf("%s: hint %q", field, ae.Hint)
		}
	}
}
