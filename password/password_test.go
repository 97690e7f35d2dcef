package password

import (
	"errors"
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h, err := Hash("正确的密码 horse", Fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q", h)
	}
	if err := Verify("正确的密码 horse", h); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if err := Verify("wrong", h); !errors.Is(err, ErrMismatch) {
		t.Fatalf("wrong password: %v", err)
	}
	h2, _ := Hash("正确的密码 horse", Fast)
	if h == h2 {
		t.Fatal("salt not random")
	}
	if !NeedsRehash(h, Default) || NeedsRehash(h, Fast) {
		t.Fatal("NeedsRehash")
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=1024,t=1,p=1$!!$a2V5"} {
		if err := Verify("x", h); !errors.Is(err, ErrMalformed) {
			t.Errorf("Verify(%q) = %v", h, err)
		}
	}
}

func FuzzVerify(f *testing.F) {
	h, _ := Hash("pw", Fast)
	f.Add("pw", h)
	f.Add("x", "$argon2id$v=19$m=1024,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, pw, hash string) {
		_ = Verify(pw, hash) // must not panic or allocate without bound
	})
}
