package miit

import (
	"archive/zip"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// EncryptAlgorithm is the encryptAlgorithm parameter: how beianInfo is encrypted.
type EncryptAlgorithm int

// Encryption algorithms of spec 3-3-1-4.
const (
	EncryptNone EncryptAlgorithm = 0 // plain: base64 of the zip
	EncryptAES  EncryptAlgorithm = 1 // AES-128-CBC, PKCS5 padding, bureau-issued key and IV
)

// HashAlgorithm is the hashAlgorithm parameter, used both for pwdHash and beianInfoHash.
type HashAlgorithm int

// HashMD5 is the only hash algorithm of the spec.
const HashMD5 HashAlgorithm = 0

// CompressionFormat is the compressionFormat parameter.
type CompressionFormat int

// CompressionZip is the only compression format of the spec.
const CompressionZip CompressionFormat = 0

// Errors of the payload pipeline. Each returned error wraps one of them (errors.Is works) and
// says what failed.
var (
	ErrBase64       = errors.New("miit: payload is not valid base64")
	ErrDecrypt      = errors.New("miit: payload decryption failed")
	ErrHashMismatch = errors.New("miit: payload hash mismatch")
	ErrZip          = errors.New("miit: payload is not a valid zip")
	ErrTooLarge     = errors.New("miit: payload too large")
	ErrUnsupported  = errors.New("miit: unsupported payload algorithm")
	ErrFileName     = errors.New("miit: invalid payload file name")
)

// HashMismatchError is returned (wrapped as ErrHashMismatch) when beianInfoHash does not match
// the MD5 of the received zip: the file was corrupted or tampered with, or the key is wrong.
// The file must not be processed or acknowledged; downloading it again gets a fresh copy.
type HashMismatchError struct {
	Want string // base64 MD5 the sender declared
	Got  string // base64 MD5 of what we received
}

// Error gives both hashes.
func (e *HashMismatchError) Error() string {
	return fmt.Sprintf("miit: payload hash mismatch: declared %s, computed %s", e.Want, e.Got)
}

// Is makes errors.Is(err, ErrHashMismatch) true.
func (e *HashMismatchError) Is(target error) bool { return target == ErrHashMismatch }

// AESKey is the AES key and IV a bureau issues with the connection parameters. Both are
// 16-character strings used as their ASCII bytes, not hex-decoded (NOTES.md).
type AESKey struct {
	key, iv [16]byte
}

// NewAESKey checks that key and iv are 16 bytes each and returns the key pair.
func NewAESKey(key, iv string) (*AESKey, error) {
	if len(key) != 16 || len(iv) != 16 {
		return nil, fmt.Errorf("miit: AES key and IV must be 16 characters each (got %d and %d)", len(key), len(iv))
	}
	k := &AESKey{}
	copy(k.key[:], key)
	copy(k.iv[:], iv)
	return k, nil
}

func (k *AESKey) encrypt(plain []byte) []byte {
	block, _ := aes.NewCipher(k.key[:]) // 16-byte key: cannot fail
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	buf := make([]byte, len(plain)+pad)
	copy(buf, plain)
	for i := len(plain); i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(block, k.iv[:]).CryptBlocks(buf, buf)
	return buf
}

func (k *AESKey) decrypt(ct []byte) ([]byte, error) {
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: ciphertext length %d is not a positive multiple of 16", ErrDecrypt, len(ct))
	}
	block, _ := aes.NewCipher(k.key[:])
	buf := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, k.iv[:]).CryptBlocks(buf, ct)
	pad := int(buf[len(buf)-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, fmt.Errorf("%w: bad PKCS5 padding (wrong key or IV?)", ErrDecrypt)
	}
	for _, b := range buf[len(buf)-pad:] {
		if int(b) != pad {
			return nil, fmt.Errorf("%w: bad PKCS5 padding (wrong key or IV?)", ErrDecrypt)
		}
	}
	return buf[:len(buf)-pad], nil
}

// Payload is a file as isp_upload sends it and isp_download and isp_querypreviousupload
// return it: the base64 text and its hash, and the three algorithm flags.
type Payload struct {
	// FileName is the name of the XML file: the zip entry we wrote, or return_FileName as the
	// bureau reported it (which isp_downloadack needs back).
	FileName          string
	BeianInfo         string // base64 of the (encrypted) zip; may be wrapped
	BeianInfoHash     string // base64 of the MD5 of the zip, before encryption
	EncryptAlgorithm  EncryptAlgorithm
	HashAlgorithm     HashAlgorithm
	CompressionFormat CompressionFormat
}

