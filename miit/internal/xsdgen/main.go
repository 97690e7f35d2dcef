// Command xsdgen generates the Go types of package miit from MIIT's enterprise-interface XSDs.
//
// It reads the UTF-8 copies of the schemas (the GBK originals are byte-for-byte the same
// documents re-encoded) and writes types_upload.go, types_download.go and types_return.go:
// one struct per complex element, with xml tags in schema order, doc comments carrying the
// schema's Chinese xs:documentation, and a model table (occurrence, compositor, facets) that
// miit's Validate checks. The MIIT schemas use only anonymous inline types, xs:sequence,
// xs:all and xs:choice over plain elements, and length/range facets; anything else makes the
// generator fail rather than guess.
//
// Run it through `go generate ./miit`; the test in this directory fails when the committed
// files differ from a fresh run.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	xsdDir := flag.String("xsd", "testdata/xsd/utf8", "directory of the UTF-8 XSDs")
	outDir := flag.String("out", ".", "directory to write the generated Go files to")
	flag.Parse()
	read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(*xsdDir, name)) }
	for _, o := range outputs {
		src, err := generate(o, read)
		if err != nil {
			fmt.Fprintln(os.Stderr, "xsdgen:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(filepath.Join(*outDir, o.File), src, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "xsdgen:", err)
			os.Exit(1)
		}
	}
}
