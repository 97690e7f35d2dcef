package sqlstore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		kind     IndexKind
		in, want string
	}{
		{IndexCertificate, " 11010819800101123x ", "11010819800101123X"},
		{IndexCertificate, "9111 0108 MA01 ABCD3X", "91110108MA01ABCD3X"},
		{IndexMobile, "+86 138-0013-8000", "13800138000"},
		{IndexMobile, "0086 13800138000", "13800138000"},
		{IndexMobile, "(138) 0013 8000", "13800138000"},
		{IndexEmail, " Zhang.San@Example.CN ", "zhang.san@example.cn"},
		{IndexMobile, "  ", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.kind, tt.in); got != tt.want {
			t.Errorf("Normalize(%s, %q) = %q, want %q", tt.kind, tt.in, got, tt.want)
		}
	}
}

func TestKeyring(t *testing.T) {
	k1, k2 := GenerateKey(), GenerateKey()
	old, _ := NewKeyring(k1)
	rotated, _ := NewKeyring(k1, k2)

	c := old.EncryptString("persons.mobile", "13800138000")
	if KeyID(c) != k1.ID() || strings.Contains(c, "13800138000") {
		t.Fatalf("ciphertext %q", c)
	}
	if c2 := old.EncryptString("persons.mobile", "13800138000"); c2 == c {
		t.Error("two encryptions of one value are equal: the nonce is not random")
	}
	if got, err := rotated.DecryptString("persons.mobile", c); err != nil || got != "13800138000" {
		t.Errorf("rotated keyring reads an old value: %q, %v", got, err)
	}
	if KeyID(rotated.EncryptString("x", "y")) != k2.ID() {
		t.Error("rotated keyring does not encrypt with the newest key")
	}
	if _, err := rotated.DecryptString("persons.email", c); err == nil {
		t.Error("decrypted in the wrong context")
	}
	i := len(c) - 5
	flip := byte('A')
	if c[i] == flip {
		flip = 'B'
	}
	tampered := c[:i] + string(flip) + c[i+1:]
	if _, err := old.DecryptString("persons.mobile", tampered); err == nil {
		t.Error("decrypted an altered ciphertext")
	}
	// The index follows the first key, so it survives rotation.
	if old.Index(IndexMobile, "13800138000") != rotated.Index(IndexMobile, "+86 13800138000") {
		t.Error("blind index changed with rotation or formatting")
	}
	if old.Index(IndexMobile, "13800138000") == old.Index(IndexCertificate, "13800138000") {
		t.Error("the index does not separate kinds")
	}
	if old.Index(IndexEmail, "") != "" || old.EncryptString("x", "") != "" {
		t.Error("empty values must stay empty")
	}
}

func TestParseKeys(t *testing.T) {
	k1, k2 := GenerateKey(), GenerateKey()
	keys, err := ParseKeys(k1.Encode() + ", " + k2.Encode() + "\n")
	if err != nil || len(keys) != 2 || keys[0].ID() != k1.ID() || keys[1].ID() != k2.ID() {
		t.Fatalf("ParseKeys = %v, %v", keys, err)
	}
	for _, bad := range []string{"", "not base64!", "c2hvcnQ="} {
		if _, err := ParseKeys(bad); err == nil {
			t.Errorf("ParseKeys(%q) accepted", bad)
		} else if bad != "" && strings.Contains(err.Error(), bad) {
			t.Errorf("error echoes the secret: %v", err)
		}
	}
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "secret.key")
	k, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	again, err := LoadOrCreateKeyFile(path)
	if err != nil || again.ID() != k.ID() {
		t.Errorf("second load: %v, %v; want the same key", again.ID(), err)
	}
}
