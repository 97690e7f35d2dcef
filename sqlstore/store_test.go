package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openbeian/beian"
)

// The personal data of the fixtures; the encryption test looks for them in
// the raw rows.
const (
	subjectCert   = "91110108MA01ABCD3X"
	principalCert = "11010819800101123X"
	principalTel  = "13800138000"
	principalMail = "Zhang.San@Example.CN"
	webmasterTel  = "13911112222"
)

func person(name, cert, mobile, email string) beian.Person {
	return beian.Person{
		Name: name, CertificateType: beian.CertResidentID, CertificateNumber: cert,
		CertificateValidFrom: beian.NewDate(2015, 1, 2), CertificateValidUntil: beian.NewDate(2035, 1, 2),
		Mobile: mobile, EmergencyPhone: "13700000000", Email: email, OfficePhone: "010-12345678",
	}
}

func subject(cert string) beian.Subject {
	return beian.Subject{
		Province: "11", Nature: beian.NatureEnterprise, Name: "北京示例科技有限公司",
		CertificateType: beian.CertBusinessLicence, CertificateNumber: cert,
		CertificateValidUntil: beian.NewDate(2040, 6, 30), CertificateAddress: "北京市海淀区中关村大街1号",
		CertificateRegion: "110108", MailingAddress: beian.Address{Region: "110108", Detail: "中关村大街1号"},
		LegalRepresentative: "张三", Principal: person("张三", principalCert, principalTel, principalMail),
	}
}

func website(domains ...string) *beian.Website {
	return &beian.Website{
		ID: "w1", Name: "示例网站", Domains: domains, HomepageURL: "https://" + domains[0],
		IPs:            []beian.IPRange{beian.SingleIP(netip.MustParseAddr("203.0.113.10"))},
		ServiceContent: []string{"综合门户"}, Languages: []string{"zh-CN"},
		Principal: person("李四", "110108199001011234", webmasterTel, "li.si@example.cn"),
	}
}

func mustNumber(s string) beian.ICPNumber {
	n, err := beian.ParseICPNumber(s)
	if err != nil {
		panic(err)
	}
	return n
}

// TestStore is the storage suite: every behaviour on every database.
func TestStore(t *testing.T) {
	tests := []struct {
		name string
		fn   func(t *testing.T, db *testDB)
	}{
		{"accounts", testAccounts},
		{"users", testUsers},
		{"orders", testOrders},
		{"order_filters", testOrderFilters},
		{"order_version", testOrderVersion},
		{"records", testRecords},
		{"record_version", testRecordVersion},
		{"contacts", testContacts},
		{"audit", testAudit},
		{"audit_tamper", testAuditTamper},
		{"audit_concurrent", testAuditConcurrent},
		{"encryption_at_rest", testEncryptionAtRest},
		{"key_rotation", testKeyRotation},
		{"transactions", testTransactions},
	}
	dialects(t, func(t *testing.T, d Dialect) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				tt.fn(t, openTestDB(t, d))
			})
		}
	})
}

func testAccounts(t *testing.T, db *testDB) {
	ctx := context.Background()
	a := &beian.Account{Name: "acme", SubjectCertificate: subjectCert}
	db.update(t, func(tx beian.Tx) error { return tx.CreateAccount(ctx, a) })
	if a.ID == "" || !a.CreatedAt.Equal(db.Clock.Now().Truncate(time.Microsecond)) {
		t.Fatalf("ID/CreatedAt not filled: %+v", a)
	}
	db.view(t, func(tx beian.Tx) error {
		got, err := tx.FindAccount(ctx, a.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("FindAccount = %+v, want %+v", got, a)
		}
		// The blind index matches however the number is typed.
		got, err = tx.FindAccountBySubjectCertificate(ctx, " "+strings.ToLower(subjectCert)+" ")
		if err != nil {
			return err
		}
		if got.ID != a.ID {
			t.Errorf("by certificate: got %s", got.ID)
		}
		_, err = tx.FindAccountBySubjectCertificate(ctx, "91110108MA01ABCD30")
		wantCode(t, err, beian.ENOTFOUND, "")
		_, err = tx.FindAccount(ctx, "nope")
		wantCode(t, err, beian.ENOTFOUND, "")
		return nil
	})

	err := db.Update(ctx, func(tx beian.Tx) error { return tx.CreateAccount(ctx, &beian.Account{Name: "acme"}) })
	wantCode(t, err, beian.ECONFLICT, "account.name.taken")
	err = db.Update(ctx, func(tx beian.Tx) error {
		return tx.CreateAccount(ctx, &beian.Account{Name: "other", SubjectCertificate: subjectCert})
	})
	wantCode(t, err, beian.ECONFLICT, "account.subject.taken")
	// Unbound accounts do not collide with each other.
	db.update(t, func(tx beian.Tx) error {
		if err := tx.CreateAccount(ctx, &beian.Account{Name: "free1"}); err != nil {
			return err
		}
		return tx.CreateAccount(ctx, &beian.Account{Name: "free2"})
	})

	a.Disabled = true
	a.SubjectCertificate = ""
	db.update(t, func(tx beian.Tx) error { return tx.UpdateAccount(ctx, a) })
	db.view(t, func(tx beian.Tx) error {
		got, err := tx.FindAccount(ctx, a.ID)
		if err != nil {
			return err
		}
		if !got.Disabled || got.SubjectCertificate != "" {
			t.Errorf("after update: %+v", got)
		}
		return nil
	})
	err = db.Update(ctx, func(tx beian.Tx) error { return tx.UpdateAccount(ctx, &beian.Account{ID: "nope", Name: "x"}) })
	wantCode(t, err, beian.ENOTFOUND, "")
}

