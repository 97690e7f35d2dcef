package workflow_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/blob"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/rules"
	"github.com/openbeian/beian/workflow"
)

// documentJPEG draws a w×h colour photo of a document on a desk: a light
// card with lines of dark strokes and a red seal, as imagecheck accepts.
func documentJPEG(w, h int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	set := func(x, y int, c color.RGBA) {
		if x >= 0 && y >= 0 && x < w && y < h {
			img.SetRGBA(x, y, c)
		}
	}
	desk, card := color.RGBA{96, 78, 62, 255}, color.RGBA{222, 216, 204, 255}
	ink, red := color.RGBA{30, 30, 36, 255}, color.RGBA{200, 40, 44, 255}
	mx, my := w/16, h/16
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := desk
			if x >= mx && x < w-mx && y >= my && y < h-my {
				c = card
			}
			n := uint8(rng.IntN(7))
			c.R, c.G, c.B = c.R-n, c.G-n, c.B-n
			img.SetRGBA(x, y, c)
		}
	}
	for ly := my + 60; ly < h-my-40; ly += 34 {
		for x := mx + 40; x < w-mx-40; x += 16 + rng.IntN(6) {
			hgt := 14 + rng.IntN(8)
			for dy := 0; dy < hgt; dy++ {
				for dx := 0; dx < 3; dx++ {
					set(x+dx, ly+dy, ink)
				}
			}
			for dx := 0; dx < 10; dx++ {
				set(x+dx, ly+rng.IntN(hgt), ink)
			}
		}
	}
	cx, cy, r := float64(w-mx-160), float64(h-my-160), 90.0
	for a := 0; a < 3600; a++ {
		for t := 0.0; t < 6; t++ {
			set(int(cx+(r-t)*math.Cos(float64(a)/10)), int(cy+(r-t)*math.Sin(float64(a)/10)), red)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88}); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// iconPNG draws a square colourful icon.
func iconPNG(side int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(40 + x%200), uint8(120 + y%100), 200, 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// bombPNG is a PNG whose header claims w×h pixels, with a valid IHDR CRC
// and a few bytes of data: a decompression bomb's header.
func bombPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		_ = binary.Write(&b, binary.BigEndian, c.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x01, 0x00, 0x00, 0xff, 0xff})
	chunk("IEND", nil)
	return b.Bytes()
}

// hugeJPEG is a real JPEG followed by padding up to about n bytes,
// produced lazily so the test itself holds little memory.
func hugeJPEG(n int64) io.Reader {
	head := documentJPEG(640, 480, 9)
	return io.MultiReader(bytes.NewReader(head), io.LimitReader(zeros{}, n-int64(len(head))))
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// mp4Header is the start of an MP4 file: an ftyp box with brand isom.
func mp4Header() []byte {
	return append([]byte{0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0}, []byte("isomiso2avc1mp41\x00\x00\x00\x08free")...)
}

func openDocs(t *testing.T) *blob.Disk {
	t.Helper()
	d, err := blob.OpenDisk(filepath.Join(t.TempDir(), "docs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func storedKeys(t *testing.T, d blob.Store) []string {
	t.Helper()
	var keys []string
	for e, err := range d.List(context.Background(), "orders/") {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, e.Key)
	}
	return keys
}

// draftWithoutMaterials creates an order holding a valid enterprise
// snapshot with no uploads yet.
func (w *world) draftWithoutMaterials(t *testing.T, n int) *beian.Order {
	t.Helper()
	ctx := context.Background()
	o, err := w.wf.CreateOrder(ctx, w.customer, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "11"})
	if err != nil {
		t.Fatal(err)
	}
	snap := fixture.Enterprise("11", n)
	snap.Materials = nil
	o, _, err = w.wf.SaveDraft(ctx, w.customer, o.ID, o.Version, snap)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestUploadMaterialStoresACheckedImage(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		docs := openDocs(t)
		ctx := context.Background()
		o := w.draftWithoutMaterials(t, 1)
		data := documentJPEG(1200, 900, 1)
		o, m, advice, err := w.wf.UploadMaterial(ctx, w.customer, docs, workflow.MaterialUpload{
			OrderID: o.ID, Purpose: rules.MaterialSubjectCertificate, Body: bytes.NewReader(data)})
		if err != nil {
			t.Fatalf("upload: %v", err)
		}
		sum := sha256.Sum256(data)
		if m.SHA256 != hex.EncodeToString(sum[:]) || m.Size != int64(len(data)) || m.MediaType != "image/jpeg" || m.Owner != "subject" {
			t.Errorf("material %+v", m)
		}
		for _, f := range advice {
			if f.Reject {
				t.Errorf("accepted upload with a rejecting finding %+v", f)
			}
		}
		rc, meta, err := docs.Get(ctx, m.DocumentID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(got, data) || meta.SHA256 != m.SHA256 {
			t.Error("stored document differs")
		}
		if len(o.Snapshot.Materials) != 1 || o.Snapshot.Materials[0].ID != m.ID {
			t.Errorf("order materials %+v", o.Snapshot.Materials)
		}
		if acts := w.audit(t, o.ID); !slices.Contains(acts, "order.material_upload") {
			t.Errorf("audit %v", acts)
		}
		// A second upload of the same purpose replaces the first in the order.
		o, m2, _, err := w.wf.UploadMaterial(ctx, w.customer, docs, workflow.MaterialUpload{
			OrderID: o.ID, Purpose: rules.MaterialSubjectCertificate, Owner: "subject", Body: bytes.NewReader(documentJPEG(1200, 900, 2))})
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Snapshot.Materials) != 1 || o.Snapshot.Materials[0].ID != m2.ID {
			t.Errorf("replacement: %+v", o.Snapshot.Materials)
		}
		// The customer can read it back; another account cannot.
		rc, got2, err := w.wf.OpenMaterial(ctx, w.customer, docs, o.ID, m2.ID)
		if err != nil || got2.ID != m2.ID {
			t.Fatalf("open: %v", err)
		}
		rc.Close()
		if _, err := w.wf.RemoveMaterial(ctx, w.customer, o.ID, m2.ID); err != nil {
			t.Fatal(err)
		}
		o, _ = w.wf.Order(ctx, w.customer, o.ID)
		if len(o.Snapshot.Materials) != 0 {
			t.Errorf("after removal: %+v", o.Snapshot.Materials)
		}
	})
}

