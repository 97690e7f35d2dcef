package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/probe"
)

// The compliance loop (spec §9, issue 6): sweeps probe every filed service;
// confirmed faults, expiry dates in the records and the bureau's feeds open
// rectification cases (整改) with the catalogue's category, notice, cause and
// suggestion and a deadline in working days; the customer is told, may ask
// once for an extension and for re-checks; an overdue case is escalated to
// 取消接入 on the customer's behalf. Verification tasks (HSRW) are answered
// with HSJG, unfiled sites (WBAWZLB) with WBACLJG.
//
// Decisions worth knowing:
//
//   - A probe fault opens a case only once confirmed: the sweep that first
//     sees it records a suspect and schedules a re-probe of the service
//     ConfirmAfter later; a case opens when that re-probe (or any later
//     sweep at least ConfirmAfter after the first sighting) sees the same
//     cause again, and the suspect is dropped when a conclusive probe does
//     not. Transient outages therefore never reach customers. Registry
//     answers (domain expiry) and record dates are not transient and open
//     cases at once.
//   - A later conclusive probe that no longer sees a probe-detected fault
//     closes its case as fixed; a service whose access here ended closes
//     its cases as cancelled. Re-checks run the same probes (or re-read the
//     records) at once; causes Beian cannot check itself wait for an
//     officer's verdict.
//   - The deadline runs from the opening (category working days; for a date
//     that has not run out yet, that many working days after the date). A
//     case whose customer was never notified, with an order in progress on
//     its subject, or with a re-check pending is held, not escalated.
//   - The extension is the customer's request, decided by an officer, or
//     granted at once when AutoApproveExtensions is set.

// Job kinds of the compliance loop.
const (
	// JobComplianceSweep runs a sweep; payload SweepArgs (empty: the
	// periodic sweep of every service, DNS and homepage).
	JobComplianceSweep = "compliance.sweep"
	// JobComplianceDomains is the periodic sweep of registrations (RDAP,
	// WHOIS), less frequent since registries throttle.
	JobComplianceDomains = "compliance.sweep_domains"
	// JobComplianceDeadlines sends reminders and escalates overdue cases;
	// periodic.
	JobComplianceDeadlines = "compliance.deadlines"
	// JobComplianceNotice writes a case notice; payload CaseNoticeArgs.
	JobComplianceNotice = "compliance.notice"
	// JobComplianceRecheck re-checks a case; payload CaseJobArgs.
	JobComplianceRecheck = "compliance.recheck"
	// JobComplianceExtension follows a customer's extension request: it
	// grants it at once when AutoApproveExtensions is set; payload
	// CaseJobArgs.
	JobComplianceExtension = "compliance.extension"
	// JobComplianceRefused opens the case of a refused verification task;
	// payload TaskJobArgs.
	JobComplianceRefused = "compliance.task_refused"
	// JobComplianceEscalate creates, passes and submits the 取消接入 order
	// of an escalated case; payload CaseJobArgs.
	JobComplianceEscalate = "compliance.escalate"
)

// ActorCompliance is the actor of the compliance loop's own actions.
const ActorCompliance = "system:compliance"

// complianceActor acts for the loop where the workflow wants a user: it
// holds the compliance role, so it may create orders on customers' behalf.
var complianceActor = &beian.User{ID: ActorCompliance, Login: ActorCompliance, DisplayName: "合规巡检", Role: beian.RoleCompliance}

// SweepArgs is the payload of JobComplianceSweep.
type SweepArgs struct {
	Scope   beian.SweepScope `json:"scope,omitempty"`
	ScopeID string           `json:"scope_id,omitempty"`
	// Checks names the probes to run: dns, homepage, domain (RDAP and
	// WHOIS). Empty means dns and homepage.
	Checks      []string `json:"checks,omitempty"`
	RequestedBy string   `json:"requested_by,omitempty"`
}

// CaseJobArgs is the payload of the jobs about one case.
type CaseJobArgs struct {
	CaseID string `json:"case_id"`
	// Attempt counts inconclusive re-checks.
	Attempt int `json:"attempt,omitempty"`
}

// CaseNoticeArgs is the payload of JobComplianceNotice.
type CaseNoticeArgs struct {
	CaseID string           `json:"case_id"`
	Notice beian.CaseNotice `json:"notice"`
	// Key names this instance of the notice, so a retried job writes
	// nothing twice.
	Key string `json:"key"`
}