func testUsers(t *testing.T, db *testDB) {
	ctx := context.Background()
	a := &beian.Account{Name: "acme"}
	u := &beian.User{Login: "acme", DisplayName: "ACME", Email: principalMail, Role: beian.RoleSubUser,
		Groups: []string{"ops"}, Policies: []beian.Policy{beian.PolicyBeianReadOnly}, PasswordHash: "$argon2id$x"}
	staff := &beian.User{Login: "reviewer1", Role: beian.RoleReviewer}
	db.update(t, func(tx beian.Tx) error {
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		u.AccountID = a.ID
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return tx.CreateUser(ctx, staff)
	})
	db.view(t, func(tx beian.Tx) error {
		got, err := tx.FindUser(ctx, u.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, u) {
			t.Errorf("FindUser = %+v, want %+v", got, u)
		}
		got, err = tx.FindUserByLogin(ctx, "reviewer1")
		if err != nil {
			return err
		}
		if got.ID != staff.ID || got.AccountID != "" || got.Groups == nil || len(got.Groups) != 0 {
			t.Errorf("FindUserByLogin = %+v", got)
		}
		_, err = tx.FindUserByLogin(ctx, "nobody")
		wantCode(t, err, beian.ENOTFOUND, "")
		return nil
	})
	err := db.Update(ctx, func(tx beian.Tx) error { return tx.CreateUser(ctx, &beian.User{Login: "acme", Role: beian.RoleAdmin}) })
	wantCode(t, err, beian.ECONFLICT, "user.login.taken")
	err = db.Update(ctx, func(tx beian.Tx) error {
		return tx.CreateUser(ctx, &beian.User{Login: "ghost", AccountID: "no-such-account", Role: beian.RoleCustomer})
	})
	wantCode(t, err, beian.ENOTFOUND, "")

	u.Policies = append(u.Policies, beian.PolicyBeianAdministrator)
	u.Email = ""
	db.update(t, func(tx beian.Tx) error { return tx.UpdateUser(ctx, u) })
	db.view(t, func(tx beian.Tx) error {
		got, err := tx.FindUser(ctx, u.ID)
		if err != nil {
			return err
		}
		if !got.Has(beian.PolicyBeianAdministrator) || got.Email != "" {
			t.Errorf("after update: %+v", got)
		}
		return nil
	})
	staff.Login = "acme"
	err = db.Update(ctx, func(tx beian.Tx) error { return tx.UpdateUser(ctx, staff) })
	wantCode(t, err, beian.ECONFLICT, "user.login.taken")
}

func newOrder(accountID string, typ beian.OrderType, state beian.OrderState, cert string) *beian.Order {
	return &beian.Order{
		AccountID: accountID, CreatedBy: "u-" + accountID, Type: typ, State: state, Province: "11",
		Snapshot:      beian.Snapshot{Subject: subject(cert), Websites: []beian.Website{*website("example.cn")}},
		SubmissionKey: "k1",
	}
}

func testOrders(t *testing.T, db *testDB) {
	ctx := context.Background()
	a := &beian.Account{Name: "acme"}
	o := newOrder("", beian.FirstFiling, beian.Draft, subjectCert)
	o.ServiceIDs = []string{"s1", "s2"}
	o.DueAt = db.Clock.Now().Add(72 * time.Hour)
	db.update(t, func(tx beian.Tx) error {
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		o.AccountID = a.ID
		return tx.CreateOrder(ctx, o)
	})
	if o.Version != 1 || o.ID == "" || o.Snapshot.Version != beian.SnapshotVersion {
		t.Fatalf("CreateOrder did not fill: %+v", o)
	}
	db.view(t, func(tx beian.Tx) error {
		got, err := tx.FindOrder(ctx, o.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, o) {
			t.Errorf("FindOrder:\n got %+v\nwant %+v", got, o)
		}
		_, err = tx.FindOrder(ctx, "nope")
		wantCode(t, err, beian.ENOTFOUND, "")
		return nil
	})
	err := db.Update(ctx, func(tx beian.Tx) error {
		return tx.CreateOrder(ctx, newOrder("no-such-account", beian.FirstFiling, beian.Draft, subjectCert))
	})
	wantCode(t, err, beian.ENOTFOUND, "")
}

