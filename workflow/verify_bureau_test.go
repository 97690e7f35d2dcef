package workflow_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/miit"
	"github.com/openbeian/beian/miit/bureausim"
	"github.com/openbeian/beian/workflow"
)

// otherISP is another provider reporting to the same bureau.
var otherISP = bureausim.ISPAccount{ISPID: 110000000999, Name: "另一接入商 (another provider)", UserName: "other-isp",
	Password: "other-isp-password", Key: "OtherISPKey00001", IV: "OtherISPIV000001", Province: "11"}

// fileElsewhere files snap as a first filing through another provider: a
// second installation (its own store, workflow and exchange) reporting to
// the same simulator with otherISP's account, through review, upload, the
// principals' SMS verification and the bureau's review. It returns the
// bureau's record.
func fileElsewhere(t *testing.T, dialect string, bu *exBureau, snap beian.Snapshot) bureausim.Record {
	t.Helper()
	ctx := context.Background()
	env := testenv.Open(t, dialect)
	wf := workflow.New(workflow.Config{Store: env.DB, Clock: env.Clock, Logger: exLogger(t)})
	x := workflow.NewExchange(wf, exConfig(newExFiles(), 10*time.Second))
	conn := bu.connection()
	conn.ISPID, conn.UserName, conn.Password, conn.AESKey, conn.AESIV = otherISP.ISPID, otherISP.UserName, otherISP.Password, otherISP.Key, otherISP.IV
	conn.ProviderName = otherISP.Name
	if err := x.PutConnection(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if err := x.Download(ctx, "11"); err != nil { // the code tables come first
		t.Fatal(err)
	}
	u := exCustomer(t, env, 1)
	o, err := wf.CreateOrder(ctx, u, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "11"})
	if err != nil {
		t.Fatal(err)
	}
	if o, _, err = wf.SaveDraft(ctx, u, o.ID, o.Version, snap); err != nil {
		t.Fatal(err)
	}
	if o, res, err := wf.Submit(ctx, u, o.ID, "k"); err != nil {
		t.Fatalf("submit: %v %+v", err, res.Findings)
	} else if _, err = wf.Review(ctx, exStaff(t, env, beian.RoleReviewer), o.ID, workflow.ReviewInput{Decision: workflow.DecisionPass}); err != nil {
		t.Fatal(err)
	}
	if subs, err := x.SubmitToBureau(ctx, exStaff(t, env, beian.RoleAdmin), []string{o.ID}); err != nil || subs[0].Err != nil {
		t.Fatalf("submission: %v %+v", err, subs)
	}
	if err := x.Upload(ctx, "11"); err != nil {
		t.Fatal(err)
	}
	people := []beian.Person{snap.Subject.Principal}
	for _, w := range snap.Websites {
		people = append(people, w.Principal)
	}
	done := map[string]bool{}
	for _, p := range people {
		if done[p.Mobile] {
			continue
		}
		done[p.Mobile] = true
		codes := bu.sim.SentCodes(p.Mobile)
		if len(codes) == 0 {
			t.Fatalf("no SMS code for a principal of the other provider's filing")
		}
		if _, err := bu.sim.Verify(p.Mobile, codes[len(codes)-1].Code, p.CertificateNumber[len(p.CertificateNumber)-6:]); err != nil {
			t.Fatal(err)
		}
	}
	rec, ok := bu.sim.Lookup(snap.Subject.CertificateNumber)
	if !ok || rec.Number == "" || len(rec.Services) != 1 {
		t.Fatalf("the bureau did not file the other provider's subject: %+v", rec)
	}
	return rec
}

