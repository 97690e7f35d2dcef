package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/openbeian/beian"
)

// Encryption contexts of the record tables.
const (
	ctxSubjectCert   = "record_subjects.cert"
	ctxSubjectDetail = "record_subjects.detail"
	ctxServiceDetail = "record_services.detail"
	ctxPersonCert    = "persons.cert"
	ctxPersonMobile  = "persons.mobile"
	ctxPersonPhone   = "persons.emergency_phone"
	ctxPersonEmail   = "persons.email"
	ctxPersonOffice  = "persons.office_phone"
)

// Roles of the persons table: whose responsible person a row is.
const (
	personSubject = "subject" // 主体负责人; service_id is ''
	personService = "service" // 网站/APP负责人
)

// CreateRecordSubject inserts a filed subject with Version 1 and its
// responsible person, filling ID and UpdatedAt. It returns ECONFLICT when
// the ID exists.
func (tx *Tx) CreateRecordSubject(ctx context.Context, s *beian.RecordSubject) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if s.ID == "" {
		s.ID = newID()
	}
	s.FiledAt = truncTime(s.FiledAt)
	s.UpdatedAt = tx.now
	s.Version = 1
	detail, err := tx.subjectDetail(s)
	if err != nil {
		return tx.fail("create record subject", err)
	}
	kr := tx.db.keys
	sub := &s.Subject
	if _, err := tx.exec(ctx, `INSERT INTO record_subjects (id, account_id, province, nature, name, cert_type, cert_enc, cert_bidx,
			detail_enc, icp_number, bureau_id, status, filed_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.AccountID, sub.Province, string(sub.Nature), sub.Name, string(sub.CertificateType),
		kr.EncryptString(ctxSubjectCert, sub.CertificateNumber), nullString(kr.Index(IndexCertificate, sub.CertificateNumber)),
		detail, s.Number.String(), s.BureauID, string(s.Status), tx.t(s.FiledAt), tx.t(s.UpdatedAt), s.Version); err != nil {
		return tx.fail("create record subject", err)
	}
	return tx.putPerson(ctx, s.ID, "", personSubject, &sub.Principal)
}

// subjectDetail is the encrypted rest of a subject: everything but the
// columns of its own and the principal, who lives in persons.
func (tx *Tx) subjectDetail(s *beian.RecordSubject) (string, error) {
	d := s.Subject
	d.CertificateNumber = ""
	d.Principal = beian.Person{}
	b, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	return tx.db.keys.Encrypt(ctxSubjectDetail, b), nil
}

// UpdateRecordSubject writes s and its responsible person if s.Version
// matches the stored one, then increments it. It returns ECONFLICT
// (record.version.stale) on a stale version and ENOTFOUND for an unknown ID.
func (tx *Tx) UpdateRecordSubject(ctx context.Context, s *beian.RecordSubject) error {
	if err := tx.writable(); err != nil {
		return err
	}
	detail, err := tx.subjectDetail(s)
	if err != nil {
		return tx.fail("update record subject", err)
	}
	s.FiledAt = truncTime(s.FiledAt)
	kr := tx.db.keys
	sub := &s.Subject
	res, err := tx.exec(ctx, `UPDATE record_subjects SET account_id = ?, province = ?, nature = ?, name = ?, cert_type = ?,
			cert_enc = ?, cert_bidx = ?, detail_enc = ?, icp_number = ?, bureau_id = ?, status = ?, filed_at = ?,
			updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		s.AccountID, sub.Province, string(sub.Nature), sub.Name, string(sub.CertificateType),
		kr.EncryptString(ctxSubjectCert, sub.CertificateNumber), nullString(kr.Index(IndexCertificate, sub.CertificateNumber)),
		detail, s.Number.String(), s.BureauID, string(s.Status), tx.t(s.FiledAt), tx.t(tx.now), s.ID, s.Version)
	if err != nil {
		return tx.fail("update record subject", err)
	}
	if err := tx.versionChecked(ctx, res, "record_subjects", s.ID, "record.version.stale"); err != nil {
		return err
	}
	if err := tx.putPerson(ctx, s.ID, "", personSubject, &sub.Principal); err != nil {
		return err
	}
	s.Version++
	s.UpdatedAt = tx.now
	return nil
}