func testOrderFilters(t *testing.T, db *testDB) {
	ctx := context.Background()
	a1, a2 := &beian.Account{Name: "a1"}, &beian.Account{Name: "a2"}
	var all []*beian.Order
	db.update(t, func(tx beian.Tx) error {
		if err := tx.CreateAccount(ctx, a1); err != nil {
			return err
		}
		return tx.CreateAccount(ctx, a2)
	})
	// Seven orders a minute apart, so "newest first" is well defined.
	specs := []struct {
		account *beian.Account
		typ     beian.OrderType
		state   beian.OrderState
		cert    string
		due     time.Duration
	}{
		{a1, beian.FirstFiling, beian.Draft, subjectCert, 0},
		{a1, beian.NewWebsite, beian.AwaitingPrelim, subjectCert, 2 * time.Hour},
		{a1, beian.NewWebsite, beian.Filed, subjectCert, 0},
		{a2, beian.FirstFiling, beian.AwaitingPrelim, "91310000MA1FL00001", 30 * time.Minute},
		{a2, beian.ChangeSubject, beian.BureauReview, "91310000MA1FL00001", 0},
		{a2, beian.CancelAccess, beian.AwaitingPrelim, "91310000MA1FL00001", 5 * time.Hour},
		{a2, beian.NewApp, beian.Draft, "91310000MA1FL00001", 0},
	}
	for _, s := range specs {
		o := newOrder(s.account.ID, s.typ, s.state, s.cert)
		if s.due > 0 {
			o.DueAt = db.Clock.Now().Add(s.due)
		}
		if s.account == a2 {
			o.Province = "31"
		}
		db.update(t, func(tx beian.Tx) error { return tx.CreateOrder(ctx, o) })
		all = append(all, o)
		db.Clock.Add(time.Minute)
	}
	ids := func(os []*beian.Order) []string {
		var out []string
		for _, o := range os {
			out = append(out, o.ID)
		}
		return out
	}
	pick := func(i ...int) []string {
		var out []string
		for _, j := range i {
			out = append(out, all[j].ID)
		}
		return out
	}
	cases := []struct {
		name  string
		f     beian.OrderFilter
		want  []string
		total int
	}{
		{"all newest first", beian.OrderFilter{}, pick(6, 5, 4, 3, 2, 1, 0), 7},
		{"account", beian.OrderFilter{AccountID: a1.ID}, pick(2, 1, 0), 3},
		{"created by", beian.OrderFilter{CreatedBy: "u-" + a2.ID}, pick(6, 5, 4, 3), 4},
		{"types", beian.OrderFilter{Types: []beian.OrderType{beian.NewWebsite, beian.NewApp}}, pick(6, 2, 1), 3},
		{"states", beian.OrderFilter{States: []beian.OrderState{beian.AwaitingPrelim}}, pick(5, 3, 1), 3},
		{"province", beian.OrderFilter{Province: "31"}, pick(6, 5, 4, 3), 4},
		{"certificate", beian.OrderFilter{SubjectCertificate: strings.ToLower(subjectCert)}, pick(2, 1, 0), 3},
		{"due before", beian.OrderFilter{DueBefore: db.Clock.Now().Add(-4 * time.Minute).Add(3 * time.Hour)}, pick(3, 1), 2},
		{"combined", beian.OrderFilter{AccountID: a2.ID, States: []beian.OrderState{beian.AwaitingPrelim, beian.Draft}}, pick(6, 5, 3), 3},
		{"page 1", beian.OrderFilter{Limit: 3}, pick(6, 5, 4), 7},
		{"page 3", beian.OrderFilter{Limit: 3, Offset: 6}, pick(0), 7},
		{"past the end", beian.OrderFilter{Limit: 3, Offset: 9}, nil, 7},
		{"no match", beian.OrderFilter{AccountID: "nope"}, nil, 0},
	}
	db.view(t, func(tx beian.Tx) error {
		for _, c := range cases {
			got, total, err := tx.FindOrders(ctx, c.f)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			if !reflect.DeepEqual(ids(got), c.want) || total != c.total {
				t.Errorf("%s: got %v (total %d), want %v (total %d)", c.name, ids(got), total, c.want, c.total)
			}
		}
		return nil
	})
}

