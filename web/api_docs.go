package web

import (
	"bytes"
	"html/template"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// The documentation page is plain HTML rendered once from the OpenAPI
// document: no script and nothing from a CDN (the pages' CSP forbids both,
// and many providers' networks cannot reach one). Tools that want more read
// /api/v1/openapi.json.

type apiDocsOp struct {
	Method, Path, ID, Summary, Description string
	Security                               string
	Params                                 []apiDocsParam
	Body                                   string
	Responses                              []string
}

type apiDocsParam struct {
	Name, In, Description string
	Required              bool
}

type apiDocsTag struct {
	Name, Description string
	Ops               []apiDocsOp
}

var apiDocsTemplate = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} {{.Version}}</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<main>
<h1>{{.Title}} {{.Version}}</h1>
<p>Machine-readable: <a href="openapi.json">openapi.json</a> (OpenAPI 3.1). Base path: <code>{{.Base}}</code>.</p>
<pre class="api-intro">{{.Description}}</pre>
<nav><ul>{{range .Tags}}<li><a href="#tag-{{.Name}}">{{.Name}}</a> — {{.Description}}</li>{{end}}</ul></nav>
{{range .Tags}}
<section id="tag-{{.Name}}">
<h2>{{.Name}}</h2>
<p>{{.Description}}</p>
{{range .Ops}}
<article id="{{.ID}}">
<h3><code>{{.Method}} {{.Path}}</code> — {{.Summary}}</h3>
<p><small>operationId <code>{{.ID}}</code>; {{.Security}}</small></p>
<pre class="api-desc">{{.Description}}</pre>
{{if .Params}}<table><thead><tr><th>parameter</th><th>in</th><th>required</th><th>description</th></tr></thead><tbody>
{{range .Params}}<tr><td><code>{{.Name}}</code></td><td>{{.In}}</td><td>{{if .Required}}yes{{end}}</td><td>{{.Description}}</td></tr>
{{end}}</tbody></table>{{end}}
{{if .Body}}<p>Request body: <code>{{.Body}}</code></p>{{end}}
<p>Responses: {{range $i, $r := .Responses}}{{if $i}}, {{end}}{{$r}}{{end}}</p>
</article>
{{end}}
</section>
{{end}}
</main>
</body>
</html>
`))

// apiDocsPage renders the documentation page of doc.
func apiDocsPage(doc *huma.OpenAPI) []byte {
	tags := make([]*apiDocsTag, 0, len(doc.Tags))
	byName := map[string]*apiDocsTag{}
	for _, t := range doc.Tags {
		dt := &apiDocsTag{Name: t.Name, Description: t.Description}
		tags = append(tags, dt)
		byName[t.Name] = dt
	}
	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		item := doc.Paths[p]
		for _, mo := range []struct {
			method string
			op     *huma.Operation
		}{{"GET", item.Get}, {"POST", item.Post}, {"PUT", item.Put}, {"PATCH", item.Patch}, {"DELETE", item.Delete}} {
			if mo.op == nil || len(mo.op.Tags) == 0 || byName[mo.op.Tags[0]] == nil {
				continue
			}
			t := byName[mo.op.Tags[0]]
			t.Ops = append(t.Ops, apiDocsOperation(mo.method, p, mo.op))
		}
	}
	var buf bytes.Buffer
	err := apiDocsTemplate.Execute(&buf, map[string]any{"Title": doc.Info.Title, "Version": doc.Info.Version,
		"Description": doc.Info.Description, "Base": apiPrefix, "Tags": tags})
	if err != nil {
		panic("web: API docs page: " + err.Error())
	}
	return buf.Bytes()
}

func apiDocsOperation(method, path string, op *huma.Operation) apiDocsOp {
	d := apiDocsOp{Method: method, Path: apiPrefix + path, ID: op.OperationID, Summary: op.Summary, Description: op.Description}
	var sec []string
	for _, req := range op.Security {
		for name, scopes := range req {
			s := name
			if len(scopes) > 0 {
				s += " (" + strings.Join(scopes, ", ") + ")"
			}
			sec = append(sec, s)
		}
	}
	slices.Sort(sec)
	if len(sec) == 0 {
		d.Security = "public"
	} else {
		d.Security = "auth: " + strings.Join(sec, " or ")
	}
	for _, p := range op.Parameters {
		d.Params = append(d.Params, apiDocsParam{Name: p.Name, In: p.In, Description: p.Description, Required: p.Required})
	}
	if op.RequestBody != nil {
		if mt := op.RequestBody.Content["application/json"]; mt != nil && mt.Schema != nil {
			d.Body = strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/")
		}
	}
	codes := make([]string, 0, len(op.Responses))
	for c := range op.Responses {
		codes = append(codes, c)
	}
	slices.SortFunc(codes, func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	})
	for _, c := range codes {
		d.Responses = append(d.Responses, c+" "+op.Responses[c].Description)
	}
	return d
}
