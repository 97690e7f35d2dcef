package sqlstore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// KeySize is the length in bytes of a master key: AES-256 needs 32.
const KeySize = 32

// Key is one master key of a [Keyring]. Its ID is derived from the secret,
// so configuration never has to name keys and two different secrets can
// never share an ID.
type Key struct {
	id     string
	secret []byte
}

// NewKey returns the key for a 32-byte secret. Callers are ParseKeys,
// LoadOrCreateKeyFile and tests; it fails when the secret has the wrong size.
func NewKey(secret []byte) (Key, error) {
	if len(secret) != KeySize {
		return Key{}, fmt.Errorf("sqlstore: a key must be %d bytes, got %d", KeySize, len(secret))
	}
	s := append([]byte(nil), secret...)
	// The ID is a fingerprint of a derived value, not of the secret itself,
	// so it reveals nothing usable about the key.
	fp, err := hkdf.Key(sha256.New, s, nil, "beian key id", 8)
	if err != nil {
		return Key{}, err
	}
	return Key{id: hex.EncodeToString(fp), secret: s}, nil
}

// GenerateKey returns a new random key; LoadOrCreateKeyFile uses it for the
// zero-config default and tests use it for throwaway databases.
func GenerateKey() Key {
	secret := make([]byte, KeySize)
	rand.Read(secret) // never fails (crypto/rand panics instead)
	k, _ := NewKey(secret)
	return k
}

// ID returns the key's identifier, which prefixes every ciphertext it made.
func (k Key) ID() string { return k.id }

// Encode returns the key's secret in the base64 form ParseKeys reads. It is
// for writing key files and printing a new key once; never log it.
func (k Key) Encode() string { return base64.StdEncoding.EncodeToString(k.secret) }

// ParseKeys reads the keys of BEIAN_SECRET_KEYS: base64 32-byte secrets
// separated by commas or white space, oldest first. The last key encrypts;
// every key decrypts, so a key is rotated by appending a new one and kept
// until no row uses it. The first key also keys the blind index (see
// [Keyring.Index]), so it stays in the list as long as the data lives.
func ParseKeys(s string) ([]Key, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	if len(fields) == 0 {
		return nil, errors.New("sqlstore: no keys given")
	}
	keys := make([]Key, 0, len(fields))
	for i, f := range fields {
		secret, err := base64.StdEncoding.DecodeString(f)
		if err != nil {
			// The position, never the value: the value is a secret.
			return nil, fmt.Errorf("sqlstore: key %d is not valid base64", i+1)
		}
		k, err := NewKey(secret)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: key %d: %w", i+1, err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// LoadOrCreateKeyFile reads the key in path, creating the file with a new
// random key (mode 0600, parent directory 0700) when it does not exist. It
// is the zero-config default of `beian serve`; the file must be backed up
// with the database, since without it the personal data cannot be read.
func LoadOrCreateKeyFile(path string) (Key, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return Key{}, fmt.Errorf("sqlstore: key file: %w", err)
		}
		k := GenerateKey()
		// O_EXCL: when two processes race, one creates and the other reads.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return LoadOrCreateKeyFile(path)
		}
		if err != nil {
			return Key{}, fmt.Errorf("sqlstore: key file: %w", err)
		}
		if _, err := f.WriteString(k.Encode() + "\n"); err != nil {
			f.Close()
			return Key{}, fmt.Errorf("sqlstore: key file: %w", err)
		}
		if err := f.Close(); err != nil {
			return Key{}, fmt.Errorf("sqlstore: key file: %w", err)
		}
		return k, nil
	}
	if err != nil {
		return Key{}, fmt.Errorf("sqlstore: key file: %w", err)
	}
	keys, err := ParseKeys(string(b))
	if err != nil {
		return Key{}, fmt.Errorf("sqlstore: key file %s: %w", path, err)
	}
	if len(keys) != 1 {
		return Key{}, fmt.Errorf("sqlstore: key file %s holds %d keys, want 1", path, len(keys))
	}
	return keys[0], nil
}

// Keyring encrypts personal data at rest and computes blind indexes for
// equality look-ups. The store is its only user; it is safe for concurrent
// use because it never changes after NewKeyring.
type Keyring struct {
	aeads  map[string]cipher.AEAD
	newest string
	index  []byte
}

