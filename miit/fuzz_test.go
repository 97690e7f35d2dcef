package miit

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"reflect"
	"testing"
)

// The fuzz targets run as ordinary tests over their seeds; run them for real with e.g.
//
//	go test ./miit -run '^$' -fuzz '^FuzzDecodePayload$' -fuzztime 60s -fuzzminimizetime 5s
//
// (the default minimisation budget of 60 s per new input stalls a short run on a busy machine)
//
// Each asserts more than "no panic": whatever a parser accepts must survive our own encoder.

// FuzzDecodePayload drives the base64 → AES → MD5 → unzip pipeline with hostile input. The
// fuzzer mutates the zip bytes; the hash is computed over them so mutations reach the zip
// reader instead of stopping at the hash check (a separate seed keeps a wrong hash).
func FuzzDecodePayload(f *testing.F) {
	key := testKey(f)
	minimal := filler{}
	small, err := EncodeUpload(uploadKinds()[0].build(&minimal).(*UploadData))
	if err != nil {
		f.Fatal(err)
	}
	for _, doc := range [][]byte{[]byte("<a/>"), small} {
		p, err := EncodePayload("20260325145800_zj_1.xml", doc, EncodeOptions{})
		if err != nil {
			f.Fatal(err)
		}
		raw, _ := decodeBase64(p.BeianInfo)
		f.Add(raw, false, false, false)
		f.Add(raw, true, true, false)
		f.Add(raw, false, false, true)
	}
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00"), false, false, false)
	f.Fuzz(func(t *testing.T, zipped []byte, encrypt, wrap, wrongHash bool) {
		opt := EncodeOptions{Wrap: wrap}
		if encrypt {
			opt.Key = key
		}
		p := rawPayload(zipped, opt)
		if wrongHash {
			p.BeianInfoHash = "AAAAAAAAAAAAAAAAAAAAAA=="
		}
		name, doc, err := DecodePayload(p, key, Limits{MaxUncompressed: 256 << 10})
		if wrongHash {
			if !errors.Is(err, ErrHashMismatch) {
				t.Fatalf("wrong hash accepted: %v", err)
			}
			return
		}
		if err != nil {
			return
		}
		if len(doc) > 256<<10 {
			t.Fatalf("limit exceeded: %d bytes", len(doc))
		}
		// Whatever decoded must encode and decode back to the same content.
		if CheckFileName(name) != nil {
			name = "x.xml"
		}
		p2, err := EncodePayload(name, doc, opt)
		if err != nil {
			t.Fatal(err)
		}
		_, doc2, err := DecodePayload(p2, key, Limits{})
		if err != nil || !bytes.Equal(doc, doc2) {
			t.Fatalf("re-encode round trip: %v", err)
		}
	})
}

// rawPayload builds a payload around arbitrary "zip" bytes with a correct hash.
func rawPayload(zipped []byte, opt EncodeOptions) *Payload {
	p, _ := EncodePayload("seed.xml", nil, EncodeOptions{})
	sum := md5sum(zipped)
	p.BeianInfoHash = sum
	body := zipped
	if opt.Key != nil {
		body = opt.Key.encrypt(zipped)
		p.EncryptAlgorithm = EncryptAES
	}
	p.BeianInfo = b64(body)
	if opt.Wrap {
		p.BeianInfo = wrap76(p.BeianInfo)
	}
	return p
}

// FuzzDecodeDownload drives XML → types. Any document DecodeDownload accepts must re-encode
// (without validation: bureaus send out-of-range values) and decode to the same value.
func FuzzDecodeDownload(f *testing.F) {
	// Seeds: every kind minimal, and fully populated where that stays small; large seeds
	// (the full BASJ document is 90 KB) slow the fuzzer to a crawl without finding more.
	for _, k := range downloadKinds() {
		for _, v := range []filler{{full: true}, {}, {alt: 1}} {
			v := v
			data, err := EncodeDownload(k.build(&v).(*DownloadData))
			if err != nil {
				f.Fatal(err)
			}
			if len(data) <= 4096 {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(`<?xml version="1.0" encoding="GB18030"?><DownloadData version="V.3.0"><ICP><BAJG><Jg_xx><Jgxx><Jgdm> 1001 </Jgdm></Jgxx><Czlx>35</Czlx></Jg_xx></BAJG></ICP></DownloadData>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := DecodeDownload(data)
		if err != nil {
			return
		}
		_ = Validate(d) // must not panic on arbitrary values
		out, err := MarshalGBK(d)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		d2, err := DecodeDownload(out)
		if err != nil {
			t.Fatalf("decode re-encoded: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(d, d2) {
			t.Fatalf("re-encoded value differs at %s", firstDiff(reflect.ValueOf(d), reflect.ValueOf(d2), ""))
		}
	})
}

// FuzzDecodeSOAP drives the SOAP request and response parsers and the <return> decoder. A
// request that decodes must re-encode and decode to the same typed request.
func FuzzDecodeSOAP(f *testing.F) {
	a := Auth{ISPID: 1, UserName: "u", RandVal: "abcdefghij0123456789", PwdHash: "h"}
	for _, r := range []Request{
		&UploadRequest{Auth: a, BeianInfo: "QUJD", BeianInfoHash: "h", DataSequence: 3},
		&DownloadAckRequest{Auth: a, FileName: "f.xml"},
		&QueryBeianStatusRequest{Auth: a, QueryCondition: "example.cn"},
		&VerifyBammRequest{Auth: a, Baxh: "京ICP备1号", Bamm: "x"},
	} {
		f.Add(EncodeSOAPRequest("urn:x", r, false))
		f.Add(EncodeSOAPRequest("", r, true))
	}
	ret, _ := EncodeReturn(&UploadReturn{MsgCode: 14, Msg: "x", DataSequences: &UploadReturnDataSequences{DataSequence: []string{"2", "3-5"}}})
	f.Add(EncodeSOAPResponse("urn:x", MethodUpload, ret))
	f.Add(EncodeSOAPFault("soap:Server", "boom"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if call, err := DecodeSOAPRequest(data); err == nil {
			again, err := DecodeSOAPRequest(EncodeSOAPRequest(call.Namespace, call.Request, false))
			if err != nil {
				t.Fatalf("re-encoded request does not decode: %v", err)
			}
			if !reflect.DeepEqual(again.Request, call.Request) {
				t.Fatalf("request round trip: %#v vs %#v", again.Request, call.Request)
			}
		}
		if text, err := DecodeSOAPResponse(data); err == nil {
			var ur UploadReturn
			if DecodeReturn(text, &ur) == nil && ur.DataSequences != nil {
				_ = ParseSequences(ur.DataSequences.DataSequence)
			}
			var vr VerifyBammReturn
			_ = DecodeReturn(text, &vr)
		}
	})
}

func md5sum(b []byte) string {
	s := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(s[:])
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