// DefaultCaseDeadlines are the working days a customer has to rectify, by
// category: subject changes need documents from the market regulator, site
// fixes are quick.
var DefaultCaseDeadlines = map[beian.CaseCategory]int{
	beian.CategorySubject: 15,
	beian.CategoryService: 10,
	beian.CategoryContent: 5,
	beian.CategoryApp:     10,
	beian.CategoryAccess:  5,
}

// ComplianceConfig configures the compliance loop. Zero values are the
// defaults named.
type ComplianceConfig struct {
	// Prober runs the probes; nil disables sweeps and probe re-checks
	// (cases still come from the records and the bureau).
	Prober *probe.Prober
	// Exchange submits the 取消接入 orders of escalations and carries HSJG
	// and WBACLJG uploads; nil leaves escalation orders for staff to
	// submit from the console.
	Exchange *Exchange
	// Notifier writes case notices; nil leaves cases opened, never
	// notified (and so never escalated).
	Notifier beian.CaseNotifier
	// Deadlines are the working days per category; missing categories
	// take DefaultCaseDeadlines.
	Deadlines map[beian.CaseCategory]int
	// ReminderWorkdays is how many working days before the deadline the
	// reminder goes out; 0 means 2.
	ReminderWorkdays int
	// ConfirmAfter is how long after a fault's first sighting a probe must
	// see it again to open a case; 0 means 30 minutes.
	ConfirmAfter time.Duration
	// ExpiryLeadDays is how many days before a date in the records runs
	// out (certificates, IDs, pre-approvals) a case opens; 0 means 30.
	ExpiryLeadDays int
	// AutoApproveExtensions grants extension requests at once.
	AutoApproveExtensions bool
	// ResultRetention is how long sweep results without findings are kept;
	// 0 means 30 days.
	ResultRetention time.Duration
	// RecheckAttempts is how often an inconclusive re-check is tried
	// again, ten minutes apart, before an officer must decide; 0 means 3.
	RecheckAttempts int
}

// Compliance runs the compliance loop's jobs. Its read and request actions
// live on Workflow (compliance_*.go), so that the web needs only the
// workflow; what needs the probes or the bureau runs here, in jobs.
type Compliance struct {
	w   *Workflow
	cfg ComplianceConfig
	log *slog.Logger
}

// NewCompliance returns the compliance loop over w.
func NewCompliance(w *Workflow, cfg ComplianceConfig) *Compliance {
	d := map[beian.CaseCategory]int{}
	for k, v := range DefaultCaseDeadlines {
		d[k] = v
	}
	for k, v := range cfg.Deadlines {
		if v > 0 {
			d[k] = v
		}
	}
	cfg.Deadlines = d
	if cfg.ReminderWorkdays <= 0 {
		cfg.ReminderWorkdays = 2
	}
	if cfg.ConfirmAfter <= 0 {
		cfg.ConfirmAfter = 30 * time.Minute
	}
	if cfg.ExpiryLeadDays <= 0 {
		cfg.ExpiryLeadDays = 30
	}
	if cfg.ResultRetention <= 0 {
		cfg.ResultRetention = 30 * 24 * time.Hour
	}
	if cfg.RecheckAttempts <= 0 {
		cfg.RecheckAttempts = 3
	}
	return &Compliance{w: w, cfg: cfg, log: w.log.With("component", "compliance")}
}