func TestUploadMaterialRejectsByContentAndStoresNothing(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		docs := openDocs(t)
		ctx := context.Background()
		o := w.draftWithoutMaterials(t, 2)
		cases := []struct {
			name, purpose string
			body          io.Reader
			code          string
		}{
			{"png claiming 60000×60000", rules.MaterialSubjectCertificate, bytes.NewReader(bombPNG(60000, 60000)), "image.too_large_dimensions"},
			{"zip renamed .jpg", rules.MaterialPrincipalIDFront, strings.NewReader("PK\x03\x04\x14\x00\x00\x00\x08\x00 not really a photo"), "image.unsupported_type"},
			{"html named .png", rules.MaterialPrincipalIDBack, strings.NewReader("<!doctype html><html><body><script>alert(1)</script></body></html>"), "image.unsupported_type"},
			{"20 MB jpeg", rules.MaterialCommitmentLetter, hugeJPEG(20 << 20), "image.too_large_bytes"},
			{"html named .mp4", rules.MaterialCommitmentVideo, strings.NewReader("<html></html>"), "video.unsupported_type"},
			{"heic named .mp4", rules.MaterialCommitmentVideo, bytes.NewReader([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")), "video.unsupported_type"},
			{"video over 50 MB", rules.MaterialCommitmentVideo, io.MultiReader(bytes.NewReader(mp4Header()), io.LimitReader(zeros{}, 51<<20)), "upload.too_large"},
		}
		for _, c := range cases {
			owner := "subject"
			if c.purpose == rules.MaterialCommitmentVideo || c.purpose == rules.MaterialCommitmentLetter {
				owner = "site-2"
			}
			_, _, _, err := w.wf.UploadMaterial(ctx, w.customer, docs, workflow.MaterialUpload{OrderID: o.ID, Purpose: c.purpose, Owner: owner, Body: c.body})
			var rej *workflow.UploadRejectedError
			if !errors.As(err, &rej) {
				t.Errorf("%s: error %v, want a rejection", c.name, err)
				continue
			}
			if beian.ErrorCode(err) != beian.EINVALID || rej.Findings[0].Reason.ZH == "" || rej.Findings[0].Fix.EN == "" {
				t.Errorf("%s: %v %+v", c.name, err, rej.Findings)
			}
			codes := []string{}
			for _, f := range rej.Findings {
				codes = append(codes, f.Code)
			}
			if !slices.Contains(codes, c.code) {
				t.Errorf("%s: codes %v, want %s", c.name, codes, c.code)
			}
			if msg := beian.ErrorMessage(beian.LangEN, err); !strings.Contains(msg, "not accepted") {
				t.Errorf("%s: message %q", c.name, msg)
			}
		}
		if keys := storedKeys(t, docs); len(keys) != 0 {
			t.Errorf("rejected uploads left documents: %v", keys)
		}
		o, _ = w.wf.Order(ctx, w.customer, o.ID)
		if len(o.Snapshot.Materials) != 0 {
			t.Errorf("rejected uploads reached the order: %+v", o.Snapshot.Materials)
		}
		if acts := w.audit(t, o.ID); slices.Contains(acts, "order.material_upload") {
			t.Errorf("rejected uploads audited: %v", acts)
		}
	})
}

func TestUploadVideoIconAndPermit(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		docs := openDocs(t)
		ctx := context.Background()
		o, err := w.wf.CreateOrder(ctx, w.customer, workflow.CreateOrderInput{Type: beian.FirstFiling, Province: "32"})
		if err != nil {
			t.Fatal(err)
		}
		snap := fixture.Enterprise("32", 3)
		snap.Materials = nil
		snap.Websites[0].PreApprovals = []beian.PreApproval{{Category: rules.SectorNews, Number: "苏网新备2026001"}}
		snap.Apps = []beian.App{{ID: "app-3", Name: "青云记账"}}
		if o, _, err = w.wf.SaveDraft(ctx, w.customer, o.ID, o.Version, snap); err != nil {
			t.Fatal(err)
		}
		video := append(mp4Header(), bytes.Repeat([]byte{1, 2, 3, 4}, 4096)...)
		o, m, _, err := w.wf.UploadMaterial(ctx, w.customer, docs, workflow.MaterialUpload{OrderID: o.ID, Purpose: rules.MaterialCommitmentVideo, Owner: "site-3", Body: bytes.NewReader(video)})
		if err != nil {
			t.Fatalf("video: %v", err)
		}
		if m.MediaType != "video/mp4" || m.Size != int64(len(video)) {
			t.Errorf("video material %+v", m)
		}
		if _, _, _, err := w.wf.UploadMaterial(ctx, w.customer, docs, workflow.MaterialUpload{OrderID: o.ID, Purpose: rules.MaterialAppIcon, Owner: "site-3", Body: bytes.NewReader(iconPNG(256))}); beian.ErrorCode(err) != beian.EINVALID {
			t.Errorf("icon for a website: %v", err)
		}
		_, _, _, err = w.wf.UploadMaterial(ctx, w.customer, docs, workflow.MaterialUpload{OrderID: o.ID, Purpose: rules.MaterialAppIcon, Owner: "app-3", Body: hugeJPEG(200 << 10)})
		var rej *workflow.UploadRejectedError
		if !errors.As(err, &rej) || rej.Findings[0].Code != "image.too_large_bytes" {
			t.Errorf("icon over 100 KB: %v", err)
		}
		o, icon, _, err := w.wf.UploadMaterial(ctx, w.customer, docs, workflow.MaterialUpload{OrderID: o.ID, Purpose: rules.MaterialAppIcon, Owner: "app-3", Body: bytes.NewReader(iconPNG(256))})
		if err != nil {
			t.Fatalf("icon: %v", err)
		}
		if o.Snapshot.Apps[0].IconDocumentID != icon.DocumentID {
			t.Error("icon not linked to the app")
		}
		if _, _, _, err := w.wf.UploadMaterial(ctx, w.customer, docs, workflow.MaterialUpload{OrderID: o.ID, Purpose: rules.MaterialPreApproval, Owner: "site-3", Category: rules.SectorAV, Body: bytes.NewReader(documentJPEG(1200, 900, 4))}); beian.ErrorCode(err) != beian.EINVALID {
			t.Errorf("permit for a category the site lacks: %v", err)
		}
		o, permit, _, err := w.wf.UploadMaterial(ctx, w.customer, docs, workflow.MaterialUpload{OrderID: o.ID, Purpose: rules.MaterialPreApproval, Owner: "site-3", Category: rules.SectorNews, Body: bytes.NewReader(documentJPEG(1200, 900, 5))})
		if err != nil {
			t.Fatalf("permit: %v", err)
		}
		if o.Snapshot.Websites[0].PreApprovals[0].DocumentID != permit.DocumentID {
			t.Error("permit not linked")
		}
		// The checklist sees the linked documents.
		for _, n := range w.wf.RequiredMaterials(ctx, o, rules.ModeDraft) {
			switch n.Purpose {
			case rules.MaterialCommitmentVideo, rules.MaterialAppIcon, rules.MaterialPreApproval:
				if n.Purpose == rules.MaterialCommitmentVideo && n.Owner == "app-3" {
					continue // only the website's video was uploaded
				}
				if !n.Satisfied(&o.Snapshot) {
					t.Errorf("%s/%s not satisfied", n.Purpose, n.Owner)
				}
			}
		}
		// Authenticity: staff review waits for the reviewer once the video is in.
		_, checks, err := w.wf.Authenticity(ctx, w.customer, o.ID, nil)
		if err != nil || len(checks) != 2 {
			t.Fatalf("authenticity: %v %+v", err, checks)
		}
		if checks[0].Liveness.Status != beian.LivenessAwaitingReview || checks[1].Liveness.Status != beian.LivenessAwaitingPerson {
			t.Errorf("liveness %+v / %+v", checks[0].Liveness, checks[1].Liveness)
		}
		if _, err := w.wf.StartLiveness(ctx, w.customer, o.ID, "app-3", nil); err != nil {
			t.Fatal(err)
		}
		if acts := w.audit(t, o.ID); !slices.Contains(acts, "order.liveness_start") {
			t.Errorf("audit %v", acts)
		}
	})
}

