package workflow

import "github.com/openbeian/beian"

// access is what a user may do with an order.
type access int

const (
	accessRead access = iota
	accessWrite
)

// canSeeOrder reports whether u may read (or, with accessWrite, operate as
// its customer) the order. Sub-users act only on the orders they created,
// and need BeianAdministrator to operate and at least BeianReadOnly to
// read (spec §2). Staff read every order; they operate on them through the
// review and bureau actions, which check roles themselves.
func canSeeOrder(u *beian.User, o *beian.Order, a access) bool {
	if u == nil || u.Disabled {
		return false
	}
	switch u.Role {
	case beian.RoleCustomer:
		return o.AccountID == u.AccountID
	case beian.RoleSubUser:
		if o.AccountID != u.AccountID || o.CreatedBy != u.ID {
			return false
		}
		if a == accessWrite {
			return u.Has(beian.PolicyBeianAdministrator)
		}
		return u.Has(beian.PolicyBeianAdministrator) || u.Has(beian.PolicyBeianReadOnly)
	case beian.RoleReviewer, beian.RoleCompliance, beian.RoleAdmin:
		return a == accessRead
	}
	return false
}

// errNotFound is what a user gets for an order they may not see: the same
// as for one that does not exist, so IDs cannot be probed.
func errNotFound() error { return beian.Errorf(beian.ENOTFOUND, "error.not_found") }

func errForbidden() error { return beian.Errorf(beian.EFORBIDDEN, "error.forbidden") }

// isStaff reports whether u holds one of roles (admin always qualifies).
func isStaff(u *beian.User, roles ...beian.Role) bool {
	if u == nil || u.Disabled {
		return false
	}
	if u.Role == beian.RoleAdmin {
		return true
	}
	for _, r := range roles {
		if u.Role == r {
			return true
		}
	}
	return false
}

// canCreateFor reports whether u may create an order for accountID:
// customers for their own account (sub-users with BeianAdministrator),
// compliance officers and admins on a customer's behalf (cancel access
// after an unrectified case, say).
func canCreateFor(u *beian.User, accountID string) bool {
	if u == nil || u.Disabled {
		return false
	}
	switch u.Role {
	case beian.RoleCustomer:
		return u.AccountID == accountID
	case beian.RoleSubUser:
		return u.AccountID == accountID && u.Has(beian.PolicyBeianAdministrator)
	case beian.RoleCompliance, beian.RoleAdmin:
		return accountID != ""
	}
	return false
}
