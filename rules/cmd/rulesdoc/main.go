// Command rulesdoc writes docs/rules.md from the rule catalogue. Run it with
// `go generate ./rules` (or `go run ./rules/cmd/rulesdoc -o docs/rules.md`
// from the repository root); a test in package rules fails while the
// committed file differs from what it would write.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/openbeian/beian/rules"
)

func main() {
	out := flag.String("o", "docs/rules.md", "file to write")
	flag.Parse()
	if err := os.WriteFile(*out, rules.Markdown(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "rulesdoc:", err)
		os.Exit(1)
	}
}
