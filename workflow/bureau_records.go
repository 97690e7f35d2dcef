package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/miit"
)

// This file keeps our records in step with the bureau: what an approved
// order changes (records created, changed, cancelled), and what record data
// (BASJ, SJTB) and cancellation data (ZXSJ) say (numbers, bureau IDs,
// accesses). Everything here is idempotent: applying the same approval or
// the same record twice changes nothing the second time.

// providerName is how our own access records name the provider.
func providerName(conn *beian.BureauConnection) string {
	if conn.ProviderName != "" {
		return conn.ProviderName
	}
	return fmt.Sprintf("ISP %d", conn.ISPID)
}

// orderObjects returns the objects the order introduced, by kind and ref.
func orderObjects(ctx context.Context, tx beian.Tx, orderID string) (map[string]*beian.BureauObject, error) {
	objs, err := tx.FindBureauObjects(ctx, beian.BureauObjectFilter{OrderID: orderID})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*beian.BureauObject, len(objs))
	for i := range objs {
		out[string(objs[i].Kind)+"|"+objs[i].Ref] = &objs[i]
	}
	return out, nil
}

// orderObject returns the order's object of kind and ref, creating it when
// the mapping did not need one (a new access's subject).
func orderObject(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, orderID string, kind beian.ObjectKind, ref string) (*beian.BureauObject, error) {
	o := &beian.BureauObject{ConnectionID: conn.ID, Kind: kind, OrderID: orderID, Ref: ref}
	return o, tx.PutBureauObject(ctx, o)
}

// applyApproval updates our records for an order the bureau approved.
func (x *Exchange) applyApproval(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, o *beian.Order) error {
	subjectID, err := x.ensureRecords(ctx, tx, conn, o)
	if err != nil {
		return err
	}
	switch o.Type {
	case beian.ChangeSubject, beian.ChangeService, beian.ChangeBoth:
		err = x.applyChange(ctx, tx, conn, o)
	case beian.CancelSubject, beian.CancelService, beian.CancelAccess, beian.Migrate:
		err = x.applyCancel(ctx, tx, o)
	}
	if err != nil {
		return err
	}
	if pw := strings.TrimSpace(o.Snapshot.FilingPassword); pw != "" && subjectID != "" {
		if err := tx.SetFilingPassword(ctx, subjectID, pw); err != nil {
			return err
		}
	}
	return nil
}

