package miit

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

func testKey(t testing.TB) *AESKey {
	k, err := NewAESKey("0102030405060708", "0807060504030201")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func sampleUploadXML(t testing.TB) []byte {
	f := filler{full: true}
	data, err := EncodeUpload(uploadKinds()[0].build(&f).(*UploadData))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestPayloadRoundTrip(t *testing.T) {
	doc := sampleUploadXML(t)
	name := UploadFileName(time.Date(2026, 3, 25, 6, 58, 0, 0, time.UTC), "zj", 3058)
	if name != "20260325145800_zj_3058.xml" {
		t.Fatalf("UploadFileName = %q", name)
	}
	for _, tc := range []struct {
		name string
		opt  EncodeOptions
	}{
		{"plain", EncodeOptions{}},
		{"aes", EncodeOptions{Key: testKey(t)}},
		{"plain-wrapped", EncodeOptions{Wrap: true}},
		{"aes-wrapped", EncodeOptions{Key: testKey(t), Wrap: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := EncodePayload(name, doc, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			wantAlg := EncryptNone
			if tc.opt.Key != nil {
				wantAlg = EncryptAES
			}
			if p.EncryptAlgorithm != wantAlg || p.HashAlgorithm != HashMD5 || p.CompressionFormat != CompressionZip {
				t.Errorf("flags = %d/%d/%d", p.EncryptAlgorithm, p.HashAlgorithm, p.CompressionFormat)
			}
			if tc.opt.Wrap {
				lines := strings.Split(p.BeianInfo, "\r\n")
				if len(lines) < 2 {
					t.Fatal("not wrapped")
				}
				for _, l := range lines[:len(lines)-1] {
					if len(l) != 76 {
						t.Fatalf("line of %d columns, want 76", len(l))
					}
				}
			}
			gotName, got, err := DecodePayload(p, testKey(t), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if gotName != name || !bytes.Equal(got, doc) {
				t.Errorf("round trip: name %q, %d bytes (want %d)", gotName, len(got), len(doc))
			}
		})
	}
}

// TestPayloadHashIsOverZip pins the pipeline's order (NOTES.md): the MD5 is over the zip
// bytes before encryption, and the AES is plain AES-128-CBC/PKCS5 with ASCII key and IV.
func TestPayloadHashIsOverZip(t *testing.T) {
	p, err := EncodePayload("a.xml", []byte("<x/>"), EncodeOptions{Key: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	ct, _ := base64.StdEncoding.DecodeString(p.BeianInfo)
	zipped, err := testKey(t).decrypt(ct)
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(zipped)
	if p.BeianInfoHash != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Error("hash is not the MD5 of the zip")
	}
	if _, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped))); err != nil {
		t.Errorf("decrypted body is not a zip: %v", err)
	}
	// Known answer computed with openssl enc -aes-128-cbc (key and IV as ASCII bytes).
	got := base64.StdEncoding.EncodeToString(testKey(t).encrypt([]byte("hello, MIIT payload")))
	if got != "Iv3So/jA2JFGpEXY0YDoJMEpOvvYYziW0Tn+63MtJTQ=" {
		t.Errorf("AES known answer = %s", got)
	}
}

func TestPayloadErrors(t *testing.T) {
	doc := []byte(`<?xml version="1.0" encoding="GBK"?><DownloadData version="V.3.0"/>`)
	good := func(t *testing.T, key *AESKey) *Payload {
		p, err := EncodePayload("f.xml", doc, EncodeOptions{Key: key})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("hash mismatch", func(t *testing.T) {
		p := good(t, nil)
		sum := md5.Sum([]byte("something else"))
		p.BeianInfoHash = base64.StdEncoding.EncodeToString(sum[:])
		_, _, err := DecodePayload(p, nil, Limits{})
		var hm *HashMismatchError
		if !errors.As(err, &hm) || !errors.Is(err, ErrHashMismatch) {
			t.Fatalf("err = %v, want *HashMismatchError", err)
		}
		if ErrorKind(err) != KindPayload {
			t.Errorf("ErrorKind = %v", ErrorKind(err))
		}
	})
	t.Run("corrupted body", func(t *testing.T) {
		p := good(t, nil)
		raw, _ := base64.StdEncoding.DecodeString(p.BeianInfo)
		raw[len(raw)/2] ^= 0xFF
		p.BeianInfo = base64.StdEncoding.EncodeToString(raw)
		if _, _, err := DecodePayload(p, nil, Limits{}); !errors.Is(err, ErrHashMismatch) {
			t.Fatalf("err = %v, want hash mismatch", err)
		}
	})
	t.Run("wrong key", func(t *testing.T) {
		p := good(t, testKey(t))
		other, _ := NewAESKey("ABCDEFGHIJKLMNOP", "0807060504030201")
		_, _, err := DecodePayload(p, other, Limits{})
		if !errors.Is(err, ErrDecrypt) && !errors.Is(err, ErrHashMismatch) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("encrypted without key", func(t *testing.T) {
		if _, _, err := DecodePayload(good(t, testKey(t)), nil, Limits{}); !errors.Is(err, ErrDecrypt) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("bad base64", func(t *testing.T) {
		p := good(t, nil)
		p.BeianInfo = "!!!"
		if _, _, err := DecodePayload(p, nil, Limits{}); !errors.Is(err, ErrBase64) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("unsupported algorithm", func(t *testing.T) {
		p := good(t, nil)
		p.EncryptAlgorithm = 7
		if _, _, err := DecodePayload(p, nil, Limits{}); !errors.Is(err, ErrUnsupported) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("bad file name", func(t *testing.T) {
		for _, n := range []string{"", "备案.xml", "a b.xml", strings.Repeat("a", 129)} {
			if _, err := EncodePayload(n, doc, EncodeOptions{}); !errors.Is(err, ErrFileName) {
				t.Errorf("%q: err = %v", n, err)
			}
		}
	})
	t.Run("bad key length", func(t *testing.T) {
		if _, err := NewAESKey("short", "0807060504030201"); err == nil {
			t.Error("accepted a 5-character key")
		}
	})
}

// zipPayload builds a plain payload around arbitrary zip entries.
func zipPayload(t *testing.T, entries map[string][]byte, order []string) *Payload {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range order {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(entries[n])
	}
	zw.Close()
	sum := md5.Sum(buf.Bytes())
	return &Payload{BeianInfo: base64.StdEncoding.EncodeToString(buf.Bytes()), BeianInfoHash: base64.StdEncoding.EncodeToString(sum[:])}
}

func TestPayloadZipHandling(t *testing.T) {
	t.Run("several entries: the xml one", func(t *testing.T) {
		p := zipPayload(t, map[string][]byte{"readme.txt": []byte("x"), "20160325145800_zj_3058.xml": []byte("<a/>")},
			[]string{"readme.txt", "20160325145800_zj_3058.xml"})
		name, doc, err := DecodePayload(p, nil, Limits{})
		if err != nil || name != "20160325145800_zj_3058.xml" || string(doc) != "<a/>" {
			t.Fatalf("got %q %q %v", name, doc, err)
		}
	})
	t.Run("single entry whatever its name", func(t *testing.T) {
		p := zipPayload(t, map[string][]byte{"data": []byte("<a/>")}, []string{"data"})
		if name, _, err := DecodePayload(p, nil, Limits{}); err != nil || name != "data" {
			t.Fatalf("got %q %v", name, err)
		}
	})
	t.Run("several entries, no xml", func(t *testing.T) {
		p := zipPayload(t, map[string][]byte{"a": nil, "b": nil}, []string{"a", "b"})
		if _, _, err := DecodePayload(p, nil, Limits{}); !errors.Is(err, ErrZip) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("zip bomb by absolute size", func(t *testing.T) {
		big := bytes.Repeat([]byte("a"), 3<<20)
		p := zipPayload(t, map[string][]byte{"x.xml": big}, []string{"x.xml"})
		if _, _, err := DecodePayload(p, nil, Limits{MaxUncompressed: 2 << 20}); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("zip bomb by ratio", func(t *testing.T) {
		big := bytes.Repeat([]byte("a"), 8<<20) // ~8 KB zipped: ratio ~1000
		p := zipPayload(t, map[string][]byte{"x.xml": big}, []string{"x.xml"})
		if _, _, err := DecodePayload(p, nil, Limits{}); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("encoded size cap", func(t *testing.T) {
		p := zipPayload(t, map[string][]byte{"x.xml": []byte("<a/>")}, []string{"x.xml"})
		if _, _, err := DecodePayload(p, nil, Limits{MaxEncoded: 10}); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("not a zip", func(t *testing.T) {
		sum := md5.Sum([]byte("plain"))
		p := &Payload{BeianInfo: base64.StdEncoding.EncodeToString([]byte("plain")), BeianInfoHash: base64.StdEncoding.EncodeToString(sum[:])}
		if _, _, err := DecodePayload(p, nil, Limits{}); !errors.Is(err, ErrZip) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestPwdHash(t *testing.T) {
	// Vectors computed independently: base64(md5(gbk(password + rand))).
	for _, c := range []struct{ pw, rnd, want string }{
		{"1234567890", "abcdefghij", "9fq6VgG8bDFoWECeX62u2Q=="}, // the spec's own example
		{"口令a1", "abcdefghij0123456789", "n9rx552tFl6EEz5JMxH12w=="},
	} {
		got, err := PwdHash(c.pw, c.rnd)
		if err != nil || got != c.want {
			t.Errorf("PwdHash(%q, %q) = %q, %v; want %q", c.pw, c.rnd, got, err, c.want)
		}
		if !VerifyPwdHash(c.pw, c.rnd, c.want) || VerifyPwdHash(c.pw+"x", c.rnd, c.want) {
			t.Error("VerifyPwdHash disagrees")
		}
	}
	if _, err := PwdHash("😀", "x"); err == nil {
		t.Error("accepted a password GBK cannot encode")
	}
}

func TestNewRandVal(t *testing.T) {
	// A reader of all 0xFF bytes would be rejected forever (255 ≥ 248); mix in usable bytes.
	src := bytes.NewReader(append(bytes.Repeat([]byte{0xFF}, 40), bytes.Repeat([]byte{0, 61, 62, 247}, 16)...))
	got, err := NewRandVal(src)
	if err != nil {
		t.Fatal(err)
	}
	if got != "0Z0Z0Z0Z0Z0Z0Z0Z0Z0Z" { // 0→'0', 61→'Z', 62→'0', 247→'Z' (247%62 = 61)
		t.Errorf("NewRandVal = %q", got)
	}
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		v, err := NewRandVal(nil)
		if err != nil || len(v) != RandValLength || strings.Trim(v, randAlphabet) != "" || seen[v] {
			t.Fatalf("NewRandVal(nil) = %q, %v", v, err)
		}
		seen[v] = true
	}
	if _, err := NewRandVal(bytes.NewReader(nil)); err == nil {
		t.Error("no error from an empty reader")
	}
}

func TestPayloadLimitFloorNeverExceedsMax(t *testing.T) {
	big := bytes.Repeat([]byte("a"), 300<<10) // tiny zip, so the ratio cap alone would allow 1 MiB
	p := zipPayload(t, map[string][]byte{"x.xml": big}, []string{"x.xml"})
	if _, _, err := DecodePayload(p, nil, Limits{MaxUncompressed: 256 << 10}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
}
