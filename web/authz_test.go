package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/letter"
	"github.com/openbeian/beian/workflow"
)

// The authorisation matrix of the pages: every route of the portal, the
// console, the outbox and the account pages, requested by each of the
// people below. The routes are the patterns the server registered
// (Server.pagePatterns), so a new route without a row fails the test, and
// a row without a route too.
//
// Path parameters name customer A's objects. For each cell the outcome is
// one of three:
//
//   - sign in: an anonymous caller of a page that needs a user is sent to
//     /login (303 to /login?next=…), or told 401 when it asks for JSON;
//   - refused: 403 or 404. Customers asking for another account's objects
//     get 404, the same as for objects that do not exist, so IDs cannot be
//     probed (rows with owned set check that B gets exactly 404); a
//     sub-user without a policy gets 404 for A's orders and records (the
//     workflow hides what it may not read) and 403 for account pages;
//     customers on the console and staff on customer-only pages get 403;
//   - allowed: anything but 401, 403, 404, 5xx and the sign-in redirect.
//     A GET must answer 2xx or 3xx; a POST may still answer 4xx for its
//     form (the action need not succeed, it must not be refused).
//
// A second pass checks the sub-user's data scope: on orders A made itself,
// the administrator sub-user gets 404 on every order route.
//
// Pages a caller may read are requested in Chinese and in English, the
// other cells in one of the two by turns; every HTML page the matrix sees,
// refusals included, must be in its language and free of raw message IDs
// (see untranslatedKeys).
//
// The world is built once per database: GET rows run first and share one
// fixture per row; POST rows build a disposable fixture again after each
// caller allowed to change it.

// whoCompliance is the provider's compliance officer, beside the people
// of the API matrix.
const whoCompliance = "compliance"

var pagePeople = []string{whoAnon, whoA, whoSubAdmin, whoSubNone, whoB, whoReviewer, whoCompliance, whoAdmin}

// Common sets of allowed callers.
var (
	pageSignedIn = pagePeople[1:]
	// pageOrderReaders read A's orders: the account's owner, the order's
	// creator (with a policy) and every staff role.
	pageOrderReaders = []string{whoA, whoSubAdmin, whoReviewer, whoCompliance, whoAdmin}
	// pageOrderOwners operate A's orders as its customer.
	pageOrderOwners = []string{whoA, whoSubAdmin}
	// pageOperators act in their own account (resources, the filing-type
	// check): owners and administrator sub-users.
	pageOperators = []string{whoA, whoSubAdmin, whoB}
	// pageAccountOwners are main accounts' owners (sub-users, groups).
	pageAccountOwners = []string{whoA, whoB}
	pageStaff         = []string{whoReviewer, whoCompliance, whoAdmin}
	pageReviewers     = []string{whoReviewer, whoAdmin}
	pageAdmins        = []string{whoAdmin}
)

// pageWorld is one database's cast for the page matrix.
type pageWorld struct {
	*matrixEnv
	t *testing.T
	// accountC is a third account: the target of grants and whitelists.
	accountC *beian.Account
	service  string // A's filed website service
	// exchange sends passed orders to the bureau (no call is made: the
	// upload is a job, not started here).
	exchange *workflow.Exchange
	clients  map[string]*http.Client
	// creator is who creates A's orders: the administrator sub-user, or
	// A itself when the matrix checks the sub-user's data scope.
	creator string
}

