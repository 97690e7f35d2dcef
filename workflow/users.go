package workflow

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/password"
)

// Team is what the main account manages on the sub-users page: its
// sub-users with their groups and associated services, its groups with
// their policies, and the services that can be granted.
type Team struct {
	Account  *beian.Account
	Users    []TeamMember
	Groups   []*beian.Group
	Services []beian.RecordService
}

// TeamMember is a sub-user with the services it is associated with.
type TeamMember struct {
	User     *beian.User
	Services []string
}

// Member returns the sub-user with id, if the team has it.
func (t *Team) Member(id string) (TeamMember, bool) {
	i := slices.IndexFunc(t.Users, func(m TeamMember) bool { return m.User.ID == id })
	if i < 0 {
		return TeamMember{}, false
	}
	return t.Users[i], true
}

// GroupName returns the name of the account's group with id.
func (t *Team) GroupName(id string) string {
	for _, g := range t.Groups {
		if g.ID == id {
			return g.Name
		}
	}
	return id
}

// teamOwner checks that u is a main account's owner: only they manage
// sub-users and groups (spec §2). Sub-users and staff get EFORBIDDEN.
func teamOwner(u *beian.User) error {
	if u == nil || u.Disabled || u.Role != beian.RoleCustomer || u.AccountID == "" {
		return beian.Errorf(beian.EFORBIDDEN, "users.owner_only")
	}
	return nil
}

// Team returns the account's sub-users, groups and grantable services.
// Errors: EFORBIDDEN (users.owner_only).
func (w *Workflow) Team(ctx context.Context, u *beian.User) (*Team, error) {
	if err := teamOwner(u); err != nil {
		return nil, err
	}
	t := &Team{}
	err := w.store.View(ctx, func(tx beian.Tx) error {
		var err error
		if t.Account, err = tx.FindAccount(ctx, u.AccountID); err != nil {
			return err
		}
		users, err := tx.FindUsersByAccount(ctx, u.AccountID)
		if err != nil {
			return err
		}
		for _, m := range users {
			if m.Role != beian.RoleSubUser {
				continue
			}
			ids, err := tx.AssociatedServices(ctx, m.ID)
			if err != nil {
				return err
			}
			t.Users = append(t.Users, TeamMember{User: m, Services: ids})
		}
		if t.Groups, err = tx.FindGroups(ctx, u.AccountID); err != nil {
			return err
		}
		rec, err := notFoundIsNil(tx.FindRecordByAccount(ctx, u.AccountID))
		if err != nil || rec == nil {
			return err
		}
		t.Services = rec.ActiveServices()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// SubUserInput creates a sub-user.
type SubUserInput struct {
	Login       string
	DisplayName string
	Password    string
	Groups      []string
}

// MinPasswordLength is the shortest password a sub-user may get.
const MinPasswordLength = 10

// validSubUserLogin accepts the characters logins are typed with everywhere.
func validSubUserLogin(s string) bool {
	if n := len(s); n < 3 || n > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r)) {
			return false
		}
	}
	return true
}

