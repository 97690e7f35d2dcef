package sqlstore

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openbeian/beian"
)

// seedAccounts creates accounts with owner users and returns their IDs.
func seedAccounts(t *testing.T, db *testDB, names ...string) []string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	db.update(t, func(tx beian.Tx) error {
		for _, n := range names {
			a := &beian.Account{Name: n}
			if err := tx.CreateAccount(ctx, a); err != nil {
				return err
			}
			if err := tx.CreateUser(ctx, &beian.User{AccountID: a.ID, Login: n, Role: beian.RoleCustomer}); err != nil {
				return err
			}
			ids = append(ids, a.ID)
		}
		return nil
	})
	return ids
}

func TestResourcesAndAuthCodes(t *testing.T) {
	dialects(t, func(t *testing.T, d Dialect) {
		db := openTestDB(t, d)
		ctx := context.Background()
		acct := seedAccounts(t, db, "acme", "globex")
		end := time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
		r := &beian.Resource{ExternalID: "i-001", AccountID: acct[0], Kind: beian.ResourceECS, Name: "web-1", Region: "cn-north-4",
			Mainland: true, Billing: beian.BillingPrepaid, TermMonths: 12, ExpiresAt: end,
			PublicIPs: []netip.Addr{netip.MustParseAddr("121.36.10.21"), netip.MustParseAddr("121.36.10.22")}, FilingsMax: 5}
		db.update(t, func(tx beian.Tx) error {
			created, err := tx.PutResource(ctx, r)
			if err != nil || !created {
				t.Fatalf("insert: %v %v", created, err)
			}
			return nil
		})

		// The feed's upsert keeps our count when the feed's is lower.
		db.update(t, func(tx beian.Tx) error {
			got, err := tx.FindResource(ctx, r.ID)
			if err != nil {
				return err
			}
			got.FilingsUsed, got.AuthCodes = 2, 1
			return tx.UpdateResource(ctx, got)
		})
		again := &beian.Resource{ExternalID: "i-001", AccountID: acct[0], Kind: beian.ResourceECS, Name: "web-1 renamed", Region: "cn-north-4",
			Mainland: true, Billing: beian.BillingPrepaid, TermMonths: 24, ExpiresAt: end.AddDate(1, 0, 0), FilingsUsed: 1, FilingsMax: 5}
		db.update(t, func(tx beian.Tx) error {
			created, err := tx.PutResource(ctx, again)
			if err != nil || created {
				t.Fatalf("upsert: %v %v", created, err)
			}
			return nil
		})
		db.view(t, func(tx beian.Tx) error {
			got, err := tx.FindResource(ctx, r.ID)
			if err != nil {
				return err
			}
			if got.Name != "web-1 renamed" || got.TermMonths != 24 || got.FilingsUsed != 2 || got.AuthCodes != 1 ||
				!got.ExpiresAt.Equal(end.AddDate(1, 0, 0)) || len(got.PublicIPs) != 0 || got.Version != 3 {
				t.Errorf("after upsert: %+v", got)
			}
			list, err := tx.FindResources(ctx, beian.ResourceFilter{AccountID: acct[1]})
			if err != nil || len(list) != 0 {
				t.Errorf("other account's resources: %v %v", list, err)
			}
			return nil
		})
		// A stale write is refused.
		err := db.Update(ctx, func(tx beian.Tx) error {
			r.FilingsUsed = 9
			return tx.UpdateResource(ctx, r) // r still has Version 1
		})
		wantCode(t, err, beian.ECONFLICT, "resource.version.stale")

		code := &beian.AuthCode{Code: "BAAB-CDEF-GHJK-MNPQ", ResourceID: r.ID, IP: netip.MustParseAddr("121.36.10.21"),
			IssuerAccountID: acct[0], State: beian.AuthCodeUnused}
		db.update(t, func(tx beian.Tx) error { return tx.CreateAuthCode(ctx, code) })
		// The secret is encrypted at rest and found however it is typed.
		for _, row := range db.rawRows(t, `SELECT code_enc, code_bidx FROM auth_codes`) {
			if strings.Contains(row, "BAABCDEF") || strings.Contains(row, "GHJK") {
				t.Errorf("code stored in clear: %s", row)
			}
		}
		db.update(t, func(tx beian.Tx) error {
			got, err := tx.FindAuthCodeByCode(ctx, " baabcdef-ghjkmnpq ")
			if err != nil {
				return err
			}
			if got.ID != code.ID || got.Code != "BAABCDEFGHJKMNPQ" || got.IP != code.IP {
				t.Errorf("found %+v", got)
			}
			if err := got.Grant(acct[1], tx.Now()); err != nil {
				return err
			}
			return tx.UpdateAuthCode(ctx, got)
		})
		db.view(t, func(tx beian.Tx) error {
			granted, err := tx.FindAuthCodes(ctx, beian.AuthCodeFilter{GranteeAccountID: acct[1]})
			if err != nil || len(granted) != 1 || granted[0].State != beian.AuthCodeGranted || granted[0].GrantedAt.IsZero() {
				t.Errorf("granted codes: %+v %v", granted, err)
			}
			_, err = tx.FindAuthCodeByCode(ctx, "nope")
			wantCode(t, err, beian.ENOTFOUND, "")
			return nil
		})

		// Whitelist: add, update, list, delete.
		db.update(t, func(tx beian.Tx) error {
			if err := tx.PutAutoApproval(ctx, &beian.AutoApproval{IssuerAccountID: acct[0], AccountID: acct[1]}); err != nil {
				return err
			}
			return tx.PutAutoApproval(ctx, &beian.AutoApproval{IssuerAccountID: acct[0], AccountID: acct[1], Notify: true})
		})
		db.update(t, func(tx beian.Tx) error {
			list, err := tx.AutoApprovals(ctx, acct[0])
			if err != nil || len(list) != 1 || !list[0].Notify {
				t.Errorf("whitelist: %+v %v", list, err)
			}
			return tx.DeleteAutoApproval(ctx, acct[0], acct[1])
		})
		db.view(t, func(tx beian.Tx) error {
			list, err := tx.AutoApprovals(ctx, acct[0])
			if err != nil || len(list) != 0 {
				t.Errorf("whitelist after delete: %+v %v", list, err)
			}
			return nil
		})
	})
}

