// Command beian is the Beian ICP filing system: one binary that serves the
// customer portal and staff console, runs the background jobs and talks to
// the provincial bureau.
//
//	beian serve          run the system (zero configuration: ./beian-data)
//	beian bureau-sim     run the provincial bureau simulator on its own
//	beian migrate        apply database migrations and exit
//	beian audit-verify   prove the audit chain has not been altered
//	beian import-records import records filed before Beian (docs/record-import.md)
//
// Every flag has an environment variable (BEIAN_DB, BEIAN_LISTEN, …); flags
// win over the environment.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `Beian — ICP filing system for access providers

Usage:
  beian serve         run the system (portal, console, jobs, bureau simulator)
  beian bureau-sim    run the provincial bureau simulator on its own
  beian migrate       apply database migrations and exit
  beian audit-verify  verify the audit chain; exit 1 when it was altered
  beian import-records  import records filed with MIIT before Beian; exit 1 when any is refused
  beian help          show this help

Run "beian <command> -h" for the flags of a command.
`

// run dispatches a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		args = []string{"serve"}
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stdout, stderr)
	case "bureau-sim":
		err = bureauSim(ctx, args[1:], stdout, stderr)
	case "migrate":
		err = migrate(ctx, args[1:], stdout, stderr)
	case "audit-verify":
		err = auditVerify(ctx, args[1:], stdout, stderr)
	case "import-records":
		err = importRecords(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "beian: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errAuditBroken), errors.Is(err, errImportRefused):
		return 1
	default:
		fmt.Fprintf(stderr, "beian: %v\n", err)
		return 1
	}
}

var errUsage = errors.New("usage")