// CreateSubUser creates a sub-user (IAM用户) of u's account with a
// password and groups; its policies are its groups' (spec §2). Errors:
// EFORBIDDEN, EINVALID (users.login, users.password, users.display_name,
// users.group), ECONFLICT (user.login.taken).
func (w *Workflow) CreateSubUser(ctx context.Context, u *beian.User, in SubUserInput) (*beian.User, error) {
	if err := teamOwner(u); err != nil {
		return nil, err
	}
	in.Login, in.DisplayName = strings.TrimSpace(in.Login), strings.TrimSpace(in.DisplayName)
	switch {
	case !validSubUserLogin(in.Login):
		return nil, beian.Invalid("login", "users.login")
	case utf8.RuneCountInString(in.DisplayName) > 64:
		return nil, beian.Invalid("display_name", "users.display_name")
	case utf8.RuneCountInString(in.Password) < MinPasswordLength || len(in.Password) > 1024:
		return nil, beian.Invalid("password", "users.password", "min", strconv.Itoa(MinPasswordLength))
	case strings.EqualFold(in.Password, in.Login):
		return nil, beian.Invalid("password", "users.password_login")
	}
	hash, err := password.Hash(in.Password, password.Default)
	if err != nil {
		return nil, beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(err)
	}
	sub := &beian.User{AccountID: u.AccountID, Login: in.Login, DisplayName: in.DisplayName, Role: beian.RoleSubUser, PasswordHash: hash}
	if sub.DisplayName == "" {
		sub.DisplayName = in.Login
	}
	err = w.store.Update(ctx, func(tx beian.Tx) error {
		groups, err := tx.FindGroups(ctx, u.AccountID)
		if err != nil {
			return err
		}
		if sub.Groups, err = accountGroups(groups, in.Groups); err != nil {
			return err
		}
		sub.Policies = beian.EffectivePolicies(groups, sub.Groups)
		sub.CreatedAt = tx.Now()
		if err := tx.CreateUser(ctx, sub); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "user.create", "user", sub.ID, map[string]any{"login": sub.Login, "groups": sub.Groups, "policies": sub.Policies})
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// accountGroups checks that every ID names one of the account's groups and
// returns them without repeats.
func accountGroups(groups []*beian.Group, ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		if id == "" || slices.Contains(out, id) {
			continue
		}
		if !slices.ContainsFunc(groups, func(g *beian.Group) bool { return g.ID == id }) {
			return nil, beian.Invalid("groups", "users.group")
		}
		out = append(out, id)
	}
	return out, nil
}

// subUserOf loads a sub-user of u's account for a change.
func subUserOf(ctx context.Context, tx beian.Tx, u *beian.User, id string) (*beian.User, error) {
	sub, err := notFoundIsNil(tx.FindUser(ctx, id))
	if err != nil {
		return nil, err
	}
	if sub == nil || sub.AccountID != u.AccountID || sub.Role != beian.RoleSubUser {
		return nil, errNotFound()
	}
	return sub, nil
}

// SetSubUserDisabled disables (or enables again) a sub-user; a disabled
// sub-user cannot sign in and its sessions stop working. Errors:
// EFORBIDDEN, ENOTFOUND.
func (w *Workflow) SetSubUserDisabled(ctx context.Context, u *beian.User, id string, disabled bool) error {
	if err := teamOwner(u); err != nil {
		return err
	}
	return w.store.Update(ctx, func(tx beian.Tx) error {
		sub, err := subUserOf(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if sub.Disabled == disabled {
			return nil
		}
		sub.Disabled = disabled
		if err := tx.UpdateUser(ctx, sub); err != nil {
			return err
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return audit(ctx, tx, u.ID, action, "user", sub.ID, nil)
	})
}

// SetSubUserGroups replaces a sub-user's groups and with them its
// policies. Errors: EFORBIDDEN, ENOTFOUND, EINVALID (users.group).
func (w *Workflow) SetSubUserGroups(ctx context.Context, u *beian.User, id string, groupIDs []string) error {
	if err := teamOwner(u); err != nil {
		return err
	}
	return w.store.Update(ctx, func(tx beian.Tx) error {
		sub, err := subUserOf(ctx, tx, u, id)
		if err != nil {
			return err
		}
		groups, err := tx.FindGroups(ctx, u.AccountID)
		if err != nil {
			return err
		}
		if sub.Groups, err = accountGroups(groups, groupIDs); err != nil {
			return err
		}
		sub.Policies = beian.EffectivePolicies(groups, sub.Groups)
		if err := tx.UpdateUser(ctx, sub); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "user.groups", "user", sub.ID, map[string]any{"groups": sub.Groups, "policies": sub.Policies})
	})
}

// SetSubUserServices replaces the filed services a sub-user is granted,
// which its change orders may pick (spec §2). Errors: EFORBIDDEN,
// ENOTFOUND (a service not of the account).
func (w *Workflow) SetSubUserServices(ctx context.Context, u *beian.User, id string, serviceIDs []string) error {
	if err := teamOwner(u); err != nil {
		return err
	}
	return w.store.Update(ctx, func(tx beian.Tx) error {
		sub, err := subUserOf(ctx, tx, u, id)
		if err != nil {
			return err
		}
		rec, err := notFoundIsNil(tx.FindRecordByAccount(ctx, u.AccountID))
		if err != nil {
			return err
		}
		mine := map[string]bool{}
		if rec != nil {
			for _, s := range rec.ActiveServices() {
				mine[s.ID] = true
			}
		}
		for _, sid := range serviceIDs {
			if !mine[sid] {
				return errNotFound()
			}
		}
		old, err := tx.AssociatedServices(ctx, sub.ID)
		if err != nil {
			return err
		}
		for _, sid := range old {
			if !slices.Contains(serviceIDs, sid) {
				if err := tx.DissociateService(ctx, sub.ID, sid); err != nil {
					return err
				}
			}
		}
		for _, sid := range serviceIDs {
			if err := tx.AssociateService(ctx, sub.ID, sid); err != nil {
				return err
			}
		}
		return audit(ctx, tx, u.ID, "user.services", "user", sub.ID, map[string]any{"services": serviceIDs})
	})
}

// GroupInput creates or changes a group.
type GroupInput struct {
	Name        string
	Description string
	Policies    []beian.Policy
}

func (in *GroupInput) validate() error {
	in.Name, in.Description = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 64 {
		return beian.Invalid("name", "users.group_name")
	}
	if utf8.RuneCountInString(in.Description) > 200 {
		return beian.Invalid("description", "users.group_description")
	}
	var ps []beian.Policy
	for _, p := range in.Policies {
		if !p.Valid() {
			return beian.Invalid("policies", "users.policy", "policy", string(p))
		}
		if !slices.Contains(ps, p) {
			ps = append(ps, p)
		}
	}
	in.Policies = ps
	return nil
}

// CreateGroup creates a user group with system policies. Errors:
// EFORBIDDEN, EINVALID, ECONFLICT (group.name.taken).
func (w *Workflow) CreateGroup(ctx context.Context, u *beian.User, in GroupInput) (*beian.Group, error) {
	if err := teamOwner(u); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	g := &beian.Group{AccountID: u.AccountID, Name: in.Name, Description: in.Description, Policies: in.Policies}
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		if err := tx.CreateGroup(ctx, g); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "group.create", "group", g.ID, map[string]any{"name": g.Name, "policies": g.Policies})
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// UpdateGroup changes a group; its members' policies follow in the same
// transaction. Errors: EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (w *Workflow) UpdateGroup(ctx context.Context, u *beian.User, id string, in GroupInput) error {
	if err := teamOwner(u); err != nil {
		return err
	}
	if err := in.validate(); err != nil {
		return err
	}
	return w.store.Update(ctx, func(tx beian.Tx) error {
		g, err := notFoundIsNil(tx.FindGroup(ctx, id))
		if err != nil {
			return err
		}
		if g == nil || g.AccountID != u.AccountID {
			return errNotFound()
		}
		g.Name, g.Description, g.Policies = in.Name, in.Description, in.Policies
		if err := tx.UpdateGroup(ctx, g); err != nil {
			return err
		}
		if err := refreshPolicies(ctx, tx, u.AccountID, ""); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "group.update", "group", g.ID, map[string]any{"name": g.Name, "policies": g.Policies})
	})
}

