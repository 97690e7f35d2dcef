// Command openapigen writes the JSON API's OpenAPI document, generated
// from the code in package web, to a file. It is run by go generate ./web:
//
//	go run ./internal/openapigen -o ../docs/openapi.json
//
// TestOpenAPIFresh fails while the committed document differs.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/openbeian/beian/web"
)

func main() {
	out := flag.String("o", "docs/openapi.json", "file to write")
	flag.Parse()
	doc, err := web.OpenAPIJSON()
	if err == nil {
		err = os.WriteFile(*out, doc, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "openapigen:", err)
		os.Exit(1)
	}
}
