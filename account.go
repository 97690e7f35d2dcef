package beian

import "time"

// Role is what a user may do in Beian. Customers act on their own account's
// data; staff roles act on everyone's.
type Role string

// Roles.
const (
	RoleCustomer   Role = "customer"   // a customer account's owner (主账号)
	RoleSubUser    Role = "sub_user"   // a customer's sub-user; its policies decide
	RoleReviewer   Role = "reviewer"   // 初审员
	RoleCompliance Role = "compliance" // compliance officer
	RoleAdmin      Role = "admin"      // provider administrator
)

// IsStaff reports whether r is a provider staff role.
func (r Role) IsStaff() bool { return r == RoleReviewer || r == RoleCompliance || r == RoleAdmin }

// Policy is a permission set granted to a sub-user through its groups.
type Policy string

// The customer-side policies (spec §2).
const (
	PolicyBeianAdministrator Policy = "BeianAdministrator" // operate filings
	PolicyBeianReadOnly      Policy = "BeianReadOnly"      // view filings
)

// Account is a customer's main account (主账号) at the provider. One account
// files exactly one subject, and one subject is filed under one account.
type Account struct {
	ID   string
	Name string // login name of the main account
	// SubjectCertificate is the certificate number of the subject this
	// account files, once bound; personal data, encrypted at rest.
	SubjectCertificate string
	Disabled           bool
	CreatedAt          time.Time
}

// User is someone who signs in: a customer account's owner or sub-user, or
// provider staff (AccountID empty).
type User struct {
	ID           string
	AccountID    string
	Login        string
	DisplayName  string
	Email        string
	Role         Role
	Groups       []string
	Policies     []Policy
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
}

// Has reports whether the user holds policy p.
func (u *User) Has(p Policy) bool {
	if u.Role == RoleCustomer {
		return true
	}
	for _, q := range u.Policies {
		if q == p {
			return true
		}
	}
	return false
}
