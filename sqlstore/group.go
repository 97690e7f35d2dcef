package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/openbeian/beian"
)

// CreateGroup inserts g, filling ID and the times. It returns ECONFLICT
// (group.name.taken) when the account has a group of that name and
// ENOTFOUND when the account does not exist.
func (tx *Tx) CreateGroup(ctx context.Context, g *beian.Group) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if g.ID == "" {
		g.ID = newID()
	}
	if g.CreatedAt.IsZero() {
		g.CreatedAt = tx.now
	}
	g.CreatedAt, g.UpdatedAt = truncTime(g.CreatedAt), tx.now
	policies, err := json.Marshal(nonNil(g.Policies))
	if err != nil {
		return tx.fail("create group", err)
	}
	_, err = tx.exec(ctx, `INSERT INTO user_groups (id, account_id, name, description, policies, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		g.ID, g.AccountID, g.Name, g.Description, string(policies), tx.t(g.CreatedAt), tx.t(g.UpdatedAt))
	return tx.db.dialect.storeError("create group", err, "group.name.taken", "name", g.Name)
}

const groupColumns = `id, account_id, name, description, policies, created_at, updated_at`

// FindGroup returns the group with id, or ENOTFOUND.
func (tx *Tx) FindGroup(ctx context.Context, id string) (*beian.Group, error) {
	gs, err := tx.groups(ctx, `SELECT `+groupColumns+` FROM user_groups WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, notFound("group")
	}
	return gs[0], nil
}

// FindGroups returns the account's groups by name.
func (tx *Tx) FindGroups(ctx context.Context, accountID string) ([]*beian.Group, error) {
	return tx.groups(ctx, `SELECT `+groupColumns+` FROM user_groups WHERE account_id = ? ORDER BY name, id`, accountID)
}

func (tx *Tx) groups(ctx context.Context, query string, args ...any) ([]*beian.Group, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("find groups", err)
	}
	defer rows.Close()
	var out []*beian.Group
	for rows.Next() {
		var g beian.Group
		var policies string
		if err := rows.Scan(&g.ID, &g.AccountID, &g.Name, &g.Description, &policies, scanTime(&g.CreatedAt), scanTime(&g.UpdatedAt)); err != nil {
			return nil, tx.fail("find groups", err)
		}
		if err := json.Unmarshal([]byte(policies), &g.Policies); err != nil {
			return nil, tx.fail("find groups", fmt.Errorf("group %s policies: %w", g.ID, err))
		}
		out = append(out, &g)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find groups", err)
	}
	return out, nil
}

// UpdateGroup writes g's name, description and policies. Errors:
// ENOTFOUND, ECONFLICT (group.name.taken).
func (tx *Tx) UpdateGroup(ctx context.Context, g *beian.Group) error {
	if err := tx.writable(); err != nil {
		return err
	}
	policies, err := json.Marshal(nonNil(g.Policies))
	if err != nil {
		return tx.fail("update group", err)
	}
	res, err := tx.exec(ctx, `UPDATE user_groups SET name = ?, description = ?, policies = ?, updated_at = ? WHERE id = ?`,
		g.Name, g.Description, string(policies), tx.t(tx.now), g.ID)
	if err != nil {
		return tx.db.dialect.storeError("update group", err, "group.name.taken", "name", g.Name)
	}
	if err := mustAffect(res, "group"); err != nil {
		return err
	}
	g.UpdatedAt = tx.now
	return nil
}

// DeleteGroup removes the group with id; ENOTFOUND when there is none.
// Members keep the group's ID in their list until the caller rewrites
// them, which the workflow does in the same transaction.
func (tx *Tx) DeleteGroup(ctx context.Context, id string) error {
	if err := tx.writable(); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `DELETE FROM user_groups WHERE id = ?`, id)
	if err != nil {
		return tx.fail("delete group", err)
	}
	return mustAffect(res, "group")
}

// FindUsersByAccount returns the account's users: the owner first, then
// sub-users by login. Each is read like FindUser, so decryption lives in
// one place; accounts have a handful of users.
func (tx *Tx) FindUsersByAccount(ctx context.Context, accountID string) ([]*beian.User, error) {
	rows, err := tx.query(ctx, `SELECT id FROM users WHERE account_id = ?
		ORDER BY CASE WHEN role = 'customer' THEN 0 ELSE 1 END, login`, accountID)
	if err != nil {
		return nil, tx.fail("find users", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, tx.fail("find users", err)
		}
		ids = append(ids, id)
	}
	// Close before the next queries: one statement at a time per
	// transaction connection.
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find users", err)
	}
	out := make([]*beian.User, 0, len(ids))
	for _, id := range ids {
		u, err := tx.FindUser(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// AssociateService associates userID with serviceID; an existing
// association is left as it is. ENOTFOUND when either does not exist.
func (tx *Tx) AssociateService(ctx context.Context, userID, serviceID string) error {
	if err := tx.writable(); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO user_services (user_id, service_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id, service_id) DO NOTHING`, userID, serviceID, tx.t(tx.now))
	return tx.fail("associate service", err)
}

// DissociateService removes userID's association with serviceID, or every
// user's when userID is "".
func (tx *Tx) DissociateService(ctx context.Context, userID, serviceID string) error {
	if err := tx.writable(); err != nil {
		return err
	}
	var err error
	if userID == "" {
		_, err = tx.exec(ctx, `DELETE FROM user_services WHERE service_id = ?`, serviceID)
	} else {
		_, err = tx.exec(ctx, `DELETE FROM user_services WHERE user_id = ? AND service_id = ?`, userID, serviceID)
	}
	return tx.fail("dissociate service", err)
}

// AssociatedServices returns the IDs of the services userID is associated
// with, in ID order.
func (tx *Tx) AssociatedServices(ctx context.Context, userID string) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT service_id FROM user_services WHERE user_id = ? ORDER BY service_id`, userID)
	if err != nil {
		return nil, tx.fail("find associated services", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, tx.fail("find associated services", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find associated services", err)
	}
	return out, nil
}
