// Package workflow is where business actions happen: creating and
// submitting orders, reviewing them, sending them to the bureau, applying
// the bureau's results, and the other operations on records and cases.
// Each action is one store transaction that writes the changed rows, their
// audit events and the jobs they cause, so a crash at any point loses
// nothing and does nothing twice.
//
// Authorisation lives here too, so the portal, the console and the JSON API
// enforce exactly the same rules.
package workflow

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workday"
)

// SLA holds the deadlines of the waiting states.
type SLA struct {
	// Review is the provider's preliminary review, in working days (1–2).
	Review int
	// SMSWindow is MIIT's SMS verification window (24 hours).
	SMSWindow time.Duration
	// Bureau is the bureau's review, in working days (up to 20), shown to
	// customers as the latest expected date.
	Bureau int
}

// DefaultSLA is the spec's figures (§4.7).
var DefaultSLA = SLA{Review: 2, SMSWindow: 24 * time.Hour, Bureau: 20}

// Config is what the workflow needs.
type Config struct {
	Store    beian.Store
	Clock    beian.Clock
	Calendar *workday.Calendar
	Rules    *rules.Engine
	// Facts supplies the facts of the pre-check: NewStoreFacts gives the
	// store's (records, contacts, blacklists, address ranges, resources),
	// the caller adds the network's (domains, DNS, homepages). Without
	// Records or Contacts the workflow reads them from Store itself.
	Facts     rules.Facts
	Overrides *rules.Overrides
	SLA       SLA
	Logger    *slog.Logger
	// Lookup asks the bureau whether a domain or subject is filed, for the
	// filing-type check (verify.go); nil decides from our records alone.
	Lookup FilingLookup
}

// Workflow runs the business actions.
type Workflow struct {
	store beian.Store
	clock beian.Clock
	cal   *workday.Calendar
	rules *rules.Engine
	facts rules.Facts
	over  *rules.Overrides
	sla   SLA
	log   *slog.Logger
	// lookup is Config.Lookup.
	lookup FilingLookup
}

// New returns a workflow over cfg; nil parts get defaults (system clock,
// embedded calendar, default rule engine, spec SLA).
func New(cfg Config) *Workflow {
	w := &Workflow{store: cfg.Store, clock: cfg.Clock, cal: cfg.Calendar, rules: cfg.Rules, facts: cfg.Facts,
		over: cfg.Overrides, sla: cfg.SLA, log: cfg.Logger, lookup: cfg.Lookup}
	if w.clock == nil {
		w.clock = beian.SystemClock{}
	}
	if w.cal == nil {
		w.cal = workday.New()
	}
	if w.rules == nil {
		w.rules = rules.Default()
	}
	if w.sla == (SLA{}) {
		w.sla = DefaultSLA
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	return w
}

// Store returns the store the workflow writes to.
func (w *Workflow) Store() beian.Store { return w.store }

// Calendar returns the working-day calendar, for countdowns in pages.
func (w *Workflow) Calendar() *workday.Calendar { return w.cal }

// audit appends an audit event for entity in tx. Data must not hold
// personal data in clear.
func audit(ctx context.Context, tx beian.Tx, actor, action, entityType, entityID string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	return tx.AppendAudit(ctx, &beian.AuditEvent{At: tx.Now(), ActorID: actor, Action: action,
		EntityType: entityType, EntityID: entityID, Data: b})
}

// enqueue adds a job with a JSON payload.
func enqueue(ctx context.Context, tx beian.Tx, kind, unique string, payload any, runAt time.Time) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	return tx.Enqueue(ctx, beian.Job{Kind: kind, Payload: b, UniqueKey: unique, RunAt: runAt})
}

// System actors, for actions no person takes.
const (
	ActorBureau = "system:bureau"
	ActorSystem = "system:workflow"
)
