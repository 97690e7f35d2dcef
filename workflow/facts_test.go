package workflow_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workflow"
)

func TestStoreFacts(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		// Filed: acme's enterprise A. In progress: globex's enterprise B.
		snapA := fixture.Enterprise("11", 1)
		recA := w.seedRecord(t, w.account.ID, snapA, "12000001", false)
		certA, personA := snapA.Subject.CertificateNumber, snapA.Subject.Principal
		globex, globexOwner := w.newAccount(t, "globex")
		snapB := fixture.Enterprise("31", 2)
		certB := snapB.Subject.CertificateNumber
		oB, err := w.wf.CreateOrder(ctx, globexOwner, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "31", Snapshot: snapB})
		if err != nil {
			t.Fatal(err)
		}
		facts := workflow.NewStoreFacts(w.DB, w.Clock)
		if facts.Records == nil || facts.Contacts == nil || facts.Blacklist == nil || facts.Networks == nil || facts.Resources == nil {
			t.Fatalf("facts missing a source: %+v", facts)
		}
		if facts.DNS != nil || facts.Homepages != nil || facts.Domains != nil {
			t.Fatal("store facts reach the network")
		}

		t.Run("records", func(t *testing.T) {
			rf := facts.Records
			rec, err := rf.RecordByCertificate(ctx, certA)
			if err != nil || rec == nil || rec.Subject.ID != recA.Subject.ID || len(rec.Services) != 1 {
				t.Fatalf("by certificate: %+v %v", rec, err)
			}
			if rec, err := rf.RecordByCertificate(ctx, certB); rec != nil || err != nil {
				t.Errorf("unfiled certificate: %+v %v", rec, err)
			}
			if rec, err := rf.RecordByID(ctx, recA.Subject.ID); err != nil || rec == nil || rec.Subject.Subject.CertificateNumber != certA {
				t.Errorf("by ID: %+v %v", rec, err)
			}
			if rec, err := rf.RecordByID(ctx, "no-such-subject"); rec != nil || err != nil {
				t.Errorf("unknown ID: %+v %v", rec, err)
			}

			b, err := rf.AccountBinding(ctx, w.account.ID, certA)
			if err != nil || b != (rules.AccountBinding{CertificateAccountID: w.account.ID, CertificateAccountName: "acme"}) {
				t.Errorf("own binding: %+v %v", b, err)
			}
			b, err = rf.AccountBinding(ctx, globex.ID, certA)
			if err != nil || b.CertificateAccountID != w.account.ID || b.CertificateAccountName != "acme" || b.AccountHasOtherSubject {
				t.Errorf("certificate bound elsewhere: %+v %v", b, err)
			}
			b, err = rf.AccountBinding(ctx, w.account.ID, certB)
			if err != nil || b.CertificateAccountID != "" || !b.AccountHasOtherSubject {
				t.Errorf("account bound to another subject: %+v %v", b, err)
			}

			refs, err := rf.OrdersInProgress(ctx, certB, "")
			if err != nil || len(refs) != 1 || refs[0] != (rules.OrderRef{ID: oB.ID, Type: beian.FirstFiling, State: beian.Draft}) {
				t.Errorf("in progress: %+v %v", refs, err)
			}
			if refs, err := rf.OrdersInProgress(ctx, certB, oB.ID); len(refs) != 0 || err != nil {
				t.Errorf("the order itself counted: %+v %v", refs, err)
			}
			if refs, err := rf.OrdersInProgress(ctx, certA, ""); len(refs) != 0 || err != nil {
				t.Errorf("no orders: %+v %v", refs, err)
			}

			svcs, err := rf.ServicesByDomain(ctx, "QingYun-Data1.CN")
			if err != nil || len(svcs) != 1 || svcs[0].SubjectID != recA.Subject.ID || svcs[0].Status != beian.RecordFiled {
				t.Errorf("by domain: %+v %v", svcs, err)
			}
			if svcs, err := rf.ServicesByDomain(ctx, "unfiled.cn"); len(svcs) != 0 || err != nil {
				t.Errorf("unfiled domain: %+v %v", svcs, err)
			}
		})

		t.Run("contacts", func(t *testing.T) {
			cf := facts.Contacts
			other := snapB.Subject.Principal.CertificateNumber
			for _, c := range []struct {
				name string
				q    rules.ContactQuery
				want int
			}{
				{"mobile of another subject", rules.ContactQuery{Kind: rules.ContactMobile, Value: personA.Mobile, SubjectCertificate: certB, PersonCertificate: other}, 1},
				{"mobile, same person", rules.ContactQuery{Kind: rules.ContactMobile, Value: personA.Mobile, SubjectCertificate: certB, PersonCertificate: personA.CertificateNumber}, 0},
				{"mobile, own subject", rules.ContactQuery{Kind: rules.ContactMobile, Value: personA.Mobile, SubjectCertificate: certA, PersonCertificate: other}, 0},
				{"unused mobile", rules.ContactQuery{Kind: rules.ContactMobile, Value: "13700000000", SubjectCertificate: certB, PersonCertificate: other}, 0},
				{"e-mail of another subject", rules.ContactQuery{Kind: rules.ContactEmail, Value: personA.Email, SubjectCertificate: certB, PersonCertificate: other}, 1},
				{"principal's certificate", rules.ContactQuery{Kind: rules.ContactCertificate, Value: personA.CertificateNumber, SubjectCertificate: certB}, 1},
			} {
				if n, err := cf.OtherSubjectsUsing(ctx, c.q); n != c.want || err != nil {
					t.Errorf("%s: %d %v, want %d", c.name, n, err, c.want)
				}
			}
			// No number-segment table: unknown, which the rule leaves to a
			// reviewer.
			if p, err := cf.MobileProvince(ctx, personA.Mobile); p != "" || err != nil {
				t.Errorf("mobile province: %q %v", p, err)
			}
		})

		t.Run("blacklist", func(t *testing.T) {
			listed := "110101199003077777"
			err := w.DB.Update(ctx, func(tx beian.Tx) error {
				for _, e := range []beian.BlacklistEntry{
					{Kind: beian.BlacklistSubject, Value: listed, Source: "HMDLB"},
					{Kind: beian.BlacklistDomain, Value: "bad-example.cn", Source: "HMDLB"},
					{Kind: beian.BlacklistIP, Value: "203.0.113.9", Source: "FFJRHMD"},
				} {
					if err := tx.PutBlacklistEntry(ctx, &e); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				kind  rules.BlacklistKind
				value string
				want  bool
			}{
				{rules.BlacklistSubject, listed, true},
				{rules.BlacklistSubject, certA, false},
				// An individual subject's certificate is a person's: the
				// person is on the list too.
				{rules.BlacklistPerson, listed, true},
				{rules.BlacklistPerson, personA.CertificateNumber, false},
				{rules.BlacklistDomain, "Bad-Example.CN", true},
				{rules.BlacklistDomain, "qingyun-data1.cn", false},
				{rules.BlacklistIP, "203.0.113.9", true},
				{rules.BlacklistIP, "::ffff:203.0.113.9", true},
				{rules.BlacklistIP, "203.0.113.10", false},
			} {
				if got, err := facts.Blacklist.Listed(ctx, c.kind, c.value); got != c.want || err != nil {
					t.Errorf("%s %s: %v %v, want %v", c.kind, c.value, got, err, c.want)
				}
			}
		})

		t.Run("networks", func(t *testing.T) {
			nf := workflow.NewNetworkFacts(w.DB, w.Clock)
			inside, abroad, elsewhere := netip.MustParseAddr("121.36.10.20"), netip.MustParseAddr("47.74.1.1"), netip.MustParseAddr("8.8.8.8")
			if ours, _ := nf.Classify(inside); ours {
				t.Fatal("an empty table claims an address")
			}
			w.putRange(t, "121.36.0.0", "121.36.255.255", true)
			w.putRange(t, "47.74.0.0", "47.74.255.255", false)
			// The table is cached: the admin's edit shows after a minute.
			if ours, _ := nf.Classify(inside); ours {
				t.Error("classified without the cache")
			}
			w.Clock.Advance(59 * time.Second)
			if ours, _ := nf.Classify(inside); ours {
				t.Error("reloaded before a minute")
			}
			w.Clock.Advance(time.Second)
			for _, c := range []struct {
				addr           netip.Addr
				ours, mainland bool
			}{{inside, true, true}, {abroad, true, false}, {elsewhere, false, false}, {netip.MustParseAddr("::ffff:121.36.1.1"), true, true}} {
				if ours, mainland := nf.Classify(c.addr); ours != c.ours || mainland != c.mainland {
					t.Errorf("%s: ours %v mainland %v, want %v %v", c.addr, ours, mainland, c.ours, c.mainland)
				}
			}
		})
	})
}

