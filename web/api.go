package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/openbeian/beian"
)

// The JSON API v1 lives under /api/v1. It is built with huma on the same
// flat ServeMux as the pages, so metrics see every operation's pattern. Its
// OpenAPI 3.1 document is generated from the code below; docs/openapi.json
// is a copy that CI keeps fresh (TestOpenAPIFresh).
//
// Handlers here are as thin as the pages': they parse (huma does, against
// the schema), call the workflow — which decides who may do what, for the
// portal, the console and the API alike — and shape the answer.

//go:generate go run ./internal/openapigen -o ../docs/openapi.json

// apiPrefix is where version 1 of the API is mounted.
const apiPrefix = "/api/v1"

// APIVersion is the version of the API contract in the OpenAPI document.
// Bump the minor for additions, the major (with a new prefix) for breaks.
const APIVersion = "1.0.0"

// apiRoutes registers the API on mux: its operations, the OpenAPI document
// and the documentation page. routes calls it before the catch-all, which
// answers unknown /api/ paths with problem JSON.
func (s *Server) apiRoutes(mux *http.ServeMux) {
	api := s.newAPI(mux)
	spec, err := apiCanonicalSpec(api.OpenAPI())
	if err != nil {
		// The document is built from static code; failing here is a bug that
		// TestOpenAPIFresh catches first.
		panic("web: OpenAPI document: " + err.Error())
	}
	mux.HandleFunc("GET "+apiPrefix+"/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/openapi+json")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(spec)
	})
	docs := apiDocsPage(api.OpenAPI())
	mux.HandleFunc("GET "+apiPrefix+"/docs", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(docs)
	})
	mux.HandleFunc("GET "+apiPrefix+"/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, apiPrefix+"/docs", http.StatusFound)
	})
	s.apiTokensPageRoutes(mux)
}

// newAPI builds the huma API over mux with every operation registered.
func (s *Server) newAPI(mux *http.ServeMux) huma.API {
	cfg := huma.Config{
		OpenAPI: &huma.OpenAPI{
			OpenAPI: "3.1.0",
			Info: &huma.Info{
				Title:       "Beian API",
				Version:     APIVersion,
				Description: apiDescription,
				License:     &huma.License{Name: "Apache-2.0", Identifier: "Apache-2.0"},
			},
			Servers: []*huma.Server{{URL: apiPrefix, Description: "This Beian installation"}},
			Components: &huma.Components{
				Schemas:         huma.NewMapRegistry("#/components/schemas/", apiSchemaName),
				SecuritySchemes: apiSecuritySchemes(),
			},
			Tags: apiTags,
		},
		Formats:       map[string]huma.Format{"application/json": huma.DefaultJSONFormat, "json": huma.DefaultJSONFormat},
		DefaultFormat: "application/json",
	}
	// Drafts are saved incomplete, so no property is required unless an
	// operation says so; unknown properties are refused, so a misspelt
	// field fails loudly instead of being dropped.
	cfg.FieldsOptionalByDefault = true
	cfg.AllowAdditionalPropertiesByDefault = false
	apiRegisterDomainSchemas(cfg.Components.Schemas)

	api := huma.NewAPI(cfg, &apiAdapter{s: s, mux: mux, csrf: s.apiCrossOrigin()})
	s.apiOrderOperations(api)
	s.apiMaterialOperations(api)
	s.apiRecordOperations(api)
	s.apiResourceOperations(api)
	s.apiReviewOperations(api)
	s.apiBureauOperations(api)
	s.apiCatalogueOperations(api)
	s.apiAccountOperations(api)
	s.apiTokenOperations(api)
	apiDocumentDomainSchemas(cfg.Components.Schemas)
	return api
}

