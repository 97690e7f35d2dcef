package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/rules"
)

// documentJPEG draws a w×h colour photo of a document on a desk, which
// imagecheck accepts.
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

// bombPNG is a PNG whose valid header claims w×h pixels.
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
	ihdr[8], ihdr[9] = 8, 2
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x01, 0x00, 0x00, 0xff, 0xff})
	chunk("IEND", nil)
	return b.Bytes()
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// upload posts a file as the multipart form a browser sends, streaming the
// body, and returns the status, page and redirect.
func (ts *testServer) upload(c *http.Client, path, filename string, content io.Reader) (int, string, string) {
	ts.t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		fw, err := mw.CreateFormFile("file", filename)
		if err == nil {
			_, err = io.Copy(fw, content)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+path, pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		ts.t.Fatalf("upload %s: %v", filename, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	pr.CloseWithError(io.ErrClosedPipe) // stop the writer if the server stopped reading
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

func (ts *testServer) storedDocuments() []string {
	ts.t.Helper()
	var keys []string
	for e, err := range ts.Blobs.List(context.Background(), "orders/") {
		if err != nil {
			ts.t.Fatal(err)
		}
		keys = append(keys, e.Key)
	}
	return keys
}

func TestMaterialUploadsRefusedByContentWithBoundedMemory(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, u := ts.account("acme")
		snap := fixture.Enterprise("11", 1)
		snap.Materials = nil
		o := ts.draftOrder(u, beian.FirstFiling, "11", snap)
		c := ts.client(u)
		base := "/portal/orders/" + o.ID + "/materials/"
		head := documentJPEG(640, 480, 3)
		cases := []struct {
			name, purpose, file string
			body                func() io.Reader
			want                []string // in the page, zh-CN
		}{
			{"png claiming 60000×60000", rules.MaterialSubjectCertificate, "licence.png",
				func() io.Reader { return bytes.NewReader(bombPNG(60000, 60000)) }, []string{"像素尺寸过大", "修改方法"}},
			{"zip renamed .jpg", rules.MaterialPrincipalIDFront, "id.jpg",
				func() io.Reader { return strings.NewReader("PK\x03\x04\x14\x00\x00\x00\x08\x00not a photo at all") }, []string{"不是 JPG 或 PNG 图片", "与文件扩展名无关"}},
			{"html named .png", rules.MaterialPrincipalIDBack, "id-back.png",
				func() io.Reader {
					return strings.NewReader("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")
				}, []string{"不是 JPG 或 PNG 图片"}},
			{"20 MB jpeg", rules.MaterialSubjectCertificate, "huge.jpg",
				func() io.Reader {
					return io.MultiReader(bytes.NewReader(head), io.LimitReader(zeroReader{}, 20<<20-int64(len(head))))
				}, []string{"4 MB"}},
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for _, c2 := range cases {
			code, body, _ := ts.upload(c, base+c2.purpose+"?owner=subject", c2.file, c2.body())
			if code != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d", c2.name, code)
				continue
			}
			if !strings.Contains(body, "文件未通过检查") || !strings.Contains(body, `role="alert"`) {
				t.Errorf("%s: no clear refusal:\n%s", c2.name, orderExcerpt(body))
			}
			for _, w := range c2.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: page lacks %q", c2.name, w)
				}
			}
			if strings.Contains(body, "<script>alert") {
				t.Errorf("%s: upload content echoed", c2.name)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		allocated := after.TotalAlloc - before.TotalAlloc
		retained := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		t.Logf("four refused uploads (20 MB among them): %.1f MB allocated, %.1f MB retained", float64(allocated)/(1<<20), float64(retained)/(1<<20))
		// Reading the 20 MB body, or decoding 3.6 gigapixels, would cost far more.
		if allocated > 40<<20 || retained > 8<<20 {
			t.Errorf("memory not bounded: %d bytes allocated, %d retained", allocated, retained)
		}
		if keys := ts.storedDocuments(); len(keys) != 0 {
			t.Errorf("refused uploads were stored: %v", keys)
		}
		got, _ := ts.Workflow.Order(context.Background(), u, o.ID)
		if len(got.Snapshot.Materials) != 0 {
			t.Errorf("refused uploads reached the order: %+v", got.Snapshot.Materials)
		}
		// In English too.
		ts.getPage(c, "/portal/orders/"+o.ID+"/materials", beian.LangEN, http.StatusOK)
		code, body, _ := ts.upload(c, base+rules.MaterialPrincipalIDFront+"?owner=subject", "id.jpg", strings.NewReader("PK\x03\x04 zip"))
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "not a JPG or PNG image") {
			t.Errorf("English refusal: %d", code)
		}
	})
}

