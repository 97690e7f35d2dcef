package workflow_test

import (
	"context"
	"slices"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/password"
	"github.com/openbeian/beian/workflow"
)

func TestGroupsAndSubUsers(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		ctx := context.Background()
		admins, err := w.wf.CreateGroup(ctx, w.customer, workflow.GroupInput{Name: "备案服务组", Policies: []beian.Policy{beian.PolicyBeianAdministrator}})
		if err != nil {
			t.Fatal(err)
		}
		readers, err := w.wf.CreateGroup(ctx, w.customer, workflow.GroupInput{Name: "只读组", Policies: []beian.Policy{beian.PolicyBeianReadOnly}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.wf.CreateGroup(ctx, w.customer, workflow.GroupInput{Name: "备案服务组"})
		wantKey(t, err, "group.name.taken")
		_, err = w.wf.CreateGroup(ctx, w.customer, workflow.GroupInput{Name: "x", Policies: []beian.Policy{"AdministratorAccess"}})
		wantKey(t, err, "users.policy")

		_, err = w.wf.CreateSubUser(ctx, w.customer, workflow.SubUserInput{Login: "ops", Password: "short"})
		wantKey(t, err, "users.password")
		_, err = w.wf.CreateSubUser(ctx, w.customer, workflow.SubUserInput{Login: "a b", Password: "long-enough-pw"})
		wantKey(t, err, "users.login")
		_, err = w.wf.CreateSubUser(ctx, w.customer, workflow.SubUserInput{Login: "ops", Password: "long-enough-pw", Groups: []string{"nope"}})
		wantKey(t, err, "users.group")
		sub, err := w.wf.CreateSubUser(ctx, w.customer, workflow.SubUserInput{Login: "acme-ops", DisplayName: "运维", Password: "long-enough-pw",
			Groups: []string{admins.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if !sub.Has(beian.PolicyBeianAdministrator) || sub.Has(beian.PolicyBeianReadOnly) || sub.Role != beian.RoleSubUser {
			t.Fatalf("sub-user %+v", sub)
		}
		if err := password.Verify("long-enough-pw", sub.PasswordHash); err != nil {
			t.Errorf("password: %v", err)
		}
		_, err = w.wf.CreateSubUser(ctx, w.customer, workflow.SubUserInput{Login: "acme-ops", Password: "long-enough-pw"})
		wantKey(t, err, "user.login.taken")

		load := func() *beian.User {
			var u *beian.User
			if err := w.DB.View(ctx, func(tx beian.Tx) error {
				var err error
				u, err = tx.FindUser(ctx, sub.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return u
		}
		// Effective policies follow the groups: membership, group edits and
		// group deletion.
		if err := w.wf.SetSubUserGroups(ctx, w.customer, sub.ID, []string{admins.ID, readers.ID}); err != nil {
			t.Fatal(err)
		}
		if got := load().Policies; !slices.Equal(got, []beian.Policy{beian.PolicyBeianAdministrator, beian.PolicyBeianReadOnly}) {
			t.Errorf("two groups: %v", got)
		}
		if err := w.wf.UpdateGroup(ctx, w.customer, admins.ID, workflow.GroupInput{Name: "备案服务组"}); err != nil {
			t.Fatal(err)
		}
		if got := load().Policies; !slices.Equal(got, []beian.Policy{beian.PolicyBeianReadOnly}) {
			t.Errorf("after the group lost its policy: %v", got)
		}
		if err := w.wf.DeleteGroup(ctx, w.customer, readers.ID); err != nil {
			t.Fatal(err)
		}
		if u := load(); len(u.Policies) != 0 || !slices.Equal(u.Groups, []string{admins.ID}) {
			t.Errorf("after deleting a group: %v %v", u.Policies, u.Groups)
		}
		// Disabling.
		if err := w.wf.SetSubUserDisabled(ctx, w.customer, sub.ID, true); err != nil {
			t.Fatal(err)
		}
		if !load().Disabled {
			t.Error("not disabled")
		}

		// Only the main account manages the team; other accounts' users are
		// not there.
		team, err := w.wf.Team(ctx, w.customer)
		if err != nil || len(team.Users) != 1 || len(team.Groups) != 1 || team.GroupName(admins.ID) != "备案服务组" {
			t.Fatalf("team %+v %v", team, err)
		}
		_, err = w.wf.Team(ctx, sub)
		wantKey(t, err, "users.owner_only")
		_, otherOwner := w.newAccount(t, "globex")
		err = w.wf.SetSubUserDisabled(ctx, otherOwner, sub.ID, false)
		wantCode(t, err, beian.ENOTFOUND)
		err = w.wf.SetSubUserDisabled(ctx, w.customer, w.customer.ID, true) // the owner is no sub-user
		wantCode(t, err, beian.ENOTFOUND)
		_, err = w.wf.CreateSubUser(ctx, w.reviewer, workflow.SubUserInput{Login: "x-ops", Password: "long-enough-pw"})
		wantCode(t, err, beian.EFORBIDDEN)
	})
}
