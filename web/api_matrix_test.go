package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/workflow"
)

// The authorisation matrix: every operation of the API, called by each of
// the people below, once with the web session and once with a personal
// token without scopes. Only the combinations a row allows may succeed
// (2xx); every other one must be refused — 401 for the anonymous caller,
// 403 or 404 for the others (404 where the workflow hides that an order
// exists). The operations are read from the API's own OpenAPI document, so
// a new operation without a row fails the test.

// The people of the matrix.
const (
	whoAnon     = "anonymous"
	whoA        = "customer_a"
	whoSubAdmin = "sub_admin" // A's sub-user with BeianAdministrator
	whoSubNone  = "sub_none"  // A's sub-user without any policy
	whoB        = "customer_b"
	whoReviewer = "reviewer"
	whoAdmin    = "admin"
)

var matrixPeople = []string{whoAnon, whoA, whoSubAdmin, whoSubNone, whoB, whoReviewer, whoAdmin}

// Common sets of allowed callers.
var (
	matrixEveryone     = matrixPeople
	matrixSignedIn     = []string{whoA, whoSubAdmin, whoSubNone, whoB, whoReviewer, whoAdmin}
	matrixOrderOwners  = []string{whoA, whoSubAdmin} // the order's account owner and its creator
	matrixOrderReaders = []string{whoA, whoSubAdmin, whoReviewer, whoAdmin}
	matrixReviewers    = []string{whoReviewer, whoAdmin}
)

// matrixEnv is one database's cast and a source of fresh fixtures.
type matrixEnv struct {
	ts       *testServer
	accountA *beian.Account
	accountB *beian.Account
	// recordA is A's filed subject; resources the accounts' resource IDs.
	recordA   *beian.Record
	resources map[string]string
	people    map[string]*beian.User
	sessions  map[string]*http.Client
	tokens    map[string]string
	n         int
}

// draft returns a new valid draft created by A's administrator sub-user:
// a new website of A's filed subject (an account files one subject), after
// clearing A's orders, since a subject has one order in progress at a time.
func (m *matrixEnv) draft() *beian.Order {
	m.n++
	m.clearOrders(m.accountA.ID)
	ctx := context.Background()
	sub := m.people[whoSubAdmin]
	o, err := m.ts.Workflow.CreateOrder(ctx, sub, workflow.CreateOrderInput{Type: beian.NewWebsite, Province: "11", RecordSubjectID: m.recordA.Subject.ID})
	if err != nil {
		m.ts.t.Fatal(err)
	}
	snap := fixture.Enterprise("11", 0)
	snap.Websites[0].Name, snap.Websites[0].Domains = "青云数据服务平台", []string{"qingyun-service.cn"}
	if o, _, err = m.ts.Workflow.SaveDraft(ctx, sub, o.ID, o.Version, snap); err != nil {
		m.ts.t.Fatal(err)
	}
	return o
}

// inReview returns a new order awaiting preliminary review.
func (m *matrixEnv) inReview() *beian.Order {
	o := m.draft()
	o, res, err := m.ts.Workflow.Submit(context.Background(), m.people[whoSubAdmin], o.ID, "k-"+o.ID)
	if err != nil {
		m.ts.t.Fatal(err, res.Findings)
	}
	return o
}

// awaitingConfirmation returns a subject cancellation that passed review
// and waits for the customer's confirmation.
func (m *matrixEnv) awaitingConfirmation() *beian.Order {
	m.n++
	o := &beian.Order{AccountID: m.accountA.ID, CreatedBy: m.people[whoSubAdmin].ID, Type: beian.CancelSubject,
		State: beian.AwaitingBureauSubmission, Province: "11", Snapshot: fixture.Enterprise("11", m.n)}
	m.ts.update(func(tx beian.Tx) error { return tx.CreateOrder(context.Background(), o) })
	return o
}