func TestMaterialUploadStoredWithItsDigest(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ts := newTestServer(t, dialect)
		_, u := ts.account("acme")
		snap := fixture.Enterprise("11", 1)
		snap.Materials = nil
		o := ts.draftOrder(u, beian.FirstFiling, "11", snap)
		c := ts.client(u)
		data := documentJPEG(1200, 900, 1)
		code, _, loc := ts.upload(c, "/portal/orders/"+o.ID+"/materials/"+rules.MaterialSubjectCertificate+"?owner=subject&back=materials", "licence.jpg", bytes.NewReader(data))
		if code != http.StatusSeeOther || !strings.Contains(loc, "/materials?uploaded=") || !strings.HasSuffix(loc, "#m-subject-subject_certificate") {
			t.Fatalf("upload: %d %s", code, loc)
		}
		got, _ := ts.Workflow.Order(context.Background(), u, o.ID)
		if len(got.Snapshot.Materials) != 1 {
			t.Fatalf("materials %+v", got.Snapshot.Materials)
		}
		m := got.Snapshot.Materials[0]
		sum := sha256.Sum256(data)
		if m.SHA256 != hex.EncodeToString(sum[:]) || m.MediaType != "image/jpeg" || m.Size != int64(len(data)) {
			t.Errorf("material %+v", m)
		}
		if keys := ts.storedDocuments(); len(keys) != 1 || keys[0] != m.DocumentID {
			t.Errorf("stored %v", keys)
		}
		page := ts.getPage(c, loc, beian.LangZH, http.StatusOK)
		if !strings.Contains(page, "文件已通过检查并保存") || !strings.Contains(page, m.SHA256[:12]) {
			t.Error("the checklist does not show the upload")
		}
		resp, err := c.Get(ts.URL + "/portal/orders/" + o.ID + "/materials/" + m.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(b, data) || resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("view: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		// The video goes through the authenticity page and back to it.
		video := append([]byte{0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0}, bytes.Repeat([]byte("mdat"), 4096)...)
		code, _, loc = ts.upload(c, "/portal/orders/"+o.ID+"/materials/"+rules.MaterialCommitmentVideo+"?owner=site-1&back=authenticity", "me.mp4", bytes.NewReader(video))
		if code != http.StatusSeeOther || !strings.Contains(loc, "/authenticity?uploaded=") {
			t.Fatalf("video: %d %s", code, loc)
		}
		auth := ts.getPage(c, "/portal/orders/"+o.ID+"/authenticity", beian.LangZH, http.StatusOK)
		if !strings.Contains(auth, "待审核员审看") || !strings.Contains(auth, "/letters/commitment_letter") {
			t.Errorf("authenticity page:\n%s", orderExcerpt(auth))
		}
		// A video that is not one is refused on the authenticity page.
		code, body, _ := ts.upload(c, "/portal/orders/"+o.ID+"/materials/"+rules.MaterialCommitmentVideo+"?owner=site-1&back=authenticity", "me.mp4", strings.NewReader("<html>"))
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "不是支持的视频格式") || !strings.Contains(body, "真实性核验") {
			t.Errorf("fake video: %d", code)
		}
	})
}

func TestCommitmentLetterDownload(t *testing.T) {
	ts := newTestServer(t, "sqlite")
	_, u := ts.account("acme")
	o := ts.draftOrder(u, beian.FirstFiling, "32", fixture.Enterprise("32", 1))
	c := ts.client(u)
	resp, err := c.Get(ts.URL + "/portal/orders/" + o.ID + "/letters/commitment_letter")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusServiceUnavailable {
		t.Skip("letter fonts are not installed here")
	}
	if resp.StatusCode != 200 || !bytes.HasPrefix(b, []byte("%PDF-")) || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("letter: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	page := ts.getPage(c, "/portal/orders/"+o.ID+"/authenticity", beian.LangZH, http.StatusOK)
	for _, k := range []string{"commitment_letter", "responsibility_notice"} {
		if !strings.Contains(page, "/letters/"+k) {
			t.Errorf("Jiangsu's authenticity page lacks the %s", k)
		}
	}
	if code, _ := ts.get(c, "/portal/orders/"+o.ID+"/letters/nonsense"); code != http.StatusNotFound {
		t.Errorf("unknown letter: %d", code)
	}
}