const apiDescription = `The JSON API of Beian, the ICP filing (ICP备案) system of this access provider.

**Authentication.** Send a personal API token as ` + "`Authorization: Bearer bk_…`" + `. Create tokens for
yourself with POST /tokens while signed in to the web portal (the session cookie authenticates the
API too, for the portal's own pages; unsafe methods with the cookie must come from this site). A
token acts as its user, with at most the user's rights, narrowed to its scopes when it has any.

**Authorisation** is the portal's and the console's: customers see their account's orders,
sub-users only the orders they created (and need the BeianAdministrator policy to change them, or
BeianReadOnly to read), provider staff see every order and act through the review operations.
An order you may not see answers 404, exactly like one that does not exist.

**Errors** are RFC 9457 problem details (` + "`application/problem+json`" + `) with Beian's
` + "`code`" + ` (invalid, unauthorized, forbidden, not_found, conflict, unavailable, internal), the message
` + "`key`" + `, and ` + "`field`" + ` and ` + "`rule`" + ` when one field or catalogue rule decided; ` + "`errors`" + ` lists
every field problem and ` + "`findings`" + ` every pre-check finding. ` + "`detail`" + ` and messages are in the
request's language: ` + "`Accept-Language: en`" + ` for English, Chinese (zh-CN) otherwise.

**A filing, step by step.** POST /filing-type-checks tells the filing type (验证备案类型) and checks the product
verification (a resource from GET /resources, or an authorization code); POST /orders with the same body starts
the order. PUT /orders/{id}/snapshot saves the data (the draft pre-check comes back as advice), POST
/orders/{id}/materials/{purpose} uploads each document, POST /orders/{id}/precheck shows what still blocks, and
POST /orders/{id}/submit sends it to review. GET /orders/{id}, /history and /reviews follow it; a request for
changes lists each marked field with reason and remedy. Changes and cancellations of filed services start from
GET /records/{id} and POST /records/{id}/orders.

**Concurrency.** GET /orders/{id} returns the order's version as its ` + "`ETag`" + `; saving the draft needs
it back in ` + "`If-Match`" + ` and answers 409 when someone saved in between. Submission takes an
` + "`Idempotency-Key`" + `, so a retried request submits once.

**Names** are snake_case; times are RFC 3339 in UTC; dates YYYY-MM-DD; texts meant for people come
as {"zh": …, "en": …}.`

// apiTags group the operations in the document.
var apiTags = []*huma.Tag{
	{Name: "orders", Description: "Filing orders (备案订单): create, edit the draft, pre-check, submit, withdraw, abandon, follow."},
	{Name: "records", Description: "Filings (我的备案): filed subjects and services, the actions each allows, and orders started from them."},
	{Name: "resources", Description: "Filing resources (可备案资源): the account's, and the provider cloud's push."},
	{Name: "review", Description: "Preliminary review (初审) for provider staff: the queue, claims and decisions with marked fields."},
	{Name: "catalogue", Description: "Public reference data: pre-check rules, rejection reasons and the code lists the other operations use."},
	{Name: "account", Description: "Who the caller is."},
	{Name: "tokens", Description: "Personal API tokens; manageable only with the web session, so a leaked token cannot mint more."},
}

// apiAdapter mounts huma operations on the server's flat mux, each behind
// the authentication its access level needs. It is huma's stdlib adapter
// plus that wrapping.
type apiAdapter struct {
	s    *Server
	mux  *http.ServeMux
	csrf *http.CrossOriginProtection
}

// Handle registers one operation.
func (a *apiAdapter) Handle(op *huma.Operation, handler func(huma.Context)) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler(humago.NewContext(op, r, w)) })
	a.mux.Handle(strings.ToUpper(op.Method)+" "+apiPrefix+op.Path, a.s.apiAuth(apiAccessOf(op), a.csrf, h))
}

// ServeHTTP serves through the mux; the server itself never calls it.
func (a *apiAdapter) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// apiCrossOrigin is the cross-origin protection of cookie-authenticated
// API calls; refusals are problem JSON like every other API error.
func (s *Server) apiCrossOrigin() *http.CrossOriginProtection {
	c := http.NewCrossOriginProtection()
	c.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeProblem(w, r, apiProblemFrom(apiCallFrom(r.Context()), beian.Errorf(beian.EFORBIDDEN, "error.cross_origin")))
	}))
	return c
}

// apiRegister adds an operation with its access level: the access decides the
// authentication, the security requirement and the documented errors.
func apiRegister[I, O any](api huma.API, acc apiAccess, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	if op.Metadata == nil {
		op.Metadata = map[string]any{}
	}
	op.Metadata[apiAccessMetadata] = acc
	op.Security = acc.security()
	op.Errors = apiMergeStatuses(acc.errors(), op.Errors)
	if d := acc.describe(); d != "" {
		op.Description = strings.TrimSpace(op.Description + "\n\n" + d)
	}
	huma.Register(api, op, h)
}

func apiMergeStatuses(a, b []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, s := range append(a, b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// OpenAPIJSON returns the API's OpenAPI 3.1 document as indented JSON
// with sorted keys: the bytes of docs/openapi.json and of GET
// /api/v1/openapi.json. go generate ./web writes it to the docs.
func OpenAPIJSON() ([]byte, error) {
	apiSpecOnce.Do(func() {
		s := &Server{log: apiDiscardLogger()}
		apiSpecJSON, apiSpecErr = apiCanonicalSpec(s.newAPI(http.NewServeMux()).OpenAPI())
	})
	return apiSpecJSON, apiSpecErr
}

var (
	apiSpecOnce sync.Once
	apiSpecJSON []byte
	apiSpecErr  error
)

// apiCanonicalSpec marshals the document with sorted keys and two-space
// indentation, so the generated file is stable and diffs are readable.
func apiCanonicalSpec(doc *huma.OpenAPI) ([]byte, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
