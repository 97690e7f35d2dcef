package workflow_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/password"
	"github.com/openbeian/beian/workflow"
)

// fakeLookup plays the bureau's isp_querybeianstatus: filed domains and
// subjects by key.
type fakeLookup struct {
	domains  map[string]*workflow.FilingStatus
	subjects map[string]*workflow.FilingStatus
	err      error
}

func (f *fakeLookup) DomainStatus(_ context.Context, _, domain string) (*workflow.FilingStatus, error) {
	return f.domains[domain], f.err
}

func (f *fakeLookup) SubjectStatus(_ context.Context, _ string, _ beian.Nature, _ beian.CertificateType, cert string) (*workflow.FilingStatus, error) {
	return f.subjects[cert], f.err
}

// withLookup returns a workflow over the world's store that asks lookup.
func (w *world) withLookup(lookup workflow.FilingLookup) *workflow.Workflow {
	return workflow.New(workflow.Config{Store: w.DB, Clock: w.Clock, Lookup: lookup})
}

// newAccount creates another customer account whose owner's password is
// "pw".
func (w *world) newAccount(t *testing.T, name string) (*beian.Account, *beian.User) {
	t.Helper()
	a := &beian.Account{Name: name}
	h, _ := password.Hash("pw", password.Fast)
	u := &beian.User{Login: name, DisplayName: name, Role: beian.RoleCustomer, PasswordHash: h}
	err := w.DB.Update(context.Background(), func(tx beian.Tx) error {
		if err := tx.CreateAccount(context.Background(), a); err != nil {
			return err
		}
		u.AccountID = a.ID
		return tx.CreateUser(context.Background(), u)
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, u
}

// customerWithPassword gives the world's customer the password "pw" in
// the user value the workflow sees (the world stores it already).
func (w *world) owner(t *testing.T) *beian.User {
	t.Helper()
	var u *beian.User
	err := w.DB.View(context.Background(), func(tx beian.Tx) error {
		var err error
		u, err = tx.FindUser(context.Background(), w.customer.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// seedRecord files snap's subject and websites under accountID (empty for
// an old-system record bound to no account), each website with a live
// access record here unless noAccess.
func (w *world) seedRecord(t *testing.T, accountID string, snap beian.Snapshot, serial string, noAccess bool) *beian.Record {
	t.Helper()
	ctx := context.Background()
	prov, _ := beian.ProvinceByCode(snap.Subject.Province)
	num := beian.ICPNumber{Province: prov, Serial: serial}
	var rec *beian.Record
	err := w.DB.Update(ctx, func(tx beian.Tx) error {
		now := tx.Now()
		s := &beian.RecordSubject{AccountID: accountID, Subject: snap.Subject, Number: num, Status: beian.RecordFiled, FiledAt: now}
		if err := tx.CreateRecordSubject(ctx, s); err != nil {
			return err
		}
		for i := range snap.Websites {
			site := snap.Websites[i]
			svc := &beian.RecordService{SubjectID: s.ID, Kind: beian.KindWebsite, Website: &site, Number: num.Service(i+1, beian.KindWebsite),
				Status: beian.RecordFiled, FiledAt: now}
			status := beian.AccessActive
			if noAccess {
				status = beian.AccessCancelled
			}
			svc.Access = []beian.AccessRecord{{Provider: "ours", Ours: true, IPs: site.IPs, Status: status, CreatedAt: now}}
			if err := tx.CreateRecordService(ctx, svc); err != nil {
				return err
			}
		}
		if accountID != "" {
			a, err := tx.FindAccount(ctx, accountID)
			if err != nil {
				return err
			}
			a.SubjectCertificate = snap.Subject.CertificateNumber
			if err := tx.UpdateAccount(ctx, a); err != nil {
				return err
			}
		}
		var err error
		rec, err = tx.FindRecord(ctx, s.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// seedResource gives accountID a resource; mutate adjusts the default, a
// mainland ECS prepaid for 12 months with two public IPs.
func (w *world) seedResource(t *testing.T, accountID, externalID string, mutate func(r *beian.Resource)) *beian.Resource {
	t.Helper()
	r := &beian.Resource{ExternalID: externalID, AccountID: accountID, Kind: beian.ResourceECS, Name: externalID, Region: "cn-north-4",
		Mainland: true, Billing: beian.BillingPrepaid, TermMonths: 12, ExpiresAt: w.Clock.Now().AddDate(1, 0, 0),
		PublicIPs: []netip.Addr{netip.MustParseAddr("121.36.10.21"), netip.MustParseAddr("121.36.10.22")}, FilingsMax: 5}
	if mutate != nil {
		mutate(r)
	}
	err := w.DB.Update(context.Background(), func(tx beian.Tx) error {
		_, err := tx.PutResource(context.Background(), r)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// verifyInput is the check's form for a fixture subject and a domain.
func verifyInput(snap beian.Snapshot, domain, resourceID string) workflow.VerifyInput {
	s := snap.Subject
	return workflow.VerifyInput{Province: s.Province, Nature: s.Nature, SubjectName: s.Name, CertificateType: s.CertificateType,
		CertificateNumber: s.CertificateNumber, ServiceKind: beian.KindWebsite, ServiceName: domain, ResourceID: resourceID}
}

func hasProblem(es []*beian.Error, key string) bool {
	for _, e := range es {
		if e.Key == key {
			return true
		}
	}
	return false
}

func keys(es []*beian.Error) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Key)
	}
	return out
}

func TestVerifyDetection(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		other, _ := w.newAccount(t, "globex")
		res := w.seedResource(t, w.account.ID, "ecs-1", nil)

		filedHere := fixture.Enterprise("11", 1) // acme's subject, filed here
		w.seedRecord(t, w.account.ID, filedHere, "2023000101", false)
		noAccess := fixture.Enterprise("11", 2) // filed here once, access cancelled: its own account
		noAccessAcct, noAccessUser := w.newAccount(t, "initech")
		w.seedRecord(t, noAccessAcct.ID, noAccess, "2023000102", true)
		resInitech := w.seedResource(t, noAccessAcct.ID, "ecs-2", nil)
		elsewhere := fixture.Enterprise("11", 3) // filed at another provider
		fresh := fixture.Enterprise("11", 4)     // filed nowhere
		claimable := fixture.Enterprise("11", 5) // old-system record, no account
		w.seedRecord(t, "", claimable, "2015000105", false)
		claimer, claimerUser := w.newAccount(t, "hooli")
		_ = claimer

		lookup := &fakeLookup{
			subjects: map[string]*workflow.FilingStatus{
				elsewhere.Subject.CertificateNumber: {Filed: true, SubjectNumber: "京ICP备2019000103号"},
			},
			domains: map[string]*workflow.FilingStatus{
				"qingyun-data3.cn":   {Filed: true, SubjectNumber: "京ICP备2019000103号", ServiceNumber: "京ICP备2019000103号-1"},
				"taken-elsewhere.cn": {Filed: true, SubjectNumber: "京ICP备2000000001号", ServiceNumber: "京ICP备2000000001号-1"},
			},
		}
		wf := w.withLookup(lookup)
		freshUser := w.customer // acme is bound to filedHere; fresh subjects need an unbound account
		_, unbound := w.newAccount(t, "umbrella")
		resUnbound := w.seedResource(t, unbound.AccountID, "ecs-3", nil)
		_, elsewhereUser := w.newAccount(t, "wayne")
		resWayne := w.seedResource(t, elsewhereUser.AccountID, "ecs-4", nil)
		resHooli := w.seedResource(t, claimerUser.AccountID, "ecs-5", nil)

		app := func(in workflow.VerifyInput, name string) workflow.VerifyInput {
			in.ServiceKind, in.ServiceName = beian.KindApp, name
			return in
		}
		cases := []struct {
			name       string
			u          *beian.User
			in         workflow.VerifyInput
			want       beian.OrderType
			explain    string
			problem    string
			okExpected bool
		}{
			{"first filing", unbound, verifyInput(fresh, "brand-new.cn", resUnbound.ID), beian.FirstFiling, "主体和域名均未备案 → 首次备案", "", true},
			{"new website here", freshUser, verifyInput(filedHere, "qingyun-docs.cn", res.ID), beian.NewWebsite, "新增网站（原备案在本接入商）", "", true},
			{"new website elsewhere", elsewhereUser, verifyInput(elsewhere, "another-site.cn", resWayne.ID), beian.NewWebsite, "主体已在其他接入商备案，域名未备案 → 新增网站（原备案不在本接入商）", "", true},
			{"new access elsewhere", elsewhereUser, verifyInput(elsewhere, "qingyun-data3.cn", resWayne.ID), beian.NewAccess, "新增接入（原备案不在本接入商）", "", true},
			{"new access here", noAccessUser, verifyInput(noAccess, "qingyun-data2.cn", resInitech.ID), beian.NewAccess, "新增接入（原备案在本接入商）", "", true},
			{"mismatched certificate", unbound, verifyInput(fresh, "qingyun-data3.cn", resUnbound.ID), "", "域名已备案，证件未备案 → 证件与工信部记录不一致", "verify.domain_filed_certificate_not", false},
			{"domain of another subject", elsewhereUser, verifyInput(elsewhere, "taken-elsewhere.cn", resWayne.ID), "", "", "verify.domain_other_subject", false},
			{"already here", freshUser, verifyInput(filedHere, "qingyun-data1.cn", res.ID), "", "无需备案", "verify.already_here", false},
			{"new app here", freshUser, app(verifyInput(filedHere, "", res.ID), "青云数据"), beian.NewApp, "新增APP（原备案在本接入商）", "", true},
			{"first filing app", unbound, app(verifyInput(fresh, "", resUnbound.ID), "青云数据"), beian.FirstFiling, "首次备案（APP）", "", true},
			{"claim", claimerUser, verifyInput(claimable, "qingyun-data5.cn", resHooli.ID), beian.Claim, "认领备案", "", true},
			{"one account one subject", freshUser, verifyInput(fresh, "brand-new.cn", res.ID), beian.FirstFiling, "", "verify.account_other_subject", false},
			{"certificate under another account", w.customer, verifyInput(noAccess, "qingyun-data2.cn", res.ID), beian.NewAccess, "", "verify.certificate_other_account", false},
			{"subdomain", unbound, verifyInput(fresh, "www.brand-new.cn", resUnbound.ID), "", "", "verify.domain_subdomain", false},
		}
		_ = other
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				v, err := wf.VerifyFilingType(ctx, c.u, c.in)
				if err != nil {
					t.Fatal(err)
				}
				if v.Type != c.want {
					t.Errorf("type %q, want %q (problems %v)", v.Type, c.want, keys(v.Problems))
				}
				if c.explain != "" && !strings.Contains(v.Explanation.ZH, c.explain) {
					t.Errorf("explanation %q lacks %q", v.Explanation.ZH, c.explain)
				}
				if v.Explanation.ZH != "" && v.Explanation.EN == "" {
					t.Error("explanation without English")
				}
				if c.problem != "" && !hasProblem(v.Problems, c.problem) {
					t.Errorf("problems %v lack %s", keys(v.Problems), c.problem)
				}
				if v.OK() != c.okExpected {
					t.Errorf("OK = %v, want %v (problems %v, resource %v)", v.OK(), c.okExpected, keys(v.Problems), keys(v.ResourceProblems))
				}
				for _, p := range append(v.Problems, v.ResourceProblems...) {
					if p.Field == "" || p.Message(beian.LangZH) == p.Key || p.Message(beian.LangEN) == p.Key {
						t.Errorf("problem %s without field or text", p.Key)
					}
				}
			})
		}

		// The bureau being down degrades to our records, with a warning.
		down := w.withLookup(&fakeLookup{err: errors.New("connection refused")})
		v, err := down.VerifyFilingType(ctx, freshUser, verifyInput(filedHere, "qingyun-docs.cn", res.ID))
		if err != nil || v.Type != beian.NewWebsite || !hasProblem(v.Warnings, "verify.bureau_unavailable") {
			t.Errorf("bureau down: %v %s %v", err, v.Type, keys(v.Warnings))
		}
		// Without a lookup the check still works from our records.
		v, err = w.wf.VerifyFilingType(ctx, unbound, verifyInput(fresh, "brand-new.cn", resUnbound.ID))
		if err != nil || v.Type != beian.FirstFiling || !v.OK() {
			t.Errorf("no lookup: %v %s %v", err, v.Type, keys(v.Problems))
		}
		// A read-only sub-user cannot start filings.
		reader := w.user(t, beian.RoleSubUser, beian.PolicyBeianReadOnly)
		_, err = wf.VerifyFilingType(ctx, reader, verifyInput(filedHere, "qingyun-docs.cn", res.ID))
		wantCode(t, err, beian.EFORBIDDEN)
	})
}

func TestVerifyOneOrderInProgress(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		res := w.seedResource(t, w.account.ID, "ecs-1", nil)
		snap := fixture.Enterprise("31", 7)
		o, v, err := w.wf.StartVerified(ctx, w.customer, verifyInput(snap, "qingyun-data7.cn", res.ID))
		if err != nil {
			t.Fatalf("start: %v (%v %v)", err, keys(v.Problems), keys(v.ResourceProblems))
		}
		if o.Type != beian.FirstFiling || o.State != beian.Draft {
			t.Fatalf("order %s %s", o.Type, o.State)
		}
		// A second order for the same subject is refused with the reason.
		v, err = w.wf.VerifyFilingType(ctx, w.customer, verifyInput(snap, "qingyun-docs7.cn", res.ID))
		if err != nil || v.OK() || !hasProblem(v.Problems, "verify.order_in_progress") {
			t.Fatalf("second check: %v %v", err, keys(v.Problems))
		}
		if msg := v.Problems[0].Message(beian.LangZH); !strings.Contains(msg, o.ID) || !strings.Contains(msg, "放弃") {
			t.Errorf("message lacks the order and the fix: %s", msg)
		}
		_, _, err = w.wf.StartVerified(ctx, w.customer, verifyInput(snap, "qingyun-docs7.cn", res.ID))
		var notOK *workflow.VerifyNotOKError
		if !errors.As(err, &notOK) {
			t.Fatalf("start of a busy subject: %v", err)
		}
		// The account is bound to that subject by its order: another
		// subject is refused too (one account, one subject).
		v, err = w.wf.VerifyFilingType(ctx, w.customer, verifyInput(fixture.Enterprise("31", 8), "qingyun-data8.cn", res.ID))
		if err != nil || !hasProblem(v.Problems, "verify.account_other_subject") {
			t.Fatalf("other subject: %v %v", err, keys(v.Problems))
		}
		if _, err := w.wf.Abandon(ctx, w.customer, o.ID); err != nil {
			t.Fatal(err)
		}
		v, err = w.wf.VerifyFilingType(ctx, w.customer, verifyInput(snap, "qingyun-docs7.cn", res.ID))
		if err != nil || !v.OK() {
			t.Fatalf("after abandoning: %v %v", err, keys(v.Problems))
		}
	})
}

func TestStartVerifiedFixesBasis(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		res := w.seedResource(t, w.account.ID, "ecs-1", nil)
		filed := fixture.Enterprise("11", 1)
		rec := w.seedRecord(t, w.account.ID, filed, "2023000101", false)

		o, _, err := w.wf.StartVerified(ctx, w.customer, verifyInput(filed, "QingYun-Docs.CN", res.ID))
		if err != nil {
			t.Fatal(err)
		}
		if o.Type != beian.NewWebsite || o.RecordSubjectID != rec.Subject.ID {
			t.Fatalf("order %s on %q", o.Type, o.RecordSubjectID)
		}
		// Prefilled from the record: the whole subject, the new domain and
		// the resource's addresses.
		s := o.Snapshot
		if s.Subject.Principal.Mobile != filed.Subject.Principal.Mobile || s.Subject.CertificateAddress != filed.Subject.CertificateAddress {
			t.Errorf("subject not prefilled: %+v", s.Subject)
		}
		if len(s.Websites) != 1 || s.Websites[0].Domains[0] != "qingyun-docs.cn" || len(s.Websites[0].IPs) != 2 {
			t.Fatalf("websites %+v", s.Websites)
		}
		b, err := w.wf.OrderBasis(ctx, w.customer, o.ID)
		if err != nil || b == nil || b.ResourceID != res.ID || b.ServiceName != "qingyun-docs.cn" || b.CertificateNumber != filed.Subject.CertificateNumber {
			t.Fatalf("basis %+v %v", b, err)
		}
		if errs := workflow.CheckBasis(o, b, &s); len(errs) != 0 {
			t.Errorf("unchanged snapshot flagged: %v", keys(errs))
		}
		changed := s
		changed.Subject.CertificateNumber = fixture.USCC("91", fixture.County("11"), 99)
		changed.Websites = []beian.Website{{Domains: []string{"other.cn"}}}
		if errs := workflow.CheckBasis(o, b, &changed); !hasProblem(errs, "verify.immutable") || len(errs) != 2 {
			t.Errorf("changed snapshot: %v", keys(errs))
		}
		// The pre-check sees the resource through the store-backed facts.
		facts := workflow.NewResourceFacts(w.DB, w.Clock)
		r, err := facts.OrderResource(ctx, o)
		if err != nil || r == nil || !r.Prepaid || !r.Mainland || r.TermMonths != 12 || r.FilingsUsed != 0 {
			t.Fatalf("facts %+v %v", r, err)
		}
		// Another user of the account may not read the basis of an order
		// it cannot see.
		none := w.user(t, beian.RoleSubUser)
		_, err = w.wf.OrderBasis(ctx, none, o.ID)
		wantCode(t, err, beian.ENOTFOUND)
		_ = time.Second
	})
}
