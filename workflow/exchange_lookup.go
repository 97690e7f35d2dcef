package workflow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/cnid"
	"github.com/openbeian/beian/miit"
)

// DefaultLookupTimeout bounds one bureau look-up of the filing-type check
// (isp_querybeianstatus): a person is waiting for the page.
const DefaultLookupTimeout = 5 * time.Second

// FilingLookup returns the filing-type check's look-up (验证备案类型)
// backed by our records and the bureau: our records answer first, and
// what they do not know — a subject or a domain filed through another
// provider — is asked of the bureau with isp_querybeianstatus over the
// province's connection (or, without one, any enabled connection: the
// query is about filings, wherever they were made). Each call is bounded
// by ExchangeConfig.LookupTimeout; nothing is cached, so every check sees
// the bureau as it is. Errors: EUNAVAILABLE when the bureau cannot be
// asked or does not answer, ErrLookupUnsupported for a certificate type
// V3.0 cannot query.
func (x *Exchange) FilingLookup() FilingLookup {
	return bureauLookup{x: x, records: RecordsLookup(x.w.store)}
}

type bureauLookup struct {
	x       *Exchange
	records FilingLookup
}

// DomainStatus implements FilingLookup.
func (l bureauLookup) DomainStatus(ctx context.Context, province, domain string) (*FilingStatus, error) {
	if st, err := l.records.DomainStatus(ctx, province, domain); err != nil || st != nil && st.Filed {
		return st, err
	}
	return l.x.beianStatus(ctx, province, miit.QueryByDomain, domain)
}

// SubjectStatus implements FilingLookup.
func (l bureauLookup) SubjectStatus(ctx context.Context, province string, nature beian.Nature, certType beian.CertificateType, certificate string) (*FilingStatus, error) {
	if st, err := l.records.SubjectStatus(ctx, province, nature, certType, certificate); err != nil || st != nil && st.Filed {
		return st, err
	}
	typ, ok := QueryConditionFor(certType, nature, certificate)
	if !ok {
		return nil, ErrLookupUnsupported
	}
	return l.x.beianStatus(ctx, province, typ, certificate)
}

// QueryConditionFor returns isp_querybeianstatus's condition type
// (queryConditionType, spec 3-3-5-4) for a subject's certificate, and
// false for the types V3.0 cannot query. Certificates that carry a
// unified social credit code (民办非企业单位, 基金会, 律师事务所 …) are
// queried by it as a business licence number, which is what the code
// replaced. V3.0 splits the organisation code certificate by the
// subject's nature: a government body's (9), a social organisation's (10),
// and otherwise a public institution's (3).
func QueryConditionFor(t beian.CertificateType, nature beian.Nature, number string) (miit.QueryConditionType, bool) {
	switch t {
	case beian.CertBusinessLicence, beian.CertUSCC:
		return miit.QueryByBusinessLicence, true
	case beian.CertResidentID:
		return miit.QueryByResidentID, true
	case beian.CertOrgCode:
		switch nature {
		case beian.NatureGovernment:
			return miit.QueryByGovernmentOrgCode, true
		case beian.NatureSocialOrg:
			return miit.QueryBySocialOrgCode, true
		}
		return miit.QueryByInstitutionOrgCode, true
	case beian.CertPublicInstitution:
		return miit.QueryByInstitutionLegalCert, true
	case beian.CertMilitaryCode, beian.CertMilitaryServiceLicence:
		return miit.QueryByMilitaryCode, true
	case beian.CertSocialOrg:
		return miit.QueryBySocialOrgCert, true
	case beian.CertPassport:
		return miit.QueryByPassport, true
	case beian.CertTaiwanPermit:
		return miit.QueryByTaiwanPermit, true
	}
	if _, err := cnid.ParseUSCC(number); err == nil {
		return miit.QueryByBusinessLicence, true
	}
	return 0, false
}

// beianStatus asks the bureau about one domain or certificate. The
// condition is personal data and never reaches an error or the log.
func (x *Exchange) beianStatus(ctx context.Context, province string, typ miit.QueryConditionType, condition string) (*FilingStatus, error) {
	var conn *beian.BureauConnection
	err := x.w.store.View(ctx, func(tx beian.Tx) error {
		var err error
		conn, err = lookupConnection(ctx, tx, province)
		return err
	})
	if err != nil {
		return nil, err
	}
	client, _, err := x.client(conn)
	if err != nil {
		return nil, beian.Errorf(beian.EUNAVAILABLE, "bureau.status.failed").WithCause(err)
	}
	cctx, cancel := context.WithTimeout(ctx, x.cfg.LookupTimeout)
	defer cancel()
	st, err := client.QueryBeianStatus(cctx, typ, condition)
	if re, ok := errors.AsType[*miit.ReturnError](err); ok {
		// The bureau's own words may repeat the condition: keep the code.
		err = fmt.Errorf("miit: %s returned %d (%s)", re.Method, int(re.Code), re.Code.English())
	}
	if err != nil {
		return nil, beian.Errorf(beian.EUNAVAILABLE, "bureau.status.failed").WithCause(err)
	}
	if !st.Filed {
		return nil, nil
	}
	return &FilingStatus{Filed: true, SubjectNumber: st.SubjectNumber, ServiceNumber: st.SiteNumber, ServiceName: st.SiteName}, nil
}

// lookupConnection returns the connection a look-up goes through: the
// province's when it is enabled, else the first enabled one.
func lookupConnection(ctx context.Context, tx beian.Tx, province string) (*beian.BureauConnection, error) {
	conns, err := tx.BureauConnections(ctx)
	if err != nil {
		return nil, err
	}
	var first *beian.BureauConnection
	for _, c := range conns {
		if !c.Enabled {
			continue
		}
		if c.Province == province {
			return c, nil
		}
		if first == nil {
			first = c
		}
	}
	if first == nil {
		return nil, beian.Errorf(beian.EUNAVAILABLE, "bureau.status.no_connection")
	}
	return first, nil
}

func init() {
	beian.RegisterMessages(map[string]beian.Text{
		"bureau.status.failed":        {ZH: "查询工信部备案系统（是否备案查询）失败或超时。", EN: "The bureau's filing-status query failed or timed out."},
		"bureau.status.no_connection": {ZH: "没有可用的管局连接，无法查询工信部备案系统。", EN: "No bureau connection is enabled, so the bureau's filing system cannot be asked."},
	})
}