// Handlers returns the job handlers of the compliance loop by kind,
// JobComplianceFeed (the exchange's) included, for the queue.
func (c *Compliance) Handlers() map[string]func(context.Context, beian.Job) error {
	caseArgs := func(j beian.Job) (CaseJobArgs, error) {
		var a CaseJobArgs
		if err := json.Unmarshal(j.Payload, &a); err != nil || a.CaseID == "" {
			return a, fmt.Errorf("workflow: %s job without a case: %s", j.Kind, j.Payload)
		}
		return a, nil
	}
	return map[string]func(context.Context, beian.Job) error{
		JobComplianceSweep: func(ctx context.Context, j beian.Job) error {
			var a SweepArgs
			if len(j.Payload) > 0 && string(j.Payload) != "null" {
				if err := json.Unmarshal(j.Payload, &a); err != nil {
					return fmt.Errorf("workflow: sweep payload: %w", err)
				}
			}
			_, err := c.Sweep(ctx, a)
			return err
		},
		JobComplianceDomains: func(ctx context.Context, j beian.Job) error {
			_, err := c.Sweep(ctx, SweepArgs{Scope: beian.SweepAll, Checks: []string{CheckNameDomain}})
			return err
		},
		JobComplianceDeadlines: func(ctx context.Context, j beian.Job) error { return c.RunDeadlines(ctx) },
		JobComplianceNotice: func(ctx context.Context, j beian.Job) error {
			var a CaseNoticeArgs
			if err := json.Unmarshal(j.Payload, &a); err != nil || a.CaseID == "" {
				return fmt.Errorf("workflow: notice payload: %s", j.Payload)
			}
			return c.writeNotice(ctx, a)
		},
		JobComplianceRecheck: func(ctx context.Context, j beian.Job) error {
			a, err := caseArgs(j)
			if err != nil {
				return err
			}
			return c.Recheck(ctx, a.CaseID, a.Attempt)
		},
		JobComplianceEscalate: func(ctx context.Context, j beian.Job) error {
			a, err := caseArgs(j)
			if err != nil {
				return err
			}
			return c.Escalate(ctx, a.CaseID)
		},
		JobComplianceExtension: func(ctx context.Context, j beian.Job) error {
			a, err := caseArgs(j)
			if err != nil {
				return err
			}
			return c.autoExtend(ctx, a.CaseID)
		},
		JobComplianceRefused: func(ctx context.Context, j beian.Job) error {
			var a TaskJobArgs
			if err := json.Unmarshal(j.Payload, &a); err != nil || a.TaskID == "" {
				return fmt.Errorf("workflow: task payload: %s", j.Payload)
			}
			return c.refused(ctx, a.TaskID)
		},
		JobComplianceFeed: func(ctx context.Context, j beian.Job) error {
			var a ComplianceFeedArgs
			if err := json.Unmarshal(j.Payload, &a); err != nil || a.ItemID == "" {
				return fmt.Errorf("workflow: feed payload: %s", j.Payload)
			}
			return c.HandleFeed(ctx, a.ItemID)
		},
	}
}

// writeNotice writes one case notice through the notifier and, for the
// opening notice, marks the case notified in the same transaction.
func (c *Compliance) writeNotice(ctx context.Context, a CaseNoticeArgs) error {
	if c.cfg.Notifier == nil {
		c.log.WarnContext(ctx, "no case notifier configured; the case is not notified", "case", a.CaseID, "notice", string(a.Notice))
		return nil
	}
	var written int
	err := c.w.store.Update(ctx, func(tx beian.Tx) error {
		k, err := tx.FindCase(ctx, a.CaseID)
		if beian.ErrorCode(err) == beian.ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		if written, err = c.cfg.Notifier.NotifyCase(ctx, tx, k, a.Notice, a.Key); err != nil {
			return err
		}
		if a.Notice != beian.NoticeOpened || k.State != beian.CaseOpened {
			return nil
		}
		if err := k.Apply(beian.CaseEventNotify, tx.Now()); err != nil {
			return err
		}
		if err := tx.UpdateCase(ctx, k); err != nil {
			return err
		}
		return caseAudit(ctx, tx, ActorCompliance, "case.notify", k, map[string]any{"messages": written})
	})
	if err != nil {
		return err
	}
	c.log.InfoContext(ctx, "case notice written", "case", a.CaseID, "notice", string(a.Notice), "messages", written)
	return nil
}

// caseAudit appends an audit event for a case; data never holds personal
// data (IDs, codes, counts, dates).
func caseAudit(ctx context.Context, tx beian.Tx, actor, action string, k *beian.Case, data map[string]any) error {
	d := map[string]any{"state": k.State, "cause": k.Cause}
	for key, v := range data {
		d[key] = v
	}
	return audit(ctx, tx, actor, action, "case", k.ID, d)
}

// notice enqueues a case notice in tx.
func notice(ctx context.Context, tx beian.Tx, k *beian.Case, n beian.CaseNotice) error {
	key := fmt.Sprintf("%s/v%d", n, k.Version)
	return enqueue(ctx, tx, JobComplianceNotice, k.ID+"/"+key, CaseNoticeArgs{CaseID: k.ID, Notice: n, Key: key}, time.Time{})
}
