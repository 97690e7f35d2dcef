package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/notify"
	"github.com/openbeian/beian/probe"
	"github.com/openbeian/beian/workflow"
)

// ComplianceConfig configures the compliance loop of serve.
type ComplianceConfig struct {
	// SweepEvery is how often every filed service is probed (DNS and
	// homepage); registrations are swept every seventh period. 0 turns the
	// periodic sweeps off (staff can still start one in the console), which
	// is the zero value so that tests never reach outside the machine.
	SweepEvery time.Duration
	// Resolvers are the DNS servers the probes ask (host:port); empty means
	// the machine's /etc/resolv.conf.
	Resolvers []string
	// DeadlineCheck is how often reminders go out and overdue cases are
	// escalated; 0 means an hour.
	DeadlineCheck time.Duration
	// Deadlines are the working days a customer has to rectify, by §9.4
	// category (A–E); missing ones take workflow.DefaultCaseDeadlines.
	Deadlines map[beian.CaseCategory]int

	envErr error // a bad BEIAN_CASE_DEADLINES, reported by validate
}

func (c *ComplianceConfig) flags(fs *flag.FlagSet) {
	every, _ := time.ParseDuration(envOr("BEIAN_SWEEP_EVERY", "24h"))
	fs.DurationVar(&c.SweepEvery, "sweep-every", every, "how often the compliance sweep probes every filed service; 0 turns periodic sweeps off (env BEIAN_SWEEP_EVERY)")
	fs.Func("probe-dns", "comma-separated DNS servers (host:port) the compliance probes ask; default /etc/resolv.conf (env BEIAN_PROBE_DNS)", func(s string) error {
		c.Resolvers = splitList(s)
		return nil
	})
	c.Resolvers = splitList(os.Getenv("BEIAN_PROBE_DNS"))
	if v := os.Getenv("BEIAN_CASE_DEADLINES"); v != "" {
		c.Deadlines, c.envErr = parseDeadlines(v)
	}
	fs.Func("case-deadlines", "working days to rectify by category, e.g. A=15,B=10,C=5,D=10,E=5 (env BEIAN_CASE_DEADLINES)", func(s string) (err error) {
		c.Deadlines, err = parseDeadlines(s)
		c.envErr = nil // the flag wins over the environment
		return err
	})
}

// parseDeadlines reads "A=15,B=10": a §9.4 category and its working days
// (1–60).
func parseDeadlines(s string) (map[beian.CaseCategory]int, error) {
	out := map[beian.CaseCategory]int{}
	for _, p := range splitList(s) {
		k, v, ok := strings.Cut(p, "=")
		cat := beian.CaseCategory(strings.ToUpper(strings.TrimSpace(k)))
		days, err := strconv.Atoi(strings.TrimSpace(v))
		if !ok || err != nil || days < 1 || days > 60 || !slices.Contains(beian.CaseCategories, cat) {
			return nil, fmt.Errorf("case deadline %q: want a category A–E and 1–60 working days, e.g. A=15", p)
		}
		out[cat] = days
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// startCompliance builds the compliance loop over the workflow, the
// exchange and the notifier, and registers its jobs: feed items from the
// bureau, case notices, re-checks, escalations, the deadline check and the
// periodic sweeps. Run calls it after startBureau and before the jobs
// start.
func (m *Main) startCompliance(n *notify.Notifier) error {
	cc := m.Config.Compliance
	cfg := workflow.ComplianceConfig{Exchange: m.Bureau.Exchange, Deadlines: cc.Deadlines}
	cn, err := notify.NewCaseNotifier(n, func(id string) string {
		if u := m.URL(); u != "" {
			return u + "/portal/cases/" + id
		}
		return ""
	})
	if err != nil {
		return err
	}
	cfg.Notifier = cn
	// Without resolvers (no /etc/resolv.conf) the loop still opens cases
	// from the records and the bureau; only the probes wait.
	prober, err := probe.New(probe.Config{Clock: m.Clock, DNS: probe.DNSConfig{Servers: cc.Resolvers}})
	if err != nil {
		m.Logger.Warn("compliance probes off: no DNS servers (set --probe-dns)", "err", err)
	} else {
		m.prober, cfg.Prober = prober, prober
	}
	m.Compliance = workflow.NewCompliance(m.Workflow, cfg)
	for kind, h := range m.Compliance.Handlers() {
		m.Jobs.Handle(kind, h)
	}
	check := cc.DeadlineCheck
	if check <= 0 {
		check = time.Hour
	}
	m.Jobs.Periodic(workflow.JobComplianceDeadlines, check)
	if cc.SweepEvery > 0 && cfg.Prober != nil {
		m.Jobs.Periodic(workflow.JobComplianceSweep, cc.SweepEvery)
		m.Jobs.Periodic(workflow.JobComplianceDomains, 7*cc.SweepEvery)
	}
	return nil
}

// closeCompliance releases the probes' connections.
func (m *Main) closeCompliance() error {
	if m.prober == nil {
		return nil
	}
	return m.prober.Close()
}

// sweepEvery is the period of the sweeps serve runs, 0 when it runs none.
func (m *Main) sweepEvery() time.Duration {
	if m.prober == nil {
		return 0
	}
	return m.Config.Compliance.SweepEvery
}
