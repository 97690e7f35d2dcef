package workflow_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/workflow"
)

func TestResourceEligibility(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		acct := w.account.ID
		good := w.seedResource(t, acct, "ecs-good", nil)
		onDemand := w.seedResource(t, acct, "ecs-payg", func(r *beian.Resource) {
			r.Billing, r.TermMonths, r.ExpiresAt = beian.BillingOnDemand, 0, time.Time{}
		})
		short := w.seedResource(t, acct, "ecs-short", func(r *beian.Resource) { r.TermMonths = 2 })
		full := w.seedResource(t, acct, "ecs-full", func(r *beian.Resource) { r.FilingsUsed = 5 })
		abroad := w.seedResource(t, acct, "ecs-hk", func(r *beian.Resource) { r.Mainland, r.Region = false, "ap-southeast-1" })
		expired := w.seedResource(t, acct, "ecs-old", func(r *beian.Resource) { r.ExpiresAt = w.Clock.Now().Add(-time.Hour) })
		eip := w.seedResource(t, acct, "eip-1", func(r *beian.Resource) { r.Kind = beian.ResourceEIP })
		dedicated := w.seedResource(t, acct, "dec-1", func(r *beian.Resource) {
			r.Kind, r.TermMonths, r.FilingsMax = beian.ResourceDedicatedCloud, 6, 0
		})

		opts, err := w.wf.Resources(ctx, w.customer)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			good.ID: "", onDemand.ID: "resource.on_demand", short.ID: "resource.term_short", full.ID: "resource.quota_exhausted",
			abroad.ID: "resource.not_mainland", expired.ID: "resource.expired", eip.ID: "resource.kind_not_fileable",
			dedicated.ID: "resource.term_short",
		}
		for _, o := range opts {
			key := want[o.Resource.ID]
			if key == "" {
				if !o.Eligible() {
					t.Errorf("%s greyed out: %v", o.Resource.ExternalID, keys(o.Problems))
				}
				continue
			}
			if !hasProblem(o.Problems, key) {
				t.Errorf("%s: problems %v, want %s", o.Resource.ExternalID, keys(o.Problems), key)
			}
		}
		// The quota message is the one customers know, and says the fix.
		for _, o := range opts {
			if o.Resource.ID == full.ID {
				msg := o.Problems[0].Message(beian.LangZH)
				if !strings.Contains(msg, "您用于备案的资源已达最大使用次数") || !strings.Contains(msg, "备案授权码") {
					t.Errorf("quota message %q", msg)
				}
			}
			if o.Resource.ID == short.ID {
				if msg := o.Problems[0].Message(beian.LangZH); !strings.Contains(msg, "2 个月") || !strings.Contains(msg, "续费") {
					t.Errorf("term message %q", msg)
				}
			}
		}

		// Product verification refuses the greyed-out ones with the same
		// reasons, and takes the good one.
		snap := fixture.Enterprise("11", 3)
		for id, key := range want {
			v, err := w.wf.VerifyFilingType(ctx, w.customer, verifyInput(snap, "qingyun-data3.cn", id))
			if err != nil {
				t.Fatal(err)
			}
			if key == "" {
				if !v.OK() || v.Resource == nil || v.Resource.ID != id {
					t.Errorf("good resource refused: %v", keys(v.ResourceProblems))
				}
				continue
			}
			if v.OK() || !hasProblem(v.ResourceProblems, key) {
				t.Errorf("resource %s: %v, want %s", id, keys(v.ResourceProblems), key)
			}
		}
		// Someone else's resource is not offered.
		other, _ := w.newAccount(t, "globex")
		theirs := w.seedResource(t, other.ID, "ecs-theirs", nil)
		v, err := w.wf.VerifyFilingType(ctx, w.customer, verifyInput(snap, "qingyun-data3.cn", theirs.ID))
		if err != nil || !hasProblem(v.ResourceProblems, "verify.resource_unknown") {
			t.Errorf("other account's resource: %v %v", err, keys(v.ResourceProblems))
		}
		v, err = w.wf.VerifyFilingType(ctx, w.customer, verifyInput(snap, "qingyun-data3.cn", ""))
		if err != nil || !hasProblem(v.ResourceProblems, "verify.resource_required") {
			t.Errorf("no resource: %v %v", err, keys(v.ResourceProblems))
		}
	})
}