// abandoningStore abandons the order while the document is being stored,
// so the attach transaction fails after the file is written.
type abandoningStore struct {
	blob.Store
	abandon func()
}

func (s abandoningStore) Put(ctx context.Context, key string, r io.Reader, max int64, m blob.Meta) (blob.Meta, error) {
	meta, err := s.Store.Put(ctx, key, r, max, m)
	s.abandon()
	return meta, err
}

func TestUploadMaterialDeletesTheDocumentWhenAttachFails(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		docs := openDocs(t)
		ctx := context.Background()
		o := w.draftWithoutMaterials(t, 4)
		s := abandoningStore{Store: docs, abandon: func() {
			if _, err := w.wf.Abandon(ctx, w.customer, o.ID); err != nil {
				t.Error(err)
			}
		}}
		_, _, _, err := w.wf.UploadMaterial(ctx, w.customer, s, workflow.MaterialUpload{OrderID: o.ID, Purpose: rules.MaterialSubjectCertificate, Body: bytes.NewReader(documentJPEG(1200, 900, 6))})
		wantCode(t, err, beian.ECONFLICT)
		if keys := storedKeys(t, docs); len(keys) != 0 {
			t.Errorf("document left behind: %v", keys)
		}
		// And nothing can be uploaded to the abandoned order at all.
		_, _, _, err = w.wf.UploadMaterial(ctx, w.customer, docs, workflow.MaterialUpload{OrderID: o.ID, Purpose: rules.MaterialSubjectCertificate, Body: bytes.NewReader([]byte("x"))})
		wantCode(t, err, beian.ECONFLICT)
	})
}

