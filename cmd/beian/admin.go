package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/jobs"
)

var errAuditBroken = errors.New("audit chain broken")

// migrate applies the store's and the job queue's migrations, for
// deployments that run them as a separate step before rolling out.
func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	fs := flag.NewFlagSet("beian migrate", flag.ContinueOnError)
	c.flags(fs)
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	log := c.logger(stderr)
	db, err := openStore(ctx, &c, beian.SystemClock{}, log) // Open migrates the store
	if err != nil {
		return err
	}
	defer db.Close()
	q, err := jobs.New(db.SQL(), string(db.Dialect()), jobs.Config{Logger: log})
	if err != nil {
		return err
	}
	if err := q.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrations applied (%s)\n", db.Dialect())
	return nil
}

// auditVerify walks the whole audit chain and reports every event whose
// content or link no longer matches its hash. Exit status 1 means altered.
func auditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	fs := flag.NewFlagSet("beian audit-verify", flag.ContinueOnError)
	c.flags(fs)
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	db, err := openStore(ctx, &c, beian.SystemClock{}, c.logger(stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	breaks, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if len(breaks) == 0 {
		fmt.Fprintf(stdout, "audit chain intact (verified in %s)\n", time.Since(start).Round(time.Millisecond))
		return nil
	}
	fmt.Fprintf(stdout, "audit chain BROKEN: %d problem(s)\n", len(breaks))
	for _, b := range breaks {
		what := map[string]string{
			"hash": "content changed after it was written",
			"link": "previous-hash link does not match (an earlier event was changed or removed)",
			"gap":  "event missing (sequence gap)",
		}[b.Reason]
		fmt.Fprintf(stdout, "  event %d: %s\n", b.Seq, what)
	}
	return errAuditBroken
}
