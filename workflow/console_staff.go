package workflow

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/password"
)

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"staff.admin_only":    {ZH: "仅管理员可以管理工作人员。", EN: "Only administrators manage staff."},
		"staff.login":         {ZH: "登录名须为 3–64 个字母、数字或 . _ - @ 字符。", EN: "The login is 3–64 letters, digits or . _ - @."},
		"staff.display_name":  {ZH: "姓名不能超过 64 个字。", EN: "The name must not exceed 64 characters."},
		"staff.email":         {ZH: "电子邮箱格式不正确。", EN: "The e-mail address is malformed."},
		"staff.role":          {ZH: "请选择角色：审核员、合规专员或管理员。", EN: "Choose a role: reviewer, compliance officer or administrator."},
		"staff.password":      {ZH: "初始密码须为 12–128 个字符，且不能与登录名相同。", EN: "The initial password is 12–128 characters and differs from the login."},
		"staff.not_staff":     {ZH: "该用户不是工作人员。", EN: "This user is not staff."},
		"staff.disable_self":  {ZH: "不能停用自己的账号。", EN: "You cannot disable your own account."},
		"staff.password_hash": {ZH: "密码处理失败，请重试。", EN: "The password could not be processed; try again."},
	})
}

// StaffInput is a new staff user: reviewer, compliance officer or admin,
// with the initial password an administrator hands over.
type StaffInput struct {
	Login       string
	DisplayName string
	Email       string
	Role        beian.Role
	Password    string
}

// StaffUsers lists every staff user, disabled ones included, by login;
// password hashes are cleared. Admins only. Errors: EFORBIDDEN.
func (w *Workflow) StaffUsers(ctx context.Context, u *beian.User) ([]*beian.User, error) {
	if !isStaff(u, beian.RoleAdmin) {
		return nil, beian.Errorf(beian.EFORBIDDEN, "staff.admin_only")
	}
	var out []*beian.User
	err := w.store.View(ctx, func(tx beian.Tx) error {
		var err error
		out, err = tx.FindStaff(ctx)
		return err
	})
	for _, s := range out {
		s.PasswordHash = ""
	}
	return out, err
}

func validLogin(s string) bool {
	if len(s) < 3 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r)) {
			return false
		}
	}
	return true
}

// CreateStaff creates a staff user with an argon2id hash of the initial
// password. Admins only; the audit trail records the login and role, never
// the password. Errors: EFORBIDDEN, EINVALID (naming the field), ECONFLICT
// (user.login.taken).
func (w *Workflow) CreateStaff(ctx context.Context, u *beian.User, in StaffInput) (*beian.User, error) {
	if !isStaff(u, beian.RoleAdmin) {
		return nil, beian.Errorf(beian.EFORBIDDEN, "staff.admin_only")
	}
	in.Login, in.DisplayName, in.Email = strings.TrimSpace(in.Login), strings.TrimSpace(in.DisplayName), strings.TrimSpace(in.Email)
	n := utf8.RuneCountInString(in.Password)
	switch {
	case !validLogin(in.Login):
		return nil, beian.Invalid("login", "staff.login")
	case utf8.RuneCountInString(in.DisplayName) > 64:
		return nil, beian.Invalid("display_name", "staff.display_name")
	case in.Email != "" && (len(in.Email) > 254 || strings.Count(in.Email, "@") != 1 || strings.HasPrefix(in.Email, "@") || strings.HasSuffix(in.Email, "@")):
		return nil, beian.Invalid("email", "staff.email")
	case !in.Role.IsStaff():
		return nil, beian.Invalid("role", "staff.role")
	case n < 12 || n > 128 || strings.EqualFold(in.Password, in.Login):
		return nil, beian.Invalid("password", "staff.password")
	}
	hash, err := password.Hash(in.Password, password.Default)
	if err != nil {
		return nil, beian.Errorf(beian.EINTERNAL, "staff.password_hash").WithCause(err)
	}
	nu := &beian.User{Login: in.Login, DisplayName: in.DisplayName, Email: in.Email, Role: in.Role, PasswordHash: hash}
	err = w.store.Update(ctx, func(tx beian.Tx) error {
		nu.CreatedAt = tx.Now()
		if err := tx.CreateUser(ctx, nu); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "user.create", "user", nu.ID, map[string]any{"login": nu.Login, "role": nu.Role})
	})
	if err != nil {
		return nil, err
	}
	nu.PasswordHash = ""
	return nu, nil
}

// SetStaffDisabled disables a staff user, or enables one again. A disabled
// user's sessions stop working at their next request, since every request
// reloads the user. Admins cannot disable themselves, so the provider is
// never left without one by mistake. Errors: EFORBIDDEN, ENOTFOUND,
// EINVALID (not staff, oneself).
func (w *Workflow) SetStaffDisabled(ctx context.Context, u *beian.User, id string, disabled bool) (*beian.User, error) {
	if !isStaff(u, beian.RoleAdmin) {
		return nil, beian.Errorf(beian.EFORBIDDEN, "staff.admin_only")
	}
	if disabled && id == u.ID {
		return nil, beian.Invalid("id", "staff.disable_self")
	}
	var target *beian.User
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		if target, err = tx.FindUser(ctx, id); err != nil {
			return err
		}
		if !target.Role.IsStaff() {
			return beian.Invalid("id", "staff.not_staff")
		}
		if target.Disabled == disabled {
			return nil
		}
		target.Disabled = disabled
		if err := tx.UpdateUser(ctx, target); err != nil {
			return err
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return audit(ctx, tx, u.ID, action, "user", target.ID, map[string]any{"login": target.Login})
	})
	if err != nil {
		return nil, err
	}
	target.PasswordHash = ""
	return target, nil
}