// ensureRecords creates the records an approved order adds (the subject of a
// first filing, new websites and apps, our access) unless they exist, and
// returns the ID of the subject the order files for. It is also run when
// record data (BASJ) arrives before the result that approves the order.
func (x *Exchange) ensureRecords(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, o *beian.Order) (string, error) {
	now := tx.Now()
	objs, err := orderObjects(ctx, tx, o.ID)
	if err != nil {
		return "", err
	}
	var subjectID string
	var rec *beian.Record
	switch o.Type {
	case beian.FirstFiling, beian.NewAccess:
		if o.Type == beian.NewAccess && o.RecordSubjectID != "" {
			subjectID = o.RecordSubjectID
			break
		}
		obj := objs[string(beian.ObjectSubject)+"|subject"]
		if obj == nil {
			if obj, err = orderObject(ctx, tx, conn, o.ID, beian.ObjectSubject, "subject"); err != nil {
				return "", err
			}
		}
		if obj.RecordID == "" {
			// A new access to a subject filed elsewhere may find the subject
			// already known (another of its services is here).
			if o.Type == beian.NewAccess {
				if r, err := notFoundIsNil(tx.FindRecordBySubjectCertificate(ctx, o.Snapshot.Subject.CertificateNumber)); err != nil {
					return "", err
				} else if r != nil && r.Subject.Status != beian.RecordCancelled {
					obj.RecordID = r.Subject.ID
				}
			}
			if obj.RecordID == "" {
				rs := &beian.RecordSubject{AccountID: o.AccountID, Subject: o.Snapshot.Subject, Status: beian.RecordFiled, FiledAt: now}
				if err := tx.CreateRecordSubject(ctx, rs); err != nil {
					return "", err
				}
				obj.RecordID = rs.ID
				if err := audit(ctx, tx, ActorBureau, "record.create", "record_subject", rs.ID, map[string]any{"order": o.ID}); err != nil {
					return "", err
				}
			}
			if err := tx.UpdateBureauObject(ctx, obj); err != nil {
				return "", err
			}
			if err := bindAccount(ctx, tx, o.AccountID, o.Snapshot.Subject.CertificateNumber); err != nil {
				return "", err
			}
		}
		subjectID = obj.RecordID
	case beian.NewWebsite, beian.NewApp:
		subjectID = o.RecordSubjectID
	case beian.Migrate:
		r, err := notFoundIsNil(tx.FindRecordBySubjectCertificate(ctx, o.Snapshot.Subject.CertificateNumber))
		if err != nil || r == nil {
			return "", err
		}
		subjectID = r.Subject.ID
	default:
		return o.RecordSubjectID, nil
	}
	if subjectID == "" {
		return "", nil
	}
	if rec, err = tx.FindRecord(ctx, subjectID); err != nil {
		return "", err
	}

	type svcIn struct {
		ref      string
		kind     beian.ServiceKind
		website  *beian.Website
		app      *beian.App
		recordID string
		ips      []beian.IPRange
	}
	var in []svcIn
	for i := range o.Snapshot.Websites {
		w := o.Snapshot.Websites[i]
		in = append(in, svcIn{siteRef(beian.KindWebsite, w.ID, i), beian.KindWebsite, &w, nil, w.RecordID, w.IPs})
	}
	for i := range o.Snapshot.Apps {
		a := o.Snapshot.Apps[i]
		in = append(in, svcIn{siteRef(beian.KindApp, a.ID, i), beian.KindApp, nil, &a, a.RecordID, a.IPs})
	}
	for _, s := range in {
		if o.Type == beian.NewAccess {
			if svc := findService(rec, s.recordID); svc != nil {
				if err := x.addOurAccess(ctx, tx, conn, o, svc, s.ref, s.ips, objs); err != nil {
					return "", err
				}
				continue
			}
		}
		obj := objs[string(beian.ObjectService)+"|"+s.ref]
		if obj == nil {
			if obj, err = orderObject(ctx, tx, conn, o.ID, beian.ObjectService, s.ref); err != nil {
				return "", err
			}
		}
		if obj.RecordID != "" {
			continue
		}
		svc := &beian.RecordService{SubjectID: subjectID, Kind: s.kind, Status: beian.RecordFiled, FiledAt: now,
			Access: []beian.AccessRecord{{Provider: providerName(conn), Ours: true, IPs: s.ips, Status: beian.AccessActive, CreatedAt: now}}}
		if s.website != nil {
			w := *s.website
			w.RecordID = ""
			svc.Website = &w
		} else {
			a := *s.app
			a.RecordID = ""
			svc.App = &a
		}
		if err := tx.CreateRecordService(ctx, svc); err != nil {
			return "", err
		}
		if err := linkObjects(ctx, tx, objs, s.ref, svc.ID, obj); err != nil {
			return "", err
		}
		if err := audit(ctx, tx, ActorBureau, "record.create", "record_service", svc.ID, map[string]any{"order": o.ID, "subject": subjectID}); err != nil {
			return "", err
		}
	}
	return subjectID, nil
}

// linkObjects points the order's objects of one service (the service, its
// access, domains and IPs) at the service record.
func linkObjects(ctx context.Context, tx beian.Tx, objs map[string]*beian.BureauObject, ref, serviceID string, svcObj *beian.BureauObject) error {
	svcObj.RecordID = serviceID
	if err := tx.UpdateBureauObject(ctx, svcObj); err != nil {
		return err
	}
	for _, ob := range objs {
		if ob.Kind == beian.ObjectService || ob.Kind == beian.ObjectSubject || ob.RecordID != "" {
			continue
		}
		if ob.Ref == ref || strings.HasPrefix(ob.Ref, ref+"/") {
			ob.RecordID = serviceID
			if err := tx.UpdateBureauObject(ctx, ob); err != nil {
				return err
			}
		}
	}
	return nil
}

// addOurAccess adds this provider's access to a filed service (新增接入)
// unless it has one.
func (x *Exchange) addOurAccess(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, o *beian.Order, svc *beian.RecordService,
	ref string, ips []beian.IPRange, objs map[string]*beian.BureauObject) error {
	if acc := ourAccess(svc); acc == nil {
		svc.Access = append(svc.Access, beian.AccessRecord{Provider: providerName(conn), Ours: true, IPs: ips, Status: beian.AccessActive, CreatedAt: tx.Now()})
		if svc.Status == beian.RecordEmptyShell {
			svc.Status = beian.RecordFiled
		}
		if err := tx.UpdateRecordService(ctx, svc); err != nil {
			return err
		}
		if err := audit(ctx, tx, ActorBureau, "record.access_add", "record_service", svc.ID, map[string]any{"order": o.ID}); err != nil {
			return err
		}
	}
	for _, ob := range objs {
		if ob.RecordID == "" && (ob.Ref == ref || strings.HasPrefix(ob.Ref, ref+"/")) {
			ob.RecordID = svc.ID
			if err := tx.UpdateBureauObject(ctx, ob); err != nil {
				return err
			}
		}
	}
	return nil
}