// putPerson replaces the responsible person of a subject (serviceID "") or
// a service.
func (tx *Tx) putPerson(ctx context.Context, subjectID, serviceID, role string, p *beian.Person) error {
	if _, err := tx.exec(ctx, `DELETE FROM persons WHERE subject_id = ? AND service_id = ? AND role = ?`, subjectID, serviceID, role); err != nil {
		return tx.fail("write person", err)
	}
	kr := tx.db.keys
	_, err := tx.exec(ctx, `INSERT INTO persons (subject_id, service_id, role, name, cert_type, cert_enc, cert_bidx,
			cert_valid_from, cert_valid_until, long_term, mobile_enc, mobile_bidx, emergency_phone_enc, email_enc, email_bidx,
			office_phone_enc, residence_permit_until)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		subjectID, serviceID, role, p.Name, string(p.CertificateType),
		kr.EncryptString(ctxPersonCert, p.CertificateNumber), nullString(kr.Index(IndexCertificate, p.CertificateNumber)),
		p.CertificateValidFrom.String(), p.CertificateValidUntil.String(), p.LongTerm,
		kr.EncryptString(ctxPersonMobile, p.Mobile), nullString(kr.Index(IndexMobile, p.Mobile)),
		kr.EncryptString(ctxPersonPhone, p.EmergencyPhone),
		kr.EncryptString(ctxPersonEmail, p.Email), nullString(kr.Index(IndexEmail, p.Email)),
		kr.EncryptString(ctxPersonOffice, p.OfficePhone), p.ResidencePermitUntil.String())
	return tx.fail("write person", err)
}

const subjectColumns = `id, account_id, province, nature, name, cert_type, cert_enc, detail_enc, icp_number, bureau_id, status,
	filed_at, updated_at, version`

// FindRecord returns the subject with subjectID and all its services, or
// ENOTFOUND.
func (tx *Tx) FindRecord(ctx context.Context, subjectID string) (*beian.Record, error) {
	return tx.findRecord(ctx, `SELECT `+subjectColumns+` FROM record_subjects WHERE id = ?`, subjectID)
}

// FindRecordBySubjectCertificate returns the record of the subject with
// that certificate number, matched through the blind index, or ENOTFOUND.
// When the subject was cancelled and filed again, the live one wins.
func (tx *Tx) FindRecordBySubjectCertificate(ctx context.Context, certificate string) (*beian.Record, error) {
	bidx := tx.db.keys.Index(IndexCertificate, certificate)
	if bidx == "" {
		return nil, notFound("record")
	}
	return tx.findRecord(ctx, `SELECT `+subjectColumns+` FROM record_subjects WHERE cert_bidx = ?`+liveFirst, bidx)
}

// FindRecordByAccount returns the record bound to accountID, or ENOTFOUND;
// a live subject wins over cancelled ones.
func (tx *Tx) FindRecordByAccount(ctx context.Context, accountID string) (*beian.Record, error) {
	return tx.findRecord(ctx, `SELECT `+subjectColumns+` FROM record_subjects WHERE account_id = ?`+liveFirst, accountID)
}

// FindRecordByNumber returns the record of the subject with that subject
// ICP number, or ENOTFOUND; a live subject wins over cancelled ones.
func (tx *Tx) FindRecordByNumber(ctx context.Context, number beian.ICPNumber) (*beian.Record, error) {
	if number.IsZero() {
		return nil, notFound("record")
	}
	return tx.findRecord(ctx, `SELECT `+subjectColumns+` FROM record_subjects WHERE icp_number = ?`+liveFirst, number.Subject().String())
}

// liveFirst orders subjects so that one not cancelled, and then the most
// recently changed, comes first.
const liveFirst = ` ORDER BY CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END, updated_at DESC, id DESC LIMIT 1`

func (tx *Tx) findRecord(ctx context.Context, query string, args ...any) (*beian.Record, error) {
	var s beian.RecordSubject
	var nature, certType, certEnc, detailEnc, number, status string
	err := tx.queryRow(ctx, query, args...).Scan(&s.ID, &s.AccountID, &s.Subject.Province, &nature, &s.Subject.Name, &certType,
		&certEnc, &detailEnc, &number, &s.BureauID, &status, scanTime(&s.FiledAt), scanTime(&s.UpdatedAt), &s.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("record")
	}
	if err != nil {
		return nil, tx.fail("find record", err)
	}
	kr := tx.db.keys
	b, err := kr.Decrypt(ctxSubjectDetail, detailEnc)
	if err != nil {
		return nil, tx.fail("find record", err)
	}
	if err := json.Unmarshal(b, &s.Subject); err != nil {
		return nil, tx.fail("find record", fmt.Errorf("subject %s detail: %w", s.ID, err))
	}
	// The columns are authoritative over anything the document carried.
	s.Subject.Nature, s.Subject.CertificateType = beian.Nature(nature), beian.CertificateType(certType)
	if s.Subject.CertificateNumber, err = kr.DecryptString(ctxSubjectCert, certEnc); err != nil {
		return nil, tx.fail("find record", err)
	}
	s.Status = beian.RecordStatus(status)
	if s.Number, err = parseNumber(number); err != nil {
		return nil, tx.fail("find record", fmt.Errorf("subject %s: %w", s.ID, err))
	}
	persons, err := tx.persons(ctx, `subject_id = ?`, s.ID)
	if err != nil {
		return nil, err
	}
	if p, ok := persons[personKey{s.ID, "", personSubject}]; ok {
		s.Subject.Principal = p
	}
	services, err := tx.services(ctx, `SELECT `+serviceColumns+` FROM record_services WHERE subject_id = ? ORDER BY id`, s.ID)
	if err != nil {
		return nil, err
	}
	return &beian.Record{Subject: s, Services: services}, nil
}

func parseNumber(s string) (beian.ICPNumber, error) {
	if s == "" {
		return beian.ICPNumber{}, nil
	}
	return beian.ParseICPNumber(s)
}

// serviceDetail is the stored document of a service: the website or the
// app, without the principal.
type serviceDetail struct {
	Website *beian.Website `json:"website,omitempty"`
	App     *beian.App     `json:"app,omitempty"`
}

func (tx *Tx) encodeService(s *beian.RecordService) (string, error) {
	var d serviceDetail
	if s.Website != nil {
		w := *s.Website
		w.Principal = beian.Person{}
		d.Website = &w
	}
	if s.App != nil {
		a := *s.App
		a.Principal = beian.Person{}
		d.App = &a
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	return tx.db.keys.Encrypt(ctxServiceDetail, b), nil
}

func servicePrincipal(s *beian.RecordService) *beian.Person {
	switch {
	case s.Website != nil:
		return &s.Website.Principal
	case s.App != nil:
		return &s.App.Principal
	}
	return &beian.Person{}
}

// CreateRecordService inserts a filed service with Version 1, its domains,
// access records and responsible person, filling the IDs and UpdatedAt. It
// returns ENOTFOUND when the subject does not exist and ECONFLICT when the
// ID does.
func (tx *Tx) CreateRecordService(ctx context.Context, s *beian.RecordService) error {
	if err := tx.writable(); err != nil {
		return err
	}
	if s.ID == "" {
		s.ID = newID()
	}
	s.FiledAt = truncTime(s.FiledAt)
	s.UpdatedAt = tx.now
	s.Version = 1
	detail, err := tx.encodeService(s)
	if err != nil {
		return tx.fail("create record service", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO record_services (id, subject_id, kind, name, detail_enc, icp_number, bureau_id, status,
			filed_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.SubjectID, string(s.Kind), s.Name(), detail, s.Number.String(), s.BureauID, string(s.Status),
		tx.t(s.FiledAt), tx.t(s.UpdatedAt), s.Version); err != nil {
		return tx.fail("create record service", err)
	}
	return tx.putServiceParts(ctx, s)
}

// putServiceParts replaces the rows that hang off a service: its domains,
// its access records and its responsible person.
func (tx *Tx) putServiceParts(ctx context.Context, s *beian.RecordService) error {
	if _, err := tx.exec(ctx, `DELETE FROM record_domains WHERE service_id = ?`, s.ID); err != nil {
		return tx.fail("write service domains", err)
	}
	var seen []string
	for _, d := range s.Domains() {
		d = beian.NormalizeDomain(d)
		if d == "" || slices.Contains(seen, d) {
			continue
		}
		seen = append(seen, d)
		if _, err := tx.exec(ctx, `INSERT INTO record_domains (domain, service_id, subject_id) VALUES (?, ?, ?)`,
			d, s.ID, s.SubjectID); err != nil {
			return tx.fail("write service domains", err)
		}
	}
	if _, err := tx.exec(ctx, `DELETE FROM access_records WHERE service_id = ?`, s.ID); err != nil {
		return tx.fail("write access records", err)
	}
	for i := range s.Access {
		a := &s.Access[i]
		if a.ID == "" {
			a.ID = newID()
		}
		if a.CreatedAt.IsZero() {
			a.CreatedAt = tx.now
		}
		a.CreatedAt, a.CancelledAt = truncTime(a.CreatedAt), truncTime(a.CancelledAt)
		ips, err := json.Marshal(nonNil(a.IPs))
		if err != nil {
			return tx.fail("write access records", err)
		}
		if _, err := tx.exec(ctx, `INSERT INTO access_records (id, service_id, position, bureau_id, provider, ours, ips, status,
				created_at, cancelled_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, s.ID, i, a.BureauID, a.Provider, a.Ours, string(ips), string(a.Status), tx.t(a.CreatedAt), tx.t(a.CancelledAt)); err != nil {
			return tx.fail("write access records", err)
		}
	}
	return tx.putPerson(ctx, s.SubjectID, s.ID, personService, servicePrincipal(s))
}

