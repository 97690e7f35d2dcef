package workflow

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/openbeian/beian"
)

// Action is something 我的备案 offers on a filed subject or service: the
// filing type it starts, whether it is available now and, when not, why
// and what to do (Reason). ViaVerify actions go through the filing-type
// check first, because they need product verification.
type Action struct {
	Type      beian.OrderType
	Available bool
	Reason    *beian.Error
	ViaVerify bool
}

// ServiceView is a filed service in 我的备案 with its actions.
type ServiceView struct {
	Service *beian.RecordService
	// AccessHere is true when the service has a live access record at this
	// provider.
	AccessHere bool
	// Associated is false for a sub-user's services it neither created nor
	// was granted (spec §2).
	Associated bool
	Actions    []Action
}

// Action returns the service's action of type t.
func (s *ServiceView) Action(t beian.OrderType) Action { return findAction(s.Actions, t) }

// RecordView is one filed subject in 我的备案: its services, the orders in
// progress on it, and every action with its preconditions.
type RecordView struct {
	Record   *beian.Record
	Services []ServiceView
	Actions  []Action
	// InProgress are the orders in progress on the subject; while there is
	// one, nothing else can start (spec §3).
	InProgress []OrderRef
	// CanOperate is true when the viewer may start orders at all;
	// ReadOnly when it may only look (BeianReadOnly, or staff without
	// the right role).
	CanOperate bool
	ReadOnly   bool
	// MigrationSupported says whether the province's bureau supports
	// migrating a service to another subject (rule pack migration.supported).
	MigrationSupported bool
	// Staff is true when provider staff look at a customer's record.
	Staff bool
}

// OrderRef is an order in progress as 我的备案 shows it; Visible says
// whether the viewer may open it (sub-users see only their own orders).
type OrderRef struct {
	ID      string
	Type    beian.OrderType
	State   beian.OrderState
	Visible bool
}

// Action returns the subject's action of type t.
func (v *RecordView) Action(t beian.OrderType) Action { return findAction(v.Actions, t) }

func findAction(as []Action, t beian.OrderType) Action {
	for _, a := range as {
		if a.Type == t {
			return a
		}
	}
	return Action{Type: t, Reason: beian.Errorf(beian.EINVALID, "records.not_offered")}
}

// TransferRequest is a pending transfer (转移备案) as either side sees it.
type TransferRequest struct {
	Order       *beian.Order
	FromAccount string
	ToAccount   string
	SubjectName string
	Number      string
}

// RecordsPage is 我的备案: the account's filed subject (an account files
// one), and the transfers waiting for it or for the other side.
type RecordsPage struct {
	Records  []*beian.Record
	Incoming []TransferRequest
	Outgoing []TransferRequest
	// CanOperate is false for read-only sub-users.
	CanOperate bool
}

// recordReader checks that u may look at the account's records:
// customers and sub-users with a policy; staff read any. A sub-user
// without a policy gets ENOTFOUND, like for an order it may not open.
func recordReader(u *beian.User, accountID string) error {
	switch {
	case u == nil || u.Disabled:
		return errNotFound()
	case u.Role.IsStaff():
		return nil
	case u.AccountID == "" || u.AccountID != accountID:
		return errNotFound()
	case u.Role == beian.RoleCustomer:
		return nil
	case u.Role == beian.RoleSubUser && (u.Has(beian.PolicyBeianAdministrator) || u.Has(beian.PolicyBeianReadOnly)):
		return nil
	}
	return errNotFound()
}