// EncodeOptions tune EncodePayload.
type EncodeOptions struct {
	// Key encrypts the zip with AES when set; nil sends it unencrypted (encryptAlgorithm 0).
	Key *AESKey
	// Modified is the zip entry's modification time; zero means now. Set it to make the
	// output reproducible.
	Modified time.Time
	// Wrap breaks the base64 text into 76-column lines, as Java's MIME encoder does; some
	// bureaus send it that way, and the simulator can too. Decoders ignore the line breaks.
	Wrap bool
}

// MaxFileNameLength is the spec's limit on a data file name (bytes, ASCII only).
const MaxFileNameLength = 128

// UploadFileName returns a file name in the form bureaus use, "20260325145800_<isp>_<seq>.xml",
// from the time (written in Beijing time), a short ASCII tag for the provider and the upload's
// data sequence number.
func UploadFileName(t time.Time, isp string, seq int64) string {
	return t.In(Beijing).Format("20060102150405") + "_" + isp + "_" + strconv.FormatInt(seq, 10) + ".xml"
}

// CheckFileName enforces the spec's rule for data file names: ASCII letters and digits (we
// also allow "_", "-" and "." as the bureaus' own names use them), at most 128 bytes.
func CheckFileName(name string) error {
	if name == "" || len(name) > MaxFileNameLength {
		return fmt.Errorf("%w: %q must be 1–%d bytes", ErrFileName, name, MaxFileNameLength)
	}
	for _, c := range []byte(name) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
		if !ok {
			return fmt.Errorf("%w: %q may only hold ASCII letters, digits, '_', '-' and '.'", ErrFileName, name)
		}
	}
	return nil
}

// EncodePayload runs the upload pipeline of spec 3-3-1-3 on one XML file: zip it as a single
// entry named fileName, hash the zip (MD5, base64), encrypt the zip when opt.Key is set, and
// base64 the result.
func EncodePayload(fileName string, xmlDoc []byte, opt EncodeOptions) (*Payload, error) {
	if err := CheckFileName(fileName); err != nil {
		return nil, err
	}
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	mod := opt.Modified
	if mod.IsZero() {
		mod = time.Now()
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: fileName, Method: zip.Deflate, Modified: mod.In(Beijing)})
	if err != nil {
		return nil, fmt.Errorf("miit: zip: %w", err)
	}
	if _, err := w.Write(xmlDoc); err != nil {
		return nil, fmt.Errorf("miit: zip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("miit: zip: %w", err)
	}
	zipped := zbuf.Bytes()
	sum := md5.Sum(zipped)
	p := &Payload{
		FileName:          fileName,
		BeianInfoHash:     base64.StdEncoding.EncodeToString(sum[:]),
		EncryptAlgorithm:  EncryptNone,
		HashAlgorithm:     HashMD5,
		CompressionFormat: CompressionZip,
	}
	body := zipped
	if opt.Key != nil {
		body = opt.Key.encrypt(zipped)
		p.EncryptAlgorithm = EncryptAES
	}
	p.BeianInfo = base64.StdEncoding.EncodeToString(body)
	if opt.Wrap {
		p.BeianInfo = wrap76(p.BeianInfo)
	}
	return p, nil
}