// UpdateRecordService writes s, its domains, access records and person if
// s.Version matches the stored one, then increments it. It returns
// ECONFLICT (record.version.stale) on a stale version and ENOTFOUND for an
// unknown ID.
func (tx *Tx) UpdateRecordService(ctx context.Context, s *beian.RecordService) error {
	if err := tx.writable(); err != nil {
		return err
	}
	detail, err := tx.encodeService(s)
	if err != nil {
		return tx.fail("update record service", err)
	}
	s.FiledAt = truncTime(s.FiledAt)
	res, err := tx.exec(ctx, `UPDATE record_services SET subject_id = ?, kind = ?, name = ?, detail_enc = ?, icp_number = ?,
			bureau_id = ?, status = ?, filed_at = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		s.SubjectID, string(s.Kind), s.Name(), detail, s.Number.String(), s.BureauID, string(s.Status), tx.t(s.FiledAt),
		tx.t(tx.now), s.ID, s.Version)
	if err != nil {
		return tx.fail("update record service", err)
	}
	if err := tx.versionChecked(ctx, res, "record_services", s.ID, "record.version.stale"); err != nil {
		return err
	}
	// A service moved to another subject (迁移) leaves its old person row.
	if _, err := tx.exec(ctx, `DELETE FROM persons WHERE service_id = ?`, s.ID); err != nil {
		return tx.fail("update record service", err)
	}
	if err := tx.putServiceParts(ctx, s); err != nil {
		return err
	}
	s.Version++
	s.UpdatedAt = tx.now
	return nil
}

// FindServicesByDomain returns the services, cancelled ones included, that
// list domain (compared after beian.NormalizeDomain). Errors are EINTERNAL
// or EUNAVAILABLE; no match is an empty result, not ENOTFOUND.
func (tx *Tx) FindServicesByDomain(ctx context.Context, domain string) ([]beian.RecordService, error) {
	return tx.services(ctx, `SELECT `+serviceColumns+` FROM record_services
		WHERE id IN (SELECT service_id FROM record_domains WHERE domain = ?) ORDER BY id`, beian.NormalizeDomain(domain))
}

// SubjectsUsingContact returns the IDs of the subjects, cancelled ones
// excluded, with a responsible person whose certificate number, mobile or
// e-mail matches value through the blind index. No match is an empty
// result; an unknown kind is a bug and EINTERNAL.
func (tx *Tx) SubjectsUsingContact(ctx context.Context, kind beian.ContactKind, value string) ([]string, error) {
	var col string
	var ik IndexKind
	switch kind {
	case beian.ContactCertificate:
		col, ik = "cert_bidx", IndexCertificate
	case beian.ContactMobile:
		col, ik = "mobile_bidx", IndexMobile
	case beian.ContactEmail:
		col, ik = "email_bidx", IndexEmail
	default:
		return nil, beian.Errorf(beian.EINTERNAL, "error.internal").WithCause(fmt.Errorf("unknown contact kind %q", kind))
	}
	bidx := tx.db.keys.Index(ik, value)
	if bidx == "" {
		return nil, nil
	}
	// A cancelled service's person no longer ties its subject to the value.
	rows, err := tx.query(ctx, `SELECT DISTINCT p.subject_id FROM persons p
		JOIN record_subjects s ON s.id = p.subject_id
		LEFT JOIN record_services v ON v.id = p.service_id
		WHERE p.`+col+` = ? AND s.status <> 'cancelled' AND (p.service_id = '' OR v.status <> 'cancelled')
		ORDER BY p.subject_id`, bidx)
	if err != nil {
		return nil, tx.fail("find subjects by contact", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, tx.fail("find subjects by contact", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find subjects by contact", err)
	}
	return ids, nil
}

const serviceColumns = `id, subject_id, kind, detail_enc, icp_number, bureau_id, status, filed_at, updated_at, version`

// services loads the services a query selects, with their access records
// and responsible persons.
func (tx *Tx) services(ctx context.Context, query string, args ...any) ([]beian.RecordService, error) {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return nil, tx.fail("find services", err)
	}
	var out []beian.RecordService
	kr := tx.db.keys
	for rows.Next() {
		var s beian.RecordService
		var kind, detailEnc, number, status string
		if err := rows.Scan(&s.ID, &s.SubjectID, &kind, &detailEnc, &number, &s.BureauID, &status,
			scanTime(&s.FiledAt), scanTime(&s.UpdatedAt), &s.Version); err != nil {
			rows.Close()
			return nil, tx.fail("find services", err)
		}
		s.Kind, s.Status = beian.ServiceKind(kind), beian.RecordStatus(status)
		b, err := kr.Decrypt(ctxServiceDetail, detailEnc)
		if err != nil {
			rows.Close()
			return nil, tx.fail("find services", err)
		}
		var d serviceDetail
		if err := json.Unmarshal(b, &d); err != nil {
			rows.Close()
			return nil, tx.fail("find services", fmt.Errorf("service %s detail: %w", s.ID, err))
		}
		s.Website, s.App = d.Website, d.App
		if s.Number, err = parseNumber(number); err != nil {
			rows.Close()
			return nil, tx.fail("find services", fmt.Errorf("service %s: %w", s.ID, err))
		}
		out = append(out, s)
	}
	// Close before the next queries: SQLite and pgx's stdlib run one
	// statement at a time on a transaction's connection.
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find services", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	ids := make([]any, len(out))
	index := make(map[string]int, len(out))
	for i := range out {
		ids[i] = out[i].ID
		index[out[i].ID] = i
	}
	in := "(" + placeholders(len(ids)) + ")"
	persons, err := tx.persons(ctx, `service_id IN `+in, ids...)
	if err != nil {
		return nil, err
	}
	for i := range out {
		s := &out[i]
		if p, ok := persons[personKey{s.SubjectID, s.ID, personService}]; ok {
			*servicePrincipal(s) = p
		}
	}
	if err := tx.accessRecords(ctx, in, ids, out, index); err != nil {
		return nil, err
	}
	return out, nil
}

func (tx *Tx) accessRecords(ctx context.Context, in string, ids []any, out []beian.RecordService, index map[string]int) error {
	rows, err := tx.query(ctx, `SELECT service_id, id, bureau_id, provider, ours, ips, status, created_at, cancelled_at
		FROM access_records WHERE service_id IN `+in+` ORDER BY service_id, position`, ids...)
	if err != nil {
		return tx.fail("find access records", err)
	}
	defer rows.Close()
	for rows.Next() {
		var serviceID, ips, status string
		var a beian.AccessRecord
		if err := rows.Scan(&serviceID, &a.ID, &a.BureauID, &a.Provider, &a.Ours, &ips, &status,
			scanTime(&a.CreatedAt), scanTime(&a.CancelledAt)); err != nil {
			return tx.fail("find access records", err)
		}
		a.Status = beian.AccessStatus(status)
		if err := json.Unmarshal([]byte(ips), &a.IPs); err != nil {
			return tx.fail("find access records", fmt.Errorf("access record %s ips: %w", a.ID, err))
		}
		if len(a.IPs) == 0 {
			a.IPs = nil
		}
		s := &out[index[serviceID]]
		s.Access = append(s.Access, a)
	}
	if err := rows.Err(); err != nil {
		return tx.fail("find access records", err)
	}
	return nil
}

type personKey struct{ subject, service, role string }

// persons loads and decrypts the person rows a condition selects.
func (tx *Tx) persons(ctx context.Context, where string, args ...any) (map[personKey]beian.Person, error) {
	rows, err := tx.query(ctx, `SELECT subject_id, service_id, role, name, cert_type, cert_enc, cert_valid_from, cert_valid_until,
			long_term, mobile_enc, emergency_phone_enc, email_enc, office_phone_enc, residence_permit_until
		FROM persons WHERE `+where, args...)
	if err != nil {
		return nil, tx.fail("find persons", err)
	}
	defer rows.Close()
	out := make(map[personKey]beian.Person)
	kr := tx.db.keys
	for rows.Next() {
		var k personKey
		var p beian.Person
		var certType, certEnc, validFrom, validUntil, mobileEnc, phoneEnc, emailEnc, officeEnc, permitUntil string
		if err := rows.Scan(&k.subject, &k.service, &k.role, &p.Name, &certType, &certEnc, &validFrom, &validUntil,
			&p.LongTerm, &mobileEnc, &phoneEnc, &emailEnc, &officeEnc, &permitUntil); err != nil {
			return nil, tx.fail("find persons", err)
		}
		p.CertificateType = beian.CertificateType(certType)
		for _, f := range []struct {
			ctx string
			enc string
			dst *string
		}{
			{ctxPersonCert, certEnc, &p.CertificateNumber},
			{ctxPersonMobile, mobileEnc, &p.Mobile},
			{ctxPersonPhone, phoneEnc, &p.EmergencyPhone},
			{ctxPersonEmail, emailEnc, &p.Email},
			{ctxPersonOffice, officeEnc, &p.OfficePhone},
		} {
			if *f.dst, err = kr.DecryptString(f.ctx, f.enc); err != nil {
				return nil, tx.fail("find persons", err)
			}
		}
		for _, f := range []struct {
			s   string
			dst *beian.Date
		}{{validFrom, &p.CertificateValidFrom}, {validUntil, &p.CertificateValidUntil}, {permitUntil, &p.ResidencePermitUntil}} {
			if f.s == "" {
				continue
			}
			if *f.dst, err = beian.ParseDate(f.s); err != nil {
				return nil, tx.fail("find persons", err)
			}
		}
		out[k] = p
	}
	if err := rows.Err(); err != nil {
		return nil, tx.fail("find persons", err)
	}
	return out, nil
}