// clearOrders abandons the account's orders in progress, straight in the
// store, so that a row that starts an order finds the subject free.
func (m *matrixEnv) clearOrders(accountID string) {
	ctx := context.Background()
	m.ts.update(func(tx beian.Tx) error {
		orders, _, err := tx.FindOrders(ctx, beian.OrderFilter{AccountID: accountID, Limit: 1000})
		if err != nil {
			return err
		}
		for _, o := range orders {
			if o.State.InProgress() {
				o.State = beian.Abandoned
				if err := tx.UpdateOrder(ctx, o); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// accountOf is the account a caller acts in: B's for B, A's for the rest.
func (m *matrixEnv) accountOf(who string) *beian.Account {
	if who == whoB {
		return m.accountB
	}
	return m.accountA
}

// verifyBody is a filing-type check the caller's account may pass: a new
// website of A's filed subject, or a first filing of a new subject for B.
func (m *matrixEnv) verifyBody(who string) map[string]any {
	m.n++
	acct := m.accountOf(who)
	if acct == m.accountB {
		return apiVerifyBody(fixture.Enterprise("44", 500+m.n), m.resources[acct.ID])
	}
	snap := beian.Snapshot{Subject: m.recordA.Subject.Subject, Websites: []beian.Website{{Domains: []string{fmt.Sprintf("new-site-%d.cn", m.n)}}}}
	return apiVerifyBody(snap, m.resources[acct.ID])
}

// tokenOf creates a token of who straight in the store and returns it.
func (m *matrixEnv) tokenOf(who string) (string, *beian.APIToken) {
	secret, err := apiNewTokenSecret()
	if err != nil {
		m.ts.t.Fatal(err)
	}
	t := &beian.APIToken{UserID: m.people[who].ID, Name: "matrix", Prefix: secret[:11], Hash: apiHashToken(secret)}
	m.ts.update(func(tx beian.Tx) error { return tx.CreateAPIToken(context.Background(), t) })
	return secret, t
}

// matrixCall is one request of a row: path (IDs filled in), body, headers.
type matrixCall struct {
	path    string
	body    any
	headers []string
}

// matrixRow says who may call an operation and builds the call, with fresh
// fixtures, for the caller who.
type matrixRow struct {
	allowed []string
	call    func(m *matrixEnv, who string) matrixCall
}

func matrixOnOrder(make func(*matrixEnv) *beian.Order, suffix string) func(*matrixEnv, string) matrixCall {
	return func(m *matrixEnv, _ string) matrixCall { return matrixCall{path: "/orders/" + make(m).ID + suffix} }
}

func matrixFixed(path string) func(*matrixEnv, string) matrixCall {
	return func(*matrixEnv, string) matrixCall { return matrixCall{path: path} }
}

// matrixRows is the matrix, by operation ID.
var matrixRows = map[string]matrixRow{
	"list-orders": {
		// A sub-user without a policy may not even list; B lists its own
		// (empty) account, staff list everyone's.
		allowed: []string{whoA, whoSubAdmin, whoB, whoReviewer, whoAdmin},
		call:    matrixFixed("/orders"),
	},
	"create-order": {
		// Orders start in the caller's own account: A and its administrator
		// sub-user in A's, B in B's; staff do not start new filings.
		allowed: []string{whoA, whoSubAdmin, whoB},
		call: func(m *matrixEnv, who string) matrixCall {
			m.clearOrders(m.accountOf(who).ID)
			return matrixCall{path: "/orders", body: m.verifyBody(who)}
		},
	},
	"list-records": {
		// 我的备案 of the caller's account; staff look records up instead.
		allowed: []string{whoA, whoSubAdmin, whoB},
		call:    matrixFixed("/records"),
	},
	"get-record": {
		allowed: []string{whoA, whoSubAdmin, whoReviewer, whoAdmin},
		call:    func(m *matrixEnv, _ string) matrixCall { return matrixCall{path: "/records/" + m.recordA.Subject.ID} },
	},
	"lookup-record": {
		allowed: matrixReviewers,
		call: func(m *matrixEnv, _ string) matrixCall {
			return matrixCall{path: "/records/lookup", body: map[string]any{"certificate_number": m.recordA.Subject.Subject.CertificateNumber}}
		},
	},
	"start-order-from-record": {
		// A subject change: the account's operators; staff may start only
		// access cancellations.
		allowed: matrixOrderOwners,
		call: func(m *matrixEnv, _ string) matrixCall {
			m.clearOrders(m.accountA.ID)
			return matrixCall{path: "/records/" + m.recordA.Subject.ID + "/orders", body: map[string]any{"type": "change_subject"}}
		},
	},
	"list-resources": {
		allowed: []string{whoA, whoSubAdmin, whoB},
		call:    matrixFixed("/resources"),
	},
	"import-resources": {
		allowed: []string{whoAdmin},
		call: func(m *matrixEnv, who string) matrixCall {
			m.n++
			item := map[string]any{"external_id": fmt.Sprintf("ecs-push-%d", m.n), "account": "acme", "kind": "ecs", "region": "cn-north-4",
				"mainland": true, "billing": "prepaid", "term_months": 12, "expires_on": "2027-12-31", "public_ips": []string{"121.36.10.30"}}
			return matrixCall{path: "/resources/import", body: map[string]any{"items": []any{item}}}
		},
	},
	"check-filing-type": {
		// Customers and administrator sub-users, each in its own account.
		allowed: []string{whoA, whoSubAdmin, whoB},
		call: func(m *matrixEnv, who string) matrixCall {
			return matrixCall{path: "/filing-type-checks", body: m.verifyBody(who)}
		},
	},
	"get-order":          {allowed: matrixOrderReaders, call: matrixOnOrder((*matrixEnv).draft, "")},
	"get-order-history":  {allowed: matrixOrderReaders, call: matrixOnOrder((*matrixEnv).inReview, "/history")},
	"list-order-reviews": {allowed: matrixOrderReaders, call: matrixOnOrder((*matrixEnv).inReview, "/reviews")},
	"precheck-order":     {allowed: matrixOrderReaders, call: matrixOnOrder((*matrixEnv).draft, "/precheck?mode=draft")},
	"save-order-snapshot": {
		allowed: matrixOrderOwners,
		call: func(m *matrixEnv, _ string) matrixCall {
			o := m.draft()
			return matrixCall{path: "/orders/" + o.ID + "/snapshot", body: o.Snapshot, headers: []string{"If-Match", apiETag(o.Version)}}
		},
	},
	"submit-order": {
		allowed: matrixOrderOwners,
		call: func(m *matrixEnv, who string) matrixCall {
			return matrixCall{path: "/orders/" + m.draft().ID + "/submit", headers: []string{"Idempotency-Key", "matrix-" + who}}
		},
	},
	"withdraw-order":       {allowed: matrixOrderOwners, call: matrixOnOrder((*matrixEnv).inReview, "/withdraw")},
	"abandon-order":        {allowed: matrixOrderOwners, call: matrixOnOrder((*matrixEnv).draft, "/abandon")},
	"confirm-cancellation": {allowed: matrixOrderOwners, call: matrixOnOrder((*matrixEnv).awaitingConfirmation, "/confirm-cancellation")},
	"list-review-queue":    {allowed: matrixReviewers, call: matrixFixed("/review/queue")},
	"list-bureau-queue":    {allowed: matrixReviewers, call: matrixFixed("/bureau/queue")},
	"upload-material": {
		allowed: matrixOrderOwners,
		call: func(m *matrixEnv, _ string) matrixCall {
			return matrixCall{path: "/orders/" + m.draft().ID + "/materials/commitment_video?owner=site-0", body: apiTestVideo,
				headers: []string{"Content-Type", "video/mp4"}}
		},
	},
	"get-material-content": {
		allowed: matrixOrderReaders,
		call: func(m *matrixEnv, _ string) matrixCall {
			o := m.draft()
			_, mat, _, err := m.ts.Workflow.UploadMaterial(context.Background(), m.people[whoSubAdmin], m.ts.Blobs,
				workflow.MaterialUpload{OrderID: o.ID, Purpose: "commitment_video", Owner: "site-0", Body: bytes.NewReader(apiTestVideo)})
			if err != nil {
				m.ts.t.Fatal(err)
			}
			return matrixCall{path: "/orders/" + o.ID + "/materials/" + mat.ID + "/content"}
		},
	},
	"remove-material": {
		allowed: matrixOrderOwners,
		call: func(m *matrixEnv, _ string) matrixCall {
			o := m.draft()
			return matrixCall{path: "/orders/" + o.ID + "/materials/" + o.Snapshot.Materials[0].ID}
		},
	},
	"claim-order":   {allowed: matrixReviewers, call: matrixOnOrder((*matrixEnv).inReview, "/claim")},
	"release-order": {allowed: matrixReviewers, call: matrixOnOrder((*matrixEnv).inReview, "/release")},
	"decide-order": {
		allowed: matrixReviewers,
		call: func(m *matrixEnv, _ string) matrixCall {
			return matrixCall{path: "/orders/" + m.inReview().ID + "/decision", body: map[string]any{"decision": "pass"}}
		},
	},
	"list-rules":             {allowed: matrixEveryone, call: matrixFixed("/rules")},
	"list-rejection-reasons": {allowed: matrixEveryone, call: matrixFixed("/rejection-reasons")},
	"get-dictionary":         {allowed: matrixEveryone, call: matrixFixed("/dictionary")},
	"get-me":                 {allowed: matrixSignedIn, call: matrixFixed("/me")},
	// Token management is for the session only; see matrixSessionOnly below.
	"list-tokens": {allowed: matrixSignedIn, call: matrixFixed("/tokens")},
	"create-token": {
		allowed: matrixSignedIn,
		call: func(*matrixEnv, string) matrixCall {
			return matrixCall{path: "/tokens", body: map[string]any{"name": "matrix"}}
		},
	},
	"revoke-token": {
		// A's token: only A may revoke it; for anyone else it does not exist.
		allowed: []string{whoA},
		call: func(m *matrixEnv, _ string) matrixCall {
			_, t := m.tokenOf(whoA)
			return matrixCall{path: "/tokens/" + t.ID}
		},
	},
}

// matrixSessionOnly are the operations tokens may not call at all.
var matrixSessionOnly = []string{"list-tokens", "create-token", "revoke-token"}

// apiOperation is one operation read from the OpenAPI document.
type apiOperation struct{ id, method, path string }

// apiOperations lists the API's operations from its served document.
func apiOperations(t *testing.T, ts *testServer) []apiOperation {
	t.Helper()
	r := ts.apiReq(nil, "GET", "/openapi.json", nil)
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil || r.Status != 200 {
		t.Fatalf("GET openapi.json = %d: %v", r.Status, err)
	}
	var ops []apiOperation
	for path, methods := range doc.Paths {
		for method, op := range methods {
			ops = append(ops, apiOperation{id: op.OperationID, method: strings.ToUpper(method), path: path})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].id < ops[j].id })
	return ops
}

func TestAPIAuthorisationMatrix(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		m := &matrixEnv{ts: ts, people: map[string]*beian.User{}, sessions: map[string]*http.Client{}, tokens: map[string]string{}}
		m.accountA, m.people[whoA] = ts.account("acme")
		m.recordA = ts.seedRecord(m.accountA.ID, fixture.Enterprise("11", 0), "12345678")
		m.people[whoSubAdmin] = ts.user("acme-ops", beian.RoleSubUser, m.accountA.ID, beian.PolicyBeianAdministrator)
		m.people[whoSubNone] = ts.user("acme-intern", beian.RoleSubUser, m.accountA.ID)
		m.accountB, m.people[whoB] = ts.account("globex")
		m.resources = map[string]string{m.accountA.ID: ts.apiResourceFor(m.accountA.ID, "ecs-a"), m.accountB.ID: ts.apiResourceFor(m.accountB.ID, "ecs-b")}
		m.people[whoReviewer] = ts.user("rev", beian.RoleReviewer, "")
		m.people[whoAdmin] = ts.user("root", beian.RoleAdmin, "")
		m.sessions[whoAnon] = ts.client(nil)
		for _, who := range matrixSignedIn {
			m.sessions[who] = ts.client(m.people[who])
			m.tokens[who], _ = m.tokenOf(who)
		}

		ops := apiOperations(t, ts)
		seen := map[string]bool{}
		for _, op := range ops {
			seen[op.id] = true
			row, ok := matrixRows[op.id]
			if !ok {
				t.Errorf("operation %s (%s %s) has no row in the authorisation matrix: add one to matrixRows", op.id, op.method, op.path)
				continue
			}
			for _, who := range matrixPeople {
				for _, auth := range []string{"session", "token"} {
					if who == whoAnon && auth == "token" {
						continue
					}
					call := row.call(m, who)
					headers := call.headers
					client := m.sessions[who]
					if auth == "token" {
						client = nil
						headers = append(slices.Clone(headers), apiBearer(m.tokens[who])...)
					}
					r := ts.apiReq(client, op.method, call.path, call.body, headers...)
					allowed := slices.Contains(row.allowed, who) && !(auth == "token" && slices.Contains(matrixSessionOnly, op.id))
					cell := fmt.Sprintf("%s %s as %s (%s)", op.method, call.path, who, auth)
					switch {
					case allowed && (r.Status < 200 || r.Status > 299):
						t.Errorf("%s [%s] = %d, want success: %s", cell, op.id, r.Status, r.Body)
					case !allowed && who == whoAnon && !slices.Contains(row.allowed, whoAnon) && r.Status != http.StatusUnauthorized:
						t.Errorf("%s [%s] = %d, want 401", cell, op.id, r.Status)
					case !allowed && r.Status != http.StatusUnauthorized && r.Status != http.StatusForbidden && r.Status != http.StatusNotFound:
						t.Errorf("%s [%s] = %d, want 401, 403 or 404: %s", cell, op.id, r.Status, r.Body)
					case !allowed:
						if p := r.problem(t); p.Code == "" || p.Detail == "" {
							t.Errorf("%s [%s]: refusal without a problem: %s", cell, op.id, r.Body)
						}
					}
				}
			}
		}
		for id := range matrixRows {
			if !seen[id] {
				t.Errorf("matrix row %s names no operation of the API", id)
			}
		}
		if len(ops) < len(matrixRows) {
			t.Errorf("the API has %d operations, the matrix %d rows", len(ops), len(matrixRows))
		}
	})
}

// TestAPIListsOnlyVisibleOrders checks the data scoping of the list: rights
// to call it are not rights to every row.
func TestAPIListsOnlyVisibleOrders(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		acct, a := ts.account("acme")
		sub := ts.user("acme-ops", beian.RoleSubUser, acct.ID, beian.PolicyBeianAdministrator)
		reader := ts.user("acme-audit", beian.RoleSubUser, acct.ID, beian.PolicyBeianReadOnly)
		_, b := ts.account("globex")
		byOwner := ts.apiDraftOrder(a, "11", fixture.Enterprise("11", 1))
		bySub := ts.apiDraftOrder(sub, "11", fixture.Enterprise("11", 2))
		byB := ts.apiDraftOrder(b, "44", fixture.Enterprise("44", 3))
		rev := ts.user("rev", beian.RoleReviewer, "")

		ids := func(u *beian.User) []string {
			page := decodeAPI[apiOrderList](t, ts.apiReq(ts.client(u), "GET", "/orders", nil))
			var out []string
			for _, o := range page.Items {
				out = append(out, o.ID)
			}
			slices.Sort(out)
			return out
		}
		sorted := func(xs ...string) []string { slices.Sort(xs); return xs }
		for _, c := range []struct {
			who  *beian.User
			want []string
		}{
			{a, sorted(byOwner.ID, bySub.ID)},
			{sub, sorted(bySub.ID)},
			{reader, nil},
			{b, sorted(byB.ID)},
			{rev, sorted(byOwner.ID, bySub.ID, byB.ID)},
		} {
			if got := ids(c.who); !slices.Equal(got, c.want) {
				t.Errorf("%s lists %v, want %v", c.who.Login, got, c.want)
			}
		}
		// The read-only sub-user reads but cannot change its own orders.
		mine := ts.apiDraftOrder(sub, "11", fixture.Enterprise("11", 4))
		ts.update(func(tx beian.Tx) error {
			mine.CreatedBy = reader.ID
			return tx.UpdateOrder(context.Background(), mine)
		})
		if r := ts.apiReq(ts.client(reader), "GET", "/orders/"+mine.ID, nil); r.Status != 200 {
			t.Errorf("read-only sub-user reads its order = %d", r.Status)
		}
		if r := ts.apiReq(ts.client(reader), "POST", "/orders/"+mine.ID+"/abandon", nil); r.Status != http.StatusForbidden {
			t.Errorf("read-only sub-user abandons its order = %d", r.Status)
		}
	})
}
