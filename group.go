package beian

import (
	"context"
	"slices"
	"time"
)

// Group is a customer account's user group (用户组, spec §2): a name and the
// system policies its members get. A sub-user's policies are exactly the
// union of its groups' policies; stores keep that union on the user
// (User.Policies) so that authorisation reads one row.
type Group struct {
	ID          string
	AccountID   string
	Name        string
	Description string
	Policies    []Policy
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Policies lists the system policies a group may carry, in the order
// pages show them.
var Policies = []Policy{PolicyBeianAdministrator, PolicyBeianReadOnly}

var policyText = map[Policy]Text{
	PolicyBeianAdministrator: {"Beian Administrator：办理备案（查看、填写、提交、变更、注销）", "Beian Administrator: operate filings (view, fill in, submit, change, cancel)"},
	PolicyBeianReadOnly:      {"Beian ReadOnly：只读查看备案与订单", "Beian ReadOnly: view filings and orders only"},
}

// Text returns the policy's description in both languages.
func (p Policy) Text() Text {
	if t, ok := policyText[p]; ok {
		return t
	}
	return Text{string(p), string(p)}
}

// Valid reports whether p is a known system policy.
func (p Policy) Valid() bool { _, ok := policyText[p]; return ok }

// EffectivePolicies returns the policies a member of the groups with IDs
// memberOf gets from groups: their union, in the order of [Policies].
func EffectivePolicies(groups []*Group, memberOf []string) []Policy {
	var out []Policy
	for _, p := range Policies {
		for _, g := range groups {
			if slices.Contains(memberOf, g.ID) && slices.Contains(g.Policies, p) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// GroupStore keeps customer groups, lists an account's users, and keeps
// which filed services each sub-user is associated with (spec §2: a
// sub-user changes only the services it created or was granted).
type GroupStore interface {
	// CreateGroup inserts g; ECONFLICT (group.name.taken) when the account
	// has a group of that name.
	CreateGroup(ctx context.Context, g *Group) error
	// FindGroup returns the group with id or ENOTFOUND.
	FindGroup(ctx context.Context, id string) (*Group, error)
	// FindGroups returns an account's groups by name.
	FindGroups(ctx context.Context, accountID string) ([]*Group, error)
	// UpdateGroup writes g's name, description and policies; ENOTFOUND for
	// an unknown ID, ECONFLICT as CreateGroup.
	UpdateGroup(ctx context.Context, g *Group) error
	// DeleteGroup removes the group; callers first take its members out.
	DeleteGroup(ctx context.Context, id string) error
	// FindUsersByAccount returns an account's users, owner first, then by
	// login.
	FindUsersByAccount(ctx context.Context, accountID string) ([]*User, error)
	// AssociateService associates a sub-user with a filed service; doing it
	// twice is not an error.
	AssociateService(ctx context.Context, userID, serviceID string) error
	// DissociateService removes the association of userID with the
	// service, or of every user when userID is "".
	DissociateService(ctx context.Context, userID, serviceID string) error
	// AssociatedServices returns the IDs of the services userID is
	// associated with.
	AssociatedServices(ctx context.Context, userID string) ([]string, error)
}

func init() {
	RegisterMessages(map[string]Text{
		"group.name.taken": {"用户组「{name}」已存在。", "There is already a group named {name}."},
	})
}