func testOrderVersion(t *testing.T, db *testDB) {
	ctx := context.Background()
	a := &beian.Account{Name: "acme"}
	o := newOrder("", beian.FirstFiling, beian.Draft, subjectCert)
	db.update(t, func(tx beian.Tx) error {
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		o.AccountID = a.ID
		return tx.CreateOrder(ctx, o)
	})
	var first, second *beian.Order
	db.view(t, func(tx beian.Tx) (err error) {
		if first, err = tx.FindOrder(ctx, o.ID); err != nil {
			return err
		}
		second, err = tx.FindOrder(ctx, o.ID)
		return err
	})
	db.Clock.Add(time.Hour)
	if err := first.Apply(beian.EventSubmit, db.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	db.update(t, func(tx beian.Tx) error { return tx.UpdateOrder(ctx, first) })
	if first.Version != 2 || !first.UpdatedAt.Equal(truncTime(db.Clock.Now())) {
		t.Fatalf("after update: version %d updated %v", first.Version, first.UpdatedAt)
	}
	second.Snapshot.Subject.Name = "someone else's edit"
	err := db.Update(ctx, func(tx beian.Tx) error { return tx.UpdateOrder(ctx, second) })
	wantCode(t, err, beian.ECONFLICT, "order.version.stale")
	db.view(t, func(tx beian.Tx) error {
		got, err := tx.FindOrder(ctx, o.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, first) {
			t.Errorf("stored order:\n got %+v\nwant %+v", got, first)
		}
		return nil
	})
	err = db.Update(ctx, func(tx beian.Tx) error { return tx.UpdateOrder(ctx, &beian.Order{ID: "nope", Version: 1}) })
	wantCode(t, err, beian.ENOTFOUND, "")
}

// fileRecord creates a filed subject with a website and an app.
func fileRecord(t *testing.T, db *testDB, accountID, cert string) *beian.Record {
	ctx := context.Background()
	rs := beian.RecordSubject{AccountID: accountID, Subject: subject(cert), Number: mustNumber("京ICP备2025012345号"),
		BureauID: "ZT-1", Status: beian.RecordFiled, FiledAt: db.Clock.Now()}
	web := beian.RecordService{Kind: beian.KindWebsite, Website: website("Example.CN", "www.example.cn."),
		Number: mustNumber("京ICP备2025012345号-1"), Status: beian.RecordFiled, FiledAt: db.Clock.Now(),
		Access: []beian.AccessRecord{{Provider: "Our Cloud", Ours: true, Status: beian.AccessActive,
			IPs: []beian.IPRange{{Start: netip.MustParseAddr("203.0.113.1"), End: netip.MustParseAddr("203.0.113.9")}}}}}
	app := beian.RecordService{Kind: beian.KindApp, Number: mustNumber("京ICP备2025012345号-2A"), Status: beian.RecordFiled,
		App: &beian.App{ID: "a1", Name: "示例APP", Domains: []string{"api.example.cn", "example.cn"},
			Releases:  []beian.AppRelease{{Platform: beian.PlatformAndroid, PackageName: "cn.example.app", PublicKey: "MIIB", SignatureMD5: "00ff"}},
			Principal: person("王五", "110108199202021234", "13622223333", "wang.wu@example.cn")},
		Access: []beian.AccessRecord{
			{Provider: "Other Cloud", BureauID: "JR-9", Status: beian.AccessCancelled, CancelledAt: db.Clock.Now()},
			{Provider: "Our Cloud", Ours: true, Status: beian.AccessActive, IPs: []beian.IPRange{beian.SingleIP(netip.MustParseAddr("2001:db8::1"))}},
		}}
	db.update(t, func(tx beian.Tx) error {
		if err := tx.CreateRecordSubject(ctx, &rs); err != nil {
			return err
		}
		web.SubjectID, app.SubjectID = rs.ID, rs.ID
		if err := tx.CreateRecordService(ctx, &web); err != nil {
			return err
		}
		return tx.CreateRecordService(ctx, &app)
	})
	services := []beian.RecordService{web, app}
	if services[0].ID > services[1].ID {
		services[0], services[1] = services[1], services[0]
	}
	return &beian.Record{Subject: rs, Services: services}
}

// normalized returns r as the store gives it back: times at microsecond
// precision in UTC.
func normalized(r *beian.Record) *beian.Record {
	c := *r
	c.Subject.FiledAt, c.Subject.UpdatedAt = truncTime(c.Subject.FiledAt), truncTime(c.Subject.UpdatedAt)
	c.Services = nil
	for _, s := range r.Services {
		s.FiledAt, s.UpdatedAt = truncTime(s.FiledAt), truncTime(s.UpdatedAt)
		s.Access = append([]beian.AccessRecord(nil), s.Access...)
		for i := range s.Access {
			s.Access[i].CreatedAt, s.Access[i].CancelledAt = truncTime(s.Access[i].CreatedAt), truncTime(s.Access[i].CancelledAt)
		}
		c.Services = append(c.Services, s)
	}
	return &c
}

func testRecords(t *testing.T, db *testDB) {
	ctx := context.Background()
	a := &beian.Account{Name: "acme"}
	db.update(t, func(tx beian.Tx) error { return tx.CreateAccount(ctx, a) })
	want := fileRecord(t, db, a.ID, subjectCert)
	db.view(t, func(tx beian.Tx) error {
		for name, find := range map[string]func() (*beian.Record, error){
			"FindRecord":                     func() (*beian.Record, error) { return tx.FindRecord(ctx, want.Subject.ID) },
			"FindRecordByAccount":            func() (*beian.Record, error) { return tx.FindRecordByAccount(ctx, a.ID) },
			"FindRecordBySubjectCertificate": func() (*beian.Record, error) { return tx.FindRecordBySubjectCertificate(ctx, subjectCert) },
			// A service number finds its subject too.
			"FindRecordByNumber": func() (*beian.Record, error) {
				return tx.FindRecordByNumber(ctx, mustNumber("京ICP备2025012345号-2A"))
			},
		} {
			got, err := find()
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if !reflect.DeepEqual(got, normalized(want)) {
				g, _ := json.MarshalIndent(got, "", " ")
				w, _ := json.MarshalIndent(normalized(want), "", " ")
				t.Errorf("%s:\n got %s\nwant %s", name, g, w)
			}
		}
		_, err := tx.FindRecord(ctx, "nope")
		wantCode(t, err, beian.ENOTFOUND, "")
		_, err = tx.FindRecordByAccount(ctx, "nope")
		wantCode(t, err, beian.ENOTFOUND, "")
		_, err = tx.FindRecordByNumber(ctx, mustNumber("京ICP备2025099999号"))
		wantCode(t, err, beian.ENOTFOUND, "")

		// example.cn is listed by both services, in different spellings.
		got, err := tx.FindServicesByDomain(ctx, "EXAMPLE.cn.")
		if err != nil {
			return err
		}
		if len(got) != 2 {
			t.Errorf("FindServicesByDomain(example.cn) = %d services, want 2", len(got))
		}
		got, err = tx.FindServicesByDomain(ctx, "www.example.cn")
		if err != nil {
			return err
		}
		if len(got) != 1 || got[0].Kind != beian.KindWebsite || len(got[0].Access) != 1 {
			t.Errorf("FindServicesByDomain(www.example.cn) = %+v", got)
		}
		got, err = tx.FindServicesByDomain(ctx, "unknown.cn")
		if err != nil || len(got) != 0 {
			t.Errorf("FindServicesByDomain(unknown.cn) = %v, %v", got, err)
		}
		return nil
	})

	// Moving the website to new domains replaces its domain rows.
	web := want.Services[0]
	if web.Kind != beian.KindWebsite {
		web = want.Services[1]
	}
	web.Website.Domains = []string{"example.com.cn"}
	web.Access = append(web.Access, beian.AccessRecord{Provider: "Third", Status: beian.AccessActive})
	db.update(t, func(tx beian.Tx) error { return tx.UpdateRecordService(ctx, &web) })
	db.view(t, func(tx beian.Tx) error {
		for domain, n := range map[string]int{"www.example.cn": 0, "example.com.cn": 1, "example.cn": 1} {
			got, err := tx.FindServicesByDomain(ctx, domain)
			if err != nil {
				return err
			}
			if len(got) != n {
				t.Errorf("after update, %s: %d services, want %d", domain, len(got), n)
			}
		}
		rec, err := tx.FindRecord(ctx, want.Subject.ID)
		if err != nil {
			return err
		}
		for _, s := range rec.Services {
			if s.ID == web.ID && (s.Version != 2 || len(s.Access) != 2 || s.Access[1].Provider != "Third") {
				t.Errorf("updated service: %+v", s)
			}
		}
		return nil
	})
}

func testRecordVersion(t *testing.T, db *testDB) {
	ctx := context.Background()
	rec := fileRecord(t, db, "acct", subjectCert)
	stale := rec.Subject
	s := rec.Subject
	s.Status = beian.RecordEmptyShell
	s.Subject.Principal.Mobile = "13500000000"
	db.update(t, func(tx beian.Tx) error { return tx.UpdateRecordSubject(ctx, &s) })
	if s.Version != 2 {
		t.Fatalf("version = %d", s.Version)
	}
	err := db.Update(ctx, func(tx beian.Tx) error { return tx.UpdateRecordSubject(ctx, &stale) })
	wantCode(t, err, beian.ECONFLICT, "record.version.stale")
	svc := rec.Services[0]
	staleSvc := svc
	db.update(t, func(tx beian.Tx) error { return tx.UpdateRecordService(ctx, &svc) })
	err = db.Update(ctx, func(tx beian.Tx) error { return tx.UpdateRecordService(ctx, &staleSvc) })
	wantCode(t, err, beian.ECONFLICT, "record.version.stale")
	err = db.Update(ctx, func(tx beian.Tx) error {
		return tx.UpdateRecordService(ctx, &beian.RecordService{ID: "nope", SubjectID: s.ID, Version: 1})
	})
	wantCode(t, err, beian.ENOTFOUND, "")
	db.view(t, func(tx beian.Tx) error {
		got, err := tx.FindRecord(ctx, s.ID)
		if err != nil {
			return err
		}
		if got.Subject.Status != beian.RecordEmptyShell || got.Subject.Subject.Principal.Mobile != "13500000000" {
			t.Errorf("stored subject: %+v", got.Subject)
		}
		return nil
	})
}

func testContacts(t *testing.T, db *testDB) {
	ctx := context.Background()
	r1 := fileRecord(t, db, "acct1", subjectCert)
	r2 := fileRecord(t, db, "acct2", "91310000MA1FL00001")
	cancelled := fileRecord(t, db, "acct3", "91440300MA5EXAMPLE")
	cancelled.Subject.Status = beian.RecordCancelled
	db.update(t, func(tx beian.Tx) error { return tx.UpdateRecordSubject(ctx, &cancelled.Subject) })

	both := []string{r1.Subject.ID, r2.Subject.ID}
	if both[0] > both[1] {
		both[0], both[1] = both[1], both[0]
	}
	cases := []struct {
		kind  beian.ContactKind
		value string
		want  []string
	}{
		{beian.ContactMobile, "+86 138-0013-8000", both},    // the subjects' principal
		{beian.ContactMobile, "139 1111 2222", both},        // a website's principal
		{beian.ContactEmail, " zhang.san@example.cn", both}, // case and space do not matter
		{beian.ContactCertificate, strings.ToLower(principalCert), both},
		{beian.ContactMobile, "13000000000", nil},
		{beian.ContactMobile, "", nil},
		// A subject's own certificate is not a person's.
		{beian.ContactCertificate, subjectCert, nil},
	}
	db.view(t, func(tx beian.Tx) error {
		for _, c := range cases {
			got, err := tx.SubjectsUsingContact(ctx, c.kind, c.value)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("SubjectsUsingContact(%s, %q) = %v, want %v", c.kind, c.value, got, c.want)
			}
		}
		return nil
	})
	// Changing r2's principal's mobile takes r2 out of that answer.
	r2.Subject.Subject.Principal.Mobile = "13312345678"
	db.update(t, func(tx beian.Tx) error { return tx.UpdateRecordSubject(ctx, &r2.Subject) })
	db.view(t, func(tx beian.Tx) error {
		got, err := tx.SubjectsUsingContact(ctx, beian.ContactMobile, principalTel)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, []string{r1.Subject.ID}) {
			t.Errorf("after change: %v, want [%s]", got, r1.Subject.ID)
		}
		return nil
	})
}