// MyRecords returns 我的备案 for u's account. Errors: ENOTFOUND for users
// without access to the account's filings.
func (w *Workflow) MyRecords(ctx context.Context, u *beian.User) (*RecordsPage, error) {
	if u == nil || u.Role.IsStaff() {
		return nil, errNotFound()
	}
	if err := recordReader(u, u.AccountID); err != nil {
		return nil, err
	}
	page := &RecordsPage{CanOperate: canCreateFor(u, u.AccountID)}
	err := w.store.View(ctx, func(tx beian.Tx) error {
		rec, err := notFoundIsNil(tx.FindRecordByAccount(ctx, u.AccountID))
		if err != nil {
			return err
		}
		if rec != nil {
			page.Records = append(page.Records, rec)
		}
		if page.Incoming, err = incomingTransfers(ctx, tx, u.AccountID); err != nil {
			return err
		}
		page.Outgoing, err = outgoingTransfers(ctx, tx, u.AccountID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// incomingTransfers lists the transfers waiting for accountID's approval.
func incomingTransfers(ctx context.Context, tx beian.Tx, accountID string) ([]TransferRequest, error) {
	bases, err := tx.FindOrderBasesByTarget(ctx, accountID)
	if err != nil {
		return nil, err
	}
	var out []TransferRequest
	for _, b := range bases {
		o, err := tx.FindOrder(ctx, b.OrderID)
		if err != nil {
			return nil, err
		}
		if o.Type != beian.Transfer || o.State != beian.AwaitingPrelim {
			continue
		}
		t, err := transferRequest(ctx, tx, o, b)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// outgoingTransfers lists accountID's transfers waiting for the target.
func outgoingTransfers(ctx context.Context, tx beian.Tx, accountID string) ([]TransferRequest, error) {
	orders, _, err := tx.FindOrders(ctx, beian.OrderFilter{AccountID: accountID, Types: []beian.OrderType{beian.Transfer},
		States: []beian.OrderState{beian.AwaitingPrelim}, Limit: 10})
	if err != nil {
		return nil, err
	}
	var out []TransferRequest
	for _, o := range orders {
		b, err := notFoundIsNil(tx.FindOrderBasis(ctx, o.ID))
		if err != nil {
			return nil, err
		}
		if b == nil {
			continue
		}
		t, err := transferRequest(ctx, tx, o, b)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func transferRequest(ctx context.Context, tx beian.Tx, o *beian.Order, b *beian.OrderBasis) (TransferRequest, error) {
	t := TransferRequest{Order: o, SubjectName: o.Snapshot.Subject.Name}
	for _, p := range []struct {
		id  string
		dst *string
	}{{o.AccountID, &t.FromAccount}, {b.TargetAccountID, &t.ToAccount}} {
		a, err := notFoundIsNil(tx.FindAccount(ctx, p.id))
		if err != nil {
			return t, err
		}
		if a != nil {
			*p.dst = a.Name
		}
	}
	if rec, err := notFoundIsNil(tx.FindRecord(ctx, o.RecordSubjectID)); err != nil {
		return t, err
	} else if rec != nil {
		t.Number = rec.Subject.Number.String()
	}
	return t, nil
}

// RecordView returns one filed subject with its actions. Customers and
// their sub-users see their own account's subjects; staff see any.
// Errors: ENOTFOUND.
func (w *Workflow) RecordView(ctx context.Context, u *beian.User, subjectID string) (*RecordView, error) {
	var v *RecordView
	err := w.store.View(ctx, func(tx beian.Tx) error {
		rec, err := notFoundIsNil(tx.FindRecord(ctx, subjectID))
		if err != nil {
			return err
		}
		if rec == nil {
			return errNotFound()
		}
		if err := recordReader(u, rec.Subject.AccountID); err != nil {
			return err
		}
		v, err = w.recordView(ctx, tx, u, rec)
		return err
	})
	return v, err
}

// recordView computes the actions of rec for u.
func (w *Workflow) recordView(ctx context.Context, tx beian.Tx, u *beian.User, rec *beian.Record) (*RecordView, error) {
	v := &RecordView{Record: rec, Staff: u.Role.IsStaff()}
	subj := &rec.Subject
	if pack, ok := w.over.Pack(subj.Subject.Province); ok {
		v.MigrationSupported = pack.Migration == "yes"
	}
	busy, err := recordOrdersInProgress(ctx, tx, rec)
	if err != nil {
		return nil, err
	}
	for _, o := range busy {
		v.InProgress = append(v.InProgress, OrderRef{ID: o.ID, Type: o.Type, State: o.State, Visible: canSeeOrder(u, o, accessRead)})
	}
	v.CanOperate = subj.AccountID != "" && canCreateFor(u, subj.AccountID)
	v.ReadOnly = !v.CanOperate
	var associated []string
	if u.Role == beian.RoleSubUser {
		if associated, err = tx.AssociatedServices(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	isAssociated := func(id string) bool { return u.Role != beian.RoleSubUser || slices.Contains(associated, id) }

	// common is the first reason that stops every action: permission,
	// a cancelled subject, an order in progress.
	common := func(staffOK bool) *beian.Error {
		switch {
		case v.Staff && !staffOK:
			return beian.Errorf(beian.EFORBIDDEN, "records.staff_only_cancel_access")
		case !v.CanOperate:
			return beian.Errorf(beian.EFORBIDDEN, "records.read_only")
		case subj.Status == beian.RecordCancelled:
			return beian.Errorf(beian.ECONFLICT, "records.subject_cancelled")
		case len(busy) > 0:
			t, st := busy[0].Type.Text(), busy[0].State.Text()
			return beian.Errorf(beian.ECONFLICT, "records.busy", "type", t.ZH, "type_en", t.EN, "state", st.ZH, "state_en", st.EN)
		}
		return nil
	}
	act := func(t beian.OrderType, reason *beian.Error, viaVerify bool) Action {
		return Action{Type: t, Available: reason == nil, Reason: reason, ViaVerify: viaVerify}
	}
	firstOf := func(rs ...*beian.Error) *beian.Error {
		for _, r := range rs {
			if r != nil {
				return r
			}
		}
		return nil
	}

	var live []beian.RecordService
	allAssociated := true
	for _, s := range rec.Services {
		if s.Status != beian.RecordCancelled {
			live = append(live, s)
			allAssociated = allAssociated && isAssociated(s.ID)
		}
	}
	var emptyShell *beian.Error
	if subj.Status == beian.RecordEmptyShell {
		if pack, ok := w.over.Pack(subj.Subject.Province); !ok || !pack.EmptyShellMayAddServices {
			emptyShell = beian.Errorf(beian.ECONFLICT, "records.empty_shell")
		}
	}
	var noServices *beian.Error
	if !slices.ContainsFunc(live, func(s beian.RecordService) bool { return isAssociated(s.ID) }) {
		noServices = beian.Errorf(beian.ECONFLICT, "records.no_services")
	}
	var neverFiled *beian.Error
	if subj.Number.IsZero() {
		neverFiled = beian.Errorf(beian.ECONFLICT, "records.never_filed")
	}
	var notAllAssociated *beian.Error
	if !allAssociated {
		notAllAssociated = beian.Errorf(beian.EFORBIDDEN, "records.not_associated_all")
	}
	var ownerOnly *beian.Error
	if u.Role != beian.RoleCustomer {
		ownerOnly = beian.Errorf(beian.EFORBIDDEN, "records.owner_only")
	}
	v.Actions = []Action{
		act(beian.NewWebsite, firstOf(common(false), emptyShell), true),
		act(beian.NewApp, firstOf(common(false), emptyShell), true),
		act(beian.ChangeSubject, firstOf(common(false), neverFiled), false),
		act(beian.ChangeBoth, firstOf(common(false), neverFiled, noServices), false),
		act(beian.CancelSubject, firstOf(common(false), neverFiled, notAllAssociated), false),
		act(beian.Transfer, firstOf(common(false), ownerOnly, neverFiled), false),
	}

	for i := range rec.Services {
		s := &rec.Services[i]
		sv := ServiceView{Service: s, AccessHere: activeAccessHere(s), Associated: isAssociated(s.ID)}
		var own *beian.Error
		switch {
		case s.Status == beian.RecordCancelled:
			own = beian.Errorf(beian.ECONFLICT, "records.service_cancelled")
		case !sv.Associated:
			own = beian.Errorf(beian.EFORBIDDEN, "records.not_associated")
		}
		var accessHere, noAccessHere, notWebsite, noMigration *beian.Error
		if sv.AccessHere {
			accessHere = beian.Errorf(beian.ECONFLICT, "records.access_here")
		} else {
			noAccessHere = beian.Errorf(beian.ECONFLICT, "records.no_access_here")
		}
		if s.Kind != beian.KindWebsite {
			notWebsite = beian.Errorf(beian.ECONFLICT, "records.migrate_app")
		}
		if !v.MigrationSupported {
			p, _ := beian.ProvinceByCode(subj.Subject.Province)
			noMigration = beian.Errorf(beian.ECONFLICT, "records.migrate_province", "province", p.Name, "province_en", p.NameEN)
		}
		sv.Actions = []Action{
			act(beian.ChangeService, firstOf(common(false), own), false),
			act(beian.CancelService, firstOf(common(false), own), false),
			act(beian.NewAccess, firstOf(common(false), own, accessHere), true),
			act(beian.CancelAccess, firstOf(common(true), own, noAccessHere), false),
			act(beian.Migrate, firstOf(common(false), own, notWebsite, noMigration), false),
		}
		v.Services = append(v.Services, sv)
	}
	return v, nil
}

// recordOrdersInProgress returns the orders in progress on a filed
// subject: by its certificate and, since a migration's snapshot names the
// target subject, by its record ID.
func recordOrdersInProgress(ctx context.Context, tx beian.Tx, rec *beian.Record) ([]*beian.Order, error) {
	out, _, err := tx.FindOrders(ctx, beian.OrderFilter{SubjectCertificate: rec.Subject.Subject.CertificateNumber, States: inProgressStates(), Limit: 20})
	if err != nil {
		return nil, err
	}
	more, err := subjectOrdersInProgress(ctx, tx, rec)
	if err != nil {
		return nil, err
	}
	for _, o := range more {
		if !slices.ContainsFunc(out, func(x *beian.Order) bool { return x.ID == o.ID }) {
			out = append(out, o)
		}
	}
	return out, nil
}

// RecordActionInput starts an order from 我的备案.
type RecordActionInput struct {
	SubjectID string
	Type      beian.OrderType
	// ServiceIDs are the services acted on: one for a service
	// cancellation, access cancellation or migration; one or more for a
	// service change or a change of both.
	ServiceIDs []string
	// TargetAccount names the account holding the subject a migration
	// moves the website to.
	TargetAccount string
	// CancelReason is the customer's reason for a cancellation (注销原因).
	CancelReason string
}

// StartFromRecord starts a change, cancellation, access cancellation or
// migration of a filed subject as a draft prefilled from the record — the
// subject and the chosen services as filed, so that only what the customer
// edits changes — after checking the action's preconditions in the same
// transaction. Compliance officers and admins may start an access
// cancellation on a customer's behalf. New websites, APPs and access go
// through the filing-type check (StartVerified); transfers through
// RequestTransfer. Errors: ENOTFOUND, EFORBIDDEN, ECONFLICT and EINVALID
// with the action's reason.
func (w *Workflow) StartFromRecord(ctx context.Context, u *beian.User, in RecordActionInput) (*beian.Order, error) {
	switch in.Type {
	case beian.ChangeSubject, beian.ChangeService, beian.ChangeBoth, beian.CancelSubject, beian.CancelService, beian.CancelAccess, beian.Migrate:
	case beian.NewWebsite, beian.NewApp, beian.NewAccess, beian.FirstFiling, beian.Claim:
		return nil, beian.Invalid("type", "records.use_verify")
	case beian.Transfer:
		return nil, beian.Invalid("type", "records.use_transfer")
	default:
		return nil, beian.Invalid("type", "order.type.unknown", "type", string(in.Type))
	}
	if utf8.RuneCountInString(in.CancelReason) > 200 {
		return nil, beian.Invalid("cancel_reason", "records.cancel_reason")
	}
	var o *beian.Order
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		rec, err := notFoundIsNil(tx.FindRecord(ctx, in.SubjectID))
		if err != nil {
			return err
		}
		if rec == nil {
			return errNotFound()
		}
		if err := recordReader(u, rec.Subject.AccountID); err != nil {
			return err
		}
		v, err := w.recordView(ctx, tx, u, rec)
		if err != nil {
			return err
		}
		services, err := pickServices(v, in)
		if err != nil {
			return err
		}
		if len(services) == 0 {
			if a := v.Action(in.Type); !a.Available {
				return a.Reason
			}
		}
		snap := beian.Snapshot{Version: beian.SnapshotVersion, Subject: rec.Subject.Subject, CancelReason: strings.TrimSpace(in.CancelReason)}
		var ids []string
		for _, s := range services {
			ids = append(ids, s.ID)
			addRecordService(&snap, s)
		}
		basis := &beian.OrderBasis{AccountID: rec.Subject.AccountID, Province: rec.Subject.Subject.Province, Nature: rec.Subject.Subject.Nature,
			SubjectName: rec.Subject.Subject.Name, CertificateType: rec.Subject.Subject.CertificateType,
			CertificateNumber: rec.Subject.Subject.CertificateNumber}
		if in.Type == beian.Migrate {
			target, err := w.migrationTarget(ctx, tx, rec, in.TargetAccount)
			if err != nil {
				return err
			}
			// The snapshot proposes the target subject as filed; the
			// website keeps its data (spec §3 row 10).
			snap.Subject = target.Subject.Subject
			basis.TargetAccountID, basis.TargetSubjectID = target.Subject.AccountID, target.Subject.ID
		}
		o, err = w.createOrderTx(ctx, tx, u, CreateOrderInput{AccountID: rec.Subject.AccountID, Type: in.Type,
			Province: rec.Subject.Subject.Province, Snapshot: snap, RecordSubjectID: rec.Subject.ID, ServiceIDs: ids})
		if err != nil {
			return err
		}
		basis.OrderID = o.ID
		if err := tx.CreateOrderBasis(ctx, basis); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "order.from_record", "order", o.ID, map[string]any{"type": o.Type, "subject": rec.Subject.ID, "services": ids})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// pickServices returns the record's services the input names, after
// checking each against the action (one service where the type takes one).
func pickServices(v *RecordView, in RecordActionInput) ([]*beian.RecordService, error) {
	switch in.Type {
	case beian.ChangeSubject, beian.CancelSubject:
		return nil, nil
	case beian.CancelService, beian.CancelAccess, beian.Migrate:
		if len(in.ServiceIDs) != 1 {
			return nil, beian.Invalid("service_ids", "records.one_service")
		}
	case beian.ChangeService, beian.ChangeBoth:
		if len(in.ServiceIDs) == 0 {
			return nil, beian.Invalid("service_ids", "records.pick_services")
		}
	}
	if in.Type == beian.ChangeBoth {
		if a := v.Action(beian.ChangeBoth); !a.Available {
			return nil, a.Reason
		}
	}
	var out []*beian.RecordService
	for _, id := range in.ServiceIDs {
		i := slices.IndexFunc(v.Services, func(s ServiceView) bool { return s.Service.ID == id })
		if i < 0 {
			return nil, errNotFound()
		}
		sv := &v.Services[i]
		t := in.Type
		if t == beian.ChangeBoth {
			t = beian.ChangeService // each service must be changeable
		}
		if a := sv.Action(t); !a.Available {
			return nil, a.Reason
		}
		if !slices.Contains(out, sv.Service) {
			out = append(out, sv.Service)
		}
	}
	return out, nil
}

// migrationTarget finds and checks the subject a website migrates to: it
// is filed here under its own account, in the same province, not an
// individual, with no order in progress (spec §3 row 10).
func (w *Workflow) migrationTarget(ctx context.Context, tx beian.Tx, rec *beian.Record, accountName string) (*beian.Record, error) {
	if strings.TrimSpace(accountName) == "" {
		return nil, beian.Invalid("target_account", "records.target_required")
	}
	acct, _, err := findAccountByName(ctx, tx, accountName, "target_account")
	if err != nil {
		return nil, err
	}
	if acct.ID == rec.Subject.AccountID {
		return nil, beian.Invalid("target_account", "records.target_self")
	}
	target, err := notFoundIsNil(tx.FindRecordByAccount(ctx, acct.ID))
	if err != nil {
		return nil, err
	}
	if target == nil || target.Subject.Status == beian.RecordCancelled {
		return nil, beian.Invalid("target_account", "records.migrate_target_unfiled", "name", acct.Name)
	}
	if target.Subject.Subject.Nature.IsIndividual() {
		return nil, beian.Invalid("target_account", "records.migrate_target_individual")
	}
	if target.Subject.Subject.Province != rec.Subject.Subject.Province {
		return nil, beian.Invalid("target_account", "records.migrate_other_province")
	}
	busy, err := recordOrdersInProgress(ctx, tx, target)
	if err != nil {
		return nil, err
	}
	if len(busy) > 0 {
		return nil, beian.Errorf(beian.ECONFLICT, "records.target_busy", "name", acct.Name)
	}
	return target, nil
}

// createOrderTx is CreateOrder inside the caller's transaction, so that an
// order and its basis, code reservation and audit commit together.
func (w *Workflow) createOrderTx(ctx context.Context, tx beian.Tx, u *beian.User, in CreateOrderInput) (*beian.Order, error) {
	if !canCreateFor(u, in.AccountID) {
		return nil, errForbidden()
	}
	if !in.Type.Valid() {
		return nil, beian.Invalid("type", "order.type.unknown", "type", string(in.Type))
	}
	if _, ok := beian.ProvinceByCode(in.Province); !ok || len(in.Province) != 2 {
		return nil, beian.Invalid("province", "order.province")
	}
	now := tx.Now()
	o := &beian.Order{
		AccountID: in.AccountID, CreatedBy: u.ID, Type: in.Type, State: beian.Draft, Province: in.Province,
		Snapshot: in.Snapshot, RecordSubjectID: in.RecordSubjectID, ServiceIDs: in.ServiceIDs,
		CreatedAt: now, UpdatedAt: now, StateChangedAt: now,
	}
	o.Snapshot.Version = beian.SnapshotVersion
	o.Snapshot.Subject.Province = in.Province
	if err := tx.CreateOrder(ctx, o); err != nil {
		return nil, err
	}
	if err := audit(ctx, tx, u.ID, "order.create", "order", o.ID, map[string]any{"type": o.Type, "province": o.Province}); err != nil {
		return nil, err
	}
	return o, nil
}

// RequestTransfer asks to move the account's filed subject, with its
// services, to another account (转移备案, spec §3 row 9), confirmed with the
// owner's password: the request waits for the target account's approval
// (AcceptTransfer); no review or bureau is involved. Both accounts must
// have no order in progress, and the target no subject. Main accounts
// only. Errors: ENOTFOUND, EFORBIDDEN (records.owner_only), EINVALID
// (confirm.password, account.unknown, records.target_*), ECONFLICT.
func (w *Workflow) RequestTransfer(ctx context.Context, u *beian.User, subjectID, targetAccount, pw string) (*beian.Order, error) {
	if u == nil || u.Role != beian.RoleCustomer {
		return nil, beian.Errorf(beian.EFORBIDDEN, "records.owner_only")
	}
	if strings.TrimSpace(targetAccount) == "" {
		return nil, beian.Invalid("target_account", "records.target_required")
	}
	if err := confirmPassword(u, pw); err != nil {
		return nil, err
	}
	var o *beian.Order
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		rec, err := notFoundIsNil(tx.FindRecord(ctx, subjectID))
		if err != nil {
			return err
		}
		if rec == nil || rec.Subject.AccountID != u.AccountID {
			return errNotFound()
		}
		v, err := w.recordView(ctx, tx, u, rec)
		if err != nil {
			return err
		}
		if a := v.Action(beian.Transfer); !a.Available {
			return a.Reason
		}
		target, err := w.transferTarget(ctx, tx, u.AccountID, targetAccount)
		if err != nil {
			return err
		}
		snap := beian.Snapshot{Version: beian.SnapshotVersion, Subject: rec.Subject.Subject}
		if o, err = w.createOrderTx(ctx, tx, u, CreateOrderInput{AccountID: u.AccountID, Type: beian.Transfer,
			Province: rec.Subject.Subject.Province, Snapshot: snap, RecordSubjectID: rec.Subject.ID}); err != nil {
			return err
		}
		// Confirming the request is its submission: it now waits for the
		// target, who approves it in place of a reviewer.
		if err := o.Apply(beian.EventSubmit, tx.Now()); err != nil {
			return err
		}
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		s := &rec.Subject.Subject
		if err := tx.CreateOrderBasis(ctx, &beian.OrderBasis{OrderID: o.ID, AccountID: u.AccountID, Province: s.Province, Nature: s.Nature,
			SubjectName: s.Name, CertificateType: s.CertificateType, CertificateNumber: s.CertificateNumber,
			TargetAccountID: target.ID}); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "order.transfer_request", "order", o.ID, map[string]any{"subject": rec.Subject.ID, "target": target.ID})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// PreviewTransfer checks a transfer before its confirmation — the
// subject may be transferred by u, the target exists and can receive it —
// and returns the target as the confirmation step shows it (its name and
// its owner's masked contact). It changes nothing. Errors as
// RequestTransfer's, without the password's.
func (w *Workflow) PreviewTransfer(ctx context.Context, u *beian.User, subjectID, targetAccount string) (*GrantTargetView, error) {
	if u == nil || u.Role != beian.RoleCustomer {
		return nil, beian.Errorf(beian.EFORBIDDEN, "records.owner_only")
	}
	if strings.TrimSpace(targetAccount) == "" {
		return nil, beian.Invalid("target_account", "records.target_required")
	}
	var v *GrantTargetView
	err := w.store.View(ctx, func(tx beian.Tx) error {
		rec, err := notFoundIsNil(tx.FindRecord(ctx, subjectID))
		if err != nil {
			return err
		}
		if rec == nil || rec.Subject.AccountID != u.AccountID {
			return errNotFound()
		}
		rv, err := w.recordView(ctx, tx, u, rec)
		if err != nil {
			return err
		}
		if a := rv.Action(beian.Transfer); !a.Available {
			return a.Reason
		}
		target, err := w.transferTarget(ctx, tx, u.AccountID, targetAccount)
		if err != nil {
			return err
		}
		_, owner, err := findAccountByName(ctx, tx, target.Name, "target_account")
		if err != nil {
			return err
		}
		v = &GrantTargetView{AccountID: target.ID, AccountName: target.Name, MaskedContact: maskContact(owner.Email)}
		return nil
	})
	return v, err
}

// FindRecordByCertificate returns the ID of the filed subject with the
// certificate number, for staff looking a customer up in the console.
// Errors: EFORBIDDEN (not staff), ENOTFOUND.
func (w *Workflow) FindRecordByCertificate(ctx context.Context, u *beian.User, certificate string) (string, error) {
	if u == nil || u.Disabled || !u.Role.IsStaff() {
		return "", errForbidden()
	}
	var id string
	err := w.store.View(ctx, func(tx beian.Tx) error {
		rec, err := tx.FindRecordBySubjectCertificate(ctx, certificate)
		if err != nil {
			return err
		}
		id = rec.Subject.ID
		return nil
	})
	return id, err
}

// transferTarget checks the account a subject transfers to: another,
// enabled account without a subject and without orders in progress.
func (w *Workflow) transferTarget(ctx context.Context, tx beian.Tx, fromAccount, name string) (*beian.Account, error) {
	target, _, err := findAccountByName(ctx, tx, name, "target_account")
	if err != nil {
		return nil, err
	}
	if target.ID == fromAccount {
		return nil, beian.Invalid("target_account", "records.target_self")
	}
	if err := w.checkTransferTarget(ctx, tx, target); err != nil {
		return nil, err
	}
	return target, nil
}

func (w *Workflow) checkTransferTarget(ctx context.Context, tx beian.Tx, target *beian.Account) error {
	rec, err := notFoundIsNil(tx.FindRecordByAccount(ctx, target.ID))
	if err != nil {
		return err
	}
	if target.SubjectCertificate != "" || rec != nil && rec.Subject.Status != beian.RecordCancelled {
		return beian.Invalid("target_account", "records.target_has_subject", "name", target.Name)
	}
	busy, _, err := tx.FindOrders(ctx, beian.OrderFilter{AccountID: target.ID, States: inProgressStates(), Limit: 1})
	if err != nil {
		return err
	}
	if len(busy) > 0 {
		return beian.Errorf(beian.ECONFLICT, "records.target_busy", "name", target.Name)
	}
	return nil
}

// AcceptTransfer is the target account's approval of a transfer, confirmed
// with its owner's password: the subject and its services move to the
// target account in one transaction, the source account loses them and
// its sub-users' associations, and the order is filed. Errors: ENOTFOUND
// (not a transfer to u's account), EFORBIDDEN (records.owner_only),
// EINVALID (confirm.password), ECONFLICT (records.target_*, state).
func (w *Workflow) AcceptTransfer(ctx context.Context, u *beian.User, orderID, pw string) (*beian.Order, error) {
	if u == nil || u.Role != beian.RoleCustomer {
		return nil, beian.Errorf(beian.EFORBIDDEN, "records.owner_only")
	}
	if err := confirmPassword(u, pw); err != nil {
		return nil, err
	}
	var o *beian.Order
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		var b *beian.OrderBasis
		var err error
		if o, b, err = pendingTransfer(ctx, tx, u, orderID); err != nil {
			return err
		}
		target, err := tx.FindAccount(ctx, u.AccountID)
		if err != nil {
			return err
		}
		if err := w.checkTransferTarget(ctx, tx, target); err != nil {
			return err
		}
		rec, err := tx.FindRecord(ctx, o.RecordSubjectID)
		if err != nil {
			return err
		}
		if rec.Subject.AccountID != o.AccountID {
			return beian.Errorf(beian.ECONFLICT, "records.transfer_moved")
		}
		now := tx.Now()
		if err := o.Apply(beian.EventReviewPass, now); err != nil {
			return err
		}
		o.Review = &beian.Review{Event: beian.EventReviewPass, By: u.ID, At: now, Opinion: beian.Message(beian.LangZH, "records.transfer_accepted", nil)}
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		// Unbind the source first: a certificate is bound to one account.
		source, err := tx.FindAccount(ctx, o.AccountID)
		if err != nil {
			return err
		}
		cert := rec.Subject.Subject.CertificateNumber
		if source.SubjectCertificate != "" {
			source.SubjectCertificate = ""
			if err := tx.UpdateAccount(ctx, source); err != nil {
				return err
			}
		}
		target.SubjectCertificate = cert
		if err := tx.UpdateAccount(ctx, target); err != nil {
			return err
		}
		rec.Subject.AccountID = target.ID
		if err := tx.UpdateRecordSubject(ctx, &rec.Subject); err != nil {
			return err
		}
		for _, s := range rec.Services {
			if err := tx.DissociateService(ctx, "", s.ID); err != nil {
				return err
			}
		}
		if err := audit(ctx, tx, u.ID, "order.transfer_accept", "order", o.ID, map[string]any{"from": b.AccountID, "to": target.ID}); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "record_subject.transfer", "record_subject", rec.Subject.ID, map[string]any{"from": source.ID, "to": target.ID, "order": o.ID})
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// DeclineTransfer is the target account's refusal: the request is closed
// (abandoned) and nothing moves. Errors: ENOTFOUND, EFORBIDDEN.
func (w *Workflow) DeclineTransfer(ctx context.Context, u *beian.User, orderID string) (*beian.Order, error) {
	if u == nil || u.Role != beian.RoleCustomer {
		return nil, beian.Errorf(beian.EFORBIDDEN, "records.owner_only")
	}
	var o *beian.Order
	err := w.store.Update(ctx, func(tx beian.Tx) error {
		var err error
		if o, _, err = pendingTransfer(ctx, tx, u, orderID); err != nil {
			return err
		}
		if err := o.Apply(beian.EventAbandon, tx.Now()); err != nil {
			return err
		}
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
		return audit(ctx, tx, u.ID, "order.transfer_decline", "order", o.ID, nil)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// pendingTransfer loads a transfer waiting for u's account.
func pendingTransfer(ctx context.Context, tx beian.Tx, u *beian.User, orderID string) (*beian.Order, *beian.OrderBasis, error) {
	o, err := notFoundIsNil(tx.FindOrder(ctx, orderID))
	if err != nil {
		return nil, nil, err
	}
	if o == nil || o.Type != beian.Transfer {
		return nil, nil, errNotFound()
	}
	b, err := notFoundIsNil(tx.FindOrderBasis(ctx, orderID))
	if err != nil {
		return nil, nil, err
	}
	if b == nil || b.TargetAccountID != u.AccountID {
		return nil, nil, errNotFound()
	}
	if o.State != beian.AwaitingPrelim {
		st := o.State.Text()
		return nil, nil, beian.Errorf(beian.ECONFLICT, "records.transfer_closed", "state", st.ZH, "state_en", st.EN)
	}
	return o, b, nil
}

// CompleteClaim applies a claim (认领备案) that staff review has just
// passed, in the caller's transaction: the record, filed in the old system
// and bound to no account, becomes the claiming account's, and the account
// is bound to the subject. The console's review calls it when it passes a
// claim order (Transition files claims directly). It is idempotent.
// Errors: ECONFLICT (records.claim_taken) when another account holds the
// record or the certificate.
func CompleteClaim(ctx context.Context, tx beian.Tx, o *beian.Order) error {
	if o.Type != beian.Claim || o.RecordSubjectID == "" {
		return nil
	}
	rec, err := tx.FindRecord(ctx, o.RecordSubjectID)
	if err != nil {
		return err
	}
	switch rec.Subject.AccountID {
	case o.AccountID:
		return nil
	case "":
	default:
		return beian.Errorf(beian.ECONFLICT, "records.claim_taken")
	}
	acct, err := tx.FindAccount(ctx, o.AccountID)
	if err != nil {
		return err
	}
	if acct.SubjectCertificate == "" {
		acct.SubjectCertificate = rec.Subject.Subject.CertificateNumber
		if err := tx.UpdateAccount(ctx, acct); err != nil {
			if beian.ErrorCode(err) == beian.ECONFLICT {
				return beian.Errorf(beian.ECONFLICT, "records.claim_taken").WithCause(err)
			}
			return err
		}
	}
	rec.Subject.AccountID = o.AccountID
	if err := tx.UpdateRecordSubject(ctx, &rec.Subject); err != nil {
		return err
	}
	var ids []string
	for _, s := range rec.Services {
		ids = append(ids, s.ID)
	}
	if err := SettleAssociations(ctx, tx, o, ids); err != nil {
		return err
	}
	return audit(ctx, tx, ActorSystem, "record_subject.claim", "record_subject", rec.Subject.ID, map[string]any{"account": o.AccountID, "order": o.ID})
}

// SettleAssociations keeps sub-users' service associations (spec §2) in
// step with a filed order, in the caller's transaction: the services an
// order created by a sub-user filed (newServiceIDs) become associated with
// it; a cancellation, access cancellation or migration removes every
// user's association with the services it acted on (all the subject's,
// for a subject cancellation). The MIIT exchange calls it when it applies
// an approval, with the IDs of the services it created or matched.
func SettleAssociations(ctx context.Context, tx beian.Tx, o *beian.Order, newServiceIDs []string) error {
	switch o.Type {
	case beian.CancelService, beian.CancelAccess, beian.Migrate:
		for _, id := range o.ServiceIDs {
			if err := tx.DissociateService(ctx, "", id); err != nil {
				return err
			}
		}
		return nil
	case beian.CancelSubject:
		rec, err := notFoundIsNil(tx.FindRecord(ctx, o.RecordSubjectID))
		if err != nil || rec == nil {
			return err
		}
		for _, s := range rec.Services {
			if err := tx.DissociateService(ctx, "", s.ID); err != nil {
				return err
			}
		}
		return nil
	}
	if len(newServiceIDs) == 0 || o.CreatedBy == "" {
		return nil
	}
	creator, err := notFoundIsNil(tx.FindUser(ctx, o.CreatedBy))
	if err != nil || creator == nil || creator.Role != beian.RoleSubUser {
		return err
	}
	for _, id := range newServiceIDs {
		if err := tx.AssociateService(ctx, creator.ID, id); err != nil {
			return err
		}
	}
	return nil
}

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"records.not_offered":               {ZH: "此处不提供该操作。", EN: "This action is not offered here."},
		"records.read_only":                 {ZH: "您只有查看权限，不能发起订单。请联系主账号为您所在的用户组授予 BeianAdministrator 策略。", EN: "You may only view; you cannot start orders. Ask the main account to give your group the BeianAdministrator policy."},
		"records.staff_only_cancel_access":  {ZH: "服务商人员只能代客户发起取消接入；其他操作须由客户本人办理。", EN: "Provider staff may start only an access cancellation for a customer; everything else is the customer's own."},
		"records.subject_cancelled":         {ZH: "该主体已注销，不能再办理。如需继续提供服务，请重新进行首次备案。", EN: "The subject was cancelled; nothing more can be done with it. To go on, file it anew (first filing)."},
		"records.busy":                      {ZH: "该主体有进行中的订单（{type}，{state}），同一主体同时只能有一个进行中的订单。请等待其完成，或放弃该订单后再办理。", EN: "The subject has an order in progress ({type_en}, {state_en}); a subject has one order in progress at a time. Wait for it, or abandon it first."},
		"records.empty_shell":               {ZH: "该主体为空壳主体（网站/APP均已注销），所在省份不允许在空壳主体下新增。请先注销主体，再重新首次备案。", EN: "The subject is an empty shell (all its services were cancelled), and its province does not allow adding to it. Cancel the subject, then file anew."},
		"records.no_services":               {ZH: "该主体没有您可操作的有效网站或APP。", EN: "The subject has no live website or APP you may act on."},
		"records.never_filed":               {ZH: "该主体在本接入商没有备案成功的记录（尚无备案号），不能办理。", EN: "The subject has no successful filing here yet (no ICP number), so this is not possible."},
		"records.not_associated_all":        {ZH: "注销主体会注销其全部网站/APP，您未关联其中部分服务。请由主账号办理，或请主账号为您授权全部服务。", EN: "Cancelling the subject cancels all its services, and you are not associated with some of them. Let the main account do it, or ask it to grant you all services."},
		"records.owner_only":                {ZH: "转移备案只能由主账号办理（子用户不能转移）。", EN: "Only the main account can transfer a filing (sub-users cannot)."},
		"records.service_cancelled":         {ZH: "该服务已注销。如需恢复，请重新备案（新增网站/新增APP）。", EN: "The service was cancelled. To bring it back, file it again (new website or APP)."},
		"records.not_associated":            {ZH: "您未关联此服务：子用户只能操作自己创建或被授权的服务。请联系主账号在「子用户与用户组」中为您授权。", EN: "You are not associated with this service: sub-users act only on services they created or were granted. Ask the main account to grant it under sub-users and groups."},
		"records.access_here":               {ZH: "该服务已在本接入商接入，无需新增接入。如需修改接入信息，请办理变更互联网信息服务。", EN: "The service already has access here; no new access is needed. To change its access data, change the service."},
		"records.no_access_here":            {ZH: "该服务在本接入商没有有效的接入记录，无需取消接入。", EN: "The service has no live access record here; there is nothing to cancel."},
		"records.migrate_app":               {ZH: "APP不能迁移备案。请先在新主体下新增APP，成功后再注销原主体下的APP。", EN: "Apps cannot be migrated. File the app under the new subject first, then cancel it here."},
		"records.migrate_province":          {ZH: "{province}管局不支持（或尚未确认支持）迁移互联网信息服务。请先在新主体下备案该网站，再注销原主体下的网站。", EN: "The {province_en} bureau does not support (or has not confirmed) migrating a service. File the website under the new subject first, then cancel it here."},
		"records.use_verify":                {ZH: "新增网站、新增APP和新增接入须先验证备案类型并完成产品验证。", EN: "New websites, APPs and access start with the filing-type check and product verification."},
		"records.use_transfer":              {ZH: "转移备案须填写目标账号并确认。", EN: "A transfer needs the target account and a confirmation."},
		"records.cancel_reason":             {ZH: "注销原因不能超过200字。", EN: "The cancellation reason must not exceed 200 characters."},
		"records.one_service":               {ZH: "每个订单只能选择一个服务（注销、取消接入、迁移均逐个办理）。", EN: "Choose exactly one service per order (cancellations, access cancellations and migrations go one by one)."},
		"records.pick_services":             {ZH: "请至少选择一个要变更的网站或APP。", EN: "Choose at least one website or APP to change."},
		"records.target_required":           {ZH: "请填写目标账号名。", EN: "Enter the target account's name."},
		"records.target_self":               {ZH: "目标账号不能是本账号。", EN: "The target account cannot be this account."},
		"records.target_has_subject":        {ZH: "目标账号「{name}」已有备案主体：一个账号只能备案一个主体。请换一个没有备案主体的账号。", EN: "Account {name} already files a subject: an account files one subject. Choose an account without one."},
		"records.target_busy":               {ZH: "目标账号「{name}」有进行中的订单。请等待其完成或放弃后再办理。", EN: "Account {name} has an order in progress. Wait for it or abandon it first."},
		"records.migrate_target_unfiled":    {ZH: "目标账号「{name}」在本接入商没有已备案的主体。迁移前目标主体须已在本接入商备案（可先新增接入或认领）。", EN: "Account {name} has no subject filed here. The target subject must be filed here before a migration (add access or claim it first)."},
		"records.migrate_target_individual": {ZH: "迁移备案的目标主体不能是个人。个人请注销原网站后以个人身份重新备案。", EN: "A service cannot be migrated to an individual. An individual files the site anew after the old one is cancelled."},
		"records.migrate_other_province":    {ZH: "目标主体与本主体不在同一省份，不能迁移。请在目标主体所在省份新增网站后注销本网站。", EN: "The target subject is in another province; it cannot be migrated. Add the website under the target subject in its province, then cancel it here."},
		"records.transfer_moved":            {ZH: "该主体已不在原账号下，转移申请失效。", EN: "The subject is no longer under the requesting account; the request lapsed."},
		"records.transfer_closed":           {ZH: "该转移申请已处理（{state}）。", EN: "This transfer request is closed ({state_en})."},
		"records.transfer_accepted":         {ZH: "目标账号已确认接收转移。", EN: "The target account accepted the transfer."},
		"records.claim_taken":               {ZH: "该备案已被其他账号认领，或本账号已备案其他主体。", EN: "Another account has claimed this filing, or this account files another subject."},
	})
}

// addRecordService puts a filed service into an order's snapshot, linked to
// its record (and taking the record's ID when it has none of its own).
func addRecordService(snap *beian.Snapshot, s *beian.RecordService) {
	if s.Website != nil {
		site := *s.Website
		site.RecordID = s.ID
		if site.ID == "" {
			site.ID = s.ID
		}
		snap.Websites = append(snap.Websites, site)
	}
	if s.App != nil {
		app := *s.App
		app.RecordID = s.ID
		if app.ID == "" {
			app.ID = s.ID
		}
		snap.Apps = append(snap.Apps, app)
	}
}