// putRange adds one of the provider's address ranges.
func (w *world) putRange(t *testing.T, start, end string, mainland bool) {
	t.Helper()
	r := &beian.ProviderRange{IPs: beian.IPRange{Start: netip.MustParseAddr(start), End: netip.MustParseAddr(end)}, Mainland: mainland, Name: start}
	if err := w.DB.Update(context.Background(), func(tx beian.Tx) error { return tx.PutProviderRange(context.Background(), r) }); err != nil {
		t.Fatal(err)
	}
}

// TestPrecheckWithStoreFacts runs the pre-check through the workflow as
// serve wires it and as it was wired before (resources only): blacklists
// and the provider's ranges now decide, where they used to ask a reviewer.
func TestPrecheckWithStoreFacts(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		snapA := fixture.Enterprise("11", 1)
		w.seedRecord(t, w.account.ID, snapA, "12000001", false)
		err := w.DB.Update(ctx, func(tx beian.Tx) error {
			return tx.PutBlacklistEntry(ctx, &beian.BlacklistEntry{Kind: beian.BlacklistDomain, Value: "bad-example.cn", Source: "HMDLB"})
		})
		if err != nil {
			t.Fatal(err)
		}
		w.putRange(t, "121.36.0.0", "121.36.255.255", true)
		w.putRange(t, "47.74.0.0", "47.74.255.255", false)

		// Another account files subject B with a blacklisted domain, acme's
		// domain, and an address in an overseas range.
		_, globexOwner := w.newAccount(t, "globex")
		snap := fixture.Enterprise("31", 2)
		snap.Websites[0].Domains = []string{"bad-example.cn"}
		second := snap.Websites[0]
		second.ID, second.Name, second.Domains = "site-x", "青云数据商城", []string{snapA.Websites[0].Domains[0]}
		second.IPs = []beian.IPRange{fixture.IP("47.74.1.1")}
		snap.Websites = append(snap.Websites, second)
		o, err := w.wf.CreateOrder(ctx, globexOwner, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "31", Snapshot: snap})
		if err != nil {
			t.Fatal(err)
		}

		before := workflow.New(workflow.Config{Store: w.DB, Clock: w.Clock,
			Facts: rules.Facts{Resources: workflow.NewResourceFacts(w.DB, w.Clock)}})
		now := workflow.New(workflow.Config{Store: w.DB, Clock: w.Clock, Facts: workflow.NewStoreFacts(w.DB, w.Clock)})
		old := findingsByRule(before.Precheck(ctx, o, rules.ModeSubmit))
		got := findingsByRule(now.Precheck(ctx, o, rules.ModeSubmit))

		for _, id := range []string{"BLACKLISTED", "IP-PROVIDER-MAINLAND"} {
			if f, ok := old[id]; !ok || !f.Undecided {
				t.Errorf("resources-only %s: %+v, want undecided", id, f)
			}
			if f, ok := got[id]; !ok || f.Undecided || f.Severity != rules.Blocking {
				t.Errorf("store facts %s: %+v, want blocking", id, f)
			}
		}
		if f := got["BLACKLISTED"]; f.Field != "websites[0].domains[0]" {
			t.Errorf("blacklist finding on %s", f.Field)
		}
		if f := got["IP-PROVIDER-MAINLAND"]; f.Field != "websites[1].ips[0]" {
			t.Errorf("address finding on %s", f.Field)
		}
		// Records and contacts were already read from the store by the
		// workflow, with or without them in Config.Facts.
		for name, fs := range map[string]map[string]rules.Finding{"resources-only": old, "store facts": got} {
			if f, ok := fs["DOMAIN-FILED-BY-OTHER-SUBJECT"]; !ok || f.Undecided || f.Severity != rules.Blocking {
				t.Errorf("%s DOMAIN-FILED-BY-OTHER-SUBJECT: %+v", name, f)
			}
		}

		// Without ranges the table says nothing: the address is left to a
		// reviewer rather than blocked.
		w2 := newWorld(t, dialect)
		o2, err := w2.wf.CreateOrder(ctx, w2.customer, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "31", Snapshot: fixture.Enterprise("31", 3)})
		if err != nil {
			t.Fatal(err)
		}
		wf2 := workflow.New(workflow.Config{Store: w2.DB, Clock: w2.Clock, Facts: workflow.NewStoreFacts(w2.DB, w2.Clock)})
		if f, ok := findingsByRule(wf2.Precheck(ctx, o2, rules.ModeDraft))["IP-PROVIDER-MAINLAND"]; !ok || !f.Undecided {
			t.Errorf("empty table: %+v", f)
		}
	})
}