// NewKeyring returns a keyring over keys, oldest first: the newest (last)
// key encrypts, all of them decrypt, and the oldest (first) keys the blind
// index. The index key deliberately does not follow rotation: rows written
// under any key must stay findable, and a new index key would mean
// recomputing every index column.
func NewKeyring(keys ...Key) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("sqlstore: a keyring needs at least one key")
	}
	kr := &Keyring{aeads: make(map[string]cipher.AEAD, len(keys))}
	for _, k := range keys {
		if len(k.secret) != KeySize {
			return nil, errors.New("sqlstore: keyring: zero or malformed key")
		}
		// Separate subkeys for encryption and indexing, so that neither use
		// can weaken the other.
		ek, err := hkdf.Key(sha256.New, k.secret, nil, "beian pii aes-256-gcm", KeySize)
		if err != nil {
			return nil, err
		}
		block, err := aes.NewCipher(ek)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		kr.aeads[k.id] = aead
		kr.newest = k.id
	}
	ik, err := hkdf.Key(sha256.New, keys[0].secret, nil, "beian pii blind index", KeySize)
	if err != nil {
		return nil, err
	}
	kr.index = ik
	return kr, nil
}

// Encrypt seals plaintext with the newest key and returns "keyid:base64",
// binding it to context (the column it belongs in) so that a ciphertext
// copied into another column fails to decrypt. Empty plaintext stays empty,
// so an unset field needs no decryption and stays distinguishable.
func (kr *Keyring) Encrypt(context string, plaintext []byte) string {
	if len(plaintext) == 0 {
		return ""
	}
	aead := kr.aeads[kr.newest]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	rand.Read(nonce)
	sealed := aead.Seal(nonce, nonce, plaintext, []byte(context))
	return kr.newest + ":" + base64.RawStdEncoding.EncodeToString(sealed)
}

// EncryptString is Encrypt for text.
func (kr *Keyring) EncryptString(context, plaintext string) string {
	return kr.Encrypt(context, []byte(plaintext))
}

// errDecrypt is deliberately vague: the reason a ciphertext fails (unknown
// key, tampering) is for operators, and the value must never be echoed.
var errDecrypt = errors.New("sqlstore: cannot decrypt a stored value (unknown key or altered data)")

// Decrypt opens a value made by Encrypt under any key of the ring.
func (kr *Keyring) Decrypt(context, ciphertext string) ([]byte, error) {
	if ciphertext == "" {
		return nil, nil
	}
	id, enc, ok := strings.Cut(ciphertext, ":")
	if !ok {
		return nil, errDecrypt
	}
	aead, ok := kr.aeads[id]
	if !ok {
		return nil, fmt.Errorf("%w: key %s is not in the keyring", errDecrypt, id)
	}
	sealed, err := base64.RawStdEncoding.DecodeString(enc)
	if err != nil || len(sealed) < aead.NonceSize() {
		return nil, errDecrypt
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(context))
	if err != nil {
		return nil, errDecrypt
	}
	return plain, nil
}

// DecryptString is Decrypt for text.
func (kr *Keyring) DecryptString(context, ciphertext string) (string, error) {
	b, err := kr.Decrypt(context, ciphertext)
	return string(b), err
}

// KeyID returns the ID of the key that encrypted ciphertext; key rotation
// uses it to find rows still under an old key.
func KeyID(ciphertext string) string {
	id, _, _ := strings.Cut(ciphertext, ":")
	return id
}

// IndexKind selects how a value is normalised before it is indexed, so that
// look-ups match however the value was typed.
type IndexKind string

// Index kinds.
const (
	IndexCertificate IndexKind = "certificate" // trimmed, upper-cased (the X of resident IDs)
	IndexMobile      IndexKind = "mobile"      // digits only; a leading 86 country code is dropped
	IndexEmail       IndexKind = "email"       // trimmed, lower-cased
)

// Normalize returns value in the canonical form of kind.
func Normalize(kind IndexKind, value string) string {
	value = strings.TrimSpace(value)
	switch kind {
	case IndexCertificate:
		return strings.ToUpper(strings.Join(strings.Fields(value), ""))
	case IndexMobile:
		var b strings.Builder
		for _, r := range value {
			if r >= '0' && r <= '9' {
				b.WriteRune(r)
			}
		}
		d := b.String()
		// +86 138… and 0086 138… are the same mainland mobile as 138….
		if len(d) == 13 && strings.HasPrefix(d, "86") {
			d = d[2:]
		} else if len(d) == 15 && strings.HasPrefix(d, "0086") {
			d = d[4:]
		}
		return d
	case IndexEmail:
		return strings.ToLower(value)
	}
	return value
}

// Index returns the blind index of value: hex HMAC-SHA256 over the kind and
// the normalised value, or "" for an empty value so that unset fields never
// match each other. The kind is part of the input, so a mobile number and a
// certificate number with the same digits index differently.
func (kr *Keyring) Index(kind IndexKind, value string) string {
	n := Normalize(kind, value)
	if n == "" {
		return ""
	}
	m := hmac.New(sha256.New, kr.index)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(n))
	return hex.EncodeToString(m.Sum(nil))
}
