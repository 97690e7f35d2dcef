package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/openbeian/beian/internal/testenv"
)

// TestOpenAPIFresh fails while docs/openapi.json differs from the document
// the code generates, so CI catches an API change committed without it.
func TestOpenAPIFresh(t *testing.T) {
	want, err := OpenAPIJSON()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../docs/openapi.json")
	if err != nil {
		t.Fatalf("read docs/openapi.json: %v (run `go generate ./web` to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("docs/openapi.json is stale: run `go generate ./web` (or `go run ./web/internal/openapigen -o docs/openapi.json` " +
			"from the repository root) and commit the result")
	}
	again, _ := OpenAPIJSON()
	if fresh := apiFreshSpec(t); !bytes.Equal(fresh, again) {
		t.Fatal("two generations of the OpenAPI document differ: the output is not deterministic")
	}
}

// apiFreshSpec builds the document anew, bypassing OpenAPIJSON's cache.
func apiFreshSpec(t *testing.T) []byte {
	t.Helper()
	s := &Server{log: apiDiscardLogger()}
	b, err := apiCanonicalSpec(s.newAPI(http.NewServeMux()).OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAPISchemaDocumented holds the document to what integrators need:
// every operation has an ID, a tag, a summary and a description; every
// property of every schema says what it is; names are snake_case.
func TestAPISchemaDocumented(t *testing.T) {
	s := &Server{log: apiDiscardLogger()}
	doc := s.newAPI(http.NewServeMux()).OpenAPI()
	for path, item := range doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op == nil {
				continue
			}
			if op.OperationID == "" || len(op.Tags) == 0 || op.Summary == "" || op.Description == "" {
				t.Errorf("%s: operation %q lacks an ID, tag, summary or description", path, op.OperationID)
			}
			for _, p := range op.Parameters {
				if p.Description == "" {
					t.Errorf("%s %s: parameter %s is undocumented", path, op.OperationID, p.Name)
				}
			}
		}
	}
	for name, schema := range doc.Components.Schemas.Map() {
		if schema.Type == huma.TypeString && len(schema.Enum) > 0 && schema.Description == "" {
			t.Errorf("enumeration %s is undocumented", name)
		}
		for prop, ps := range schema.Properties {
			if ps.Description == "" {
				t.Errorf("schema %s: property %s has no description (document domain types in apiDomainDocs, web/api_schema.go)", name, prop)
			}
			if prop != strings.ToLower(prop) || strings.Contains(prop, "-") {
				t.Errorf("schema %s: property %s is not snake_case", name, prop)
			}
		}
	}
}

// TestAPIDocumentServed checks the served document, the docs page and the
// problem answer of unknown API paths.
func TestAPIDocumentServed(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		r := ts.apiReq(nil, "GET", "/openapi.json", nil)
		want, _ := OpenAPIJSON()
		if r.Status != 200 || !bytes.Equal(r.Body, want) || r.Header.Get("Content-Type") != "application/openapi+json" {
			t.Fatalf("GET openapi.json = %d %q", r.Status, r.Header.Get("Content-Type"))
		}
		var doc map[string]any
		if err := json.Unmarshal(r.Body, &doc); err != nil || doc["openapi"] != "3.1.0" {
			t.Fatalf("document: %v %v", err, doc["openapi"])
		}
		r = ts.apiReq(nil, "GET", "/docs", nil)
		page := string(r.Body)
		if r.Status != 200 || !strings.Contains(page, "POST /api/v1/orders/{id}/submit") || strings.Contains(page, "<script") ||
			strings.Contains(page, "https://") {
			t.Fatalf("GET docs = %d: a page listing the operations without scripts or outside resources expected", r.Status)
		}
		for _, id := range []string{"list-orders", "submit-order", "decide-order", "create-token"} {
			if !strings.Contains(page, `id="`+id+`"`) {
				t.Errorf("docs page lacks %s", id)
			}
		}
		r = ts.apiReq(nil, "GET", "/no-such-thing", nil)
		if p := r.problem(t); r.Status != 404 || p.Code != "not_found" {
			t.Errorf("unknown API path = %d %+v", r.Status, p)
		}
		r = ts.apiReq(nil, "GET", "/rules?type=first_filing", nil)
		list := decodeAPI[apiRuleList](t, r)
		if r.Status != 200 || list.Total == 0 || !slices.ContainsFunc(list.Items, func(x apiRule) bool { return x.ID == "SITE-NAME-BANNED-WORD" }) {
			t.Errorf("GET /rules = %d, %d rules", r.Status, list.Total)
		}
		for _, x := range list.Items {
			if x.Title.ZH == "" || x.Title.EN == "" || x.Reason.EN == "" || x.Remedy.ZH == "" {
				t.Errorf("rule %s lacks a text", x.ID)
			}
		}
		dict := decodeAPI[apiDictionary](t, ts.apiReq(nil, "GET", "/dictionary", nil))
		if len(dict.OrderTypes) != 13 || len(dict.Provinces) != 31 || len(dict.NatureCertificates["enterprise"]) == 0 {
			t.Errorf("dictionary %d types, %d provinces", len(dict.OrderTypes), len(dict.Provinces))
		}
	})
}