func appendAudits(t testing.TB, db *testDB, n int) []beian.AuditEvent {
	ctx := context.Background()
	var out []beian.AuditEvent
	for i := range n {
		e := beian.AuditEvent{ActorID: "u1", Action: "order.submit", EntityType: "order", EntityID: fmt.Sprintf("o%d", i%3),
			Data: json.RawMessage(fmt.Sprintf(`{"i": %d}`, i))}
		db.update(t, func(tx beian.Tx) error { return tx.AppendAudit(ctx, &e) })
		out = append(out, e)
		db.Clock.Add(time.Second)
	}
	return out
}

func testAudit(t *testing.T, db *testDB) {
	ctx := context.Background()
	breaks, err := db.VerifyAudit(ctx)
	if err != nil || len(breaks) != 0 {
		t.Fatalf("empty chain: %v, %v", breaks, err)
	}
	events := appendAudits(t, db, 7)
	for i, e := range events {
		if e.Seq != int64(i+1) || e.Hash == "" || (i > 0 && e.PrevHash != events[i-1].Hash) {
			t.Fatalf("event %d: %+v", i, e)
		}
	}
	db.view(t, func(tx beian.Tx) error {
		got, err := tx.AuditEvents(ctx, 2, 3)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, events[2:5]) {
			t.Errorf("AuditEvents(2, 3):\n got %+v\nwant %+v", got, events[2:5])
		}
		got, err = tx.AuditEventsFor(ctx, "order", "o1")
		if err != nil {
			return err
		}
		if len(got) != 2 || got[0].Seq != 2 || got[1].Seq != 5 {
			t.Errorf("AuditEventsFor(o1) = %+v", got)
		}
		return nil
	})
	breaks, err = db.VerifyAudit(ctx)
	if err != nil || len(breaks) != 0 {
		t.Fatalf("intact chain: %v, %v", breaks, err)
	}
	err = db.View(ctx, func(tx beian.Tx) error { return tx.AppendAudit(ctx, &beian.AuditEvent{Action: "x"}) })
	wantCode(t, err, beian.EINTERNAL, "store.read_only")
}

