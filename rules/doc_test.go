package rules

import (
	"bytes"
	"os"
	"testing"
)

// TestDocsFresh fails while docs/rules.md differs from what the catalogue
// renders, so CI catches a rule changed without regenerating the docs.
func TestDocsFresh(t *testing.T) {
	got, err := os.ReadFile("../docs/rules.md")
	if err != nil {
		t.Fatalf("read docs/rules.md: %v (run `go generate ./rules` to create it)", err)
	}
	if want := Markdown(); !bytes.Equal(got, want) {
		t.Fatal("docs/rules.md is stale: run `go generate ./rules` (or `go run ./rules/cmd/rulesdoc -o docs/rules.md` from the repository root) and commit the result")
	}
}
