package imagecheck

import (
	"bytes"
	"image/jpeg"
	"sync"
	"testing"
)

// photo12MP is a 4000×3000 JPEG of the synthetic certificate: the size a
// phone camera saves by default (~2.5 MB at quality 88).
var photo12MP = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, certificate(4000, 3000, 12, false).image(), &jpeg.Options{Quality: 88}); err != nil {
		panic(err)
	}
	return b.Bytes()
})

// BenchmarkCheck12MP is the whole check of a phone photo of a licence.
func BenchmarkCheck12MP(b *testing.B) {
	data := photo12MP()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := CheckBytes(data, PurposeSubjectCertificate)
		if err != nil || len(res.Findings) != 0 {
			b.Fatal(err, res.Findings)
		}
	}
}

// BenchmarkDecode12MP is the standard library's decode alone, the floor
// for BenchmarkCheck12MP.
func BenchmarkDecode12MP(b *testing.B) {
	data := photo12MP()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalyse12MP is what Check adds after decoding: the working copy
// and the measurements.
func BenchmarkAnalyse12MP(b *testing.B) {
	m, err := jpeg.Decode(bytes.NewReader(photo12MP()))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		measure(newWorking(m))
	}
}

// BenchmarkRefuseBomb is the cost of refusing a 30000×30000 PNG.
func BenchmarkRefuseBomb(b *testing.B) {
	data := bombPNG(30000, 30000, 8, 6, 0)
	b.ReportAllocs()
	for b.Loop() {
		CheckBytes(data, PurposeSubjectCertificate)
	}
}