func newPageWorld(t *testing.T, dialect string) *pageWorld {
	ts := newTestServer(t, dialect)
	x := workflow.NewExchange(ts.Workflow, workflow.ExchangeConfig{Files: &consoleFiles{files: map[string][]byte{}}})
	ts.Server.cfg.Exchange = x
	if err := x.PutConnection(context.Background(), &beian.BureauConnection{Province: "11", Endpoint: "http://127.0.0.1:1", ISPID: 7,
		UserName: "isp", Password: "pw", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	m := &matrixEnv{ts: ts, people: map[string]*beian.User{}, sessions: map[string]*http.Client{}, tokens: map[string]string{}}
	m.accountA, m.people[whoA] = ts.account("acme")
	m.recordA = ts.seedRecord(m.accountA.ID, fixture.Enterprise("11", 0), "12345678")
	// A's sub-users hold their policies through a group, as the users
	// page makes them, so that group changes by other rows keep them.
	ops, err := ts.Workflow.CreateGroup(context.Background(), m.people[whoA], workflow.GroupInput{Name: "备案运维",
		Policies: []beian.Policy{beian.PolicyBeianAdministrator}})
	if err != nil {
		t.Fatal(err)
	}
	m.people[whoSubAdmin] = &beian.User{Login: "acme-ops", DisplayName: "acme-ops", Role: beian.RoleSubUser, AccountID: m.accountA.ID,
		Groups: []string{ops.ID}, Policies: ops.Policies}
	m.people[whoSubNone] = &beian.User{Login: "acme-intern", DisplayName: "acme-intern", Role: beian.RoleSubUser, AccountID: m.accountA.ID}
	ts.update(func(tx beian.Tx) error {
		if err := ts.createUser(tx, m.people[whoSubAdmin]); err != nil {
			return err
		}
		return ts.createUser(tx, m.people[whoSubNone])
	})
	m.accountB, m.people[whoB] = ts.account("globex")
	m.resources = map[string]string{m.accountA.ID: ts.apiResourceFor(m.accountA.ID, "ecs-a"), m.accountB.ID: ts.apiResourceFor(m.accountB.ID, "ecs-b")}
	m.people[whoReviewer] = ts.user("rev", beian.RoleReviewer, "")
	m.people[whoCompliance] = ts.user("officer", beian.RoleCompliance, "")
	m.people[whoAdmin] = ts.user("root", beian.RoleAdmin, "")
	w := &pageWorld{matrixEnv: m, t: t, exchange: x, clients: map[string]*http.Client{}, creator: whoSubAdmin}
	w.accountC, _ = ts.account("initech")
	w.service = m.recordA.Services[0].ID
	for _, who := range pagePeople {
		w.clients[who] = ts.client(m.people[who])
	}
	return w
}

// ctx is the context of fixture calls.
func (w *pageWorld) ctx() context.Context { return context.Background() }

func (w *pageWorld) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// draft returns a new valid draft of A, created by w.creator: a new
// website of A's filed subject, after clearing A's orders, since a subject
// has one order in progress at a time.
func (w *pageWorld) draft() *beian.Order {
	w.t.Helper()
	w.clearOrders(w.accountA.ID)
	creator := w.people[w.creator]
	o, err := w.ts.Workflow.CreateOrder(w.ctx(), creator, workflow.CreateOrderInput{Type: beian.NewWebsite, Province: "11",
		RecordSubjectID: w.recordA.Subject.ID})
	w.must(err)
	snap := fixture.Enterprise("11", 0)
	snap.Websites[0].Name, snap.Websites[0].Domains = "青云数据服务平台", []string{"qingyun-service.cn"}
	o, _, err = w.ts.Workflow.SaveDraft(w.ctx(), creator, o.ID, o.Version, snap)
	w.must(err)
	return o
}

// inReview returns a new order of A awaiting preliminary review.
func (w *pageWorld) inReview() *beian.Order {
	w.t.Helper()
	o := w.draft()
	o, res, err := w.ts.Workflow.Submit(w.ctx(), w.people[w.creator], o.ID, "k-"+o.ID)
	if err != nil {
		w.t.Fatal(err, res.Findings)
	}
	return o
}

// awaitingConfirmation returns a subject cancellation of A that passed
// review and waits for the customer's confirmation.
func (w *pageWorld) awaitingConfirmation() *beian.Order {
	w.n++
	o := &beian.Order{AccountID: w.accountA.ID, CreatedBy: w.people[w.creator].ID, Type: beian.CancelSubject,
		State: beian.AwaitingBureauSubmission, Province: "11", Snapshot: fixture.Enterprise("11", w.n)}
	w.ts.update(func(tx beian.Tx) error { return tx.CreateOrder(context.Background(), o) })
	return o
}

// material uploads a video to o (as the order's creator) and returns it.
func (w *pageWorld) material(o *beian.Order) *beian.Material {
	w.t.Helper()
	_, mat, _, err := w.ts.Workflow.UploadMaterial(w.ctx(), w.people[w.creator], w.ts.Blobs,
		workflow.MaterialUpload{OrderID: o.ID, Purpose: "commitment_video", Owner: "site-0", Body: bytes.NewReader(apiTestVideo)})
	w.must(err)
	return mat
}

// passed returns an order of A that passed preliminary review and waits
// for submission to the bureau.
func (w *pageWorld) passed() *beian.Order {
	o := w.inReview()
	o, err := w.ts.Workflow.Review(w.ctx(), w.people[whoReviewer], o.ID, workflow.ReviewInput{Decision: workflow.DecisionPass})
	w.must(err)
	return o
}

// resource gives A a new qualifying server (a server yields five codes in
// its life, so rows that generate codes take a fresh one).
func (w *pageWorld) resource() string {
	w.n++
	return w.ts.apiResourceFor(w.accountA.ID, fmt.Sprintf("ecs-a-%d", w.n))
}

// code generates an authorization code of A on a fresh server.
func (w *pageWorld) code() *beian.AuthCode {
	codes, err := w.ts.Workflow.GenerateAuthCodes(w.ctx(), w.people[whoA], workflow.GenerateInput{ResourceID: w.resource(), IP: "121.36.10.20", Count: 1})
	w.must(err)
	return codes[0]
}

// verifyForm is the filing-type check form the caller's account may pass.
func (w *pageWorld) verifyForm(who string) url.Values {
	f := url.Values{}
	for k, v := range w.verifyBody(who) {
		if k == "resource_id" {
			k = "resource"
		}
		f.Set(k, fmt.Sprint(v))
	}
	return f
}

// pageCall is one request of a row.
type pageCall struct {
	path string
	form url.Values // a POST's form
	// file, when set, is posted as the multipart field "file" (with form's
	// fields beside it).
	file []byte
	// fresh asks for a client of its own, signed in as the caller, for
	// calls that change the session (sign in, sign out, language).
	fresh bool
	// json asks for problem JSON (Accept: application/json).
	json bool
}

// pageRow says who may call a route and builds the calls.
type pageRow struct {
	allowed []string
	// public routes serve anonymous callers too.
	public bool
	// owned rows name one of A's objects: B must get 404.
	owned bool
	// notFound rows answer 404 to everyone (the catch-all).
	notFound bool
	// prep builds the row's fixture and returns the call for a caller.
	prep func(w *pageWorld) func(who string) pageCall
}

// pageAt is a row's call on a fixed path.
func pageAt(path string) func(*pageWorld) func(string) pageCall {
	return func(*pageWorld) func(string) pageCall { return func(string) pageCall { return pageCall{path: path} } }
}

// pagePost is a row's POST on a fixed path with a fixed form.
func pagePost(path string, form url.Values) func(*pageWorld) func(string) pageCall {
	return func(*pageWorld) func(string) pageCall {
		return func(string) pageCall { return pageCall{path: path, form: form} }
	}
}

// pageOnOrder is a call on an order of A made by mk, at /portal/orders/{id}
// followed by suffix.
func pageOnOrder(mk func(*pageWorld) *beian.Order, suffix string, form url.Values) func(*pageWorld) func(string) pageCall {
	return func(w *pageWorld) func(string) pageCall {
		o := mk(w)
		return func(string) pageCall { return pageCall{path: "/portal/orders/" + o.ID + suffix, form: form} }
	}
}

// pageOnReview is a call on an order of A in review, at
// /console/orders/{id} followed by suffix.
func pageOnReview(suffix string, form url.Values) func(*pageWorld) func(string) pageCall {
	return func(w *pageWorld) func(string) pageCall {
		o := w.inReview()
		return func(string) pageCall { return pageCall{path: "/console/orders/" + o.ID + suffix, form: form} }
	}
}

func (w *pageWorld) draftOrder() *beian.Order        { return w.draft() }
func (w *pageWorld) reviewOrder() *beian.Order       { return w.inReview() }
func (w *pageWorld) cancellationOrder() *beian.Order { return w.awaitingConfirmation() }

// pageRows is the matrix, by the pattern the route is registered with.
var pageRows = map[string]pageRow{
	// Public pages and the session.
	"GET /{$}":   {public: true, prep: pageAt("/")},
	"GET /login": {public: true, prep: pageAt("/login?next=/portal/orders")},
	"POST /login": {public: true, prep: func(w *pageWorld) func(string) pageCall {
		return func(who string) pageCall {
			u := w.people[who]
			if u == nil {
				u = w.people[whoA] // an anonymous visitor signs in as A
			}
			return pageCall{path: "/login", form: url.Values{"login": {u.Login}, "password": {testPassword}}, fresh: who == whoAnon}
		}
	}},
	"POST /logout": {public: true, prep: func(*pageWorld) func(string) pageCall {
		return func(string) pageCall { return pageCall{path: "/logout", fresh: true} }
	}},
	"GET /lang/{lang}": {public: true, prep: func(*pageWorld) func(string) pageCall {
		return func(string) pageCall { return pageCall{path: "/lang/en?next=/portal/orders", fresh: true} }
	}},
	"GET /home": {allowed: pageSignedIn, prep: pageAt("/home")},
	"/":         {notFound: true, prep: pageAt("/no/such/page")},

	// The portal's orders. Staff read every order (the console links the
	// customer's view); only the customer operates it.
	"GET /portal/orders": {
		// A sub-user without a policy may not even list.
		allowed: []string{whoA, whoSubAdmin, whoB, whoReviewer, whoCompliance, whoAdmin},
		prep:    pageAt("/portal/orders"),
	},
	"GET /portal/orders/{id}": {allowed: pageOrderReaders, owned: true, prep: pageOnOrder((*pageWorld).inReview, "", nil)},
	"GET /portal/orders/{id}/edit/{step}": {allowed: pageOrderReaders, owned: true,
		prep: pageOnOrder((*pageWorld).draft, "/edit/"+stepWebsites, nil)},
	"POST /portal/orders/{id}/edit/{step}": {allowed: pageOrderOwners, owned: true, prep: func(w *pageWorld) func(string) pageCall {
		o := w.draft()
		return func(string) pageCall {
			return pageCall{path: "/portal/orders/" + o.ID + "/edit/" + stepSubject, form: url.Values{"version": {fmt.Sprint(o.Version)}}}
		}
	}},
	"GET /portal/orders/{id}/materials": {allowed: pageOrderReaders, owned: true, prep: pageOnOrder((*pageWorld).draft, "/materials", nil)},
	"POST /portal/orders/{id}/materials/{purpose}": {allowed: pageOrderOwners, owned: true, prep: func(w *pageWorld) func(string) pageCall {
		o := w.draft()
		return func(string) pageCall {
			return pageCall{path: "/portal/orders/" + o.ID + "/materials/commitment_video?owner=site-0", file: apiTestVideo}
		}
	}},
	"GET /portal/orders/{id}/materials/{mid}": {allowed: pageOrderReaders, owned: true, prep: func(w *pageWorld) func(string) pageCall {
		o := w.draft()
		mat := w.material(o)
		return func(string) pageCall { return pageCall{path: "/portal/orders/" + o.ID + "/materials/" + mat.ID} }
	}},
	"POST /portal/orders/{id}/materials/{mid}/remove": {allowed: pageOrderOwners, owned: true, prep: func(w *pageWorld) func(string) pageCall {
		o := w.draft()
		mat := w.material(o)
		return func(string) pageCall {
			return pageCall{path: "/portal/orders/" + o.ID + "/materials/" + mat.ID + "/remove"}
		}
	}},
	"GET /portal/orders/{id}/authenticity": {allowed: pageOrderReaders, owned: true, prep: pageOnOrder((*pageWorld).draft, "/authenticity", nil)},
	"POST /portal/orders/{id}/authenticity/{owner}/start": {allowed: pageOrderOwners, owned: true,
		prep: pageOnOrder((*pageWorld).draft, "/authenticity/site-0/start", nil)},
	"GET /portal/orders/{id}/letters/{kind}": {allowed: pageOrderReaders, owned: true,
		prep: pageOnOrder((*pageWorld).draft, "/letters/"+string(letter.Commitment), nil)},
	"GET /portal/orders/{id}/submit": {allowed: pageOrderReaders, owned: true, prep: pageOnOrder((*pageWorld).draft, "/submit", nil)},
	"POST /portal/orders/{id}/submit": {allowed: pageOrderOwners, owned: true, prep: func(w *pageWorld) func(string) pageCall {
		o := w.draft()
		return func(who string) pageCall {
			return pageCall{path: "/portal/orders/" + o.ID + "/submit", form: url.Values{"key": {"matrix-" + who}}}
		}
	}},
	"POST /portal/orders/{id}/withdraw":             {allowed: pageOrderOwners, owned: true, prep: pageOnOrder((*pageWorld).inReview, "/withdraw", nil)},
	"GET /portal/orders/{id}/abandon":               {allowed: pageOrderReaders, owned: true, prep: pageOnOrder((*pageWorld).draft, "/abandon", nil)},
	"POST /portal/orders/{id}/abandon":              {allowed: pageOrderOwners, owned: true, prep: pageOnOrder((*pageWorld).draft, "/abandon", nil)},
	"GET /portal/orders/{id}/confirm-cancellation":  {allowed: pageOrderReaders, owned: true, prep: pageOnOrder((*pageWorld).awaitingConfirmation, "/confirm-cancellation", nil)},
	"POST /portal/orders/{id}/confirm-cancellation": {allowed: pageOrderOwners, owned: true, prep: pageOnOrder((*pageWorld).awaitingConfirmation, "/confirm-cancellation", nil)},

	// The filing-type check starts orders in the caller's own account.
	"GET /portal/verify": {allowed: pageOperators, prep: pageAt("/portal/verify")},
	"POST /portal/verify": {allowed: pageOperators, prep: func(w *pageWorld) func(string) pageCall {
		return func(who string) pageCall {
			w.clearOrders(w.accountOf(who).ID)
			return pageCall{path: "/portal/verify", form: w.verifyForm(who)}
		}
	}},
	"POST /portal/verify/start": {allowed: pageOperators, prep: func(w *pageWorld) func(string) pageCall {
		return func(who string) pageCall {
			w.clearOrders(w.accountOf(who).ID)
			f := w.verifyForm(who)
			f.Set("confirm", "1")
			return pageCall{path: "/portal/verify/start", form: f}
		}
	}},

	// 我的备案: the account's record; staff open it from the console.
	"GET /portal/records": {allowed: pageOperators, prep: pageAt("/portal/records")},
	"GET /portal/records/{id}": {
		// Staff may open a record at either address; the page links the
		// console's actions for them.
		allowed: []string{whoA, whoSubAdmin, whoReviewer, whoCompliance, whoAdmin}, owned: true,
		prep: func(w *pageWorld) func(string) pageCall {
			return func(string) pageCall { return pageCall{path: "/portal/records/" + w.recordA.Subject.ID} }
		},
	},
	"GET /portal/records/{id}/action": {allowed: pageOrderOwners, owned: true, prep: func(w *pageWorld) func(string) pageCall {
		return func(string) pageCall {
			return pageCall{path: "/portal/records/" + w.recordA.Subject.ID + "/action?type=" + string(beian.ChangeSubject)}
		}
	}},
	"POST /portal/records/{id}/start": {allowed: pageOrderOwners, owned: true, prep: func(w *pageWorld) func(string) pageCall {
		return func(string) pageCall {
			w.clearOrders(w.accountA.ID)
			return pageCall{path: "/portal/records/" + w.recordA.Subject.ID + "/start", form: url.Values{"type": {string(beian.ChangeSubject)}}}
		}
	}},
	"POST /portal/records/{id}/transfer": {
		// 转移备案 is the main account's: its owner only.
		allowed: []string{whoA}, owned: true,
		prep: func(w *pageWorld) func(string) pageCall {
			return func(string) pageCall {
				w.clearOrders(w.accountA.ID)
				return pageCall{path: "/portal/records/" + w.recordA.Subject.ID + "/transfer", form: url.Values{"target_account": {"initech"}}}
			}
		},
	},
	"POST /portal/transfers/{id}/{decision}": {
		// A asked to transfer its subject to B: B's owner answers.
		allowed: []string{whoB},
		prep: func(w *pageWorld) func(string) pageCall {
			w.clearOrders(w.accountA.ID)
			w.clearOrders(w.accountB.ID)
			o, err := w.ts.Workflow.RequestTransfer(w.ctx(), w.people[whoA], w.recordA.Subject.ID, "globex", testPassword)
			w.must(err)
			return func(string) pageCall { return pageCall{path: "/portal/transfers/" + o.ID + "/decline"} }
		},
	},

	// Resources and authorization codes of the caller's account.
	"GET /portal/resources": {allowed: pageOperators, prep: pageAt("/portal/resources")},
	"POST /portal/resources/codes": {allowed: pageOrderOwners, prep: func(w *pageWorld) func(string) pageCall {
		res := w.resource()
		return func(string) pageCall {
			return pageCall{path: "/portal/resources/codes", form: url.Values{"source": {res + "|121.36.10.20"}, "count": {"1"}}}
		}
	}},
	"POST /portal/resources/codes/{id}/revoke": {allowed: pageOrderOwners, owned: true, prep: func(w *pageWorld) func(string) pageCall {
		c := w.code()
		return func(string) pageCall { return pageCall{path: "/portal/resources/codes/" + c.ID + "/revoke"} }
	}},
	"POST /portal/resources/grant": {allowed: pageOrderOwners, owned: true, prep: func(w *pageWorld) func(string) pageCall {
		c := w.code()
		return func(string) pageCall {
			return pageCall{path: "/portal/resources/grant", form: url.Values{"step": {"confirm"}, "code_ids": {c.ID}, "account": {"initech"},
				"password": {testPassword}}}
		}
	}},
	"POST /portal/resources/whitelist": {allowed: pageOperators, prep: pagePost("/portal/resources/whitelist", url.Values{"account": {"initech"}, "notify": {"1"}})},
	"POST /portal/resources/whitelist/{account}/remove": {allowed: pageOperators, prep: func(w *pageWorld) func(string) pageCall {
		w.must(w.ts.Workflow.SetAutoApproval(w.ctx(), w.people[whoA], "initech", false))
		return func(string) pageCall {
			return pageCall{path: "/portal/resources/whitelist/" + w.accountC.ID + "/remove"}
		}
	}},

	// Sub-users and groups: main accounts' owners, each in its own account.
	"GET /portal/users": {allowed: pageAccountOwners, prep: pageAt("/portal/users")},
	"POST /portal/users": {allowed: pageAccountOwners, prep: func(w *pageWorld) func(string) pageCall {
		return func(who string) pageCall {
			w.n++
			return pageCall{path: "/portal/users", form: url.Values{"login": {fmt.Sprintf("matrix-user-%d", w.n)}, "display_name": {"矩阵"},
				"password": {"matrix-password-1"}}}
		}
	}},
	"POST /portal/users/{id}/{what}": {allowed: []string{whoA}, owned: true, prep: func(w *pageWorld) func(string) pageCall {
		w.n++
		sub, err := w.ts.Workflow.CreateSubUser(w.ctx(), w.people[whoA], workflow.SubUserInput{Login: fmt.Sprintf("acme-temp-%d", w.n),
			DisplayName: "临时", Password: "matrix-password-1"})
		w.must(err)
		return func(string) pageCall { return pageCall{path: "/portal/users/" + sub.ID + "/disable"} }
	}},
	"POST /portal/groups": {allowed: pageAccountOwners, prep: func(w *pageWorld) func(string) pageCall {
		return func(string) pageCall {
			w.n++
			return pageCall{path: "/portal/groups", form: url.Values{"name": {fmt.Sprintf("矩阵组%d", w.n)}, "policies": {string(beian.PolicyBeianReadOnly)}}}
		}
	}},
	"POST /portal/groups/{id}/{what}": {allowed: []string{whoA}, owned: true, prep: func(w *pageWorld) func(string) pageCall {
		w.n++
		g, err := w.ts.Workflow.CreateGroup(w.ctx(), w.people[whoA], workflow.GroupInput{Name: fmt.Sprintf("临时组%d", w.n),
			Policies: []beian.Policy{beian.PolicyBeianReadOnly}})
		w.must(err)
		return func(string) pageCall {
			return pageCall{path: "/portal/groups/" + g.ID + "/save", form: url.Values{"name": {g.Name + "（改）"}, "policies": {string(beian.PolicyBeianReadOnly)}}}
		}
	}},

	// Staff look records up and act on them from the console.
	"GET /console/records": {allowed: pageStaff, prep: pageAt("/console/records")},
	"GET /console/records/{id}": {allowed: pageStaff, prep: func(w *pageWorld) func(string) pageCall {
		return func(string) pageCall { return pageCall{path: "/console/records/" + w.recordA.Subject.ID} }
	}},
	"GET /console/records/{id}/action": {allowed: pageStaff, prep: func(w *pageWorld) func(string) pageCall {
		return func(string) pageCall {
			return pageCall{path: "/console/records/" + w.recordA.Subject.ID + "/action?type=" + string(beian.CancelAccess) + "&service=" + w.service}
		}
	}},
	"POST /console/records/{id}/start": {
		// 取消接入 on the customer's behalf: compliance officers and admins.
		allowed: []string{whoCompliance, whoAdmin},
		prep: func(w *pageWorld) func(string) pageCall {
			return func(string) pageCall {
				w.clearOrders(w.accountA.ID)
				return pageCall{path: "/console/records/" + w.recordA.Subject.ID + "/start", form: url.Values{"type": {string(beian.CancelAccess)},
					"service_ids": {w.service}, "cancel_reason": {"矩阵测试"}}}
			}
		},
	},
	"GET /console/resources/import": {allowed: pageAdmins, prep: pageAt("/console/resources/import")},
	"POST /console/resources/import": {allowed: pageAdmins, prep: pagePost("/console/resources/import", url.Values{"csv": {
		"external_id,account,kind,region,mainland,billing,term_months,expires_on,public_ips\n" +
			"i-matrix,acme,ecs,cn-north-4,true,prepaid,12,2027-12-01,121.36.10.21\n"}})},

	// The console.
	"GET /console":                      {allowed: pageStaff, prep: pageAt("/console")},
	"GET /console/{$}":                  {allowed: pageStaff, prep: pageAt("/console/")},
	"GET /console/queue":                {allowed: pageStaff, prep: pageAt("/console/queue")},
	"GET /console/orders/{id}":          {allowed: pageStaff, prep: pageOnReview("", nil)},
	"POST /console/orders/{id}/claim":   {allowed: pageReviewers, prep: pageOnReview("/claim", nil)},
	"POST /console/orders/{id}/release": {allowed: pageReviewers, prep: pageOnReview("/release", nil)},
	"POST /console/orders/{id}/decision": {allowed: pageReviewers,
		prep: pageOnReview("/decision", url.Values{"decision": {string(workflow.DecisionPass)}})},
	"POST /console/orders/{id}/phone": {allowed: pageReviewers,
		prep: pageOnReview("/phone", url.Values{"field": {"subject.principal.mobile"}, "outcome": {string(beian.PhoneOutcomes[0])}})},
	"POST /console/orders/{id}/video": {allowed: pageReviewers, prep: func(w *pageWorld) func(string) pageCall {
		o := w.inReview()
		at := w.ts.Clock.Now().Add(48 * time.Hour).In(beian.ChinaTime).Format("2006-01-02T15:04")
		return func(string) pageCall {
			return pageCall{path: "/console/orders/" + o.ID + "/video", form: url.Values{"at": {at}, "notes": {"矩阵"}}}
		}
	}},
	"POST /console/orders/{id}/video/{check}": {allowed: pageReviewers, prep: func(w *pageWorld) func(string) pageCall {
		o := w.inReview()
		v, err := w.ts.Workflow.RequireVideoCheck(w.ctx(), w.people[whoReviewer], o.ID, workflow.VideoCheckInput{At: w.ts.Clock.Now().Add(48 * time.Hour)})
		w.must(err)
		return func(string) pageCall {
			return pageCall{path: "/console/orders/" + o.ID + "/video/" + v.ID, form: url.Values{"status": {string(beian.VideoPassed)}}}
		}
	}},
	"GET /console/bureau": {allowed: pageStaff, prep: pageAt("/console/bureau")},
	"POST /console/bureau/submit": {allowed: pageReviewers, prep: func(w *pageWorld) func(string) pageCall {
		o := w.passed()
		return func(string) pageCall {
			return pageCall{path: "/console/bureau/submit", form: url.Values{"order": {o.ID}}}
		}
	}},
	"GET /console/staff": {allowed: pageAdmins, prep: pageAt("/console/staff")},
	"POST /console/staff": {allowed: pageAdmins, prep: func(w *pageWorld) func(string) pageCall {
		return func(string) pageCall {
			w.n++
			return pageCall{path: "/console/staff", form: url.Values{"login": {fmt.Sprintf("staff-%d", w.n)}, "display_name": {"矩阵"},
				"role": {string(beian.RoleReviewer)}, "password": {testPassword}}}
		}
	}},
	"POST /console/staff/{id}/disable": {allowed: pageAdmins, prep: func(w *pageWorld) func(string) pageCall {
		w.n++
		u := w.ts.user(fmt.Sprintf("temp-staff-%d", w.n), beian.RoleReviewer, "")
		return func(string) pageCall { return pageCall{path: "/console/staff/" + u.ID + "/disable"} }
	}},
	"POST /console/staff/{id}/enable": {allowed: pageAdmins, prep: func(w *pageWorld) func(string) pageCall {
		w.n++
		u := w.ts.user(fmt.Sprintf("temp-staff-%d", w.n), beian.RoleReviewer, "")
		w.ts.update(func(tx beian.Tx) error {
			u.Disabled = true
			return tx.UpdateUser(context.Background(), u)
		})
		return func(string) pageCall { return pageCall{path: "/console/staff/" + u.ID + "/enable"} }
	}},
	// An order's documents: staff and the order's customer.
	"GET /documents/{order}/{ref...}": {allowed: pageOrderReaders, owned: true, prep: func(w *pageWorld) func(string) pageCall {
		o := w.draft()
		mat := w.material(o)
		return func(string) pageCall { return pageCall{path: "/documents/" + o.ID + "/" + mat.ID} }
	}},

	// The outbox: admins see every message, customers their account's.
	"GET /outbox":           {allowed: []string{whoA, whoB, whoAdmin}, prep: pageAt("/outbox")},
	"POST /outbox/language": {allowed: pageAccountOwners, prep: pagePost("/outbox/language", url.Values{"lang": {"en"}})},

	// Personal API tokens: everyone signed in manages their own.
	"GET /account/api-tokens":  {allowed: pageSignedIn, prep: pageAt("/account/api-tokens")},
	"POST /account/api-tokens": {allowed: pageSignedIn, prep: pagePost("/account/api-tokens", url.Values{"name": {"matrix"}})},
	"POST /account/api-tokens/{id}/revoke": {allowed: []string{whoA}, owned: true, prep: func(w *pageWorld) func(string) pageCall {
		_, t := w.tokenOf(whoA)
		return func(string) pageCall { return pageCall{path: "/account/api-tokens/" + t.ID + "/revoke"} }
	}},
}

// pageResponse is what a cell got.
type pageResponse struct {
	status   int
	location string
	html     bool
	body     string
}

// do sends a call as who in lang.
func (w *pageWorld) do(who, method string, call pageCall, lang beian.Lang) pageResponse {
	w.t.Helper()
	c := w.clients[who]
	if call.fresh {
		c = w.ts.client(w.people[who])
	}
	var body io.Reader
	contentType := ""
	switch {
	case call.file != nil:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, vs := range call.form {
			for _, v := range vs {
				w.must(mw.WriteField(k, v))
			}
		}
		fw, err := mw.CreateFormFile("file", "video.mp4")
		w.must(err)
		_, _ = fw.Write(call.file)
		w.must(mw.Close())
		body, contentType = &buf, mw.FormDataContentType()
	case method == http.MethodPost:
		body, contentType = strings.NewReader(call.form.Encode()), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequest(method, w.ts.URL+call.path, body)
	w.must(err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.AddCookie(&http.Cookie{Name: langCookie, Value: string(lang)})
	if call.json {
		req.Header.Set("Accept", "application/json")
	}
	resp, err := c.Do(req)
	w.must(err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return pageResponse{status: resp.StatusCode, location: resp.Header.Get("Location"),
		html: strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html"), body: string(b)}
}

// signIn reports whether r sends the caller to sign in.
func (r pageResponse) signIn() bool {
	return r.status == http.StatusSeeOther && strings.HasPrefix(r.location, "/login")
}

// refused reports whether r refuses the caller.
func (r pageResponse) refused() bool {
	return r.status == http.StatusForbidden || r.status == http.StatusNotFound
}

// succeeded reports whether r serves the caller: for a GET a page or a
// redirect, for a POST anything but a refusal, a failure or sign-in.
func (r pageResponse) succeeded(method string) bool {
	switch {
	case r.status >= 500, r.status == http.StatusUnauthorized, r.refused(), r.signIn():
		return false
	case method != http.MethodPost:
		return r.status < 400
	}
	return true
}

func (r pageResponse) String() string {
	s := fmt.Sprint(r.status)
	if r.location != "" {
		s += " → " + r.location
	}
	return s
}

// routeMethod is the method of a pattern, GET for the method-less
// catch-all.
func routeMethod(pattern string) string {
	if m, _, ok := strings.Cut(pattern, " "); ok && !strings.HasPrefix(m, "/") {
		return m
	}
	return http.MethodGet
}

func TestPageAuthorisationMatrix(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newPageWorld(t, dialect)
		patterns := w.ts.Server.pagePatterns
		for _, p := range patterns {
			if _, ok := pageRows[p]; !ok {
				t.Errorf("route %q has no row in the page authorisation matrix: add one to pageRows", p)
			}
		}
		for p := range pageRows {
			if !slices.Contains(patterns, p) {
				t.Errorf("matrix row %q names no registered route", p)
			}
		}
		// GETs first, on shared fixtures; then the POSTs, on disposable ones.
		var ordered []string
		for _, get := range []bool{true, false} {
			for _, p := range patterns {
				if _, ok := pageRows[p]; ok && (routeMethod(p) == http.MethodGet) == get {
					ordered = append(ordered, p)
				}
			}
		}
		run := &pageRun{w: w, ids: pageMessageIDs(t), tally: map[string]int{}}
		for _, p := range ordered {
			row := pageRows[p]
			var hidden []string
			if row.owned {
				hidden = []string{whoB}
			}
			run.row(t, p, row, pagePeople, hidden)
		}
		// The sub-user's data scope: on orders A made itself, its
		// administrator sub-user is a stranger (404), A still the owner —
		// while it still operates the orders it made.
		w.creator = whoA
		w.ts.update(func(tx beian.Tx) error {
			u, err := tx.FindUser(w.ctx(), w.people[whoSubAdmin].ID)
			if err == nil && (u.Disabled || !u.Has(beian.PolicyBeianAdministrator)) {
				t.Errorf("the matrix took the administrator sub-user's policy away: %+v", u)
			}
			return err
		})
		scoped := 0
		for _, p := range ordered {
			row := pageRows[p]
			if !strings.Contains(p, " /portal/orders/{id}") && !strings.Contains(p, " /documents/") {
				continue
			}
			scoped++
			row.allowed = slices.DeleteFunc(slices.Clone(row.allowed), func(who string) bool { return who == whoSubAdmin })
			run.row(t, p+" (made by A)", row, []string{whoSubAdmin, whoA}, []string{whoSubAdmin})
		}
		if scoped < 15 {
			t.Errorf("the scope pass covered %d order routes", scoped)
		}
		t.Logf("%d routes × %d callers, and %d order routes × 2 callers on A's own orders: %d requests (%v)\n%s",
			len(ordered), len(pagePeople), scoped, run.cells, run.tally, run.table.String())
	})
}

// pageRun runs rows of the matrix and keeps the tally.
type pageRun struct {
	w     *pageWorld
	ids   messageIDPattern
	cells int
	tally map[string]int
	table strings.Builder
}

// row runs one route for people; refused callers in hidden must get 404.
func (run *pageRun) row(t *testing.T, name string, row pageRow, people, hidden []string) {
	t.Helper()
	w := run.w
	method := routeMethod(name)
	fmt.Fprintf(&run.table, "%-52s", name)
	var build func(string) pageCall
	for i, who := range people {
		if build == nil {
			build = row.prep(w)
		}
		call := build(who)
		allowed := slices.Contains(row.allowed, who) || row.public
		// Pages are read in both languages; refusals, redirects to sign in
		// and POSTs (which change the fixture) in one, by turns.
		langs := []beian.Lang{beian.LangZH, beian.LangEN}
		switch {
		case method == http.MethodGet && allowed && !row.notFound:
		case i%2 == 0:
			langs = langs[:1]
		default:
			langs = langs[1:]
		}
		var got pageResponse
		for _, lang := range langs {
			got = w.do(who, method, call, lang)
			run.cells++
			cell := fmt.Sprintf("%s %s as %s (%s)", method, call.path, who, lang)
			outcome := ""
			switch {
			case row.notFound:
				outcome = "404"
				if got.status != http.StatusNotFound {
					t.Errorf("%s = %s, want 404", cell, got)
				}
			case who == whoAnon && !row.public:
				outcome = "sign-in"
				if !got.signIn() {
					t.Errorf("%s = %s, want a redirect to sign in", cell, got)
				}
				// A script is told 401 instead.
				asJSON := call
				asJSON.json = true
				if r := w.do(who, method, asJSON, lang); r.status != http.StatusUnauthorized {
					t.Errorf("%s asking for JSON = %s, want 401", cell, r)
				}
				run.cells++
			case allowed:
				outcome = "allowed"
				if !got.succeeded(method) {
					t.Errorf("%s = %s, want it allowed: %s", cell, got, pageExcerpt(got.body))
				}
			default:
				outcome = "refused"
				if !got.refused() {
					t.Errorf("%s = %s, want 403 or 404: %s", cell, got, pageExcerpt(got.body))
				} else if slices.Contains(hidden, who) && got.status != http.StatusNotFound {
					t.Errorf("%s = %s, want 404: the object must not exist for %s", cell, got, who)
				}
			}
			run.tally[outcome]++
			if got.html {
				if raw := untranslatedKeys(got.body, run.ids); len(raw) > 0 {
					t.Errorf("%s shows raw message IDs %q", cell, raw)
				}
				if got.status == http.StatusOK && !strings.Contains(got.body, `<html lang="`+string(lang)+`"`) {
					t.Errorf("%s is not a page in %s", cell, lang)
				}
			} else if got.status == http.StatusOK {
				break // a document or a PDF: the same in every language
			}
		}
		fmt.Fprintf(&run.table, " %s:%d", who, got.status)
		// A POST the caller was allowed may have used the fixture up.
		if method == http.MethodPost && allowed {
			build = nil
		}
	}
	run.table.WriteString("\n")
}

// pageExcerpt is the start of a page's main text, for failure messages.
func pageExcerpt(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	body = htmlTags.ReplaceAllString(body, " ")
	body = strings.Join(strings.Fields(body), " ")
	if len(body) > 300 {
		body = body[:300] + "…"
	}
	return body
}