// DeleteGroup removes a group and takes it off its members, whose policies
// follow. Errors: EFORBIDDEN, ENOTFOUND.
func (w *Workflow) DeleteGroup(ctx context.Context, u *beian.User, id string) error {
	if err := teamOwner(u); err != nil {
		return err
	}
	return w.store.Update(ctx, func(tx beian.Tx) error {
		g, err := notFoundIsNil(tx.FindGroup(ctx, id))
		if err != nil {
			return err
		}
		if g == nil || g.AccountID != u.AccountID {
			return errNotFound()
		}
		if err := tx.DeleteGroup(ctx, id); err != nil {
			return err
		}
		if err := refreshPolicies(ctx, tx, u.AccountID, id); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "group.delete", "group", id, map[string]any{"name": g.Name})
	})
}

// refreshPolicies rewrites every sub-user's policies from its groups,
// dropping the group removed (if any) from their lists.
func refreshPolicies(ctx context.Context, tx beian.Tx, accountID, removed string) error {
	groups, err := tx.FindGroups(ctx, accountID)
	if err != nil {
		return err
	}
	users, err := tx.FindUsersByAccount(ctx, accountID)
	if err != nil {
		return err
	}
	for _, m := range users {
		if m.Role != beian.RoleSubUser {
			continue
		}
		gs := slices.DeleteFunc(slices.Clone(m.Groups), func(id string) bool { return id == removed })
		ps := beian.EffectivePolicies(groups, gs)
		if slices.Equal(gs, m.Groups) && slices.Equal(ps, m.Policies) {
			continue
		}
		m.Groups, m.Policies = gs, ps
		if err := tx.UpdateUser(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"users.owner_only":        {ZH: "只有主账号可以管理子用户和用户组。", EN: "Only the main account manages sub-users and groups."},
		"users.login":             {ZH: "登录名须为3–64位字母、数字或 . _ - @。", EN: "The login is 3 to 64 letters, digits or . _ - @."},
		"users.display_name":      {ZH: "显示名称不能超过64字。", EN: "The display name must not exceed 64 characters."},
		"users.password":          {ZH: "密码至少 {min} 位。请设置更长的密码，并通过安全渠道告知子用户。", EN: "The password needs at least {min} characters. Choose a longer one and pass it on safely."},
		"users.password_login":    {ZH: "密码不能与登录名相同。", EN: "The password must differ from the login."},
		"users.group":             {ZH: "所选用户组不存在。请刷新页面后重新选择。", EN: "A chosen group does not exist. Reload the page and choose again."},
		"users.group_name":        {ZH: "请填写用户组名称（不超过64字），如「备案服务组」。", EN: "Enter the group's name (at most 64 characters), e.g. 备案服务组."},
		"users.group_description": {ZH: "描述不能超过200字。", EN: "The description must not exceed 200 characters."},
		"users.policy":            {ZH: "未知的策略「{policy}」。可选 BeianAdministrator 或 BeianReadOnly。", EN: "Unknown policy {policy}. Choose BeianAdministrator or BeianReadOnly."},
	})
}