// bindAccount binds the account to the subject it filed (one account, one
// subject), unless it is bound already.
func bindAccount(ctx context.Context, tx beian.Tx, accountID, certificate string) error {
	if accountID == "" || certificate == "" {
		return nil
	}
	a, err := tx.FindAccount(ctx, accountID)
	if err != nil {
		return err
	}
	if a.SubjectCertificate != "" {
		return nil
	}
	a.SubjectCertificate = certificate
	if err := tx.UpdateAccount(ctx, a); err != nil {
		return err
	}
	return audit(ctx, tx, ActorBureau, "account.bind_subject", "account", a.ID, nil)
}

// applyChange writes an approved change's data into the record.
func (x *Exchange) applyChange(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, o *beian.Order) error {
	rec, err := tx.FindRecord(ctx, o.RecordSubjectID)
	if err != nil {
		return err
	}
	if o.Type != beian.ChangeService {
		s := o.Snapshot.Subject
		if !jsonEqual(rec.Subject.Subject, s) {
			rec.Subject.Subject = s
			if err := tx.UpdateRecordSubject(ctx, &rec.Subject); err != nil {
				return err
			}
			if err := audit(ctx, tx, ActorBureau, "record.update", "record_subject", rec.Subject.ID, map[string]any{"order": o.ID}); err != nil {
				return err
			}
		}
	}
	if o.Type == beian.ChangeSubject {
		return nil
	}
	update := func(svc *beian.RecordService, ips []beian.IPRange, set func()) error {
		before := *svc
		set()
		if acc := ourAccess(svc); acc != nil {
			acc.IPs = ips
		}
		if jsonEqual(before, *svc) {
			return nil
		}
		if err := tx.UpdateRecordService(ctx, svc); err != nil {
			return err
		}
		return audit(ctx, tx, ActorBureau, "record.update", "record_service", svc.ID, map[string]any{"order": o.ID})
	}
	for i := range o.Snapshot.Websites {
		w := o.Snapshot.Websites[i]
		if svc := findService(rec, w.RecordID); svc != nil {
			if err := update(svc, w.IPs, func() { ww := w; svc.Website = &ww }); err != nil {
				return err
			}
		}
	}
	for i := range o.Snapshot.Apps {
		a := o.Snapshot.Apps[i]
		if svc := findService(rec, a.RecordID); svc != nil {
			if err := update(svc, a.IPs, func() { aa := a; svc.App = &aa }); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyCancel writes an approved cancellation into the records; a
// migration's first step cancels the services under the old subject.
func (x *Exchange) applyCancel(ctx context.Context, tx beian.Tx, o *beian.Order) error {
	rec, err := notFoundIsNil(tx.FindRecord(ctx, o.RecordSubjectID))
	if err != nil || rec == nil {
		return err
	}
	now := tx.Now()
	if o.Type == beian.CancelSubject {
		return cancelSubject(ctx, tx, rec, now, o.ID)
	}
	for _, id := range o.ServiceIDs {
		svc := findService(rec, id)
		if svc == nil {
			continue
		}
		if o.Type == beian.CancelAccess {
			acc := ourAccess(svc)
			if acc == nil {
				continue
			}
			if err := cancelAccess(ctx, tx, svc, acc, now, o.ID); err != nil {
				return err
			}
			continue
		}
		if err := cancelService(ctx, tx, svc, now, o.ID); err != nil {
			return err
		}
	}
	return nil
}

func cancelSubject(ctx context.Context, tx beian.Tx, rec *beian.Record, now time.Time, cause string) error {
	for i := range rec.Services {
		if err := cancelService(ctx, tx, &rec.Services[i], now, cause); err != nil {
			return err
		}
	}
	if rec.Subject.Status == beian.RecordCancelled {
		return nil
	}
	rec.Subject.Status = beian.RecordCancelled
	if err := tx.UpdateRecordSubject(ctx, &rec.Subject); err != nil {
		return err
	}
	return audit(ctx, tx, ActorBureau, "record.cancel", "record_subject", rec.Subject.ID, map[string]any{"cause": cause})
}

func cancelService(ctx context.Context, tx beian.Tx, svc *beian.RecordService, now time.Time, cause string) error {
	if svc.Status == beian.RecordCancelled {
		return nil
	}
	svc.Status = beian.RecordCancelled
	for i := range svc.Access {
		if svc.Access[i].Status != beian.AccessCancelled {
			svc.Access[i].Status, svc.Access[i].CancelledAt = beian.AccessCancelled, now
		}
	}
	if err := tx.UpdateRecordService(ctx, svc); err != nil {
		return err
	}
	return audit(ctx, tx, ActorBureau, "record.cancel", "record_service", svc.ID, map[string]any{"cause": cause})
}

// cancelAccess cancels one access record; a service left without an active
// access becomes an empty shell (空壳网站, spec §9.5).
func cancelAccess(ctx context.Context, tx beian.Tx, svc *beian.RecordService, acc *beian.AccessRecord, now time.Time, cause string) error {
	if acc.Status == beian.AccessCancelled {
		return nil
	}
	acc.Status, acc.CancelledAt = beian.AccessCancelled, now
	if svc.Status == beian.RecordFiled && !slices.ContainsFunc(svc.Access, func(a beian.AccessRecord) bool { return a.Status == beian.AccessActive }) {
		svc.Status = beian.RecordEmptyShell
	}
	if err := tx.UpdateRecordService(ctx, svc); err != nil {
		return err
	}
	return audit(ctx, tx, ActorBureau, "record.access_cancel", "record_service", svc.ID, map[string]any{"cause": cause, "status": svc.Status})
}

// filedSubject is a record of BASJ or SJTB in one shape.
type filedSubject struct {
	z     miit.BASJBaxxZtXx
	sites []filedSite
}

type filedSite struct {
	ispWzid   *int64
	wzid      int64
	name      string
	number    string
	content   []int64
	languages []int64
	domains   []miit.BASJBaxxWzXxYmXx
	access    []miit.BASJBaxxWzXxJrXx
	principal miit.BASJBaxxWzXxWzFzr
	homeURL   string
	remark    string
}

func fromBASJ(b *miit.BASJBaxx) filedSubject {
	fs := filedSubject{z: b.ZtXx}
	for _, w := range b.WzXx {
		s := filedSite{ispWzid: w.ISPWzid, wzid: w.Wzid, name: w.Wzmc, number: w.Baxh, languages: w.Yylb.YylbID, domains: w.YmXx,
			access: w.JrXx, principal: w.WzFzr, homeURL: w.Syurl, remark: w.WzBz}
		if w.Fwnr != nil {
			s.content = w.Fwnr.FwnrID
		}
		fs.sites = append(fs.sites, s)
	}
	return fs
}

func fromSJTB(b *miit.SJTBICPBaxx) filedSubject {
	fs := filedSubject{z: b.ZtXx}
	for _, w := range b.WzXx {
		s := filedSite{ispWzid: w.ISPWzid, wzid: w.Wzid, name: w.Wzmc, number: w.Baxh, domains: w.YmXx, access: w.JrXx, principal: w.WzFzr,
			homeURL: w.Syurl, remark: w.WzBz}
		if w.Fwnr != nil {
			s.content = w.Fwnr.FwnrID
		}
		if w.Yylb != nil {
			s.languages = w.Yylb.YylbID
		}
		fs.sites = append(fs.sites, s)
	}
	return fs
}

// objectBy returns the first object matching f.
func objectBy(ctx context.Context, tx beian.Tx, f beian.BureauObjectFilter) (*beian.BureauObject, error) {
	objs, err := tx.FindBureauObjects(ctx, f)
	if err != nil || len(objs) == 0 {
		return nil, err
	}
	return &objs[0], nil
}

// resolveOurID follows one of our IDs (IspZtid …) in a record the bureau
// sent to the order that introduced it, makes sure that order's records
// exist (the record data may arrive before the approval), and returns the
// object again with its record ID.
func (x *Exchange) resolveOurID(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, kind beian.ObjectKind, id *int64) (*beian.BureauObject, error) {
	if id == nil || *id <= 0 {
		return nil, nil
	}
	obj, err := objectBy(ctx, tx, beian.BureauObjectFilter{ISPID: *id, Kind: kind})
	if err != nil || obj == nil {
		return nil, err
	}
	if obj.RecordID == "" && obj.OrderID != "" {
		o, err := notFoundIsNil(tx.FindOrder(ctx, obj.OrderID))
		if err != nil || o == nil {
			return obj, err
		}
		if _, err := x.ensureRecords(ctx, tx, conn, o); err != nil {
			return nil, err
		}
		if obj, err = objectBy(ctx, tx, beian.BureauObjectFilter{ISPID: *id}); err != nil {
			return nil, err
		}
	}
	return obj, nil
}

// applyFiled brings our records in line with one filed subject the bureau
// sent: the subject and its services get their numbers and bureau IDs, our
// access its Jrid, other providers' accesses are added; a subject or service
// we never knew (a full synchronisation) is created from the bureau's data.
// Our records' own data is not overwritten: changes reach it through
// approved orders.
func (x *Exchange) applyFiled(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, fs filedSubject) error {
	z := fs.z
	subjectID := ""
	if obj, err := x.resolveOurID(ctx, tx, conn, beian.ObjectSubject, z.ISPZtid); err != nil {
		return err
	} else if obj != nil {
		subjectID = obj.RecordID
	}
	if subjectID == "" {
		if obj, err := objectBy(ctx, tx, beian.BureauObjectFilter{Kind: beian.ObjectSubject, BureauID: z.Ztid}); err != nil {
			return err
		} else if obj != nil {
			subjectID = obj.RecordID
		}
	}
	serviceIDs := make([]string, len(fs.sites))
	for i, s := range fs.sites {
		var id string
		if obj, err := x.resolveOurID(ctx, tx, conn, beian.ObjectService, s.ispWzid); err != nil {
			return err
		} else if obj != nil {
			id = obj.RecordID
		}
		if id == "" {
			if obj, err := objectBy(ctx, tx, beian.BureauObjectFilter{Kind: beian.ObjectService, BureauID: s.wzid}); err != nil {
				return err
			} else if obj != nil {
				id = obj.RecordID
			}
		}
		if id == "" {
			for _, j := range s.access {
				if j.Ispid != conn.ISPID {
					continue
				}
				if obj, err := x.resolveOurID(ctx, tx, conn, beian.ObjectAccess, j.ISPJrid); err != nil {
					return err
				} else if obj != nil && obj.RecordID != "" {
					id = obj.RecordID
				}
			}
		}
		serviceIDs[i] = id
		if subjectID == "" && id != "" {
			sid, err := notFoundIsNil(tx.ServiceSubject(ctx, id))
			if err != nil {
				return err
			}
			subjectID = sid
		}
	}
	// The code tables are needed only to read records we never knew.
	var codes *codeSet
	loadOnce := func() (*codeSet, error) {
		if codes == nil {
			var err error
			codes, err = loadCodes(ctx, tx, conn.ID)
			return codes, err
		}
		return codes, nil
	}
	if subjectID == "" {
		codes, err := loadOnce()
		if err != nil {
			return err
		}
		rs := &beian.RecordSubject{Subject: subjectFromFiled(codes, &z), Status: beian.RecordFiled, FiledAt: tx.Now()}
		if t, ok := z.Scbbsj.Time(); ok {
			rs.FiledAt = t.UTC()
		}
		if err := tx.CreateRecordSubject(ctx, rs); err != nil {
			return err
		}
		subjectID = rs.ID
		if err := audit(ctx, tx, ActorBureau, "record.sync_create", "record_subject", rs.ID, map[string]any{"ztid": z.Ztid}); err != nil {
			return err
		}
	}
	rec, err := tx.FindRecord(ctx, subjectID)
	if err != nil {
		return err
	}
	// The subject.
	num, _ := beian.ParseICPNumber(strings.TrimSpace(z.Baxh))
	bid := strconv.FormatInt(z.Ztid, 10)
	if (!num.IsZero() && rec.Subject.Number != num) || rec.Subject.BureauID != bid {
		if !num.IsZero() {
			rec.Subject.Number = num
		}
		rec.Subject.BureauID = bid
		if err := tx.UpdateRecordSubject(ctx, &rec.Subject); err != nil {
			return err
		}
		if err := audit(ctx, tx, ActorBureau, "record.sync", "record_subject", rec.Subject.ID, map[string]any{"number": num.String(), "ztid": z.Ztid}); err != nil {
			return err
		}
	}
	if err := x.recordObject(ctx, tx, conn, beian.ObjectSubject, rec.Subject.ID, "subject", z.Ztid); err != nil {
		return err
	}
	if err := pairOurID(ctx, tx, beian.ObjectSubject, z.ISPZtid, z.Ztid); err != nil {
		return err
	}
	// The services.
	for i, s := range fs.sites {
		svc := findService(rec, serviceIDs[i])
		if svc == nil && serviceIDs[i] == "" {
			// Matched by domain: a service we know under another ID space.
			for j := range rec.Services {
				if len(s.domains) > 0 && slices.Contains(rec.Services[j].Domains(), beian.NormalizeDomain(s.domains[0].Ym)) {
					svc = &rec.Services[j]
				}
			}
		}
		if svc == nil {
			codes, err := loadOnce()
			if err != nil {
				return err
			}
			created, err := x.createFiledService(ctx, tx, conn, codes, rec.Subject.ID, &s)
			if err != nil {
				return err
			}
			svc = created
		}
		if err := x.syncService(ctx, tx, conn, svc, &s); err != nil {
			return err
		}
	}
	return nil
}

// recordObject makes sure a record-level object (no order) pairs our record
// with the bureau's ID, for look-ups by either.
func (x *Exchange) recordObject(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, kind beian.ObjectKind, recordID, ref string, bureauID int64) error {
	if bureauID <= 0 {
		return nil
	}
	objs, err := tx.FindBureauObjects(ctx, beian.BureauObjectFilter{Kind: kind, RecordID: recordID, Ref: ref})
	if err != nil {
		return err
	}
	for i := range objs {
		if objs[i].OrderID != "" {
			continue
		}
		if objs[i].BureauID != bureauID {
			objs[i].BureauID = bureauID
			return tx.UpdateBureauObject(ctx, &objs[i])
		}
		return nil
	}
	return tx.PutBureauObject(ctx, &beian.BureauObject{ConnectionID: conn.ID, Kind: kind, RecordID: recordID, Ref: ref, BureauID: bureauID})
}

// pairOurID records the bureau's ID next to one of ours (IspZtid and Ztid
// …), as the bureau's record data pairs them.
func pairOurID(ctx context.Context, tx beian.Tx, kind beian.ObjectKind, ours *int64, bureauID int64) error {
	if ours == nil || *ours <= 0 || bureauID <= 0 {
		return nil
	}
	obj, err := objectBy(ctx, tx, beian.BureauObjectFilter{ISPID: *ours, Kind: kind})
	if err != nil || obj == nil || obj.BureauID == bureauID {
		return err
	}
	obj.BureauID = bureauID
	return tx.UpdateBureauObject(ctx, obj)
}

// jsonEqual compares two values by their JSON form: every field of the
// record types is exported.
func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// syncService brings one service in line with the bureau's record of it.
func (x *Exchange) syncService(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, svc *beian.RecordService, s *filedSite) error {
	before := *svc
	before.Access = slices.Clone(svc.Access)
	if n, err := beian.ParseICPNumber(strings.TrimSpace(s.number)); err == nil && svc.Number != n {
		svc.Number = n
	}
	svc.BureauID = strconv.FormatInt(s.wzid, 10)
	for _, j := range s.access {
		ips := filedIPs(j.IPXx)
		jrid := strconv.FormatInt(j.Jrid, 10)
		if j.Ispid == conn.ISPID {
			acc := ourAccess(svc)
			if acc == nil {
				svc.Access = append(svc.Access, beian.AccessRecord{Provider: providerName(conn), Ours: true, IPs: ips, Status: beian.AccessActive, CreatedAt: tx.Now()})
				acc = &svc.Access[len(svc.Access)-1]
			}
			acc.BureauID = jrid
			if err := x.recordObject(ctx, tx, conn, beian.ObjectAccess, svc.ID, "ours", j.Jrid); err != nil {
				return err
			}
			for _, ip := range j.IPXx {
				r := beian.IPRange{Start: ip.Qsip.Addr(), End: ip.Zzip.Addr()}
				if err := x.recordObject(ctx, tx, conn, beian.ObjectIP, svc.ID, r.String(), ip.Ipid); err != nil {
					return err
				}
			}
			continue
		}
		i := slices.IndexFunc(svc.Access, func(a beian.AccessRecord) bool { return a.BureauID == jrid })
		if i < 0 {
			svc.Access = append(svc.Access, beian.AccessRecord{BureauID: jrid, Provider: fmt.Sprintf("ISP %d", j.Ispid), IPs: ips,
				Status: beian.AccessActive, CreatedAt: tx.Now()})
		}
		if err := x.recordObject(ctx, tx, conn, beian.ObjectAccess, svc.ID, "isp/"+strconv.FormatInt(j.Ispid, 10), j.Jrid); err != nil {
			return err
		}
	}
	if svc.Status == beian.RecordEmptyShell && slices.ContainsFunc(svc.Access, func(a beian.AccessRecord) bool { return a.Status == beian.AccessActive }) {
		svc.Status = beian.RecordFiled
	}
	if !jsonEqual(before, *svc) {
		if err := tx.UpdateRecordService(ctx, svc); err != nil {
			return err
		}
		if err := audit(ctx, tx, ActorBureau, "record.sync", "record_service", svc.ID, map[string]any{"number": svc.Number.String(), "wzid": s.wzid}); err != nil {
			return err
		}
	}
	if err := x.recordObject(ctx, tx, conn, beian.ObjectService, svc.ID, "service", s.wzid); err != nil {
		return err
	}
	if err := pairOurID(ctx, tx, beian.ObjectService, s.ispWzid, s.wzid); err != nil {
		return err
	}
	for _, d := range s.domains {
		if err := x.recordObject(ctx, tx, conn, beian.ObjectDomain, svc.ID, beian.NormalizeDomain(d.Ym), d.Ymid); err != nil {
			return err
		}
		if err := pairOurID(ctx, tx, beian.ObjectDomain, d.ISPYmid, d.Ymid); err != nil {
			return err
		}
	}
	for _, j := range s.access {
		if j.Ispid != conn.ISPID {
			continue
		}
		if err := pairOurID(ctx, tx, beian.ObjectAccess, j.ISPJrid, j.Jrid); err != nil {
			return err
		}
		for _, ip := range j.IPXx {
			if err := pairOurID(ctx, tx, beian.ObjectIP, ip.ISPIpid, ip.Ipid); err != nil {
				return err
			}
		}
	}
	return nil
}

func filedIPs(list []miit.BASJBaxxWzXxJrXxIPXx) []beian.IPRange {
	var out []beian.IPRange
	for _, ip := range list {
		if ip.Qsip != 0 && ip.Zzip != 0 {
			out = append(out, beian.IPRange{Start: ip.Qsip.Addr(), End: ip.Zzip.Addr()})
		}
	}
	return out
}

// createFiledService records a service the bureau says the subject has and
// we did not know (a full synchronisation, another provider's service).
func (x *Exchange) createFiledService(ctx context.Context, tx beian.Tx, conn *beian.BureauConnection, codes *codeSet, subjectID string, s *filedSite) (*beian.RecordService, error) {
	p := personFromFiled(codes, s.principal.FzrXm, s.principal.FzrSjhm, s.principal.FzrDzyj, s.principal.FzrDhhm, s.principal.FzrZjlx, s.principal.FzrZjhm)
	var domains []string
	for _, d := range s.domains {
		domains = append(domains, beian.NormalizeDomain(d.Ym))
	}
	var contents, langs []string
	for _, id := range s.content {
		if n, ok := codes.name(tableContent, id); ok {
			contents = append(contents, n)
		}
	}
	for _, id := range s.languages {
		if n, ok := codes.name(tableLanguage, id); ok {
			langs = append(langs, languageTag(n))
		}
	}
	svc := &beian.RecordService{SubjectID: subjectID, Status: beian.RecordFiled, FiledAt: tx.Now()}
	var ips []beian.IPRange
	for _, j := range s.access {
		ips = append(ips, filedIPs(j.IPXx)...)
	}
	if strings.HasPrefix(strings.TrimSpace(s.remark), appMarker) {
		svc.Kind = beian.KindApp
		svc.App = &beian.App{Name: s.name, Domains: domains, IPs: ips, ServiceContent: contents, Languages: langs, Principal: p,
			Releases: appReleases(s.remark)}
	} else {
		svc.Kind = beian.KindWebsite
		svc.Website = &beian.Website{Name: s.name, Domains: domains, HomepageURL: s.homeURL, IPs: ips, ServiceContent: contents,
			Languages: langs, Principal: p, Remark: s.remark}
	}
	if err := tx.CreateRecordService(ctx, svc); err != nil {
		return nil, err
	}
	if err := audit(ctx, tx, ActorBureau, "record.sync_create", "record_service", svc.ID, map[string]any{"wzid": s.wzid}); err != nil {
		return nil, err
	}
	return svc, nil
}

// appReleases reads the APP convention's remark back.
func appReleases(remark string) []beian.AppRelease {
	var out []beian.AppRelease
	rest, _ := strings.CutPrefix(strings.TrimSpace(remark), appMarker)
	for _, e := range strings.Split(rest, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(e), "=")
		if !ok {
			continue
		}
		switch strings.ToLower(k) {
		case "platform":
			out = append(out, beian.AppRelease{Platform: beian.AppPlatform(strings.ToLower(v))})
		case "package", "md5", "pubkey":
			if len(out) == 0 {
				continue
			}
			r := &out[len(out)-1]
			switch strings.ToLower(k) {
			case "package":
				r.PackageName = v
			case "md5":
				r.SignatureMD5 = v
			default:
				r.PublicKey = v
			}
		}
	}
	return out
}

// natureOf and certOf read the bureau's codes back into our enumerations.
func natureOf(codes *codeSet, id *int64) beian.Nature {
	if id == nil {
		return beian.NatureIndividual
	}
	name, _ := codes.name(tableNature, *id)
	for _, n := range beian.Natures {
		if normName(n.Text().ZH) == normName(name) {
			return n
		}
	}
	return ""
}

func certOf(codes *codeSet, id *int64, n beian.Nature) beian.CertificateType {
	if id == nil {
		return ""
	}
	name, _ := codes.name(tableCertType, *id)
	for c := range certTextKeys() {
		for _, alias := range certNames(c, n) {
			if normName(alias) == normName(name) {
				return c
			}
		}
	}
	return ""
}

// certTextKeys lists every certificate type.
func certTextKeys() map[beian.CertificateType]bool {
	out := map[beian.CertificateType]bool{}
	for _, cs := range beian.NatureCertificates {
		for _, c := range cs {
			out[c] = true
		}
	}
	return out
}

func personFromFiled(codes *codeSet, name, mobile, email, office string, certType *int64, cert string) beian.Person {
	p := beian.Person{Name: name, Mobile: firstOf(mobile), Email: firstOf(email), OfficePhone: firstOf(office), CertificateNumber: cert}
	p.CertificateType = certOf(codes, certType, beian.NatureIndividual)
	return p
}

// firstOf is the first of a ";"-separated list (V3.0 allows several mobiles).
func firstOf(s string) string {
	f, _, _ := strings.Cut(strings.ReplaceAll(s, "；", ";"), ";")
	return strings.TrimSpace(f)
}

// subjectFromFiled reads a subject the bureau sent into our type.
func subjectFromFiled(codes *codeSet, z *miit.BASJBaxxZtXx) beian.Subject {
	n := natureOf(codes, z.Dwxz)
	s := beian.Subject{Name: z.Dwmc, Nature: n, CertificateNumber: z.Zj.Zjhm, CertificateAddress: z.Zj.Zjzs, Investor: z.Tzr, Remark: z.Bz}
	zjlx := z.Zj.Zjlx
	s.CertificateType = certOf(codes, &zjlx, n)
	region := strconv.FormatInt(z.Txdz.Shengid, 10)
	if z.Txdz.Xianid != nil {
		region = strconv.FormatInt(*z.Txdz.Xianid, 10)
	} else if z.Txdz.Shiid != nil {
		region = strconv.FormatInt(*z.Txdz.Shiid, 10)
	}
	if p, ok := beian.ProvinceByCode(region); ok {
		s.Province = p.Code
	}
	s.MailingAddress = beian.Address{Region: region, Detail: z.Txdz.Xxdz}
	s.CertificateRegion = region
	s.Principal = personFromFiled(codes, z.Fzr.FzrXm, z.Fzr.FzrSjhm, z.Fzr.FzrDzyj, z.Fzr.FzrDhhm, z.Fzr.FzrZjlx, z.Fzr.FzrZjhm)
	return s
}

// applyCancellation applies one ZXSJ record: the bureau cancelled a subject
// (Zxlb 0), a website (1) or, as the spec documents though the XSD does not
// allow it, an access (2).
func (x *Exchange) applyCancellation(ctx context.Context, tx beian.Tx, c miit.ZXSJZxxx) error {
	now := tx.Now()
	cause := "ZXSJ"
	switch c.Zxlb {
	case 0:
		obj, err := objectBy(ctx, tx, beian.BureauObjectFilter{Kind: beian.ObjectSubject, BureauID: c.Jlid})
		if err != nil || obj == nil || obj.RecordID == "" {
			return err
		}
		rec, err := notFoundIsNil(tx.FindRecord(ctx, obj.RecordID))
		if err != nil || rec == nil {
			return err
		}
		return cancelSubject(ctx, tx, rec, now, cause)
	case 1:
		svc, err := serviceByBureauID(ctx, tx, beian.ObjectService, c.Jlid)
		if err != nil || svc == nil {
			return err
		}
		return cancelService(ctx, tx, svc, now, cause)
	case 2:
		svc, err := serviceByBureauID(ctx, tx, beian.ObjectAccess, c.Jlid)
		if err != nil || svc == nil {
			return err
		}
		jrid := strconv.FormatInt(c.Jlid, 10)
		for i := range svc.Access {
			if svc.Access[i].BureauID == jrid {
				return cancelAccess(ctx, tx, svc, &svc.Access[i], now, cause)
			}
		}
	}
	return nil
}

// serviceByBureauID finds our service through an object with the bureau's
// ID (a service's Wzid, an access's Jrid).
func serviceByBureauID(ctx context.Context, tx beian.Tx, kind beian.ObjectKind, id int64) (*beian.RecordService, error) {
	obj, err := objectBy(ctx, tx, beian.BureauObjectFilter{Kind: kind, BureauID: id})
	if err != nil || obj == nil || obj.RecordID == "" {
		return nil, err
	}
	subjectID, err := notFoundIsNil(tx.ServiceSubject(ctx, obj.RecordID))
	if err != nil || subjectID == "" {
		return nil, err
	}
	rec, err := tx.FindRecord(ctx, subjectID)
	if err != nil {
		return nil, err
	}
	return findService(rec, obj.RecordID), nil
}

// ipString is how blacklists keep an address.
func ipString(ip miit.IPv4) string {
	if ip == 0 {
		return ""
	}
	return netip.Addr(ip.Addr()).String()
}
