package miit

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

// exampleXZBA is a realistic new filing: an individual with one website on one access.
func exampleXZBA() *UploadData {
	ip, _ := IPv4From(netip.MustParseAddr("203.0.113.10"))
	return &UploadData{ICP: &UploadICP{
		Qqdwid: 110000000211, // our ISP ID: the requesting unit
		XZBA: &XZBA{Baxx: []XZBABaxx{{
			ZtXx: XZBABaxxZtXx{
				ISPZtid: 1001, // our subject ID
				Dwmc:    "张三",
				Dwxz:    ptr(int64(5)), // 个人
				Txdz:    XZBABaxxZtXxTxdz{Shengid: 110000, Shiid: 110100, Xianid: ptr(int64(110108)), Xxdz: "北京市海淀区中关村大街1号"},
				Zj:      XZBABaxxZtXxZj{Zjlx: 2, Zjhm: "110101199003074514", Zjzs: "北京市东城区某街道1号"},
				Fzr:     XZBABaxxZtXxFzr{FzrXm: "张三", FzrSjhm: "13800138000", FzrDzyj: "zhangsan@example.cn", FzrZjlx: ptr(int64(2)), FzrZjhm: "110101199003074514"},
				Bbfs:    0,
			},
			WzXx: []XZBABaxxWzXx{{
				ISPWzid: 2001,
				Wzmc:    "张三的读书笔记",
				Fwnr:    XZBABaxxWzXxFwnr{FwnrID: []int64{1}},
				Yylb:    XZBABaxxWzXxYylb{YylbID: []int64{1}},
				YmXx:    []XZBABaxxWzXxYmXx{{ISPYmid: 3001, Ym: "example.cn"}},
				JrXx: []XZBABaxxWzXxJrXx{{
					ISPJrid: 4001,
					Wzfb:    XZBABaxxWzXxJrXxWzfb{Fbdd: []int64{1}},
					Wzjrfs:  XZBABaxxWzXxJrXxWzjrfs{Jrfs: []int64{1}},
					IPXx:    []XZBABaxxWzXxJrXxIPXx{{ISPIpid: 5001, Qsip: ip, Zzip: ip}},
				}},
				WzFzr: XZBABaxxWzXxWzFzr{FzrXm: "张三", FzrSjhm: "13800138000", FzrDzyj: "zhangsan@example.cn"},
				Syurl: "www.example.cn",
			}},
		}}},
	}}
}

// Example shows the upload path the exchange engine follows: validate and encode the
// document, run the payload pipeline, send it with the next data sequence number.
func Example() {
	doc, err := EncodeUpload(exampleXZBA())
	if err != nil {
		fmt.Println(err) // a *ValidationError listing every XSD problem
		return
	}
	key, _ := NewAESKey("0102030405060708", "0807060504030201") // issued by the bureau
	seq := int64(42)
	p, err := EncodePayload(UploadFileName(time.Now(), "bj", seq), doc, EncodeOptions{Key: key})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.SplitN(string(doc), "\n", 2)[0])
	fmt.Println(p.EncryptAlgorithm == EncryptAES, p.HashAlgorithm == HashMD5)

	// Sending needs a bureau; with one:
	//
	//	c := NewClient("http://bureau:8080", Credentials{ISPID: 110000000211, UserName: "u", Password: "p"})
	//	_, err = c.Upload(ctx, p, seq)
	//	var re *ReturnError
	//	if errors.As(err, &re) && re.Code == ReturnSequenceGap { resend re.MissingSequences first }

	// Output:
	// <?xml version="1.0" encoding="GBK"?>
	// true true
}

func TestExampleValidatesAgainstXSD(t *testing.T) {
	doc, err := EncodeUpload(exampleXZBA())
	if err != nil {
		t.Fatal(err)
	}
	xmllint(t, "upload-data.xsd", map[string][]byte{"example.xml": doc})
}