func wrap76(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/76*2)
	for len(s) > 76 {
		b.WriteString(s[:76])
		b.WriteString("\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

// Limits bound what DecodePayload accepts, so a hostile or broken file (a zip bomb, a huge
// base64 text) costs bounded memory and time.
type Limits struct {
	// MaxEncoded caps the base64 text, in bytes.
	MaxEncoded int64
	// MaxUncompressed caps the XML file after unzipping, in bytes.
	MaxUncompressed int64
	// MaxRatio caps uncompressed size / zip size for files above 1 MiB; XML rarely
	// compresses beyond 50:1, zip bombs do 1000:1.
	MaxRatio int64
	// MaxEntries caps the number of entries in the zip.
	MaxEntries int
}

// DefaultLimits fit the spec (files ≤ 50 MB) with headroom.
var DefaultLimits = Limits{MaxEncoded: 128 << 20, MaxUncompressed: 64 << 20, MaxRatio: 200, MaxEntries: 16}

// DecodePayload reverses the pipeline: strip whitespace from the base64 text, decode it,
// decrypt it when EncryptAlgorithm is AES (key is then required), verify the MD5 against
// BeianInfoHash (a *HashMismatchError on mismatch), and unzip the single entry, or the .xml
// entry if there are several. It returns the entry's name and content. Zero fields of lim
// take DefaultLimits.
func DecodePayload(p *Payload, key *AESKey, lim Limits) (name string, xmlDoc []byte, err error) {
	lim = lim.withDefaults()
	if p.HashAlgorithm != HashMD5 {
		return "", nil, fmt.Errorf("%w: hashAlgorithm %d", ErrUnsupported, p.HashAlgorithm)
	}
	if p.CompressionFormat != CompressionZip {
		return "", nil, fmt.Errorf("%w: compressionFormat %d", ErrUnsupported, p.CompressionFormat)
	}
	if int64(len(p.BeianInfo)) > lim.MaxEncoded {
		return "", nil, fmt.Errorf("%w: %d bytes of base64 exceed %d", ErrTooLarge, len(p.BeianInfo), lim.MaxEncoded)
	}
	body, err := decodeBase64(p.BeianInfo)
	if err != nil {
		return "", nil, fmt.Errorf("%w: beianInfo: %v", ErrBase64, err)
	}
	switch p.EncryptAlgorithm {
	case EncryptNone:
	case EncryptAES:
		if key == nil {
			return "", nil, fmt.Errorf("%w: payload is AES-encrypted but no key is configured", ErrDecrypt)
		}
		if body, err = key.decrypt(body); err != nil {
			return "", nil, err
		}
	default:
		return "", nil, fmt.Errorf("%w: encryptAlgorithm %d", ErrUnsupported, p.EncryptAlgorithm)
	}
	want, err := decodeBase64(p.BeianInfoHash)
	if err != nil {
		return "", nil, fmt.Errorf("%w: beianInfoHash: %v", ErrBase64, err)
	}
	sum := md5.Sum(body)
	if !bytes.Equal(want, sum[:]) {
		return "", nil, &HashMismatchError{Want: strings.TrimSpace(p.BeianInfoHash), Got: base64.StdEncoding.EncodeToString(sum[:])}
	}
	return unzipOne(body, lim)
}

func (l Limits) withDefaults() Limits {
	if l.MaxEncoded <= 0 {
		l.MaxEncoded = DefaultLimits.MaxEncoded
	}
	if l.MaxUncompressed <= 0 {
		l.MaxUncompressed = DefaultLimits.MaxUncompressed
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultLimits.MaxRatio
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultLimits.MaxEntries
	}
	return l
}

// decodeBase64 accepts standard base64 with or without padding, with any whitespace in it
// (Java MIME encoders wrap at 76 columns with CRLF).
func decodeBase64(s string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n', '\f', '\v':
			return -1
		}
		return r
	}, s)
	clean = strings.TrimRight(clean, "=")
	return base64.RawStdEncoding.DecodeString(clean)
}

func unzipOne(data []byte, lim Limits) (string, []byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", nil, fmt.Errorf("%w: %v", ErrZip, err)
	}
	if len(zr.File) == 0 {
		return "", nil, fmt.Errorf("%w: no entries", ErrZip)
	}
	if len(zr.File) > lim.MaxEntries {
		return "", nil, fmt.Errorf("%w: %d entries", ErrZip, len(zr.File))
	}
	f := zr.File[0]
	if len(zr.File) > 1 {
		f = nil
		for _, c := range zr.File {
			if strings.HasSuffix(strings.ToLower(c.Name), ".xml") && !c.FileInfo().IsDir() {
				f = c
				break
			}
		}
		if f == nil {
			return "", nil, fmt.Errorf("%w: %d entries and none is an .xml file", ErrZip, len(zr.File))
		}
	}
	// The cap is the smaller of the absolute limit and ratio × the zip's real size (not the
	// header's claimed sizes, which an attacker controls), but never below 1 MiB.
	limit := min(lim.MaxUncompressed, max(int64(len(data))*lim.MaxRatio, 1<<20))
	rc, err := f.Open()
	if err != nil {
		return "", nil, fmt.Errorf("%w: %s: %v", ErrZip, f.Name, err)
	}
	defer rc.Close()
	out, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return "", nil, fmt.Errorf("%w: %s: %v", ErrZip, f.Name, err)
	}
	if int64(len(out)) > limit {
		return "", nil, fmt.Errorf("%w: %s unzips to more than %d bytes", ErrTooLarge, f.Name, limit)
	}
	return f.Name, out, nil
}