func testAuditTamper(t *testing.T, db *testDB) {
	ctx := context.Background()
	appendAudits(t, db, 5)
	verify := func() []beian.AuditBreak {
		t.Helper()
		b, err := db.VerifyAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// Someone with database access rewrites what event 3 says.
	db.exec(t, `UPDATE audit_events SET data = ? WHERE seq = 3`, `{"i": 99}`)
	if got, want := verify(), []beian.AuditBreak{{Seq: 3, Reason: "hash"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("after changing data: %v, want %v", got, want)
	}
	db.exec(t, `UPDATE audit_events SET data = ? WHERE seq = 3`, `{"i": 2}`)
	if got := verify(); len(got) != 0 {
		t.Fatalf("restored: %v", got)
	}
	// … or recomputes event 2's hash over forged content: event 3 no
	// longer links to it.
	forged := beian.AuditEvent{}
	db.view(t, func(tx beian.Tx) error {
		ev, err := tx.AuditEvents(ctx, 1, 1)
		forged = ev[0]
		return err
	})
	forged.ActorID = "someone else"
	forged.Hash = forged.ComputeHash()
	db.exec(t, `UPDATE audit_events SET actor = ?, hash = ? WHERE seq = 2`, forged.ActorID, forged.Hash)
	if got, want := verify(), []beian.AuditBreak{{Seq: 3, Reason: "link"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("after forging event 2: %v, want %v", got, want)
	}
	// … or deletes the newest event.
	db.exec(t, `DELETE FROM audit_events WHERE seq = 5`)
	if got := verify(); len(got) != 2 || got[1] != (beian.AuditBreak{Seq: 5, Reason: "gap"}) {
		t.Errorf("after deleting the last event: %v", got)
	}
}

func testAuditConcurrent(t *testing.T, db *testDB) {
	ctx := context.Background()
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				err := db.Update(ctx, func(tx beian.Tx) error {
					// Read, then write: the shape that fails on SQLite
					// without immediate transactions.
					if _, err := tx.AuditEvents(ctx, 0, 1); err != nil {
						return err
					}
					return tx.AppendAudit(ctx, &beian.AuditEvent{ActorID: fmt.Sprintf("w%d", w), Action: "test.append",
						EntityType: "test", EntityID: fmt.Sprint(i), Data: json.RawMessage(`{}`)})
				})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent append: %v", err)
	}
	breaks, err := db.VerifyAudit(ctx)
	if err != nil || len(breaks) != 0 {
		t.Fatalf("chain after concurrent appends: %v, %v", breaks, err)
	}
	db.view(t, func(tx beian.Tx) error {
		ev, err := tx.AuditEvents(ctx, 0, 1000)
		if len(ev) != workers*each {
			t.Errorf("%d events, want %d", len(ev), workers*each)
		}
		return err
	})
}

func testEncryptionAtRest(t *testing.T, db *testDB) {
	ctx := context.Background()
	a := &beian.Account{Name: "acme", SubjectCertificate: subjectCert}
	db.update(t, func(tx beian.Tx) error {
		if err := tx.CreateAccount(ctx, a); err != nil {
			return err
		}
		if err := tx.CreateUser(ctx, &beian.User{AccountID: a.ID, Login: "acme", Email: principalMail, Role: beian.RoleCustomer}); err != nil {
			return err
		}
		return tx.CreateOrder(ctx, newOrder(a.ID, beian.FirstFiling, beian.Draft, subjectCert))
	})
	fileRecord(t, db, a.ID, subjectCert)
	secrets := []string{subjectCert, principalCert, principalTel, webmasterTel, strings.ToLower(principalMail), "13700000000", "12345678"}
	rows := 0
	for _, table := range []string{"accounts", "users", "orders", "record_subjects", "record_services", "persons", "audit_events"} {
		for _, row := range db.rawRows(t, `SELECT * FROM `+table) {
			rows++
			for _, s := range secrets {
				if strings.Contains(strings.ToLower(row), strings.ToLower(s)) {
					t.Errorf("%s holds %q in clear: %s", table, s, row)
				}
			}
		}
	}
	if rows < 8 {
		t.Fatalf("only %d rows read; the test proves nothing", rows)
	}
	// What is there decrypts with the store's keys only.
	row := db.rawRows(t, `SELECT cert_enc FROM persons WHERE role = 'subject'`)[0]
	enc := strings.TrimSpace(strings.TrimPrefix(row, "cert_enc="))
	if got, err := db.Keys.DecryptString(ctxPersonCert, enc); err != nil || got != principalCert {
		t.Errorf("decrypt with the store's key: %q, %v", got, err)
	}
	if _, err := db.Keys.DecryptString(ctxPersonMobile, enc); err == nil {
		t.Errorf("a ciphertext opened in another column's context")
	}
	other, _ := NewKeyring(GenerateKey())
	if _, err := other.DecryptString(ctxPersonCert, enc); err == nil {
		t.Errorf("a ciphertext opened with another key")
	}
}

func testKeyRotation(t *testing.T, db *testDB) {
	ctx := context.Background()
	oldKey := GenerateKey()
	newKey := GenerateKey()
	open := func(keys ...Key) *DB {
		t.Helper()
		kr, err := NewKeyring(keys...)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Open(ctx, Config{DSN: db.DSN, Keys: kr, Clock: db.Clock})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	before := open(oldKey)
	a := &beian.Account{Name: "old", SubjectCertificate: subjectCert}
	if err := before.Update(ctx, func(tx beian.Tx) error { return tx.CreateAccount(ctx, a) }); err != nil {
		t.Fatal(err)
	}
	// Rotation: the new key is appended; the old one stays to decrypt.
	after := open(oldKey, newKey)
	b := &beian.Account{Name: "new", SubjectCertificate: "91310000MA1FL00001"}
	err := after.Update(ctx, func(tx beian.Tx) error {
		if err := tx.CreateAccount(ctx, b); err != nil {
			return err
		}
		for _, want := range []*beian.Account{a, b} {
			got, err := tx.FindAccountBySubjectCertificate(ctx, want.SubjectCertificate)
			if err != nil {
				return err
			}
			if got.ID != want.ID || got.SubjectCertificate != want.SubjectCertificate {
				t.Errorf("after rotation: %+v, want %+v", got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	keyOf := func(id string) string {
		row := db.rawRows(t, `SELECT subject_cert_enc FROM accounts WHERE id = ?`, id)[0]
		return KeyID(strings.TrimSpace(strings.TrimPrefix(row, "subject_cert_enc=")))
	}
	if keyOf(a.ID) != oldKey.ID() || keyOf(b.ID) != newKey.ID() {
		t.Errorf("key IDs: old row %s, new row %s; want %s, %s", keyOf(a.ID), keyOf(b.ID), oldKey.ID(), newKey.ID())
	}
	// Without the old key its rows cannot be read, and the store says so
	// without leaking anything.
	lost := open(newKey)
	err = lost.View(ctx, func(tx beian.Tx) error { _, err := tx.FindAccount(ctx, a.ID); return err })
	wantCode(t, err, beian.EINTERNAL, "error.internal")
}

func testTransactions(t *testing.T, db *testDB) {
	ctx := context.Background()
	// An error from fn rolls everything back and comes back unchanged.
	boom := errors.New("boom")
	err := db.Update(ctx, func(tx beian.Tx) error {
		if err := tx.CreateAccount(ctx, &beian.Account{Name: "rolled-back"}); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, &beian.AuditEvent{Action: "account.create"}); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("Update returned %v, want fn's error", err)
	}
	// A panic rolls back too, and goes on up.
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic swallowed")
			}
		}()
		_ = db.Update(ctx, func(tx beian.Tx) error {
			if err := tx.CreateAccount(ctx, &beian.Account{Name: "panicked"}); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	if n := len(db.rawRows(t, `SELECT id FROM accounts`)); n != 0 {
		t.Errorf("%d accounts after rollbacks", n)
	}
	if n := len(db.rawRows(t, `SELECT seq FROM audit_events`)); n != 0 {
		t.Errorf("%d audit events after rollback", n)
	}
	// Now is read once per transaction.
	db.update(t, func(tx beian.Tx) error {
		first := tx.Now()
		db.Clock.Add(time.Hour)
		if !tx.Now().Equal(first) {
			t.Errorf("Now moved inside a transaction")
		}
		return nil
	})
	// A View cannot write, and without a queue there is nothing to enqueue to.
	err = db.View(ctx, func(tx beian.Tx) error { return tx.CreateAccount(ctx, &beian.Account{Name: "x"}) })
	wantCode(t, err, beian.EINTERNAL, "store.read_only")
	err = db.Update(ctx, func(tx beian.Tx) error { return tx.Enqueue(ctx, beian.Job{Kind: "x"}) })
	wantCode(t, err, beian.EINTERNAL, "")
	if err := db.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}
