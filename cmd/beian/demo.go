package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/password"
	"github.com/openbeian/beian/sqlstore"
)

// DemoLogin is a demo user created on first start.
type DemoLogin struct {
	Role     beian.Role
	Login    string
	Password string
}

const demoLoginsFile = "demo-logins.txt"

// seedDemo creates demo users on an empty database, in one transaction
// with their audit events, and saves their passwords in the data directory
// (0600) so that a later start can point to them. Passwords are random: a
// demo left running on a network must not open with a known password.
func seedDemo(ctx context.Context, db *sqlstore.DB, dataDir string) ([]DemoLogin, error) {
	var logins []DemoLogin
	err := db.Update(ctx, func(tx beian.Tx) error {
		if _, err := tx.FindUserByLogin(ctx, "admin"); err == nil {
			return nil // already seeded (or a real admin exists): never touch it
		} else if beian.ErrorCode(err) != beian.ENOTFOUND {
			return err
		}
		now := tx.Now()
		acct := &beian.Account{Name: "demo-customer", CreatedAt: now}
		if err := tx.CreateAccount(ctx, acct); err != nil {
			return err
		}
		people := []struct {
			role    beian.Role
			login   string
			name    string
			account string
		}{
			{beian.RoleAdmin, "admin", "系统管理员 Admin", ""},
			{beian.RoleReviewer, "reviewer", "审核专员 Reviewer", ""},
			{beian.RoleCompliance, "compliance", "合规专员 Compliance", ""},
			{beian.RoleCustomer, "customer", "示例客户 Customer", acct.ID},
		}
		for _, p := range people {
			pw := randomPassword()
			hash, err := password.Hash(pw, password.Default)
			if err != nil {
				return err
			}
			u := &beian.User{AccountID: p.account, Login: p.login, DisplayName: p.name, Role: p.role, PasswordHash: hash, CreatedAt: now}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			data, _ := json.Marshal(map[string]string{"login": p.login, "role": string(p.role), "reason": "demo"})
			if err := tx.AppendAudit(ctx, &beian.AuditEvent{At: now, ActorID: "system:demo", Action: "user.create",
				EntityType: "user", EntityID: u.ID, Data: data}); err != nil {
				return err
			}
			logins = append(logins, DemoLogin{Role: p.role, Login: p.login, Password: pw})
		}
		return seedDemoResources(ctx, tx, acct.ID)
	})
	if err != nil || len(logins) == 0 {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("# Beian demo logins, created on first start. Delete the demo users before real use.\n")
	for _, l := range logins {
		fmt.Fprintf(&b, "%s\t%s\t%s\n", l.Role, l.Login, l.Password)
	}
	if err := os.WriteFile(filepath.Join(dataDir, demoLoginsFile), []byte(b.String()), 0o600); err != nil {
		return nil, err
	}
	return logins, nil
}

// randomPassword returns 16 characters without look-alikes, easy to type
// from the terminal.
func randomPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// seedDemoResources gives the demo customer two servers, so that product
// verification (产品验证) shows both outcomes: a prepaid ECS with two public
// addresses in the provider's range, which qualifies, and a pay-as-you-go
// one, greyed out with the reason.
func seedDemoResources(ctx context.Context, tx beian.Tx, accountID string) error {
	now := tx.Now()
	for _, r := range []*beian.Resource{
		{ExternalID: "demo-ecs-annual", Name: "web-server-01 (ECS 包年)", Kind: beian.ResourceECS, Region: "cn-north-4", Mainland: true,
			Billing: beian.BillingPrepaid, TermMonths: 12, ExpiresAt: now.AddDate(1, 0, 0),
			PublicIPs:  []netip.Addr{netip.MustParseAddr("121.36.10.21"), netip.MustParseAddr("121.36.10.22")},
			FilingsMax: beian.ResourceECS.DefaultFilingsMax()},
		{ExternalID: "demo-ecs-payg", Name: "test-server-02 (ECS 按需)", Kind: beian.ResourceECS, Region: "cn-north-4", Mainland: true,
			Billing: beian.BillingOnDemand, PublicIPs: []netip.Addr{netip.MustParseAddr("121.36.10.23")},
			FilingsMax: beian.ResourceECS.DefaultFilingsMax()},
	} {
		r.AccountID = accountID
		if _, err := tx.PutResource(ctx, r); err != nil {
			return err
		}
		data, _ := json.Marshal(map[string]string{"external_id": r.ExternalID, "reason": "demo"})
		if err := tx.AppendAudit(ctx, &beian.AuditEvent{At: now, ActorID: "system:demo", Action: "resource.import",
			EntityType: "resource", EntityID: r.ID, Data: data}); err != nil {
			return err
		}
	}
	// The demo provider's address range, which holds the servers above, so
	// that compliance sweeps and the pre-check know which addresses are ours.
	rg := &beian.ProviderRange{IPs: beian.IPRange{Start: netip.MustParseAddr("121.36.0.0"), End: netip.MustParseAddr("121.36.255.255")},
		Mainland: true, Name: "演示云 华北-北京四 (cn-north-4)", UpdatedBy: "system:demo"}
	if err := tx.PutProviderRange(ctx, rg); err != nil {
		return err
	}
	data, _ := json.Marshal(map[string]string{"range": rg.IPs.String(), "reason": "demo"})
	return tx.AppendAudit(ctx, &beian.AuditEvent{At: now, ActorID: "system:demo", Action: "range.put",
		EntityType: "provider_range", EntityID: rg.ID, Data: data})
}
