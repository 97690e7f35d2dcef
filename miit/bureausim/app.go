package bureausim

import (
	"errors"
	"fmt"
	"strings"
)

// AppMarker starts the site remark (Wz_Bz) of an APP filed under Beian's APP convention.
// V3.0's XSDs date from 2015 and have no APP structure (APP filing began in September
// 2023), so Beian uploads an APP as a website entry (Wz_xx) whose Wzmc is the APP's name,
// whose Ym_xx are the domains the APP uses, and whose Wz_Bz is
//
//	APP;platform=android;package=com.example.app;md5=<signature MD5>;platform=ios;package=…
//
// one platform= entry per runtime platform (android, ios or harmonyos), each followed by
// its package (package name or bundle ID) and md5 (signature MD5 or fingerprint), and
// optionally pubkey. The simulator recognises the marker, validates the entries and issues
// an APP number (…号-nA) instead of a website number (…号-n).
const AppMarker = "APP;"

// App is an APP service as the convention describes it.
type App struct {
	Platforms []AppPlatform `json:"platforms"`
}

// AppPlatform is one runtime platform of an APP.
type AppPlatform struct {
	Platform  string `json:"platform"` // android, ios or harmonyos
	Package   string `json:"package"`
	MD5       string `json:"md5"`
	PublicKey string `json:"pubkey,omitempty"`
}

// AppPlatforms are the runtime platforms the convention accepts (spec §5.4: the runtime
// platform, not the app store).
var AppPlatforms = []string{"android", "ios", "harmonyos"}

// ErrAppRemark is wrapped by every error about a malformed APP remark.
var ErrAppRemark = errors.New("bureausim: malformed APP remark")

// ParseAppRemark reads a site remark. It returns nil, nil for a remark without the marker
// (a website), the App for a well-formed APP remark, and an error wrapping ErrAppRemark
// when the marker is there but the entries are not: no platform, an unknown platform, a
// platform without package or md5, or an entry that is not key=value.
func ParseAppRemark(remark string) (*App, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(remark), AppMarker)
	if !ok {
		return nil, nil
	}
	app := &App{}
	var cur *AppPlatform
	for _, entry := range strings.Split(rest, ";") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		k, v, ok := strings.Cut(entry, "=")
		if !ok {
			return nil, fmt.Errorf("%w: entry %q is not key=value", ErrAppRemark, entry)
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		switch k {
		case "platform":
			v = strings.ToLower(v)
			valid := false
			for _, p := range AppPlatforms {
				valid = valid || p == v
			}
			if !valid {
				return nil, fmt.Errorf("%w: platform %q is not one of %s", ErrAppRemark, v, strings.Join(AppPlatforms, ", "))
			}
			app.Platforms = append(app.Platforms, AppPlatform{Platform: v})
			cur = &app.Platforms[len(app.Platforms)-1]
		case "package", "md5", "pubkey":
			if cur == nil {
				return nil, fmt.Errorf("%w: %s before the first platform=", ErrAppRemark, k)
			}
			switch k {
			case "package":
				cur.Package = v
			case "md5":
				cur.MD5 = v
			default:
				cur.PublicKey = v
			}
		default:
			// Unknown keys are tolerated so the convention can grow.
		}
	}
	if len(app.Platforms) == 0 {
		return nil, fmt.Errorf("%w: no platform= entry", ErrAppRemark)
	}
	for _, p := range app.Platforms {
		if p.Package == "" || p.MD5 == "" {
			return nil, fmt.Errorf("%w: platform %s needs package= and md5=", ErrAppRemark, p.Platform)
		}
	}
	return app, nil
}

// Remark writes the app as a site remark in the convention's form, for the enterprise side
// and tests.
func (a App) Remark() string {
	var b strings.Builder
	b.WriteString(AppMarker)
	for i, p := range a.Platforms {
		if i > 0 {
			b.WriteByte(';')
		}
		fmt.Fprintf(&b, "platform=%s;package=%s;md5=%s", p.Platform, p.Package, p.MD5)
		if p.PublicKey != "" {
			fmt.Fprintf(&b, ";pubkey=%s", p.PublicKey)
		}
	}
	return b.String()
}