func TestOrderBasis(t *testing.T) {
	dialects(t, func(t *testing.T, d Dialect) {
		db := openTestDB(t, d)
		ctx := context.Background()
		acct := seedAccounts(t, db, "acme", "globex")
		o := &beian.Order{AccountID: acct[0], Type: beian.Transfer, State: beian.AwaitingPrelim, Province: "11"}
		db.update(t, func(tx beian.Tx) error { return tx.CreateOrder(ctx, o) })
		b := &beian.OrderBasis{OrderID: o.ID, AccountID: acct[0], Province: "11", Nature: beian.NatureEnterprise,
			SubjectName: "北京青云数据科技有限公司", CertificateType: beian.CertBusinessLicence, CertificateNumber: "91110108MA01ABCD2X",
			ServiceKind: beian.KindWebsite, ServiceName: "qingyun.cn", TargetAccountID: acct[1]}
		db.update(t, func(tx beian.Tx) error { return tx.CreateOrderBasis(ctx, b) })
		err := db.Update(ctx, func(tx beian.Tx) error { return tx.CreateOrderBasis(ctx, b) })
		wantCode(t, err, beian.ECONFLICT, "order.basis.exists")
		for _, row := range db.rawRows(t, `SELECT * FROM order_bases`) {
			if strings.Contains(row, "MA01ABCD") {
				t.Errorf("certificate stored in clear: %s", row)
			}
		}
		db.update(t, func(tx beian.Tx) error {
			got, err := tx.FindOrderBasis(ctx, o.ID)
			if err != nil {
				return err
			}
			if got.CertificateNumber != b.CertificateNumber || got.ServiceName != "qingyun.cn" || got.TargetAccountID != acct[1] || !got.ConsumedAt.IsZero() {
				t.Errorf("basis %+v", got)
			}
			targets, err := tx.FindOrderBasesByTarget(ctx, acct[1])
			if err != nil || len(targets) != 1 || targets[0].OrderID != o.ID {
				t.Errorf("by target: %+v %v", targets, err)
			}
			first, err := tx.MarkOrderBasisConsumed(ctx, o.ID, tx.Now())
			if err != nil || !first {
				t.Fatalf("first consume: %v %v", first, err)
			}
			second, err := tx.MarkOrderBasisConsumed(ctx, o.ID, tx.Now())
			if err != nil || second {
				t.Fatalf("second consume: %v %v", second, err)
			}
			_, err = tx.MarkOrderBasisConsumed(ctx, "no-such-order", tx.Now())
			wantCode(t, err, beian.ENOTFOUND, "")
			return nil
		})
	})
}