func TestUploadMaterialScope(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		w := newWorld(t, dialect)
		docs := openDocs(t)
		ctx := context.Background()
		o := w.draftWithoutMaterials(t, 5)
		ro := w.user(t, beian.RoleSubUser, beian.PolicyBeianReadOnly)
		_, _, _, err := w.wf.UploadMaterial(ctx, ro, docs, workflow.MaterialUpload{OrderID: o.ID, Purpose: rules.MaterialOther, Body: bytes.NewReader(documentJPEG(800, 600, 7))})
		wantCode(t, err, beian.ENOTFOUND) // not its order
		_, _, _, err = w.wf.UploadMaterial(ctx, w.customer, docs, workflow.MaterialUpload{OrderID: o.ID, Purpose: "passport_scan", Body: bytes.NewReader(nil)})
		wantCode(t, err, beian.EINVALID)
		_, _, _, err = w.wf.UploadMaterial(ctx, w.customer, docs, workflow.MaterialUpload{OrderID: o.ID, Purpose: rules.MaterialCommitmentLetter, Owner: "site-99", Body: bytes.NewReader(nil)})
		wantCode(t, err, beian.EINVALID)
		if _, _, err := w.wf.OrderHistory(ctx, ro, o.ID); beian.ErrorCode(err) != beian.ENOTFOUND {
			t.Errorf("history for another user's order: %v", err)
		}
		_, evs, err := w.wf.OrderHistory(ctx, w.customer, o.ID)
		if err != nil || len(evs) < 2 || evs[0].Action != "order.create" {
			t.Errorf("history %v %+v", err, evs)
		}
	})
}