// findingsByRule returns each rule's first finding, the decided ones
// first.
func findingsByRule(res rules.Result) map[string]rules.Finding {
	out := map[string]rules.Finding{}
	for _, f := range res.Findings {
		if prev, ok := out[f.Rule]; !ok || prev.Undecided && !f.Undecided {
			out[f.Rule] = f
		}
	}
	return out
}

// TestContactOfOrderInProgress: a mobile that another subject's order in
// progress gives blocks the submission as a filed subject's would (spec
// §6.4.3), from the moment that order is submitted until it is abandoned.
func TestContactOfOrderInProgress(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		const rule = "CONTACT-MOBILE-OTHER-SUBJECT"
		snapA := fixture.Enterprise("11", 1)
		oA, err := w.wf.CreateOrder(ctx, w.customer, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "11", Snapshot: snapA})
		if err != nil {
			t.Fatal(err)
		}
		// Globex files another subject whose (other) principal gives acme's
		// principal's mobile.
		_, globexOwner := w.newAccount(t, "globex")
		snapB := fixture.Enterprise("31", 2)
		snapB.Subject.Principal.Mobile = snapA.Subject.Principal.Mobile
		snapB.Websites[0].Principal = snapB.Subject.Principal
		if snapB.Subject.Principal.CertificateNumber == snapA.Subject.Principal.CertificateNumber {
			t.Fatal("fixtures share a principal")
		}
		oB, err := w.wf.CreateOrder(ctx, globexOwner, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "31", Snapshot: snapB})
		if err != nil {
			t.Fatal(err)
		}
		finding := func(o *beian.Order) (rules.Finding, bool) {
			t.Helper()
			err := w.DB.View(ctx, func(tx beian.Tx) error {
				var err error
				o, err = tx.FindOrder(ctx, o.ID)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			f, ok := findingsByRule(w.wf.Precheck(ctx, o, rules.ModeSubmit))[rule]
			return f, ok
		}

		// Acme's draft is nobody's filing yet.
		if f, ok := finding(oB); ok {
			t.Errorf("another subject's draft counted: %+v", f)
		}
		if _, res, err := w.wf.Submit(ctx, w.customer, oA.ID, "a1"); err != nil {
			t.Fatalf("submit acme: %v %+v", err, res.Findings)
		}
		// Submitted, it is: globex's pre-check blocks, on the principal's
		// mobile, and so does its submission.
		f, ok := finding(oB)
		if !ok || f.Undecided || f.Severity != rules.Blocking || f.Field != "subject.principal.mobile" {
			t.Errorf("acme in progress: %+v %v, want blocking on subject.principal.mobile", f, ok)
		}
		if _, _, err := w.wf.Submit(ctx, globexOwner, oB.ID, "b1"); err == nil {
			t.Error("globex submitted a mobile acme's order in progress gives")
		}
		// Acme's own order does not count against itself.
		if f, ok := finding(oA); ok {
			t.Errorf("acme's order counted itself: %+v", f)
		}

		// Abandoned, acme's order no longer holds the mobile.
		if _, err := w.wf.Abandon(ctx, w.customer, oA.ID); err != nil {
			t.Fatal(err)
		}
		if f, ok := finding(oB); ok {
			t.Errorf("abandoned order still counted: %+v", f)
		}
		if _, res, err := w.wf.Submit(ctx, globexOwner, oB.ID, "b2"); err != nil {
			t.Fatalf("submit globex after acme abandoned: %v %+v", err, res.Findings)
		}
	})
}
