package workflow_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/miit/bureausim"
	"github.com/openbeian/beian/password"
	"github.com/openbeian/beian/workflow"
)

// TestBureauRoundTrip is Done-when 2: orders travel through the real
// workflow and the exchange engine to the bureau simulator over HTTP on
// loopback. One is verified through the simulator's SMS verification page
// and approved after the bureau's review (its record gets the issued
// numbers), one is rejected with the bureau's opinion, one misses the 24-hour
// SMS window and is returned.
func TestBureauRoundTrip(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		env := testenv.Open(t, dialect)
		const rejectDomain = "qingyun-data2.cn"
		const opinion = "网站名称与主办单位不符，请修改后重新提交。"
		bu := newExBureau(t, func(c *bureausim.Config) {
			def := bureausim.DefaultPolicy(bureausim.DefaultRejectWords)
			c.Policy = func(f bureausim.Filing) bureausim.Decision {
				for _, s := range f.Sites {
					for _, d := range s.Domains {
						if d == rejectDomain {
							return bureausim.Decision{Opinion: opinion}
						}
					}
				}
				return def(f)
			}
		})
		wf := workflow.New(workflow.Config{Store: env.DB, Clock: env.Clock, Logger: exLogger(t)})
		files := newExFiles()
		x := workflow.NewExchange(wf, exConfig(files, 10*time.Second))
		for kind, h := range x.Handlers() {
			env.Queue.Handle(kind, h)
		}
		notified := make(chan workflow.NotifyOrderArgs, 100)
		env.Queue.Handle(workflow.JobNotifyOrder, func(_ context.Context, j beian.Job) error {
			var a workflow.NotifyOrderArgs
			if err := exUnmarshal(j.Payload, &a); err != nil {
				return err
			}
			notified <- a
			return nil
		})
		exDrain(env, workflow.JobComplianceFeed)
		if err := env.Queue.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := x.PutConnection(ctx, bu.connection()); err != nil {
			t.Fatal(err)
		}
		// The code tables come first.
		if err := x.Download(ctx, "11"); err != nil {
			t.Fatal(err)
		}

		// Three customers, each with a first filing through review.
		reviewer := exStaff(t, env, beian.RoleReviewer)
		var orders []*beian.Order
		for n := 1; n <= 3; n++ {
			u := exCustomer(t, env, n)
			o, err := wf.CreateOrder(ctx, u, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "11"})
			if err != nil {
				t.Fatal(err)
			}
			if o, _, err = wf.SaveDraft(ctx, u, o.ID, o.Version, fixture.Enterprise("11", n)); err != nil {
				t.Fatal(err)
			}
			if o, res, err := wf.Submit(ctx, u, o.ID, "k"); err != nil {
				t.Fatalf("submit: %v %+v", err, res.Findings)
			} else if o, err = wf.Review(ctx, reviewer, o.ID, workflow.ReviewInput{Decision: workflow.DecisionPass}); err != nil {
				t.Fatal(err)
			} else {
				orders = append(orders, o)
			}
		}
		a, b, c := orders[0], orders[1], orders[2]

		// Only exStaff submit to the bureau.
		if _, err := x.SubmitToBureau(ctx, exCustomer(t, env, 9), []string{a.ID}); beian.ErrorCode(err) != beian.EFORBIDDEN {
			t.Fatalf("a exCustomer submitted to the bureau: %v", err)
		}
		subs, err := x.SubmitToBureau(ctx, reviewer, []string{a.ID, b.ID, c.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range subs {
			if s.Err != nil || s.Order.State != beian.SMSPending {
				t.Fatalf("submission of %s: %+v", s.OrderID, s)
			}
			if want := env.Clock.Now().Add(24 * time.Hour); !s.Order.DueAt.Equal(want) {
				t.Errorf("SMS window ends %v, want %v", s.Order.DueAt, want)
			}
		}
		// A second submission of the same order is refused.
		if again, _ := x.SubmitToBureau(ctx, reviewer, []string{a.ID}); beian.ErrorCode(again[0].Err) != beian.ECONFLICT {
			t.Fatalf("second submission: %+v", again[0])
		}

		// The upload job sends all three to the bureau.
		exWaitFor(t, 30*time.Second, "three filings at the bureau", func() bool {
			if len(bu.sim.Filings()) == 3 {
				return true
			}
			// The safety net the periodic tick provides, for an upload job that
			// missed a submission made while it was finishing.
			_ = x.Upload(ctx, "11")
			return false
		})
		if got := bu.sim.LastSequence(bureausim.DefaultISP.ISPID); got < 1 {
			t.Fatalf("bureau accepted sequence %d", got)
		}

		// A and B verify their codes on the simulator's page, as a person would.
		for _, o := range []*beian.Order{a, b} {
			p := o.Snapshot.Subject.Principal
			codes := bu.sim.SentCodes(p.Mobile)
			if len(codes) == 0 {
				t.Fatalf("no SMS code sent to the principal of %s", o.ID)
			}
			resp, err := http.PostForm(bu.srv.URL+"/sim/verify", url.Values{"mobile": {p.Mobile}, "code": {codes[0].Code},
				"idlast6": {p.CertificateNumber[len(p.CertificateNumber)-6:]}})
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "短信核验成功") {
				t.Fatalf("verification page: %d %s", resp.StatusCode, body)
			}
		}
		if err := x.Download(ctx, "11"); err != nil {
			t.Fatal(err)
		}
		for _, o := range []*beian.Order{a, b} {
			if got := exOrder(t, env, o.ID); got.State != beian.BureauReview {
				t.Fatalf("order %s after verification: %s", o.ID, got.State)
			}
		}
		if got := exOrder(t, env, c.ID); got.State != beian.SMSPending {
			t.Fatalf("unverified order: %s", got.State)
		}

		// The bureau's clock passes the SMS window and the review.
		bu.clock.Advance(5 * 24 * time.Hour)
		if err := x.Download(ctx, "11"); err != nil {
			t.Fatal(err)
		}

		// A is filed, with the numbers the bureau issued.
		got := exOrder(t, env, a.ID)
		if got.State != beian.Filed || got.Review == nil || got.Review.BureauCode != 1001 {
			t.Fatalf("approved order: %s %+v", got.State, got.Review)
		}
		var rec *beian.Record
		if err := env.DB.View(ctx, func(tx beian.Tx) error {
			var err error
			rec, err = tx.FindRecordBySubjectCertificate(ctx, a.Snapshot.Subject.CertificateNumber)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		simRec, ok := bu.sim.Lookup(a.Snapshot.Subject.CertificateNumber)
		if !ok {
			t.Fatal("the bureau has no record of the approved subject")
		}
		if rec.Subject.Number.String() != simRec.Number || rec.Subject.BureauID == "" || rec.Subject.AccountID != a.AccountID {
			t.Fatalf("record subject %q (bureau %q) id %q account %q", rec.Subject.Number, simRec.Number, rec.Subject.BureauID, rec.Subject.AccountID)
		}
		if len(rec.Services) != 1 || rec.Services[0].Number.String() != simRec.Services[0].Number || rec.Services[0].Number.Ordinal != 1 {
			t.Fatalf("record services %+v, bureau %+v", rec.Services, simRec.Services)
		}
		if acc := rec.Services[0].Access; len(acc) != 1 || !acc[0].Ours || acc[0].BureauID == "" {
			t.Fatalf("our access record: %+v", acc)
		}
		var acct *beian.Account
		_ = env.DB.View(ctx, func(tx beian.Tx) (err error) { acct, err = tx.FindAccount(ctx, a.AccountID); return })
		if acct.SubjectCertificate != a.Snapshot.Subject.CertificateNumber {
			t.Error("the account is not bound to its filed subject")
		}
		wantAudit := []string{"order.bureau_submit", "order.sms_verified", "order.bureau_approve"}
		if acts := exAudit(t, env, "order", a.ID); !exInOrder(acts, wantAudit) {
			t.Errorf("audit trail %v lacks %v", acts, wantAudit)
		}

		// B is rejected with the bureau's opinion.
		got = exOrder(t, env, b.ID)
		if got.State != beian.BureauRejected || got.Review == nil || got.Review.By != "bureau" || got.Review.BureauCode != 1002 ||
			!strings.Contains(got.Review.Opinion, opinion) {
			t.Fatalf("rejected order: %s %+v", got.State, got.Review)
		}

		// C missed the SMS window and is returned, editable again.
		got = exOrder(t, env, c.ID)
		if got.State != beian.Returned || got.Review == nil || got.Review.BureauCode != 1102 || !got.State.Editable() {
			t.Fatalf("unverified order: %s %+v", got.State, got.Review)
		}

		// Every downloaded file was acknowledged; nothing waits at the bureau.
		if pending := bu.sim.PendingFiles(bureausim.DefaultISP.ISPID); len(pending) != 0 {
			t.Errorf("files not acknowledged: %d", len(pending))
		}
		// Stored before sent: every accepted upload file is in the store.
		if keys := files.keys("miit/upload/11/"); len(keys) == 0 {
			t.Error("no upload file stored")
		}
		// People heard about every step.
		exWaitFor(t, 10*time.Second, "notifications", func() bool {
			for {
				select {
				case n := <-notified:
					if n.OrderID == a.ID && n.Event == beian.EventBureauApprove {
						return true
					}
				default:
					return false
				}
			}
		})
	})
}

func exInOrder(list, want []string) bool {
	i := 0
	for _, x := range list {
		if i < len(want) && x == want[i] {
			i++
		}
	}
	return i == len(want)
}

func exCustomer(t testing.TB, env *testenv.Env, n int) *beian.User {
	t.Helper()
	ctx := context.Background()
	var u *beian.User
	err := env.DB.Update(ctx, func(tx beian.Tx) error {
		a := &beian.Account{Name: "customer-" + exItoa(n), CreatedAt: tx.Now()}
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		h, _ := password.Hash("pw", password.Fast)
		u = &beian.User{AccountID: a.ID, Login: "customer-" + exItoa(n), Role: beian.RoleCustomer, PasswordHash: h, CreatedAt: tx.Now()}
		return tx.CreateUser(ctx, u)
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func exStaff(t testing.TB, env *testenv.Env, role beian.Role) *beian.User {
	t.Helper()
	ctx := context.Background()
	u := &beian.User{Login: "staff-" + string(role), Role: role}
	if err := env.DB.Update(ctx, func(tx beian.Tx) error { u.CreatedAt = tx.Now(); return tx.CreateUser(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	return u
}
