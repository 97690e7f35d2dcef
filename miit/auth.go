package miit

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// RandValLength is the length of randVal: the spec requires 20 characters and bureaus refuse
// shorter ones with return code 16.
const RandValLength = 20

const randAlphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// NewRandVal returns a fresh 20-character random string of digits and ASCII letters, as the
// spec asks for every call. r is the randomness source; nil means crypto/rand. Tests pass a
// deterministic reader. Bytes are drawn by rejection sampling so every character is equally
// likely.
func NewRandVal(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	const limit = 256 - 256%len(randAlphabet) // 248: reject bytes that would bias the draw
	out := make([]byte, 0, RandValLength)
	var buf [32]byte
	for len(out) < RandValLength {
		if _, err := io.ReadFull(r, buf[:]); err != nil {
			return "", fmt.Errorf("miit: random source: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < RandValLength {
				out = append(out, randAlphabet[int(b)%len(randAlphabet)])
			}
		}
	}
	return string(out), nil
}

// PwdHash computes the per-call authentication value of spec 3-3-1-3:
// base64(MD5(GBK bytes of password + randVal)). It fails only when the password holds a
// character GBK cannot encode, which a bureau-issued password never does.
func PwdHash(password, randVal string) (string, error) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(password + randVal)
	if err != nil {
		return "", fmt.Errorf("miit: password is not GBK-encodable: %w", err)
	}
	sum := md5.Sum([]byte(gbk))
	return base64.StdEncoding.EncodeToString(sum[:]), nil
}

// VerifyPwdHash checks a call's pwdHash the way a bureau does (the simulator uses it); the
// comparison takes constant time.
func VerifyPwdHash(password, randVal, pwdHash string) bool {
	want, err := PwdHash(password, randVal)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(pwdHash)) == 1
}

// Credentials are the communication parameters a bureau issues to a provider: its ISP ID
// (ispId), user name and password. The AES key and IV are separate (AESKey) because they
// concern payloads, not calls.
type Credentials struct {
	ISPID    int64
	UserName string
	Password string
}

// String hides the password so credentials can appear in logs and errors.
func (c Credentials) String() string {
	return fmt.Sprintf("ispId=%d userName=%s password=***", c.ISPID, c.UserName)
}

// NewAuth builds the four authentication parameters of one call from the credentials, with a
// fresh randVal from r (nil means crypto/rand).
func (c Credentials) NewAuth(r io.Reader) (Auth, error) {
	rv, err := NewRandVal(r)
	if err != nil {
		return Auth{}, err
	}
	h, err := PwdHash(c.Password, rv)
	if err != nil {
		return Auth{}, err
	}
	return Auth{ISPID: c.ISPID, UserName: c.UserName, RandVal: rv, PwdHash: h, HashAlgorithm: HashMD5}, nil
}

// Auth is the authentication block every method starts with: ispId, userName, randVal,
// pwdHash, and the hashAlgorithm used for pwdHash.
type Auth struct {
	ISPID         int64
	UserName      string
	RandVal       string
	PwdHash       string
	HashAlgorithm HashAlgorithm
}