// syncBuffer is a log destination tests read while the workflow writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestVerifyAsksTheBureau: the filing-type check asks the bureau
// (isp_querybeianstatus, over the exchange's connection to the simulator
// on loopback) what our records do not know, so a subject or domain filed
// through another provider gets the right type; when the bureau is slow,
// failing or gone the check still answers from our records and says so.
func TestVerifyAsksTheBureau(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		bu := newExBureau(t, func(c *bureausim.Config) {
			c.ISPs = []bureausim.ISPAccount{bureausim.DefaultISP, otherISP}
			c.ReviewWorkdays = bureausim.Immediately
		})
		theirs := fixture.Enterprise("11", 6) // filed through the other provider
		simRec := fileElsewhere(t, dialect, bu, theirs)
		theirDomain := theirs.Websites[0].Domains[0]

		// Our installation: the workflow asks the exchange's look-up.
		w := newWorld(t, dialect)
		logs := &syncBuffer{}
		wf := workflow.New(workflow.Config{Store: w.DB, Clock: w.Clock, Logger: slog.New(slog.NewTextHandler(logs, nil))})
		x := workflow.NewExchange(wf, exConfig(newExFiles(), 10*time.Second))
		if err := x.PutConnection(ctx, bu.connection()); err != nil {
			t.Fatal(err)
		}
		wf.SetLookup(x.FilingLookup())

		ours := fixture.Enterprise("11", 1) // filed here only: the bureau's simulator never saw it
		w.seedRecord(t, w.account.ID, ours, "2023000101", false)
		res := w.seedResource(t, w.account.ID, "ecs-acme", nil)
		_, wayne := w.newAccount(t, "wayne") // the other provider's customer, moving here
		resWayne := w.seedResource(t, wayne.AccountID, "ecs-wayne", nil)
		_, fresh := w.newAccount(t, "umbrella")
		resFresh := w.seedResource(t, fresh.AccountID, "ecs-umbrella", nil)
		nobody := fixture.Enterprise("11", 7) // filed nowhere

		bureauSource := "本接入商的备案记录和工信部备案系统"
		cases := []struct {
			name    string
			u       *beian.User
			in      workflow.VerifyInput
			want    beian.OrderType
			explain string
			fact    string
			problem string
		}{
			{"subject elsewhere, new site", wayne, verifyInput(theirs, "wayne-new.cn", resWayne.ID), beian.NewWebsite,
				"主体已在其他接入商备案，域名未备案 → 新增网站（原备案不在本接入商）", "主体：工信部备案系统显示已在其他接入商备案（" + simRec.Number + "）", ""},
			{"subject and site elsewhere", wayne, verifyInput(theirs, theirDomain, resWayne.ID), beian.NewAccess,
				"主体和域名均已在其他接入商备案 → 新增接入（原备案不在本接入商）", "域名 " + theirDomain + "：工信部备案系统显示已在其他接入商备案（" + simRec.Services[0].Number + "）", ""},
			{"site elsewhere, certificate not", fresh, verifyInput(nobody, theirDomain, resFresh.ID), "",
				"域名已备案，证件未备案", "主体：未备案", "verify.domain_filed_certificate_not"},
			{"nothing filed", fresh, verifyInput(nobody, "umbrella-new.cn", resFresh.ID), beian.FirstFiling,
				"主体和域名均未备案 → 首次备案", "域名 umbrella-new.cn：未备案", ""},
			{"our records first", w.customer, verifyInput(ours, "acme-new.cn", res.ID), beian.NewWebsite,
				"新增网站（原备案在本接入商）", "主体：已在本接入商备案", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				v, err := wf.VerifyFilingType(ctx, c.u, c.in)
				if err != nil {
					t.Fatal(err)
				}
				if v.Type != c.want {
					t.Errorf("type %q, want %q (problems %v, warnings %v)", v.Type, c.want, keys(v.Problems), keys(v.Warnings))
				}
				if !strings.Contains(v.Explanation.ZH, c.explain) || v.Explanation.EN == "" {
					t.Errorf("explanation %q lacks %q", v.Explanation.ZH, c.explain)
				}
				if !factsContain(v, c.fact) {
					t.Errorf("facts %v lack %q", v.Facts, c.fact)
				}
				if c.problem != "" && !hasProblem(v.Problems, c.problem) {
					t.Errorf("problems %v lack %s", keys(v.Problems), c.problem)
				}
				if c.problem == "" && !v.OK() {
					t.Errorf("not OK: %v %v", keys(v.Problems), keys(v.ResourceProblems))
				}
				if len(v.Warnings) != 0 {
					t.Errorf("warnings with the bureau up: %v", keys(v.Warnings))
				}
				if !strings.Contains(v.Sources.ZH, bureauSource) || !strings.Contains(v.Sources.EN, "the bureau") {
					t.Errorf("sources %+v", v.Sources)
				}
			})
		}

		// A certificate type V3.0 cannot query: our records decide, and the
		// check says why the bureau was not asked.
		hk := workflow.VerifyInput{Province: "11", Nature: beian.NatureIndividual, SubjectName: "陈家明", CertificateType: beian.CertHKMacauPermit,
			CertificateNumber: "H12345678", ServiceKind: beian.KindWebsite, ServiceName: "chen-notes.cn", ResourceID: resFresh.ID}
		v, err := wf.VerifyFilingType(ctx, fresh, hk)
		if err != nil || v.Type != beian.FirstFiling || !hasProblem(v.Warnings, "verify.bureau_not_queryable") ||
			!strings.HasPrefix(v.Sources.ZH, "查询来源：仅本接入商的备案记录") {
			t.Errorf("unqueryable certificate: %v %q %v %+v", err, v.Type, keys(v.Warnings), v.Sources)
		}

		// The bureau does not answer in time: the look-up gives up after
		// its timeout and the check answers from our records, with the
		// notice in both languages.
		slow := workflow.New(workflow.Config{Store: w.DB, Clock: w.Clock, Logger: slog.New(slog.NewTextHandler(logs, nil))})
		cfg := exConfig(newExFiles(), 10*time.Second)
		cfg.LookupTimeout = 200 * time.Millisecond
		slow.SetLookup(workflow.NewExchange(slow, cfg).FilingLookup())
		if err := bu.sim.InjectFault(bureausim.FaultTimeout, 2, miit.MethodQueryBeianStatus); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		v, err = slow.VerifyFilingType(ctx, wayne, verifyInput(theirs, "wayne-new.cn", resWayne.ID))
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("the check waited %v for a silent bureau", took)
		}
		bureauDown(t, "timeout", v, err)
		bu.sim.ClearFaults()

		// The bureau answers HTTP 500, then is gone altogether.
		if err := bu.sim.InjectFault(bureausim.FaultHTTP500, 2, miit.MethodQueryBeianStatus); err != nil {
			t.Fatal(err)
		}
		v, err = wf.VerifyFilingType(ctx, wayne, verifyInput(theirs, "wayne-new.cn", resWayne.ID))
		bureauDown(t, "HTTP 500", v, err)
		bu.srv.Close()
		v, err = wf.VerifyFilingType(ctx, wayne, verifyInput(theirs, theirDomain, resWayne.ID))
		bureauDown(t, "unreachable", v, err)
		// Our own records still answer what they know; the new domain
		// might be filed elsewhere, so the notice stays.
		v, err = wf.VerifyFilingType(ctx, w.customer, verifyInput(ours, "acme-new.cn", res.ID))
		if err != nil || v.Type != beian.NewWebsite || !v.OK() || !hasProblem(v.Warnings, "verify.bureau_unavailable") {
			t.Errorf("our records with the bureau gone: %v %q %v", err, v.Type, keys(v.Warnings))
		}

		// Personal data never reaches the log.
		out := logs.String()
		if !strings.Contains(out, "filing look-up failed") {
			t.Errorf("the failed look-ups were not logged:\n%s", out)
		}
		for _, pii := range []string{theirs.Subject.CertificateNumber, nobody.Subject.CertificateNumber, "H12345678", theirDomain, "wayne-new.cn"} {
			if strings.Contains(out, pii) {
				t.Errorf("the log shows %q:\n%s", pii, out)
			}
		}
	})
}

