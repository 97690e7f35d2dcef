package main

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/miit/bureausim"
	"github.com/openbeian/beian/password"
	"github.com/openbeian/beian/workflow"
)

// createCustomer creates a customer account with its owner (who signs in
// with the returned password) and a prepaid mainland server with address
// ip, as the provider's cloud would have pushed it.
func createCustomer(t *testing.T, m *Main, name, ip string) (*beian.User, string, *beian.Resource) {
	t.Helper()
	ctx := context.Background()
	pw := "e2e-" + name + "-Pw1"
	hash, err := password.Hash(pw, password.Fast)
	if err != nil {
		t.Fatal(err)
	}
	u := &beian.User{Login: name, DisplayName: name, Role: beian.RoleCustomer, PasswordHash: hash}
	var res *beian.Resource
	err = m.DB.Update(ctx, func(tx beian.Tx) error {
		now := tx.Now()
		a := &beian.Account{Name: name, CreatedAt: now}
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		u.AccountID, u.CreatedAt = a.ID, now
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		res = &beian.Resource{ExternalID: name + "-ecs", AccountID: a.ID, Name: name + "-web (ECS 包年)", Kind: beian.ResourceECS,
			Region: "cn-east-3", Mainland: true, Billing: beian.BillingPrepaid, TermMonths: 12, ExpiresAt: now.AddDate(1, 0, 0),
			PublicIPs: []netip.Addr{netip.MustParseAddr(ip)}, FilingsMax: beian.ResourceECS.DefaultFilingsMax()}
		_, err := tx.PutResource(ctx, res)
		return err
	})
	if err != nil {
		t.Fatalf("customer %s: %v", name, err)
	}
	return u, pw, res
}

// TestAllFilingTypesReachTheBureau starts an order of every filing type of
// spec §3 with the portal's and the console's workflow functions
// (StartVerified, StartFromRecord, RequestTransfer; SaveDraft, Submit;
// Claim, Decide; SubmitToBureau) in the real program, and follows each to
// the bureau simulator over loopback HTTP: the simulator must receive the
// upload of the type's kind (XZBA, XZWZ, XZJR, BGBA, ZXBA with its
// operation). The SMS codes are entered and the bureau approves, so that
// the next order builds on a filed record. Transfers and claims complete
// without the bureau. Shanghai, whose bureau accepts migrations.
func TestAllFilingTypesReachTheBureau(t *testing.T) {
	t.Parallel()
	for name, dsn := range dialects(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a := newAllTypes(t, dsn)
			a.run()
		})
	}
}

// allTypes is the program and the people of the test.
type allTypes struct {
	t        *testing.T
	ctx      context.Context
	m        *Main
	sim      *bureausim.Sim
	x        *workflow.Exchange
	reviewer *beian.User
}

const allTypesProvince = "31"

