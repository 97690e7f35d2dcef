package workflow

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"errors"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/password"
	"github.com/openbeian/beian/rules"
)

// customerAccount returns the account whose resources and codes u may
// see (write=false) or manage (write=true): the main account's owner, or
// a sub-user with BeianAdministrator (BeianReadOnly to see). Errors:
// EFORBIDDEN.
func customerAccount(u *beian.User, write bool) (string, error) {
	if u == nil || u.Disabled || u.AccountID == "" {
		return "", errForbidden()
	}
	switch u.Role {
	case beian.RoleCustomer:
		return u.AccountID, nil
	case beian.RoleSubUser:
		if u.Has(beian.PolicyBeianAdministrator) || !write && u.Has(beian.PolicyBeianReadOnly) {
			return u.AccountID, nil
		}
	}
	return "", errForbidden()
}

// Resources returns the account's filing resources with why each cannot be
// chosen, for 产品验证 and the resources page. Errors: EFORBIDDEN.
func (w *Workflow) Resources(ctx context.Context, u *beian.User) ([]ResourceOption, error) {
	acct, err := customerAccount(u, false)
	if err != nil {
		return nil, err
	}
	now := w.clock.Now()
	var out []ResourceOption
	err = w.store.View(ctx, func(tx beian.Tx) error {
		rs, err := tx.FindResources(ctx, beian.ResourceFilter{AccountID: acct})
		for _, r := range rs {
			out = append(out, ResourceOption{Resource: r, Problems: r.Eligibility(now)})
		}
		return err
	})
	return out, err
}

// AuthCodeView is an authorization code as the 授权码管理 page shows it:
// its state as of now (a code whose order was abandoned is free again, a
// code whose server expired is invalid) and the accounts' names.
type AuthCodeView struct {
	Code         *beian.AuthCode
	Resource     *beian.Resource // the issuer's server; nil on the grantee's side
	IssuerName   string
	GranteeName  string
	FormattedKey string // the code in groups of four, as people copy it
}

// WhitelistEntry is an account on the auto-approval whitelist.
type WhitelistEntry struct {
	AccountID   string
	AccountName string
	Notify      bool
	CreatedAt   time.Time
}

// AuthCodesPage is everything 授权码管理 shows.
type AuthCodesPage struct {
	// Issued are the codes generated from the account's servers.
	Issued []AuthCodeView
	// Granted are other accounts' codes granted to this one (我的授权).
	Granted []AuthCodeView
	// Whitelist is the account's auto-approval whitelist.
	Whitelist []WhitelistEntry
	// Sources are the account's servers codes can be generated from,
	// with the problems of those that cannot (yet).
	Sources []CodeSource
	// CanManage is false for read-only users.
	CanManage bool
}

// CodeSource is a server in the generate form: Left is how many more codes
// it can generate; Problems say why none.
type CodeSource struct {
	Resource *beian.Resource
	Left     int
	Problems []*beian.Error
}

