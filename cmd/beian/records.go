package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

var errImportRefused = errors.New("some records were refused")

// maxRecordFile bounds the import file read into memory.
const maxRecordFile = 256 << 20

// actorImport is who the audit trail names for a command-line import.
const actorImport = "system:import-records"

// importRecords imports records filed with MIIT before Beian from a JSON
// file (docs/record-import.md), one transaction per record, and prints
// what happened to each. Exit status 1 when any was refused. It prints
// numbers and reasons only, never the subjects' personal data.
func importRecords(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c Config
	fs := flag.NewFlagSet("beian import-records", flag.ContinueOnError)
	c.flags(fs)
	file := fs.String("file", "", "JSON array of records to import (required; see docs/record-import.md)")
	accountBy := fs.String("account-by", workflow.AccountByLogin, `what each record's "account" is: login (the main account's login) or id`)
	source := fs.String("source", "", "name of the import in the audit trail (default: the file's name)")
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if *file == "" || *accountBy != workflow.AccountByLogin && *accountBy != workflow.AccountByID {
		fmt.Fprintln(stderr, "beian import-records: --file is required and --account-by is login or id")
		return errUsage
	}
	if *source == "" {
		*source = filepath.Base(*file)
	}
	f, err := os.Open(*file)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(io.LimitReader(f, maxRecordFile+1))
	f.Close()
	if err != nil {
		return err
	}
	if len(b) > maxRecordFile {
		return fmt.Errorf("%s: larger than %d MiB; split it", *file, maxRecordFile>>20)
	}
	items, err := workflow.DecodeRecordImports(b, *accountBy)
	if err != nil {
		return fmt.Errorf("%s: %s", *file, bilingual(err))
	}
	log := c.logger(stderr)
	db, err := openStore(ctx, &c, beian.SystemClock{}, log)
	if err != nil {
		return err
	}
	defer db.Close()
	wf := workflow.New(workflow.Config{Store: db, Clock: beian.SystemClock{}, Logger: log})
	admin := &beian.User{ID: actorImport, Login: actorImport, Role: beian.RoleAdmin}
	res, err := wf.ImportRecords(ctx, admin, items, *source)
	if err != nil {
		return fmt.Errorf("%s: %s", *file, bilingual(err))
	}
	for _, it := range res.Items {
		number := it.Number
		if number == "" {
			number = "(no number)"
		}
		fmt.Fprintf(stdout, "#%d %s %s\n", it.Index+1, number, it.Outcome)
		for _, e := range it.Errors {
			field := e.Field
			if field == "" {
				field = "item"
			}
			fmt.Fprintf(stdout, "    %s: %s\n", field, bilingual(e))
		}
	}
	fmt.Fprintf(stdout, "%d imported, %d updated, %d refused\n", res.Imported, res.Updated, res.Refused)
	if res.Refused > 0 {
		return errImportRefused
	}
	return nil
}

// bilingual renders an error in Chinese and English.
func bilingual(err error) string {
	zh, en := beian.ErrorMessage(beian.LangZH, err), beian.ErrorMessage(beian.LangEN, err)
	if zh == en {
		return zh
	}
	return zh + " / " + en
}