func newAllTypes(t *testing.T, dsn string) *allTypes {
	m := NewMain()
	m.Config = Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", Role: "all", Demo: true, LogLevel: "info",
		Bureau: BureauConfig{Province: allTypesProvince}}
	if dsn != "" {
		m.Config.DB = freshSchema(t, dsn)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	a := &allTypes{t: t, ctx: context.Background(), m: m, sim: m.Bureau.Sim, x: m.Bureau.Exchange}
	if err := m.DB.View(a.ctx, func(tx beian.Tx) (err error) {
		a.reviewer, err = tx.FindUserByLogin(a.ctx, "reviewer")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return a
}

// website is a valid website of the subject, on the resource's address.
func website(id, name, domain, ip string, p beian.Person) beian.Website {
	return beian.Website{ID: id, Name: name, Domains: []string{domain}, IPs: []beian.IPRange{fixture.IP(ip)},
		ServiceContent: []string{"单位门户网站"}, Languages: []string{"zh-CN"}, Principal: p}
}

// verify runs the filing-type check and starts the order it allows.
func (a *allTypes) verify(u *beian.User, subj beian.Subject, kind beian.ServiceKind, name string, res *beian.Resource, want beian.OrderType) *beian.Order {
	a.t.Helper()
	in := workflow.VerifyInput{Province: subj.Province, Nature: subj.Nature, SubjectName: subj.Name, CertificateType: subj.CertificateType,
		CertificateNumber: subj.CertificateNumber, ServiceKind: kind, ServiceName: name}
	if res != nil {
		in.ResourceID = res.ID
	}
	o, v, err := a.m.Workflow.StartVerified(a.ctx, u, in)
	if err != nil {
		var probs []string
		if v != nil {
			for _, p := range append(v.Problems, v.ResourceProblems...) {
				probs = append(probs, p.Key)
			}
		}
		a.t.Fatalf("start %s %s: %v %v", want, name, err, probs)
	}
	if o.Type != want {
		a.t.Fatalf("the check for %s started a %s, want %s", name, o.Type, want)
	}
	return o
}

// save saves the customer's draft.
func (a *allTypes) save(u *beian.User, o *beian.Order, snap beian.Snapshot) *beian.Order {
	a.t.Helper()
	saved, _, err := a.m.Workflow.SaveDraft(a.ctx, u, o.ID, o.Version, snap)
	if err != nil {
		a.t.Fatalf("save %s: %v", o.Type, err)
	}
	return saved
}

// pass submits the order as its customer, and the reviewer claims and
// passes it.
func (a *allTypes) pass(u *beian.User, o *beian.Order) *beian.Order {
	a.t.Helper()
	typ := o.Type
	o, res, err := a.m.Workflow.Submit(a.ctx, u, o.ID, "submit-"+o.ID)
	if err != nil {
		var blocked []string
		for _, f := range res.Findings {
			if f.Severity.String() == "blocking" {
				blocked = append(blocked, f.Rule+" "+f.Field+": "+f.Reason.ZH)
			}
		}
		a.t.Fatalf("submit %s: %v\n%v", typ, err, blocked)
	}
	if _, err := a.m.Workflow.Claim(a.ctx, a.reviewer, o.ID); err != nil {
		a.t.Fatalf("claim %s: %v", typ, err)
	}
	o, err = a.m.Workflow.Decide(a.ctx, a.reviewer, o.ID, workflow.ReviewInput{Decision: workflow.DecisionPass, Opinion: "资料齐全"})
	if err != nil {
		a.t.Fatalf("pass %s: %v", typ, err)
	}
	return o
}

// toBureau submits a passed order to the bureau and follows it until it
// is filed: the upload runs, the principal enters each SMS code, the
// bureau approves and the results are downloaded, as many rounds as the
// order has steps (a migration cancels the website at the old subject
// first, then adds it to the new one). The bureau must receive one filing
// per operation of want, in order. It returns the filed order.
func (a *allTypes) toBureau(o *beian.Order, want ...bureausim.Operation) *beian.Order {
	a.t.Helper()
	if o.State != beian.AwaitingBureauSubmission {
		a.t.Fatalf("%s is %s, not awaiting the bureau", o.Type, o.State)
	}
	before := len(a.sim.Filings())
	subs, err := a.x.SubmitToBureau(a.ctx, a.reviewer, []string{o.ID})
	if err != nil || subs[0].Err != nil {
		a.t.Fatalf("submit %s to the bureau: %v %v", o.Type, err, subs[0].Err)
	}
	var ops []bureausim.Operation
	for len(ops) < len(want) {
		// The submission (or the last result) queued an upload job; Upload
		// runs it now, or finds the job at it.
		if err := a.x.Upload(a.ctx, allTypesProvince); err != nil {
			a.t.Fatalf("upload: %v", err)
		}
		var got []bureausim.Filing
		waitFor(a.t, 30*time.Second, fmt.Sprintf("the bureau to receive the %s (%v so far)", o.Type, ops), func() bool {
			got = a.sim.Filings()[before+len(ops):]
			return len(got) > 0
		})
		for _, f := range got {
			ops = append(ops, f.Operation)
		}
		a.approve(o, got)
		waitFor(a.t, 30*time.Second, fmt.Sprintf("the bureau's result for the %s", o.Type), func() bool {
			if err := a.x.Download(a.ctx, allTypesProvince); err != nil {
				a.t.Fatalf("download: %v", err)
			}
			o = a.order(o.ID)
			// The next step of a multi-step order is either waiting for
			// the uploader or, when the upload job the result queued got
			// there first, already at the bureau.
			return !o.State.InProgress() || a.pendingUpload(o.ID) || len(a.sim.Filings()) > before+len(ops)
		})
	}
	if !slices.Equal(ops, want) {
		a.t.Fatalf("the bureau received %v for the %s, want %v", ops, o.Type, want)
	}
	if o.State != beian.Filed {
		a.t.Fatalf("the %s is %s: %+v", o.Type, o.State, o.Review)
	}
	a.t.Logf("%-14s → %v", o.Type, ops)
	return o
}

// pendingUpload reports whether the order has an operation waiting for
// the uploader (the next step of a multi-step order).
func (a *allTypes) pendingUpload(orderID string) bool {
	var ops []*beian.BureauOperation
	if err := a.m.DB.View(a.ctx, func(tx beian.Tx) (err error) {
		ops, err = tx.FindBureauOperations(a.ctx, beian.BureauOperationFilter{OrderID: orderID, States: []beian.OperationState{beian.OpPending}})
		return err
	}); err != nil {
		a.t.Fatal(err)
	}
	return len(ops) > 0
}

// approve enters every SMS code the bureau sent for the filings, with the
// last six characters of each person's ID, and has the bureau approve.
func (a *allTypes) approve(o *beian.Order, filings []bureausim.Filing) {
	a.t.Helper()
	ids := map[string]string{} // mobile → certificate number
	s := o.Snapshot
	ids[s.Subject.Principal.Mobile] = s.Subject.Principal.CertificateNumber
	for _, w := range s.Websites {
		ids[w.Principal.Mobile] = w.Principal.CertificateNumber
	}
	for _, ap := range s.Apps {
		ids[ap.Principal.Mobile] = ap.Principal.CertificateNumber
	}
	for _, f := range filings {
		for _, mob := range f.Mobiles {
			code := ""
			for _, m := range a.sim.SentCodes(mob) {
				if m.FilingID == f.ID && code == "" {
					code = m.Code
				}
			}
			id, ok := ids[mob]
			if code == "" || !ok {
				a.t.Fatalf("filing %s: no code for %s (persons %v)", f.ID, mob, ids)
			}
			res, err := a.sim.Verify(mob, code, id[len(id)-6:])
			if err != nil || (res.Outcome != bureausim.VerifyOK && res.Outcome != bureausim.VerifyDone) {
				a.t.Fatalf("verify %s: %+v %v", mob, res, err)
			}
		}
		if got, ok := a.sim.Filing(f.ID); !ok || got.State != bureausim.StateReview {
			a.t.Fatalf("filing %s after the SMS codes: %+v", f.ID, got)
		}
		if err := a.sim.Decide(f.ID, true, ""); err != nil {
			a.t.Fatalf("approve %s: %v", f.ID, err)
		}
	}
}

func (a *allTypes) order(id string) *beian.Order {
	a.t.Helper()
	var o *beian.Order
	if err := a.m.DB.View(a.ctx, func(tx beian.Tx) (err error) {
		o, err = tx.FindOrder(a.ctx, id)
		return err
	}); err != nil {
		a.t.Fatal(err)
	}
	return o
}

func (a *allTypes) record(certificate string) *beian.Record {
	a.t.Helper()
	var rec *beian.Record
	if err := a.m.DB.View(a.ctx, func(tx beian.Tx) (err error) {
		rec, err = tx.FindRecordBySubjectCertificate(a.ctx, certificate)
		return err
	}); err != nil {
		a.t.Fatalf("record of %s: %v", certificate, err)
	}
	return rec
}

// fromRecord starts an order from 我的备案.
func (a *allTypes) fromRecord(u *beian.User, in workflow.RecordActionInput) *beian.Order {
	a.t.Helper()
	o, err := a.m.Workflow.StartFromRecord(a.ctx, u, in)
	if err != nil {
		a.t.Fatalf("start %s from the record: %v", in.Type, err)
	}
	return o
}

// material is an uploaded document of the snapshot (the content is not
// what this test is about).
func material(purpose, owner string) beian.Material { return fixture.Material(purpose, owner) }

// subjectDocs are the subject's documents every filing carries.
func subjectDocs() []beian.Material {
	return []beian.Material{material("subject_certificate", "subject"), material("principal_id_front", "subject"), material("principal_id_back", "subject")}
}

// serviceDocs is a service's signed commitment letter.
func serviceDocs(owners ...string) []beian.Material {
	var out []beian.Material
	for _, o := range owners {
		out = append(out, material("commitment_letter", o))
	}
	return out
}

// filedService returns the record's service with a domain or APP name.
func filedService(t *testing.T, rec *beian.Record, name string) *beian.RecordService {
	t.Helper()
	for i := range rec.Services {
		s := &rec.Services[i]
		if slices.Contains(s.Domains(), name) || s.App != nil && s.App.Name == name {
			return s
		}
	}
	t.Fatalf("%s is not in the record of %s", name, rec.Subject.Subject.Name)
	return nil
}

// filingPassword is the subject's ICP filing password (备案密码), as the
// bureau texted it to the principal.
func (a *allTypes) filingPassword(certificate string) string {
	a.t.Helper()
	rec, ok := a.sim.Lookup(certificate)
	if !ok || rec.Password == "" {
		a.t.Fatalf("the bureau has no filing password for %s", certificate)
	}
	return rec.Password
}

// noBureau checks that the bureau received nothing since before filings.
func (a *allTypes) noBureau(what string, before int) {
	a.t.Helper()
	if got := a.sim.Filings(); len(got) != before {
		a.t.Fatalf("the %s reached the bureau: %+v", what, got[before:])
	}
	a.t.Logf("%-14s → (no bureau)", what)
}

func (a *allTypes) run() {
	t := a.t
	prov := allTypesProvince
	acme, acmePW, acmeRes := createCustomer(t, a.m, "acme-all", "121.36.10.41")
	beta, _, betaRes := createCustomer(t, a.m, "beta-all", "121.36.10.42")
	gamma, gammaPW, _ := createCustomer(t, a.m, "gamma-all", "121.36.10.43")
	delta, _, deltaRes := createCustomer(t, a.m, "delta-all", "121.36.10.44")

	// 首次备案 → XZBA.
	snapA := fixture.Enterprise(prov, 61)
	principal := snapA.Subject.Principal
	snapA.Websites[0].IPs = []beian.IPRange{fixture.IP("121.36.10.41")}
	domain1 := snapA.Websites[0].Domains[0]
	o := a.verify(acme, snapA.Subject, beian.KindWebsite, domain1, acmeRes, beian.FirstFiling)
	o = a.pass(acme, a.save(acme, o, snapA))
	a.toBureau(o, bureausim.OpNewFiling)
	recA := a.record(snapA.Subject.CertificateNumber)
	a.bureauNoticeOpensCase(recA)

	// 新增网站 → XZWZ.
	site2 := website("site-b", "青云数据博客", "qingyun-blog61.cn", "121.36.10.41", principal)
	o = a.verify(acme, recA.Subject.Subject, beian.KindWebsite, site2.Domains[0], acmeRes, beian.NewWebsite)
	snap := o.Snapshot
	snap.Websites = []beian.Website{site2}
	snap.Materials = append(subjectDocs(), serviceDocs(site2.ID)...)
	o = a.pass(acme, a.save(acme, o, snap))
	a.toBureau(o, bureausim.OpNewSite)

	// 新增APP → XZWZ carrying the APP (Beian's APP convention).
	app := beian.App{ID: "app-1", Name: "青云记账", IconDocumentID: "doc-icon", Domains: []string{"api.qingyun-data61.cn"},
		Releases: []beian.AppRelease{{Platform: beian.PlatformAndroid, PackageName: "cn.qingyun.ledger", PublicKey: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsq3f0a1",
			SignatureMD5: "7f2c0e9a4b1d3c5e6f708192a3b4c5d6"}},
		IPs: []beian.IPRange{fixture.IP("121.36.10.41")}, ServiceContent: []string{"工具"}, Languages: []string{"zh-CN"}, Principal: principal}
	o = a.verify(acme, recA.Subject.Subject, beian.KindApp, app.Name, acmeRes, beian.NewApp)
	snap = o.Snapshot
	snap.Websites, snap.Apps = nil, []beian.App{app}
	icon := material("app_icon", app.ID)
	icon.DocumentID, icon.Size, icon.MediaType = "doc-icon", 60<<10, "image/png"
	snap.Materials = append(append(subjectDocs(), serviceDocs(app.ID)...), icon)
	o = a.pass(acme, a.save(acme, o, snap))
	a.toBureau(o, bureausim.OpNewSite)
	if all := a.sim.Filings(); len(all[len(all)-1].Sites) != 1 || all[len(all)-1].Sites[0].App == nil {
		t.Fatalf("the new APP reached the bureau as %+v", all[len(all)-1].Sites)
	}

	// 变更主体 → BGBA.
	recA = a.record(snapA.Subject.CertificateNumber)
	o = a.fromRecord(acme, workflow.RecordActionInput{SubjectID: recA.Subject.ID, Type: beian.ChangeSubject})
	snap = o.Snapshot
	snap.Subject.MailingAddress.Detail = "青云路2号青云大厦8层"
	snap.Materials = subjectDocs()
	o = a.pass(acme, a.save(acme, o, snap))
	a.toBureau(o, bureausim.OpChange)

	// 变更互联网信息服务 → BGBA.
	s1 := filedService(t, recA, domain1)
	o = a.fromRecord(acme, workflow.RecordActionInput{SubjectID: recA.Subject.ID, Type: beian.ChangeService, ServiceIDs: []string{s1.ID}})
	snap = o.Snapshot
	snap.Websites[0].Name = "青云数据官方网站"
	snap.Materials = append(subjectDocs(), serviceDocs(snap.Websites[0].ID)...)
	o = a.pass(acme, a.save(acme, o, snap))
	a.toBureau(o, bureausim.OpChange)

	// 变更备案 (主体 + 服务) → BGBA.
	o = a.fromRecord(acme, workflow.RecordActionInput{SubjectID: recA.Subject.ID, Type: beian.ChangeBoth, ServiceIDs: []string{s1.ID}})
	snap = o.Snapshot
	snap.Subject.MailingAddress.Detail = "青云路3号"
	snap.Websites[0].Languages = []string{"zh-CN", "en"}
	snap.Materials = append(subjectDocs(), serviceDocs(snap.Websites[0].ID)...)
	o = a.pass(acme, a.save(acme, o, snap))
	a.toBureau(o, bureausim.OpChange)

	// 取消接入 of the blog → ZXBA (取消接入, no SMS).
	recA = a.record(snapA.Subject.CertificateNumber)
	s2 := filedService(t, recA, site2.Domains[0])
	o = a.fromRecord(acme, workflow.RecordActionInput{SubjectID: recA.Subject.ID, Type: beian.CancelAccess, ServiceIDs: []string{s2.ID}})
	o = a.pass(acme, o)
	a.toBureau(o, bureausim.OpCancelAccess)

	// 新增接入 of the blog again → XZJR, with the filing password the
	// bureau texted the principal.
	o = a.verify(acme, recA.Subject.Subject, beian.KindWebsite, site2.Domains[0], acmeRes, beian.NewAccess)
	snap = o.Snapshot
	snap.FilingPassword = a.filingPassword(snapA.Subject.CertificateNumber)
	snap.Materials = append(subjectDocs(), serviceDocs(snap.Websites[0].ID)...)
	o = a.pass(acme, a.save(acme, o, snap))
	a.toBureau(o, bureausim.OpNewAccess)

	// Another enterprise files, to take a website over.
	snapB := fixture.Enterprise(prov, 62)
	snapB.Websites[0].IPs = []beian.IPRange{fixture.IP("121.36.10.42")}
	o = a.verify(beta, snapB.Subject, beian.KindWebsite, snapB.Websites[0].Domains[0], betaRes, beian.FirstFiling)
	o = a.pass(beta, a.save(beta, o, snapB))
	a.toBureau(o, bureausim.OpNewFiling)

	// 迁移互联网信息服务 of the blog to it → ZXBA (注销网站) and XZWZ.
	recA = a.record(snapA.Subject.CertificateNumber)
	s2 = filedService(t, recA, site2.Domains[0])
	o = a.fromRecord(acme, workflow.RecordActionInput{SubjectID: recA.Subject.ID, Type: beian.Migrate, ServiceIDs: []string{s2.ID}, TargetAccount: "beta-all"})
	snap = o.Snapshot
	id := snap.Websites[0].ID // its principal is not the new subject's: their ID card too
	snap.Materials = append(subjectDocs(), material("commitment_letter", id), material("service_principal_id_front", id), material("service_principal_id_back", id))
	o = a.pass(acme, a.save(acme, o, snap))
	a.toBureau(o, bureausim.OpCancelSite, bureausim.OpNewSite)
	if recB := a.record(snapB.Subject.CertificateNumber); filedService(t, recB, site2.Domains[0]) == nil {
		t.Fatal("the blog did not move")
	}

	// 注销互联网信息服务 of the first website → ZXBA (注销网站).
	recA = a.record(snapA.Subject.CertificateNumber)
	s1 = filedService(t, recA, domain1)
	o = a.fromRecord(acme, workflow.RecordActionInput{SubjectID: recA.Subject.ID, Type: beian.CancelService, ServiceIDs: []string{s1.ID}, CancelReason: "网站不再运营"})
	o = a.pass(acme, o)
	a.toBureau(o, bureausim.OpCancelSite)

	// 转移备案 to another account: no review, no bureau.
	before := len(a.sim.Filings())
	o, err := a.m.Workflow.RequestTransfer(a.ctx, acme, recA.Subject.ID, "gamma-all", acmePW)
	if err != nil {
		t.Fatalf("transfer: %v", err)
	}
	if o, err = a.m.Workflow.AcceptTransfer(a.ctx, gamma, o.ID, gammaPW); err != nil || o.State != beian.Filed {
		t.Fatalf("accept the transfer: %v %+v", err, o)
	}
	if rec := a.record(snapA.Subject.CertificateNumber); rec.Subject.AccountID != gamma.AccountID {
		t.Fatalf("after the transfer the subject is in account %s", rec.Subject.AccountID)
	}
	a.noBureau(string(beian.Transfer), before)

	// 注销主体, by its new owner, confirmed → ZXBA (注销主体).
	o = a.fromRecord(gamma, workflow.RecordActionInput{SubjectID: recA.Subject.ID, Type: beian.CancelSubject, CancelReason: "公司注销"})
	o = a.pass(gamma, o)
	if o, err = a.m.Workflow.ConfirmCancellation(a.ctx, gamma, o.ID); err != nil {
		t.Fatalf("confirm the cancellation: %v", err)
	}
	a.toBureau(o, bureausim.OpCancelSubject)
	if rec := a.record(snapA.Subject.CertificateNumber); rec.Subject.Status != beian.RecordCancelled {
		t.Fatalf("after the cancellation the subject is %s", rec.Subject.Status)
	}

	// 认领备案 of a subject filed here before Beian, bound to no account:
	// passing the review completes it; no bureau.
	snapC := fixture.Enterprise(prov, 63)
	seedOrphanRecord(t, a.m, snapC, "2015000163")
	before = len(a.sim.Filings())
	o = a.verify(delta, snapC.Subject, beian.KindWebsite, snapC.Websites[0].Domains[0], deltaRes, beian.Claim)
	o = a.pass(delta, o)
	if o.State != beian.Filed {
		t.Fatalf("the passed claim is %s", o.State)
	}
	if rec := a.record(snapC.Subject.CertificateNumber); rec.Subject.AccountID != delta.AccountID {
		t.Fatalf("after the claim the subject is in account %q", rec.Subject.AccountID)
	}
	a.noBureau(string(beian.Claim), before)
}

// seedOrphanRecord stores a subject filed here in the old system, bound to
// no account (what an import of the old records leaves).
func seedOrphanRecord(t *testing.T, m *Main, snap beian.Snapshot, serial string) {
	t.Helper()
	ctx := context.Background()
	prov, _ := beian.ProvinceByCode(snap.Subject.Province)
	num := beian.ICPNumber{Province: prov, Serial: serial}
	err := m.DB.Update(ctx, func(tx beian.Tx) error {
		now := tx.Now()
		s := &beian.RecordSubject{Subject: snap.Subject, Number: num, Status: beian.RecordFiled, FiledAt: now}
		if err := tx.CreateRecordSubject(ctx, s); err != nil {
			return err
		}
		for i := range snap.Websites {
			site := snap.Websites[i]
			svc := &beian.RecordService{SubjectID: s.ID, Kind: beian.KindWebsite, Website: &site, Number: num.Service(i+1, beian.KindWebsite),
				Status: beian.RecordFiled, FiledAt: now,
				Access: []beian.AccessRecord{{Provider: "ours", Ours: true, IPs: site.IPs, Status: beian.AccessActive, CreatedAt: now}}}
			if err := tx.CreateRecordService(ctx, svc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// bureauNoticeOpensCase checks that serve runs the compliance loop: the
// bureau's rectification notice (XGTZ) about the filed site, downloaded by
// the exchange, opens a case for the customer through the program's jobs.
func (a *allTypes) bureauNoticeOpensCase(rec *beian.Record) {
	t := a.t
	svc := rec.Services[0]
	if _, err := a.sim.RectificationNotice(svc.Number.String(), "网站首页未展示备案号，请限期整改"); err != nil {
		t.Fatalf("notice: %v", err)
	}
	if err := a.x.Download(a.ctx, allTypesProvince); err != nil {
		t.Fatalf("download: %v", err)
	}
	waitFor(t, 30*time.Second, "the case of the bureau's notice", func() bool {
		var n int
		if err := a.m.DB.View(a.ctx, func(tx beian.Tx) (err error) {
			_, n, err = tx.FindCases(a.ctx, beian.CaseFilter{AccountID: rec.Subject.AccountID, ServiceID: svc.ID})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n > 0
	})
	t.Logf("bureau notice → case of %s", svc.Number)
}