func TestConsumeResourceQuota(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		r := w.seedResource(t, w.account.ID, "ecs-1", func(r *beian.Resource) { r.FilingsUsed = 4 })
		snap := fixture.Enterprise("11", 3)
		o, _, err := w.wf.StartVerified(ctx, w.customer, verifyInput(snap, "qingyun-data3.cn", r.ID))
		if err != nil {
			t.Fatal(err)
		}
		// The exchange consumes the quota when the order is filed; a
		// result processed twice consumes once.
		for range 2 {
			if err := w.DB.Update(ctx, func(tx beian.Tx) error { return workflow.ConsumeResource(ctx, tx, o.ID) }); err != nil {
				t.Fatal(err)
			}
		}
		opts, err := w.wf.Resources(ctx, w.customer)
		if err != nil {
			t.Fatal(err)
		}
		if opts[0].Resource.FilingsUsed != 5 || !hasProblem(opts[0].Problems, "resource.quota_exhausted") {
			t.Fatalf("after consumption: used %d, %v", opts[0].Resource.FilingsUsed, keys(opts[0].Problems))
		}
		// The filed order's own use does not count against it in the
		// pre-check.
		facts := workflow.NewResourceFacts(w.DB, w.Clock)
		rf, err := facts.OrderResource(ctx, o)
		if err != nil || rf.FilingsUsed != 4 {
			t.Errorf("facts after consumption: %+v %v", rf, err)
		}
		// Orders without a basis are left alone.
		plain, err := w.wf.CreateOrder(ctx, w.customer, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "11"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.DB.Update(ctx, func(tx beian.Tx) error { return workflow.ConsumeResource(ctx, tx, plain.ID) }); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAuthCodeLifecycle(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		owner := w.owner(t)
		ecs := w.seedResource(t, w.account.ID, "ecs-1", nil)
		payg := w.seedResource(t, w.account.ID, "ecs-payg", func(r *beian.Resource) { r.Billing = beian.BillingOnDemand })
		portal := w.seedResource(t, w.account.ID, "portal-1", func(r *beian.Resource) { r.Kind = beian.ResourceEnterprisePortal; r.FilingsMax = 3 })
		bAcct, bUser := w.newAccount(t, "globex")
		_, cUser := w.newAccount(t, "initech")
		bSnap, cSnap := fixture.Enterprise("31", 11), fixture.Enterprise("31", 12)

		// Only qualifying servers generate codes, at most five in their life.
		_, err := w.wf.GenerateAuthCodes(ctx, owner, workflow.GenerateInput{ResourceID: payg.ID, Count: 1})
		wantKey(t, err, "resource.on_demand")
		_, err = w.wf.GenerateAuthCodes(ctx, owner, workflow.GenerateInput{ResourceID: portal.ID, Count: 1})
		wantKey(t, err, "authcode.kind")
		_, err = w.wf.GenerateAuthCodes(ctx, owner, workflow.GenerateInput{ResourceID: ecs.ID, IP: "8.8.8.8", Count: 1})
		wantKey(t, err, "authcode.ip")
		codes, err := w.wf.GenerateAuthCodes(ctx, owner, workflow.GenerateInput{ResourceID: ecs.ID, IP: "121.36.10.22", Count: 3})
		if err != nil {
			t.Fatal(err)
		}
		more, err := w.wf.GenerateAuthCodes(ctx, owner, workflow.GenerateInput{ResourceID: ecs.ID, Count: 2})
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, more...)
		_, err = w.wf.GenerateAuthCodes(ctx, owner, workflow.GenerateInput{ResourceID: ecs.ID, Count: 1})
		wantKey(t, err, "authcode.none_left")
		if codes[0].IP.String() != "121.36.10.22" || codes[4].IP.String() != "121.36.10.21" || len(codes[0].Code) != 16 {
			t.Errorf("codes %+v", codes[0])
		}
		// The server is now filed through its codes only.
		opts, _ := w.wf.Resources(ctx, owner)
		for _, o := range opts {
			if o.Resource.ID == ecs.ID && !hasProblem(o.Problems, "resource.codes_issued") {
				t.Errorf("server with codes still offered: %v", keys(o.Problems))
			}
		}

		// Grant the first code to B: the target is shown first, the
		// password confirms.
		target, err := w.wf.GrantTarget(ctx, owner, "globex")
		if err != nil || target.AccountID != bAcct.ID {
			t.Fatalf("grant target: %+v %v", target, err)
		}
		_, err = w.wf.GrantTarget(ctx, owner, "acme")
		wantKey(t, err, "authcode.grant_self")
		_, err = w.wf.GrantTarget(ctx, owner, "nobody")
		wantKey(t, err, "account.unknown")
		err = w.wf.GrantAuthCodes(ctx, owner, []string{codes[0].ID}, "globex", "wrong")
		wantKey(t, err, "confirm.password")
		if err := w.wf.GrantAuthCodes(ctx, owner, []string{codes[0].ID}, "globex", "pw"); err != nil {
			t.Fatal(err)
		}
		err = w.wf.GrantAuthCodes(ctx, owner, []string{codes[0].ID}, "initech", "pw")
		wantKey(t, err, "authcode.not_grantable")

		// B sees it under 我的授权 and files with it; C cannot use it.
		page, err := w.wf.AuthCodes(ctx, bUser)
		if err != nil || len(page.Granted) != 1 || page.Granted[0].IssuerName != "acme" {
			t.Fatalf("B's codes: %+v %v", page, err)
		}
		in := verifyInput(bSnap, "qingyun-data11.cn", "")
		in.AuthCode = strings.ToLower(workflow.FormatAuthCode(codes[0].Code)) // typed with dashes, lower case
		v, err := w.wf.VerifyFilingType(ctx, cUser, withSubject(in, cSnap))
		if err != nil || !hasProblem(v.ResourceProblems, "authcode.not_holder") {
			t.Fatalf("C with B's code: %v %v", err, keys(v.ResourceProblems))
		}
		o, v, err := w.wf.StartVerified(ctx, bUser, in)
		if err != nil {
			t.Fatalf("B starts: %v %v %v", err, keys(v.Problems), keys(v.ResourceProblems))
		}
		if ips := o.Snapshot.Websites[0].IPs; len(ips) != 1 || ips[0].Start.String() != "121.36.10.22" {
			t.Errorf("order IPs %v", ips)
		}
		facts := workflow.NewResourceFacts(w.DB, w.Clock)
		rf, err := facts.OrderResource(ctx, o)
		if err != nil || rf.Kind != "auth_code" || rf.AuthCode == nil || rf.AuthCode.Used || rf.AuthCode.GrantedTo != bAcct.ID {
			t.Fatalf("facts %+v %v", rf, err)
		}
		// In use: nobody else, not B either, uses it twice.
		v, _ = w.wf.VerifyFilingType(ctx, bUser, withDomain(in, "qingyun-docs11.cn"))
		if !hasProblem(v.ResourceProblems, "authcode.invalid") && !hasProblem(v.Problems, "verify.order_in_progress") {
			t.Errorf("code in use accepted again: %v %v", keys(v.Problems), keys(v.ResourceProblems))
		}
		// Abandoning the order frees the code for the holder.
		if _, err := w.wf.Abandon(ctx, bUser, o.ID); err != nil {
			t.Fatal(err)
		}
		page, _ = w.wf.AuthCodes(ctx, owner)
		if st := page.Issued[0].Code.State; st != beian.AuthCodeGranted {
			t.Errorf("after abandon: %s", st)
		}
		o, _, err = w.wf.StartVerified(ctx, bUser, in)
		if err != nil {
			t.Fatalf("B starts again: %v", err)
		}
		// Filed: the code is used, once.
		for range 2 {
			if err := w.DB.Update(ctx, func(tx beian.Tx) error { return workflow.ConsumeResource(ctx, tx, o.ID) }); err != nil {
				t.Fatal(err)
			}
		}
		page, _ = w.wf.AuthCodes(ctx, owner)
		if st := page.Issued[0].Code.State; st != beian.AuthCodeUsed {
			t.Errorf("after filing: %s", st)
		}
		if _, err := w.wf.Abandon(ctx, bUser, o.ID); err != nil { // the draft goes; the use stays
			t.Fatal(err)
		}
		v, _ = w.wf.VerifyFilingType(ctx, bUser, in)
		if !hasProblem(v.ResourceProblems, "authcode.invalid") {
			t.Errorf("used code accepted: %v", keys(v.ResourceProblems))
		}
		err = w.wf.RevokeAuthCode(ctx, owner, codes[0].ID)
		wantKey(t, err, "authcode.not_revocable")

		// The whitelist lets C use an unused code without a grant, which
		// is then recorded as given.
		if err := w.wf.SetAutoApproval(ctx, owner, "initech", true); err != nil {
			t.Fatal(err)
		}
		cIn := withSubject(verifyInput(cSnap, "qingyun-data12.cn", ""), cSnap)
		cIn.AuthCode = codes[1].Code
		oc, _, err := w.wf.StartVerified(ctx, cUser, cIn)
		if err != nil {
			t.Fatalf("whitelisted start: %v", err)
		}
		page, _ = w.wf.AuthCodes(ctx, owner)
		if c := page.Issued[1]; c.Code.State != beian.AuthCodeInUse || c.GranteeName != "initech" || c.Code.OrderID != oc.ID {
			t.Errorf("whitelisted code: %+v", c.Code)
		}
		if len(page.Whitelist) != 1 || !page.Whitelist[0].Notify {
			t.Errorf("whitelist %+v", page.Whitelist)
		}
		// Revoking an unused code ends it.
		if err := w.wf.RevokeAuthCode(ctx, owner, codes[2].ID); err != nil {
			t.Fatal(err)
		}
		err = w.wf.GrantAuthCodes(ctx, owner, []string{codes[2].ID}, "globex", "pw")
		wantKey(t, err, "authcode.not_grantable")
		// An expired server's codes are invalid.
		w.Clock.Advance(400 * 24 * time.Hour)
		page, _ = w.wf.AuthCodes(ctx, owner)
		if c := page.Issued[3]; c.Code.State != beian.AuthCodeInvalid || c.Code.InvalidReason != "authcode.resource_expired" {
			t.Errorf("code of an expired server: %+v", c.Code)
		}
		// Read-only sub-users see codes but cannot manage them.
		reader := w.user(t, beian.RoleSubUser, beian.PolicyBeianReadOnly)
		if p, err := w.wf.AuthCodes(ctx, reader); err != nil || p.CanManage {
			t.Errorf("reader: %v %v", p, err)
		}
		_, err = w.wf.GenerateAuthCodes(ctx, reader, workflow.GenerateInput{ResourceID: ecs.ID, Count: 1})
		wantCode(t, err, beian.EFORBIDDEN)
	})
}