// FormatAuthCode writes a code in groups of four (ABCD-EFGH-…), the way
// pages show it; typing it with or without the dashes finds it.
func FormatAuthCode(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// AuthCodes returns the account's 授权码管理 page. Errors: EFORBIDDEN.
func (w *Workflow) AuthCodes(ctx context.Context, u *beian.User) (*AuthCodesPage, error) {
	acct, err := customerAccount(u, false)
	if err != nil {
		return nil, err
	}
	_, manageErr := customerAccount(u, true)
	page := &AuthCodesPage{CanManage: manageErr == nil}
	now := w.clock.Now()
	err = w.store.View(ctx, func(tx beian.Tx) error {
		names := map[string]string{}
		name := func(id string) string {
			if id == "" {
				return ""
			}
			if n, ok := names[id]; ok {
				return n
			}
			a, err := tx.FindAccount(ctx, id)
			if err != nil {
				names[id] = id
				return id
			}
			names[id] = a.Name
			return a.Name
		}
		rs, err := tx.FindResources(ctx, beian.ResourceFilter{AccountID: acct})
		if err != nil {
			return err
		}
		byID := map[string]*beian.Resource{}
		for _, r := range rs {
			byID[r.ID] = r
			if !r.Kind.IssuesAuthCodes() {
				continue
			}
			src := CodeSource{Resource: r, Problems: r.Qualifies(now)}
			src.Left = codesLeft(r)
			if src.Left == 0 && len(src.Problems) == 0 {
				src.Problems = append(src.Problems, beian.Invalid("resource", "authcode.none_left", "max", strconv.Itoa(beian.MaxAuthCodesPerResource)))
			}
			page.Sources = append(page.Sources, src)
		}
		issued, err := tx.FindAuthCodes(ctx, beian.AuthCodeFilter{IssuerAccountID: acct})
		if err != nil {
			return err
		}
		for _, c := range issued {
			if _, err := settleAuthCode(ctx, tx, c, now); err != nil {
				return err
			}
			page.Issued = append(page.Issued, AuthCodeView{Code: c, Resource: byID[c.ResourceID], IssuerName: name(c.IssuerAccountID),
				GranteeName: name(c.GranteeAccountID), FormattedKey: FormatAuthCode(c.Code)})
		}
		granted, err := tx.FindAuthCodes(ctx, beian.AuthCodeFilter{GranteeAccountID: acct})
		if err != nil {
			return err
		}
		for _, c := range granted {
			if _, err := settleAuthCode(ctx, tx, c, now); err != nil {
				return err
			}
			page.Granted = append(page.Granted, AuthCodeView{Code: c, IssuerName: name(c.IssuerAccountID),
				GranteeName: name(c.GranteeAccountID), FormattedKey: FormatAuthCode(c.Code)})
		}
		list, err := tx.AutoApprovals(ctx, acct)
		if err != nil {
			return err
		}
		for _, a := range list {
			page.Whitelist = append(page.Whitelist, WhitelistEntry{AccountID: a.AccountID, AccountName: name(a.AccountID), Notify: a.Notify, CreatedAt: a.CreatedAt})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// codesLeft is how many more codes a server may generate: at most five in
// its life, and no more than its filing quota left — a code is a filing
// on the server, spent when the code is generated (codes are single-use
// and never refunded), so codes and direct filings share the quota.
func codesLeft(r *beian.Resource) int {
	left := beian.MaxAuthCodesPerResource - r.AuthCodes
	if r.FilingsMax > 0 {
		left = min(left, r.FilingsMax-r.FilingsUsed-r.AuthCodes)
	}
	return max(left, 0)
}

// settleAuthCode brings a code's state up to date with the world, which
// moves without telling the code: a code whose order was abandoned is free
// again; an unused or granted code whose server expired is invalid. It
// reports whether it changed c; callers inside Update persist the change
// with their own.
func settleAuthCode(ctx context.Context, tx beian.Tx, c *beian.AuthCode, now time.Time) (bool, error) {
	switch c.State {
	case beian.AuthCodeInUse:
		o, err := notFoundIsNil(tx.FindOrder(ctx, c.OrderID))
		if err != nil {
			return false, err
		}
		if o == nil || o.State == beian.Abandoned {
			c.Release(now)
			return true, nil
		}
	case beian.AuthCodeUnused, beian.AuthCodeGranted:
		r, err := notFoundIsNil(tx.FindResource(ctx, c.ResourceID))
		if err != nil {
			return false, err
		}
		if r == nil || r.Expired(now) {
			return true, c.Invalidate("authcode.resource_expired", now)
		}
	}
	return false, nil
}

// GenerateInput asks for authorization codes from one server.
type GenerateInput struct {
	ResourceID string
	// IP is the server's public address the codes point to; empty picks
	// the first.
	IP    string
	Count int
}

// codeAlphabet leaves out 0/O, 1/I/L and the like: codes are read aloud
// and typed by hand.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// newAuthCode draws 16 characters (about 79 bits) from codeAlphabet.
func newAuthCode() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	for i := range b {
		// 256 is not a multiple of 31; the bias (< 1 %) does not matter for
		// a code that is also bound to an account and used once.
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// GenerateAuthCodes generates Count codes (生成授权码) from one of the
// account's qualifying servers, pointing at one of its public addresses:
// at most five per server in its life (spec §10.2). Errors: EFORBIDDEN,
// ENOTFOUND (not the account's server), EINVALID (resource.* why the
// server does not qualify, authcode.count, authcode.ip, authcode.none_left).
func (w *Workflow) GenerateAuthCodes(ctx context.Context, u *beian.User, in GenerateInput) ([]*beian.AuthCode, error) {
	acct, err := customerAccount(u, true)
	if err != nil {
		return nil, err
	}
	if in.Count < 1 || in.Count > beian.MaxAuthCodesPerResource {
		return nil, beian.Invalid("count", "authcode.count", "max", strconv.Itoa(beian.MaxAuthCodesPerResource))
	}
	var out []*beian.AuthCode
	err = w.store.Update(ctx, func(tx beian.Tx) error {
		now := tx.Now()
		r, err := tx.FindResource(ctx, in.ResourceID)
		if err != nil || r.AccountID != acct {
			return errNotFound()
		}
		if !r.Kind.IssuesAuthCodes() {
			k := r.Kind.Text()
			return beian.Invalid("resource", "authcode.kind", "kind", k.ZH, "kind_en", k.EN)
		}
		if problems := r.Qualifies(now); len(problems) > 0 {
			return problems[0]
		}
		if left := codesLeft(r); in.Count > left {
			return beian.Invalid("count", "authcode.none_left", "max", strconv.Itoa(beian.MaxAuthCodesPerResource), "left", strconv.Itoa(left))
		}
		ip := r.PublicIPs[0]
		if in.IP != "" {
			a, err := netip.ParseAddr(strings.TrimSpace(in.IP))
			if err != nil || !slices.Contains(r.PublicIPs, a) {
				return beian.Invalid("ip", "authcode.ip")
			}
			ip = a
		}
		for range in.Count {
			c := &beian.AuthCode{Code: newAuthCode(), ResourceID: r.ID, IP: ip, IssuerAccountID: acct, State: beian.AuthCodeUnused, CreatedAt: now}
			if err := tx.CreateAuthCode(ctx, c); err != nil {
				return err
			}
			if err := audit(ctx, tx, u.ID, "authcode.generate", "auth_code", c.ID, map[string]any{"resource": r.ID, "ip": ip.String()}); err != nil {
				return err
			}
			out = append(out, c)
		}
		r.AuthCodes += in.Count
		return tx.UpdateResource(ctx, r)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GrantTargetView is the account a grant or transfer goes to, as the
// confirmation step shows it (验证目标账号): its name and a masked
// contact of its owner, so the customer sees they typed the right one.
type GrantTargetView struct {
	AccountID     string
	AccountName   string
	MaskedContact string
}

// findAccountByName finds a customer account by its name, which is its
// owner's login (beian.Account.Name). Errors: EINVALID (account.unknown).
func findAccountByName(ctx context.Context, tx beian.Tx, name, field string) (*beian.Account, *beian.User, error) {
	name = strings.TrimSpace(name)
	owner, err := notFoundIsNil(tx.FindUserByLogin(ctx, name))
	if err != nil {
		return nil, nil, err
	}
	if owner == nil || owner.Role != beian.RoleCustomer || owner.AccountID == "" {
		return nil, nil, beian.Invalid(field, "account.unknown", "name", name)
	}
	a, err := tx.FindAccount(ctx, owner.AccountID)
	if err != nil {
		return nil, nil, err
	}
	if a.Disabled || owner.Disabled {
		return nil, nil, beian.Invalid(field, "account.disabled_target", "name", name)
	}
	return a, owner, nil
}

// maskContact keeps the first character and the domain of an e-mail
// address: enough to recognise, not enough to harvest.
func maskContact(email string) string {
	at := strings.IndexByte(email, '@')
	if at < 1 {
		return ""
	}
	r, _ := utf8.DecodeRuneInString(email)
	return string(r) + "***" + email[at:]
}

// GrantTarget checks the account a grant goes to (验证目标账号). Errors:
// EFORBIDDEN, EINVALID (account.unknown, authcode.grant_self).
func (w *Workflow) GrantTarget(ctx context.Context, u *beian.User, accountName string) (*GrantTargetView, error) {
	acct, err := customerAccount(u, true)
	if err != nil {
		return nil, err
	}
	var v *GrantTargetView
	err = w.store.View(ctx, func(tx beian.Tx) error {
		a, owner, err := findAccountByName(ctx, tx, accountName, "account")
		if err != nil {
			return err
		}
		if a.ID == acct {
			return beian.Invalid("account", "authcode.grant_self")
		}
		v = &GrantTargetView{AccountID: a.ID, AccountName: a.Name, MaskedContact: maskContact(owner.Email)}
		return nil
	})
	return v, err
}

// confirmPassword checks the signed-in user's password, which confirms
// grants and transfers in place of the SMS code to the account's bound
// phone (spec §10.2, §3 row 9): Beian has no bound phone per account.
func confirmPassword(u *beian.User, pw string) error {
	if pw == "" || len(pw) > 1024 || password.Verify(pw, u.PasswordHash) != nil {
		return beian.Invalid("password", "confirm.password")
	}
	return nil
}

// GrantAuthCodes grants unused codes of the account to another account
// (批量授权), confirmed with the user's password. Errors: EFORBIDDEN,
// ENOTFOUND (not the account's code), EINVALID (confirm.password,
// account.unknown, authcode.grant_self, authcode.none_selected), ECONFLICT
// (authcode.not_grantable).
func (w *Workflow) GrantAuthCodes(ctx context.Context, u *beian.User, codeIDs []string, accountName, pw string) error {
	acct, err := customerAccount(u, true)
	if err != nil {
		return err
	}
	if len(codeIDs) == 0 {
		return beian.Invalid("codes", "authcode.none_selected")
	}
	if err := confirmPassword(u, pw); err != nil {
		return err
	}
	return w.store.Update(ctx, func(tx beian.Tx) error {
		now := tx.Now()
		target, _, err := findAccountByName(ctx, tx, accountName, "account")
		if err != nil {
			return err
		}
		for _, id := range codeIDs {
			c, err := tx.FindAuthCode(ctx, id)
			if err != nil || c.IssuerAccountID != acct {
				return errNotFound()
			}
			if _, err := settleAuthCode(ctx, tx, c, now); err != nil {
				return err
			}
			if err := c.Grant(target.ID, now); err != nil {
				return err
			}
			if err := tx.UpdateAuthCode(ctx, c); err != nil {
				return err
			}
			if err := audit(ctx, tx, u.ID, "authcode.grant", "auth_code", c.ID, map[string]any{"grantee": target.ID}); err != nil {
				return err
			}
		}
		return nil
	})
}

// RevokeAuthCode invalidates an unused or granted code of the account (the
// grantee loses it). Errors: EFORBIDDEN, ENOTFOUND, ECONFLICT
// (authcode.not_revocable).
func (w *Workflow) RevokeAuthCode(ctx context.Context, u *beian.User, codeID string) error {
	acct, err := customerAccount(u, true)
	if err != nil {
		return err
	}
	return w.store.Update(ctx, func(tx beian.Tx) error {
		now := tx.Now()
		c, err := tx.FindAuthCode(ctx, codeID)
		if err != nil || c.IssuerAccountID != acct {
			return errNotFound()
		}
		if _, err := settleAuthCode(ctx, tx, c, now); err != nil {
			return err
		}
		if err := c.Invalidate("authcode.revoked", now); err != nil {
			return err
		}
		if err := tx.UpdateAuthCode(ctx, c); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "authcode.revoke", "auth_code", c.ID, nil)
	})
}

// SetAutoApproval puts the named account on the account's auto-approval
// whitelist, or updates its notify flag. Errors: EFORBIDDEN, EINVALID
// (account.unknown, authcode.grant_self).
func (w *Workflow) SetAutoApproval(ctx context.Context, u *beian.User, accountName string, notify bool) error {
	acct, err := customerAccount(u, true)
	if err != nil {
		return err
	}
	return w.store.Update(ctx, func(tx beian.Tx) error {
		target, _, err := findAccountByName(ctx, tx, accountName, "account")
		if err != nil {
			return err
		}
		if target.ID == acct {
			return beian.Invalid("account", "authcode.grant_self")
		}
		if err := tx.PutAutoApproval(ctx, &beian.AutoApproval{IssuerAccountID: acct, AccountID: target.ID, Notify: notify}); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "authcode.whitelist_add", "account", acct, map[string]any{"account": target.ID, "notify": notify})
	})
}

// RemoveAutoApproval takes an account off the whitelist. Errors:
// EFORBIDDEN.
func (w *Workflow) RemoveAutoApproval(ctx context.Context, u *beian.User, accountID string) error {
	acct, err := customerAccount(u, true)
	if err != nil {
		return err
	}
	return w.store.Update(ctx, func(tx beian.Tx) error {
		if err := tx.DeleteAutoApproval(ctx, acct, accountID); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "authcode.whitelist_remove", "account", acct, map[string]any{"account": accountID})
	})
}

// ResourceFeedItem is one resource as the provider's cloud reports it, by
// CSV (ParseResourceCSV) or by the JSON API.
type ResourceFeedItem struct {
	// Line is the CSV line, for error messages; 0 for API items.
	Line        int
	ExternalID  string
	AccountName string
	Kind        beian.ResourceKind
	Name        string
	Region      string
	Mainland    bool
	Billing     beian.Billing
	TermMonths  int
	// ExpiresOn is the last day of the paid term (China time); the
	// resource expires at the end of it.
	ExpiresOn   beian.Date
	PublicIPs   []netip.Addr
	FilingsUsed int
	// FilingsMax is the quota; 0 takes the kind's default.
	FilingsMax int
}

// RowError is what is wrong with one item of a feed: its line (0 for API
// items), field and the error with reason and fix.
type RowError struct {
	Line  int
	Field string
	Err   *beian.Error
}

// ImportError is returned when any item of a feed is wrong: nothing is
// imported, and Rows lists every problem, so the file is fixed in one go.
type ImportError struct {
	Err  *beian.Error
	Rows []RowError
}

// Error returns the coded error's log text.
func (e *ImportError) Error() string { return e.Err.Error() }

// Unwrap lets beian.ErrorCode and beian.ErrorMessage see the coded error.
func (e *ImportError) Unwrap() error { return e.Err }

// ImportResult counts what a feed changed.
type ImportResult struct {
	Created int
	Updated int
}

// MaxFeedItems bounds one import, so a runaway file cannot hold a
// transaction open for minutes; larger feeds are split.
const MaxFeedItems = 5000

// resourceCSVColumns are the columns of the provider's CSV feed; a header
// line names them, in any order.
var resourceCSVColumns = []string{"external_id", "account", "kind", "name", "region", "mainland", "billing",
	"term_months", "expires_on", "public_ips", "filings_used", "filings_max"}

// ResourceCSVColumns returns the CSV feed's columns, for the import page.
func ResourceCSVColumns() []string { return slices.Clone(resourceCSVColumns) }

// ParseResourceCSV reads the provider's resource CSV: a header line naming
// the columns (ResourceCSVColumns; external_id, account, kind, region,
// mainland and billing are required), then one resource per line. Files
// saved by spreadsheet programs in GBK or with a UTF-8 byte-order mark are
// read too. It returns the items and every problem found, by line.
func ParseResourceCSV(data []byte) ([]ResourceFeedItem, []RowError) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		if dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(data); err == nil {
			data = dec
		}
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	rowErr := func(line int, field, key string, params ...string) RowError {
		e := beian.Invalid(field, key, params...)
		return RowError{Line: line, Field: field, Err: e}
	}
	header, err := r.Read()
	if err != nil {
		return nil, []RowError{rowErr(1, "", "resources.csv.header", "columns", strings.Join(resourceCSVColumns, ","))}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var errs []RowError
	for _, req := range []string{"external_id", "account", "kind", "region", "mainland", "billing"} {
		if _, ok := col[req]; !ok {
			errs = append(errs, rowErr(1, req, "resources.csv.missing_column", "column", req))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var items []ResourceFeedItem
	seen := map[string]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			errs = append(errs, rowErr(line, "", "resources.csv.syntax"))
			break
		}
		if len(items) >= MaxFeedItems {
			errs = append(errs, rowErr(line, "", "resources.csv.too_many", "max", strconv.Itoa(MaxFeedItems)))
			break
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.Join(rec, "") == "" {
			continue // blank line
		}
		it := ResourceFeedItem{Line: line, ExternalID: get("external_id"), AccountName: get("account"), Name: get("name"), Region: get("region")}
		it.Kind = beian.ResourceKind(strings.ToLower(get("kind")))
		var ok bool
		if it.Mainland, ok = parseFeedBool(get("mainland")); !ok {
			errs = append(errs, rowErr(line, "mainland", "resources.csv.bool", "value", get("mainland")))
		}
		it.Billing = parseFeedBilling(get("billing"))
		for _, f := range []struct {
			name string
			dst  *int
		}{{"term_months", &it.TermMonths}, {"filings_used", &it.FilingsUsed}, {"filings_max", &it.FilingsMax}} {
			s := get(f.name)
			if s == "" {
				continue
			}
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n > 100000 {
				errs = append(errs, rowErr(line, f.name, "resources.csv.number", "value", s))
				continue
			}
			*f.dst = n
		}
		if s := get("expires_on"); s != "" {
			d, err := beian.ParseDate(s)
			if err != nil {
				errs = append(errs, rowErr(line, "expires_on", "resources.csv.date", "value", s))
			}
			it.ExpiresOn = d
		}
		for _, s := range strings.FieldsFunc(get("public_ips"), func(r rune) bool { return r == ';' || r == ' ' || r == '|' }) {
			a, err := netip.ParseAddr(s)
			if err != nil {
				errs = append(errs, rowErr(line, "public_ips", "resources.csv.ip", "value", s))
				continue
			}
			it.PublicIPs = append(it.PublicIPs, a.Unmap())
		}
		if prev, dup := seen[it.ExternalID]; dup && it.ExternalID != "" {
			errs = append(errs, rowErr(line, "external_id", "resources.csv.duplicate", "line", strconv.Itoa(prev)))
		}
		seen[it.ExternalID] = line
		items = append(items, it)
	}
	return items, errs
}

func parseFeedBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "1", "true", "yes", "y", "是", "境内":
		return true, true
	case "0", "false", "no", "n", "否", "境外":
		return false, true
	}
	return false, false
}

func parseFeedBilling(s string) beian.Billing {
	switch strings.ToLower(s) {
	case "prepaid", "包年/包月", "包年包月", "包周期", "yearly", "monthly":
		return beian.BillingPrepaid
	case "on_demand", "on-demand", "postpaid", "按需", "按需计费":
		return beian.BillingOnDemand
	}
	return beian.Billing(s)
}

// validateFeedItem checks one item and resolves its account.
func validateFeedItem(ctx context.Context, tx beian.Tx, it *ResourceFeedItem, accounts map[string]string) ([]RowError, string, error) {
	var errs []RowError
	bad := func(field, key string, params ...string) {
		errs = append(errs, RowError{Line: it.Line, Field: field, Err: beian.Invalid(field, key, params...)})
	}
	if it.ExternalID == "" || len(it.ExternalID) > 128 {
		bad("external_id", "resources.csv.external_id")
	}
	if !it.Kind.Valid() {
		bad("kind", "resources.csv.kind", "value", string(it.Kind))
	}
	if !it.Billing.Valid() {
		bad("billing", "resources.csv.billing", "value", string(it.Billing))
	}
	if it.Billing == beian.BillingPrepaid && it.ExpiresOn.IsZero() {
		bad("expires_on", "resources.csv.expires_required")
	}
	if it.Region == "" {
		bad("region", "resources.csv.region")
	}
	id, ok := accounts[it.AccountName]
	if !ok {
		a, _, err := findAccountByName(ctx, tx, it.AccountName, "account")
		switch {
		case err == nil:
			id = a.ID
		case beian.ErrorCode(err) == beian.EINVALID:
			bad("account", "resources.csv.account", "value", it.AccountName)
		default:
			return nil, "", err
		}
		accounts[it.AccountName] = id
	}
	return errs, id, nil
}

// ImportResources applies a provider feed — all of it or, when any item is
// wrong, none of it (*ImportError lists every problem) — by inserting new
// resources and updating known ones by external ID. Beian's own count of
// filings only grows. Admins only. Errors: EFORBIDDEN, *ImportError
// (EINVALID).
func (w *Workflow) ImportResources(ctx context.Context, u *beian.User, items []ResourceFeedItem, source string) (ImportResult, error) {
	var res ImportResult
	if !isStaff(u) { // admins only
		return res, errForbidden()
	}
	if len(items) > MaxFeedItems {
		return res, &ImportError{Err: beian.Errorf(beian.EINVALID, "resources.import.rejected", "count", "1"),
			Rows: []RowError{{Err: beian.Invalid("", "resources.csv.too_many", "max", strconv.Itoa(MaxFeedItems))}}}
	}
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		accounts := map[string]string{}
		var rows []RowError
		resolved := make([]string, len(items))
		for i := range items {
			errs, id, err := validateFeedItem(ctx, tx, &items[i], accounts)
			if err != nil {
				return err
			}
			rows = append(rows, errs...)
			resolved[i] = id
		}
		if len(rows) > 0 {
			return &ImportError{Err: beian.Errorf(beian.EINVALID, "resources.import.rejected", "count", strconv.Itoa(len(rows))), Rows: rows}
		}
		for i := range items {
			it := &items[i]
			r := &beian.Resource{ExternalID: it.ExternalID, AccountID: resolved[i], Kind: it.Kind, Name: it.Name, Region: it.Region,
				Mainland: it.Mainland, Billing: it.Billing, TermMonths: it.TermMonths, PublicIPs: it.PublicIPs,
				FilingsUsed: it.FilingsUsed, FilingsMax: it.FilingsMax}
			if r.FilingsMax == 0 {
				r.FilingsMax = it.Kind.DefaultFilingsMax()
			}
			if !it.ExpiresOn.IsZero() {
				// The term runs through its last day in China time.
				r.ExpiresAt = it.ExpiresOn.AddDate(0, 0, 1).Time(beian.ChinaTime).UTC()
			}
			created, err := tx.PutResource(ctx, r)
			if err != nil {
				return err
			}
			if created {
				res.Created++
			} else {
				res.Updated++
			}
		}
		return audit(ctx, tx, u.ID, "resource.import", "resources", "feed", map[string]any{"source": source, "created": res.Created, "updated": res.Updated})
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// filingsOf counts what an order files on its resource: its services, or
// for an enterprise portal their domains.
func filingsOf(o *beian.Order, kind beian.ResourceKind) int {
	if kind == beian.ResourceEnterprisePortal {
		n := 0
		for i := range o.Snapshot.Websites {
			n += len(o.Snapshot.Websites[i].Domains)
		}
		return n
	}
	return len(o.Snapshot.Websites) + len(o.Snapshot.Apps)
}

// ConsumeResource records, in the caller's transaction, that the order was
// filed with its product verification: the resource's quota is spent by
// the services it filed (domains, for an enterprise portal), or the
// authorization code becomes used (its server's filing was spent when the
// code was generated). Quota is never given back, whatever happens to the
// filing later (spec §6.1.5). It is idempotent per order, so a bureau
// result processed twice consumes once; orders without a basis or a
// resource do nothing.
//
// The MIIT exchange calls it in the transaction that applies the bureau's
// approval (BAJG) and moves the order to Filed. Errors: whatever the store
// returns; ECONFLICT (authcode.invalid) when the order's code is not in
// use by it.
func ConsumeResource(ctx context.Context, tx beian.Tx, orderID string) error {
	b, err := notFoundIsNil(tx.FindOrderBasis(ctx, orderID))
	if err != nil || b == nil || b.ResourceID == "" && b.AuthCodeID == "" {
		return err
	}
	first, err := tx.MarkOrderBasisConsumed(ctx, orderID, tx.Now())
	if err != nil || !first {
		return err
	}
	if b.AuthCodeID != "" {
		c, err := tx.FindAuthCode(ctx, b.AuthCodeID)
		if err != nil {
			return err
		}
		if err := c.Consume(orderID, tx.Now()); err != nil {
			return err
		}
		if err := tx.UpdateAuthCode(ctx, c); err != nil {
			return err
		}
		return audit(ctx, tx, ActorSystem, "authcode.use", "auth_code", c.ID, map[string]any{"order": orderID})
	}
	o, err := tx.FindOrder(ctx, orderID)
	if err != nil {
		return err
	}
	r, err := tx.FindResource(ctx, b.ResourceID)
	if err != nil {
		return err
	}
	n := filingsOf(o, r.Kind)
	r.FilingsUsed += n
	if err := tx.UpdateResource(ctx, r); err != nil {
		return err
	}
	return audit(ctx, tx, ActorSystem, "resource.consume", "resource", r.ID, map[string]any{"order": orderID, "filings": n, "used": r.FilingsUsed})
}

// NewResourceFacts returns the pre-check's resource facts from the store:
// the resource or authorization code an order was verified with (its
// basis). Wire it into Config.Facts.Resources.
func NewResourceFacts(store beian.Store, clock beian.Clock) rules.ResourceFacts {
	if clock == nil {
		clock = beian.SystemClock{}
	}
	return &resourceFacts{store: store, clock: clock}
}

type resourceFacts struct {
	store beian.Store
	clock beian.Clock
}

// OrderResource implements rules.ResourceFacts.
func (f *resourceFacts) OrderResource(ctx context.Context, o *beian.Order) (*rules.Resource, error) {
	var out *rules.Resource
	now := f.clock.Now()
	err := f.store.View(ctx, func(tx beian.Tx) error {
		b, err := notFoundIsNil(tx.FindOrderBasis(ctx, o.ID))
		if err != nil || b == nil {
			return err
		}
		switch {
		case b.AuthCodeID != "":
			c, err := tx.FindAuthCode(ctx, b.AuthCodeID)
			if err != nil {
				return err
			}
			if _, err := settleAuthCode(ctx, tx, c, now); err != nil {
				return err
			}
			st := &rules.AuthCodeState{GrantedTo: c.GranteeAccountID, IssuedBy: c.IssuerAccountID}
			switch {
			case c.State == beian.AuthCodeInvalid:
				st.ResourceExpired = c.InvalidReason == "authcode.resource_expired"
				st.Used = !st.ResourceExpired
			case c.State == beian.AuthCodeUsed || c.State == beian.AuthCodeInUse:
				st.Used = c.OrderID != o.ID
			}
			out = &rules.Resource{Kind: rules.ResourceAuthCode, Mainland: true, Prepaid: true, PublicIP: true, AuthCode: st}
		case b.ResourceID != "":
			r, err := tx.FindResource(ctx, b.ResourceID)
			if err != nil {
				return err
			}
			out = &rules.Resource{Kind: rules.ResourceKind(r.Kind), Mainland: r.Mainland, Prepaid: r.Billing == beian.BillingPrepaid,
				TermMonths: r.TermMonths, PublicIP: len(r.PublicIPs) > 0}
			if r.Expired(now) {
				out.TermMonths = 0 // an expired term no longer counts
			}
			used := r.FilingsUsed
			if !b.ConsumedAt.IsZero() {
				used -= filingsOf(o, r.Kind) // the order's own filing is not "already used"
			}
			if r.Kind == beian.ResourceEnterprisePortal {
				out.DomainsUsed = used
			} else {
				out.FilingsUsed = used
			}
		}
		return nil
	})
	return out, err
}

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"authcode.count":          {ZH: "每次可生成 1 至 {max} 个授权码。", EN: "Generate 1 to {max} codes at a time."},
		"authcode.kind":           {ZH: "{kind}不能生成备案授权码：只有云服务器和 Flexus 应用服务器可以生成。", EN: "Codes cannot be generated from a {kind_en}: only servers and Flexus application servers generate them."},
		"authcode.ip":             {ZH: "请选择该服务器的一个公网IP作为授权码指向的地址。", EN: "Choose one of the server's public IPs for the codes to point to."},
		"authcode.none_left":      {ZH: "该服务器可生成的授权码不足（每台最多 {max} 个，且每个授权码占用服务器的一次备案次数）。请减少数量或使用其他服务器。", EN: "The server cannot generate that many codes (at most {max} per server, and each code takes one of the server's filings). Ask for fewer, or use another server."},
		"authcode.none_selected":  {ZH: "请至少选择一个授权码。", EN: "Select at least one code."},
		"account.unknown":         {ZH: "账号「{name}」不存在。请核对账号名（主账号的登录名）后重试。", EN: "There is no account {name}. Check the account name (the main account's login) and try again."},
		"account.disabled_target": {ZH: "账号「{name}」已停用，不能接收。", EN: "Account {name} is disabled and cannot receive this."},
		"confirm.password":        {ZH: "登录密码不正确，操作未执行。请输入您的登录密码以确认。", EN: "Wrong password; nothing was done. Enter your sign-in password to confirm."},

		"resources.import.rejected":      {ZH: "资源数据有 {count} 处问题，本次未导入任何资源。请按提示修改文件后重新导入。", EN: "The resource data has {count} problem(s); nothing was imported. Fix the file as shown and import it again."},
		"resources.csv.header":           {ZH: "文件为空或首行不是表头。首行须列出列名：{columns}。", EN: "The file is empty or its first line is no header. The first line names the columns: {columns}."},
		"resources.csv.missing_column":   {ZH: "表头缺少必填列「{column}」。请在首行加上该列。", EN: "The header lacks the required column {column}. Add it to the first line."},
		"resources.csv.syntax":           {ZH: "CSV 格式错误（引号未闭合等）。请用表格软件重新导出为 CSV。", EN: "Malformed CSV (an unclosed quote …). Export the sheet as CSV again."},
		"resources.csv.too_many":         {ZH: "一次最多导入 {max} 个资源。请拆分文件后分批导入。", EN: "At most {max} resources per import. Split the file."},
		"resources.csv.bool":             {ZH: "「{value}」不是是/否值。请填写 true 或 false（或 是/否）。", EN: "{value} is not yes or no. Enter true or false."},
		"resources.csv.number":           {ZH: "「{value}」不是有效的非负整数。", EN: "{value} is not a valid non-negative whole number."},
		"resources.csv.date":             {ZH: "日期「{value}」格式不正确，应为 YYYY-MM-DD。", EN: "Date {value} is malformed; expected YYYY-MM-DD."},
		"resources.csv.ip":               {ZH: "「{value}」不是有效的IP地址。多个地址用分号分隔。", EN: "{value} is not a valid IP address. Separate several with semicolons."},
		"resources.csv.duplicate":        {ZH: "资源ID与第 {line} 行重复。每个资源只能出现一次。", EN: "The resource ID repeats line {line}. List each resource once."},
		"resources.csv.external_id":      {ZH: "请填写资源ID（云平台的实例ID，不超过128个字符）。", EN: "Enter the resource ID (the cloud's instance ID, at most 128 characters)."},
		"resources.csv.kind":             {ZH: "资源类型「{value}」未知。可用：ecs、flexus_l、enterprise_portal、dedicated_cloud、nat_gateway、eip。", EN: "Unknown resource kind {value}. Use ecs, flexus_l, enterprise_portal, dedicated_cloud, nat_gateway or eip."},
		"resources.csv.billing":          {ZH: "计费方式「{value}」未知。请填写 prepaid（包年/包月）或 on_demand（按需）。", EN: "Unknown billing mode {value}. Enter prepaid or on_demand."},
		"resources.csv.expires_required": {ZH: "包年/包月资源须填写到期日 expires_on（YYYY-MM-DD）。", EN: "Prepaid resources need their expiry date expires_on (YYYY-MM-DD)."},
		"resources.csv.region":           {ZH: "请填写资源所在地域（如 cn-north-4）。", EN: "Enter the resource's region (e.g. cn-north-4)."},
		"resources.csv.account":          {ZH: "账号「{value}」不存在。请填写资源所属的客户主账号名。", EN: "There is no account {value}. Enter the owning customer's main account name."},
	})
}