// bureauDown checks a verification made while the bureau could not be
// asked: no error, the type from our records (the subject is unknown
// here: a first filing), and the notice in both languages.
func bureauDown(t *testing.T, what string, v *workflow.Verification, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if v.Type != beian.FirstFiling {
		t.Errorf("%s: type %q from our records, want %q", what, v.Type, beian.FirstFiling)
	}
	if !hasProblem(v.Warnings, "verify.bureau_unavailable") {
		t.Fatalf("%s: warnings %v", what, keys(v.Warnings))
	}
	for _, w := range v.Warnings {
		if zh, en := w.Message(beian.LangZH), w.Message(beian.LangEN); !strings.Contains(zh, "暂时无法查询工信部备案系统") || !strings.Contains(en, "cannot be queried") {
			t.Errorf("%s: notice %q / %q", what, zh, en)
		}
	}
	if !strings.Contains(v.Sources.ZH, "未能查询工信部备案系统") || v.Sources.EN == "" {
		t.Errorf("%s: sources %+v", what, v.Sources)
	}
}

func factsContain(v *workflow.Verification, want string) bool {
	for _, f := range v.Facts {
		if strings.Contains(f.ZH, want) && f.EN != "" {
			return true
		}
	}
	return false
}

func TestQueryConditionFor(t *testing.T) {
	uscc := fixture.Enterprise("11", 1).Subject.CertificateNumber
	for _, c := range []struct {
		t      beian.CertificateType
		nature beian.Nature
		number string
		want   miit.QueryConditionType
		ok     bool
	}{
		{beian.CertBusinessLicence, beian.NatureEnterprise, uscc, miit.QueryByBusinessLicence, true},
		{beian.CertResidentID, beian.NatureEnterprise, "110101199003074514", miit.QueryByResidentID, true},
		{beian.CertPassport, beian.NatureEnterprise, "E12345678", miit.QueryByPassport, true},
		{beian.CertTaiwanPermit, beian.NatureEnterprise, "12345678", miit.QueryByTaiwanPermit, true},
		{beian.CertPublicInstitution, beian.NatureEnterprise, "事证第111010000001号", miit.QueryByInstitutionLegalCert, true},
		{beian.CertSocialOrg, beian.NatureEnterprise, "京社证字第0001号", miit.QueryBySocialOrgCert, true},
		{beian.CertFoundation, beian.NatureEnterprise, uscc, miit.QueryByBusinessLicence, true}, // carries a USCC
		{beian.CertOrgCode, beian.NatureGovernment, "12345678-9", miit.QueryByGovernmentOrgCode, true},
		{beian.CertOrgCode, beian.NatureSocialOrg, "12345678-9", miit.QueryBySocialOrgCode, true},
		{beian.CertOrgCode, beian.NaturePublicInstitution, "12345678-9", miit.QueryByInstitutionOrgCode, true},
		{beian.CertHKMacauPermit, beian.NatureEnterprise, "H12345678", 0, false},
		{beian.CertForeignPermanentResident, beian.NatureEnterprise, "USA110079010101", 0, false},
	} {
		got, ok := workflow.QueryConditionFor(c.t, c.nature, c.number)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: %d %v, want %d %v", c.t, got, ok, c.want, c.ok)
		}
	}
}