func TestGroupsAndAssociations(t *testing.T) {
	dialects(t, func(t *testing.T, d Dialect) {
		db := openTestDB(t, d)
		ctx := context.Background()
		acct := seedAccounts(t, db, "acme")
		g := &beian.Group{AccountID: acct[0], Name: "备案服务组", Policies: []beian.Policy{beian.PolicyBeianAdministrator}}
		sub := &beian.User{AccountID: acct[0], Login: "acme-ops", Role: beian.RoleSubUser}
		var svcID string
		db.update(t, func(tx beian.Tx) error {
			if err := tx.CreateGroup(ctx, g); err != nil {
				return err
			}
			sub.Groups = []string{g.ID}
			if err := tx.CreateUser(ctx, sub); err != nil {
				return err
			}
			s := &beian.RecordSubject{AccountID: acct[0], Status: beian.RecordFiled, Subject: beian.Subject{Province: "11", Name: "x"}}
			if err := tx.CreateRecordSubject(ctx, s); err != nil {
				return err
			}
			svc := &beian.RecordService{SubjectID: s.ID, Kind: beian.KindWebsite, Status: beian.RecordFiled,
				Website: &beian.Website{Name: "site", Domains: []string{"qingyun.cn"}}}
			if err := tx.CreateRecordService(ctx, svc); err != nil {
				return err
			}
			svcID = svc.ID
			return nil
		})
		err := db.Update(ctx, func(tx beian.Tx) error {
			return tx.CreateGroup(ctx, &beian.Group{AccountID: acct[0], Name: "备案服务组"})
		})
		wantCode(t, err, beian.ECONFLICT, "group.name.taken")

		db.update(t, func(tx beian.Tx) error {
			g.Policies = []beian.Policy{beian.PolicyBeianReadOnly}
			g.Description = "只读"
			if err := tx.UpdateGroup(ctx, g); err != nil {
				return err
			}
			if err := tx.AssociateService(ctx, sub.ID, svcID); err != nil {
				return err
			}
			return tx.AssociateService(ctx, sub.ID, svcID) // twice is fine
		})
		db.update(t, func(tx beian.Tx) error {
			gs, err := tx.FindGroups(ctx, acct[0])
			if err != nil || len(gs) != 1 || !slices.Equal(gs[0].Policies, []beian.Policy{beian.PolicyBeianReadOnly}) || gs[0].Description != "只读" {
				t.Errorf("groups: %+v %v", gs, err)
			}
			users, err := tx.FindUsersByAccount(ctx, acct[0])
			if err != nil || len(users) != 2 || users[0].Role != beian.RoleCustomer || users[1].ID != sub.ID {
				t.Errorf("users: %+v %v", users, err)
			}
			ids, err := tx.AssociatedServices(ctx, sub.ID)
			if err != nil || !slices.Equal(ids, []string{svcID}) {
				t.Errorf("associated: %v %v", ids, err)
			}
			if err := tx.DissociateService(ctx, "", svcID); err != nil {
				return err
			}
			if ids, _ := tx.AssociatedServices(ctx, sub.ID); len(ids) != 0 {
				t.Errorf("after dissociation: %v", ids)
			}
			if err := tx.DeleteGroup(ctx, g.ID); err != nil {
				return err
			}
			_, err = tx.FindGroup(ctx, g.ID)
			wantCode(t, err, beian.ENOTFOUND, "")
			return nil
		})
	})
}
