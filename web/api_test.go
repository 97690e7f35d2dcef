package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

// apiResponse is what a test got back from the API.
type apiResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a fresh value of T.
func decodeAPI[T any](t *testing.T, r apiResponse) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("decode %T from %d %s: %v", v, r.Status, r.Body, err)
	}
	return v
}

// problem decodes a problem response and checks its media type.
func (r apiResponse) problem(t *testing.T) apiProblem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("status %d with Content-Type %q, want application/problem+json: %s", r.Status, ct, r.Body)
	}
	return decodeAPI[apiProblem](t, r)
}

// apiReq is one request to the API: through c (a session client, or an
// anonymous one), with body marshalled as JSON when not nil, and headers
// as name, value pairs (an Authorization header makes it a token call).
func (ts *testServer) apiReq(c *http.Client, method, path string, body any, headers ...string) apiResponse {
	ts.t.Helper()
	var rd io.Reader
	if raw, ok := body.([]byte); ok {
		rd = bytes.NewReader(raw)
	} else if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			ts.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, ts.URL+apiPrefix+path, rd)
	if err != nil {
		ts.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return apiResponse{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// apiBearer is the Authorization header pair of a token.
func apiBearer(token string) []string { return []string{"Authorization", "Bearer " + token} }

// apiCreateToken creates a token for u through the API with u's session and
// returns its secret.
func (ts *testServer) apiCreateToken(u *beian.User, name string, scopes ...string) (string, apiToken) {
	ts.t.Helper()
	r := ts.apiReq(ts.client(u), "POST", "/tokens", map[string]any{"name": name, "scopes": scopes})
	if r.Status != http.StatusCreated {
		ts.t.Fatalf("create token for %s: %d %s", u.Login, r.Status, r.Body)
	}
	created := decodeAPI[apiCreatedToken](ts.t, r)
	return created.Token, created.apiToken
}

// order reads an order straight from the store, to check what the API did.
func (ts *testServer) apiStoredOrder(id string) *beian.Order {
	ts.t.Helper()
	var o *beian.Order
	ts.update(func(tx beian.Tx) error {
		var err error
		o, err = tx.FindOrder(context.Background(), id)
		return err
	})
	return o
}

// apiDraftOrder creates a draft of type first_filing in province for u
// through the workflow, holding snap with its materials (which the API
// cannot upload).
func (ts *testServer) apiDraftOrder(u *beian.User, province string, snap beian.Snapshot) *beian.Order {
	ts.t.Helper()
	ctx := context.Background()
	o, err := ts.Workflow.CreateOrder(ctx, u, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: province})
	if err != nil {
		ts.t.Fatal(err)
	}
	if o, _, err = ts.Workflow.SaveDraft(ctx, u, o.ID, o.Version, snap); err != nil {
		ts.t.Fatal(err)
	}
	return o
}

// apiResourceFor gives the account an eligible resource (a mainland ECS
// prepaid for a year) and returns its ID.
func (ts *testServer) apiResourceFor(accountID, externalID string) string {
	ts.t.Helper()
	r := &beian.Resource{ExternalID: externalID, AccountID: accountID, Kind: beian.ResourceECS, Name: externalID, Region: "cn-north-4",
		Mainland: true, Billing: beian.BillingPrepaid, TermMonths: 12, ExpiresAt: ts.Clock.Now().AddDate(1, 0, 0),
		PublicIPs: []netip.Addr{netip.MustParseAddr("121.36.10.20")}, FilingsMax: 5}
	ts.update(func(tx beian.Tx) error {
		_, err := tx.PutResource(context.Background(), r)
		return err
	})
	return r.ID
}

// apiVerifyBody is the filing-type check of a fixture snapshot's subject
// and first website, with a resource.
func apiVerifyBody(snap beian.Snapshot, resourceID string) map[string]any {
	s := snap.Subject
	return map[string]any{"province": s.Province, "nature": s.Nature, "subject_name": s.Name, "certificate_type": s.CertificateType,
		"certificate_number": s.CertificateNumber, "service_kind": "website", "service_name": snap.Websites[0].Domains[0], "resource_id": resourceID}
}

// apiTestVideo is the start of an MP4 file: enough for the container check.
var apiTestVideo = append([]byte{0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0}, bytes.Repeat([]byte("mdat"), 4096)...)