func withSubject(in workflow.VerifyInput, snap beian.Snapshot) workflow.VerifyInput {
	s := snap.Subject
	in.Province, in.Nature, in.SubjectName, in.CertificateType, in.CertificateNumber = s.Province, s.Nature, s.Name, s.CertificateType, s.CertificateNumber
	return in
}

func withDomain(in workflow.VerifyInput, d string) workflow.VerifyInput {
	in.ServiceName = d
	return in
}

func wantKey(t *testing.T, err error, key string) {
	t.Helper()
	e, ok := beian.AsError(err)
	if !ok || e.Key != key {
		t.Fatalf("error %v, want key %s", err, key)
	}
}

func TestImportResources(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		admin := &beian.User{Login: "admin", Role: beian.RoleAdmin}
		if err := w.DB.Update(ctx, func(tx beian.Tx) error { return tx.CreateUser(ctx, admin) }); err != nil {
			t.Fatal(err)
		}
		bad := "\xef\xbb\xbfexternal_id,account,kind,name,region,mainland,billing,term_months,expires_on,public_ips\n" +
			"i-1,acme,ecs,web,cn-north-4,true,prepaid,12,2027-12-01,121.36.10.21;121.36.10.22\n" +
			"i-2,nobody,ecs,web,cn-north-4,maybe,prepaid,12,2027-13-01,1.2.3\n" +
			"i-1,acme,vm,web,cn-north-4,true,monthly,3,,\n"
		items, rowErrs := workflow.ParseResourceCSV([]byte(bad))
		if len(items) != 3 {
			t.Fatalf("items %d", len(items))
		}
		// Parsing finds the syntax problems; importing finds the rest; all
		// are reported and nothing is imported.
		lines := map[string]int{}
		for _, e := range rowErrs {
			lines[e.Field] = e.Line
		}
		if lines["mainland"] != 3 || lines["expires_on"] != 3 || lines["public_ips"] != 3 || lines["external_id"] != 4 {
			t.Errorf("parse errors %+v", rowErrs)
		}
		_, err := w.wf.ImportResources(ctx, admin, items, "csv")
		var ie *workflow.ImportError
		if !errors.As(err, &ie) {
			t.Fatalf("import of bad rows: %v", err)
		}
		fields := map[string]bool{}
		for _, r := range ie.Rows {
			fields[r.Field] = true
		}
		if !fields["account"] || !fields["kind"] {
			t.Errorf("import errors %+v", ie.Rows)
		}
		if opts, _ := w.wf.Resources(ctx, w.customer); len(opts) != 0 {
			t.Fatalf("a rejected import stored %d resources", len(opts))
		}

		good := "external_id,account,kind,region,mainland,billing,term_months,expires_on,public_ips\n" +
			"i-1,acme,ecs,cn-north-4,是,包年/包月,12,2027-12-01,121.36.10.21;121.36.10.22\n" +
			"i-2,acme,ecs,cn-north-4,true,on_demand,,,121.36.10.23\n"
		items, rowErrs = workflow.ParseResourceCSV([]byte(good))
		if len(rowErrs) != 0 {
			t.Fatalf("good file: %+v", rowErrs)
		}
		_, err = w.wf.ImportResources(ctx, w.customer, items, "csv")
		wantCode(t, err, beian.EFORBIDDEN)
		res, err := w.wf.ImportResources(ctx, admin, items, "csv")
		if err != nil || res.Created != 2 || res.Updated != 0 {
			t.Fatalf("import: %+v %v", res, err)
		}
		res, err = w.wf.ImportResources(ctx, admin, items, "csv")
		if err != nil || res.Created != 0 || res.Updated != 2 {
			t.Fatalf("re-import: %+v %v", res, err)
		}
		opts, _ := w.wf.Resources(ctx, w.customer)
		if len(opts) != 2 || !opts[0].Eligible() || opts[0].Resource.FilingsMax != 5 || opts[1].Eligible() {
			t.Fatalf("imported %+v", opts)
		}
		// The term runs through its last day, China time.
		if got := opts[0].Resource.ExpiresAt; !got.Equal(time.Date(2027, 12, 1, 16, 0, 0, 0, time.UTC)) {
			t.Errorf("expires at %s", got)
		}
	})
}
