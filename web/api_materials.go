package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/workflow"
)

// Materials are uploaded one file per request, the file's bytes as the
// body: no multipart, so any HTTP client can send one, and the body
// streams into the checks without being buffered. The workflow sniffs the
// type from the content, never from names or headers, and refuses bad
// files before anything is stored.

type (
	apiUploadInput struct {
		ID       string `path:"id" maxLength:"64" doc:"Order ID."`
		Purpose  string `path:"purpose" maxLength:"64" doc:"What the document is: subject_certificate, principal_id_front, principal_id_back, commitment_letter, commitment_video, app_icon, pre_approval, other … (the portal's checklist and GET /orders/{id}/precheck name the ones missing)." example:"subject_certificate"`
		Owner    string `query:"owner" maxLength:"64" doc:"\"subject\" (the default), or the ID of the website or app the document belongs to." example:"subject"`
		Category string `query:"category" maxLength:"64" doc:"For pre_approval files: the pre-approval's category."`
		// body is the request body, capped at the purpose's limit; huma
		// does not read it, since the input has no Body field.
		body io.Reader
	}
	apiUploadOutput struct {
		ETag string `header:"ETag" doc:"The order's new version."`
		Body apiUploaded
	}
	// apiUploaded is an accepted upload.
	apiUploaded struct {
		Order    apiOrderSummary `json:"order" doc:"The order, with its new version."`
		Material beian.Material  `json:"material" doc:"The stored document."`
		Advice   []apiFinding    `json:"advice" doc:"What the photo checks noticed without refusing the file (glare, a slight blur …)."`
	}
	apiMaterialPath struct {
		ID         string `path:"id" maxLength:"64" doc:"Order ID."`
		MaterialID string `path:"material_id" maxLength:"200" doc:"The material's ID (snapshot.materials[].id)."`
	}
	apiMaterialContent struct {
		ContentType        string `header:"Content-Type" doc:"The sniffed media type."`
		ContentDisposition string `header:"Content-Disposition"`
		Body               func(huma.Context)
	}
)

// Resolve takes the request body for the upload, capped at the purpose's
// limit (huma.Resolver; the path parameters are parsed by now).
func (in *apiUploadInput) Resolve(ctx huma.Context) []error {
	r, w := humago.Unwrap(ctx)
	in.body = apiCappedBody{http.MaxBytesReader(w, r.Body, workflow.MaterialLimit(in.Purpose)+1)}
	return nil
}

// apiCappedBody reports a body cut off by http.MaxBytesReader as the
// workflow's ErrBodyTooLarge, so the answer is "file too large" rather
// than a read failure.
type apiCappedBody struct{ r io.Reader }

// Read reads the body, translating the cap's error.
func (c apiCappedBody) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = fmt.Errorf("%w: %w", workflow.ErrBodyTooLarge, err)
	}
	return n, err
}

func (s *Server) apiMaterialOperations(api huma.API) {
	read, write := apiAccessScope(ScopeOrdersRead), apiAccessScope(ScopeOrdersWrite)
	wf := func() *workflow.Workflow { return s.cfg.Workflow }

	apiRegister(api, write, huma.Operation{
		OperationID: "upload-material", Method: http.MethodPost, Path: "/orders/{id}/materials/{purpose}", Tags: []string{"orders"},
		Summary: "Upload a material",
		Description: "Attaches one document to an editable order: the file's bytes are the request body (any Content-Type; " +
			"the type is sniffed from the content). Images are checked for type, size (4 MB; the app icon 100 KB), " +
			"resolution and photo quality, videos (50 MB) by their container; a refused file answers 422 " +
			"(material.rejected) with the reasons and fixes in `findings` and is not stored. A new upload of the same " +
			"purpose and owner replaces the old one; `other` attachments accumulate.",
		RequestBody: &huma.RequestBody{Required: true, Description: "The file's bytes.",
			Content: map[string]*huma.MediaType{"application/octet-stream": {Schema: &huma.Schema{Type: huma.TypeString, Format: "binary"}}}},
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, func(ctx context.Context, in *apiUploadInput) (*apiUploadOutput, error) {
		u := apiUser(ctx)
		o, m, advice, err := wf().UploadMaterial(ctx, u, s.cfg.Blobs, workflow.MaterialUpload{OrderID: in.ID, Purpose: in.Purpose,
			Owner: in.Owner, Category: in.Category, Body: in.body})
		if err != nil {
			return nil, err
		}
		out := &apiUploadOutput{ETag: apiETag(o.Version), Body: apiUploaded{Order: apiSummaryOf(o), Material: *m, Advice: []apiFinding{}}}
		for _, f := range advice {
			out.Body.Advice = append(out.Body.Advice, apiUploadFinding(f))
		}
		return out, nil
	})

	apiRegister(api, read, huma.Operation{
		OperationID: "get-material-content", Method: http.MethodGet, Path: "/orders/{id}/materials/{material_id}/content", Tags: []string{"orders"},
		Summary:     "Download a material",
		Description: "The uploaded document's bytes, with its sniffed media type. Everyone who may read the order.",
		Errors:      []int{http.StatusNotFound},
		Responses: map[string]*huma.Response{"200": {Description: "The document.",
			Content: map[string]*huma.MediaType{"application/octet-stream": {Schema: &huma.Schema{Type: huma.TypeString, Format: "binary"}}}}},
	}, func(ctx context.Context, in *apiMaterialPath) (*apiMaterialContent, error) {
		rc, m, err := wf().OpenMaterial(ctx, apiUser(ctx), s.cfg.Blobs, in.ID, in.MaterialID)
		if err != nil {
			return nil, err
		}
		return &apiMaterialContent{ContentType: m.MediaType,
			ContentDisposition: mime.FormatMediaType("attachment", map[string]string{"filename": m.Purpose + "-" + m.ID}),
			Body: func(hc huma.Context) {
				defer rc.Close()
				hc.SetStatus(http.StatusOK)
				_, _ = io.Copy(hc.BodyWriter(), rc)
			}}, nil
	})

	apiRegister(api, write, huma.Operation{
		OperationID: "remove-material", Method: http.MethodDelete, Path: "/orders/{id}/materials/{material_id}", Tags: []string{"orders"},
		Summary:     "Remove a material",
		Description: "Takes a wrong upload off an editable order; the file stays stored as evidence.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict},
	}, func(ctx context.Context, in *apiMaterialPath) (*apiOrderOutput, error) {
		o, err := wf().RemoveMaterial(ctx, apiUser(ctx), in.ID, in.MaterialID)
		if err != nil {
			return nil, err
		}
		return &apiOrderOutput{ETag: apiETag(o.Version), Body: s.apiOrderOf(apiUser(ctx), o)}, nil
	})
}

// apiUploadFinding is an upload check's finding in the pre-check's shape.
func apiUploadFinding(f workflow.UploadFinding) apiFinding {
	sev := "warning"
	if f.Reject {
		sev = "blocking"
	}
	return apiFinding{Rule: f.Code, Field: "body", Severity: sev, Reason: f.Reason, Remedy: f.Fix}
}
