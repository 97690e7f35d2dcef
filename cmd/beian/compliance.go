package main

import (
	"flag"
	"os"
	"strings"
	"time"

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
}

func (c *ComplianceConfig) flags(fs *flag.FlagSet) {
	every, _ := time.ParseDuration(envOr("BEIAN_SWEEP_EVERY", "24h"))
	fs.DurationVar(&c.SweepEvery, "sweep-every", every, "how often the compliance sweep probes every filed service; 0 turns periodic sweeps off (env BEIAN_SWEEP_EVERY)")
	fs.Func("probe-dns", "comma-separated DNS servers (host:port) the compliance probes ask; default /etc/resolv.conf (env BEIAN_PROBE_DNS)", func(s string) error {
		c.Resolvers = splitList(s)
		return nil
	})
	c.Resolvers = splitList(os.Getenv("BEIAN_PROBE_DNS"))
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
	cfg := workflow.ComplianceConfig{Exchange: m.Bureau.Exchange}
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
