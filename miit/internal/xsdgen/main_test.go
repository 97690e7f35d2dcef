package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedFilesAreFresh regenerates every output in memory and compares it with the
// committed file: editing a generated file or the generator without running `go generate`
// fails here.
func TestGeneratedFilesAreFresh(t *testing.T) {
	read := func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join("..", "..", "testdata", "xsd", "utf8", name))
	}
	for _, o := range outputs {
		want, err := generate(o, read)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("..", "..", o.File))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run `go generate ./miit`", o.File)
		}
	}
}

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"Zt_xx": "ZtXx", "msg_code": "MsgCode", "return_FileName": "ReturnFileName",
		"IP": "IP", "sjhm": "Sjhm", "Yjfk_Wtfl_xx": "YjfkWtflXx", "Qsip1": "Qsip1",
		"IspId": "ISPID", "IspZtid": "ISPZtid", "Fwnr_id": "FwnrID", "Id": "ID", "Ip": "IP", "ICPmm": "ICPmm",
		"dataSequence": "DataSequence", "Ispid": "Ispid", "Syurl": "Syurl", "Msn": "MSN", "Qq": "QQ",
	} {
		if got := goName(in); got != want {
			t.Errorf("goName(%q) = %q, want %q", in, got, want)
		}
	}
}
