package rules

import (
	"regexp"
	"strings"

	"github.com/openbeian/beian"
)

// appRules are the APP rules (spec §5.4, §6.7, §9.4 D).
func appRules() []*Rule {
	apps := Scope{Types: typesServices, Kinds: kindsApp}
	return []*Rule{
		{
			ID:       "APP-NAME-FORMAT",
			Title:    t("APP名称", "App name"),
			Severity: Blocking,
			Applies:  apps,
			Reason:   t("APP名称须为真实名称：不能为空或占位名称，不能含表情或特殊符号、价格或营销用语，不能只是通用类别词。", "The app name must be its real name: not empty or a placeholder, no emoji or symbols, no price or marketing words, not just a generic category word."),
			Remedy:   t("请填写APP在各应用平台上架使用的真实名称。", "Give the real name the app is listed under on every platform."),
			Sources:  []string{"§5.4"},
			check:    checkAppName,
		},
		{
			ID:       "APP-NAME-REVIEW",
			Title:    t("APP名称与图标核对", "App name and icon review"),
			Severity: ReviewerAttention,
			Applies:  apps,
			Reason:   t("APP名称须与各平台上架名称一致，不能使用热门应用名称或行业名词；图标不能是系统图标，不能含误导元素。", "The app name must be identical on every platform, not a popular app's name or an industry noun; the icon must not be a system icon or misleading."),
			Remedy:   t("审核员请核对APP名称与图标。", "Reviewer: check the app's name and icon."),
			Fix:      t("请使用与各应用平台上架名称一致的APP名称，不要使用热门应用名称或行业名词；图标不要使用系统图标，不要含误导元素。", "Use the app's name exactly as each app store lists it, not a popular app's name or an industry term; the icon may not be a system icon or contain misleading elements."),
			Sources:  []string{"§5.4"},
			check: func(c *checker) {
				for i := range c.snap.Apps {
					c.fail(index("apps", i)+".name", c.rule.Reason, c.rule.Remedy)
				}
			},
		},
		{
			ID:       "APP-ICON",
			Title:    t("APP图标", "App icon"),
			Severity: Blocking,
			Applies:  apps,
			Reason:   t("须上传APP图标，图片不超过100KB。", "The app's icon is required, an image of at most 100 KB."),
			Remedy:   t("请上传不超过100KB的 jpg/png 图标。", "Upload a jpg or png icon of at most 100 KB."),
			Sources:  []string{"§5.4"},
			check:    checkAppIcon,
		},
		{
			ID:       "APP-RELEASES-REQUIRED",
			Title:    t("APP平台信息", "App platform data"),
			Severity: Blocking,
			Applies:  apps,
			Reason:   t("APP须至少填写一个运行平台的信息（平台、包名、公钥、签名MD5）。", "An app needs data for at least one runtime platform (platform, package name, public key, signature)."),
			Remedy:   t("请为每个上架平台填写平台信息。", "Enter the data of every platform the app runs on."),
			Sources:  []string{"§5.4"},
			check: func(c *checker) {
				for i := range c.snap.Apps {
					if len(c.snap.Apps[i].Releases) == 0 {
						c.fail(index("apps", i)+".releases", c.rule.Reason, c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "APP-PLATFORM",
			Title:    t("APP平台须为运行平台", "Platform is the runtime platform"),
			Severity: Blocking,
			Applies:  apps,
			Reason:   t("APP平台信息无效：平台须为运行平台（Android、iOS、鸿蒙），不是应用商店。", "Invalid app platform: it is the runtime platform (Android, iOS, HarmonyOS), not the app store."),
			Remedy:   t("请选择 Android、iOS 或 HarmonyOS。", "Choose Android, iOS or HarmonyOS."),
			Sources:  []string{"§5.4", "§6.7", "§9.4"},
			check: func(c *checker) {
				c.eachRelease(func(at path, r *beian.AppRelease) {
					if !r.Platform.Valid() {
						c.fail(at.at(".platform"), t("「"+string(r.Platform)+"」不是APP运行平台。", quote(string(r.Platform))+" is not a runtime platform."), c.rule.Remedy)
					}
				})
			},
		},
		{
			ID:       "APP-PACKAGE-NAME",
			Title:    t("APP包名", "App package name"),
			Severity: Blocking,
			Applies:  apps,
			Reason:   t("APP包名不准确：Android/鸿蒙包名形如 com.example.app，iOS 为 Bundle ID。", "The package name is wrong: Android and HarmonyOS use com.example.app, iOS its bundle ID."),
			Remedy:   t("请从安装包或开发者后台复制准确的包名 / Bundle ID。", "Copy the exact package name or bundle ID from the package or the developer console."),
			Sources:  []string{"§5.4", "§6.7", "§9.4"},
			check: func(c *checker) {
				c.eachRelease(func(at path, r *beian.AppRelease) {
					if !validPackage(r.Platform, r.PackageName) {
						c.fail(at.at(".package_name"), t("包名「"+r.PackageName+"」格式不正确。", "Package name "+quote(r.PackageName)+" is malformed."), c.rule.Remedy)
					}
				})
			},
		},
		{
			ID:       "APP-SIGNATURE",
			Title:    t("APP公钥与签名", "App public key and signature"),
			Severity: Blocking,
			Applies:  apps,
			Reason:   t("APP特征信息无效：须填写公钥，签名须为证书的MD5（Android，32位十六进制）、SHA-1（iOS，40位）或指纹（鸿蒙，SHA-256 64位）。", "Invalid app fingerprints: the public key is required and the signature is the certificate's MD5 (Android, 32 hex), SHA-1 (iOS, 40 hex) or fingerprint (HarmonyOS, SHA-256, 64 hex)."),
			Remedy:   t("请从签名证书中读取公钥和签名值后重新填写。", "Read the public key and the digest from the signing certificate and enter them again."),
			Sources:  []string{"§5.4", "§6.7", "§9.4"},
			check:    checkAppSignature,
		},
		{
			ID:       "APP-DOMAINS-REQUIRED",
			Title:    t("APP须填写域名", "App needs its domains"),
			Severity: Blocking,
			Applies:  apps,
			Reason:   t("APP的域名不能为空，须填写APP后台使用的域名（用到哪级备哪级）。", "An app's domains cannot be empty: give the domains its back end uses, at the level used."),
			Remedy:   t("请填写APP实际使用的所有域名。", "Enter every domain the app uses."),
			Sources:  []string{"§5.4"},
			check: func(c *checker) {
				for i := range c.snap.Apps {
					a := &c.snap.Apps[i]
					n := len(a.Domains)
					for _, r := range a.Releases {
						n += len(r.Domains)
					}
					if n == 0 {
						c.fail(index("apps", i)+".domains", c.rule.Reason, c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "APP-FILE-BEFORE-LISTING",
			Title:    t("APP先备案后上架", "Apps are filed before listing"),
			Severity: Warning,
			Applies:  Scope{Types: []beian.OrderType{beian.FirstFiling, beian.NewApp}, Kinds: kindsApp, From: beian.NewDate(2023, 9, 1)},
			Reason:   t("自2023年9月1日起，新的APP在分发平台申请上架，或历史下架的APP需重新申请上架，需先完成备案手续；此前已上架的APP须在截止日前完成备案，备案期间可正常使用。", "Since 2023-09-01, a new app — or one delisted and listed again — is filed before it is listed; apps listed earlier had to be filed by the deadline and could stay online meanwhile."),
			Remedy:   t("请在管局审核通过后再上架或更新上架APP。", "List the app only after the bureau approves the filing."),
			Sources:  []string{"§6.7", "S08", "S09"},
			PackKeys: []string{"app.existing_listing_deadline"},
			check: func(c *checker) {
				deadline := c.pack.AppListingDeadline
				for i := range c.snap.Apps {
					if deadline.IsZero() || !c.date.After(deadline) {
						c.fail(index("apps", i), t("2023年9月1日前已上架的APP须在 "+deadline.String()+" 前完成备案（备案期间可正常使用）；新上架的APP须先备案。", "Apps listed before 2023-09-01 must be filed by "+deadline.String()+" (they may stay online meanwhile); new apps are filed before listing."), c.rule.Remedy)
						continue
					}
					after := deadline.AddDate(0, 0, 1).String()
					c.fail(index("apps", i), t("自"+after+"起所有APP须先备案后提供服务：管局审核通过前请勿上架本APP。", "Since "+after+" every app is filed before it serves: do not list this app before the bureau approves it."), c.rule.Remedy)
				}
			},
		},
	}
}

// appPlaceholders and appMarketing are words an app name may not be or
// contain.
var (
	appPlaceholders = map[string]bool{"test": true, "demo": true, "app": true, "测试": true, "未命名": true, "我的应用": true, "新应用": true, "xxx": true, "示例": true}
	appMarketing    = []string{"免费", "最新", "最好", "第一", "官方正版", "限时", "特价", "优惠", "折扣", "破解", "下载"}
	appGeneric      = map[string]bool{"计算器": true, "天气": true, "相机": true, "浏览器": true, "视频": true, "音乐": true, "地图": true, "日历": true, "手电筒": true, "记事本": true, "闹钟": true, "翻译": true, "商城": true, "新闻": true}
	appWords        = newMatcher([][]string{appMarketing})
)

func checkAppName(c *checker) {
	for i := range c.snap.Apps {
		a := &c.snap.Apps[i]
		field := index("apps", i) + ".name"
		name := strings.TrimSpace(a.Name)
		switch {
		case runeLen(name) < 2:
			c.fail(field, t("APP名称「"+a.Name+"」太短。", "App name "+quote(a.Name)+" is too short."), c.rule.Remedy)
		case appPlaceholders[strings.ToLower(name)]:
			c.fail(field, t("APP名称「"+a.Name+"」是占位名称。", "App name "+quote(a.Name)+" is a placeholder."), c.rule.Remedy)
		case appGeneric[name]:
			c.fail(field, t("APP名称「"+a.Name+"」只是通用类别词。", "App name "+quote(a.Name)+" is only a generic category word."), c.rule.Remedy)
		default:
			if r, bad := specialSymbol(name); bad {
				c.fail(field, t("APP名称「"+a.Name+"」含有特殊符号或表情「"+string(r)+"」。", "App name "+quote(a.Name)+" contains the symbol "+quoteRune(r)+"."), c.rule.Remedy)
			} else if w := appWords.find(name, 0); w != "" {
				c.fail(field, t("APP名称「"+a.Name+"」含有营销用语「"+w+"」。", "App name "+quote(a.Name)+" contains the marketing word "+quote(w)+"."), c.rule.Remedy)
			}
		}
	}
}

func checkAppIcon(c *checker) {
	for i := range c.snap.Apps {
		a := &c.snap.Apps[i]
		field := index("apps", i) + ".icon_document_id"
		if a.IconDocumentID == "" {
			c.fail(field, t("APP「"+a.Name+"」没有上传图标。", "App "+quote(a.Name)+" has no icon."), c.rule.Remedy)
			continue
		}
		for j := range c.snap.Materials {
			m := &c.snap.Materials[j]
			if m.DocumentID != a.IconDocumentID {
				continue
			}
			if m.Size > 100<<10 {
				c.fail(field, t("APP图标大小为"+itoa(int(m.Size/1024))+"KB，超过100KB。", "The icon has "+itoa(int(m.Size/1024))+" KB, more than 100 KB."), c.rule.Remedy)
			}
			break
		}
	}
}

// eachRelease calls fn for every platform release of the order's apps.
func (c *checker) eachRelease(fn func(at path, r *beian.AppRelease)) {
	for i := range c.snap.Apps {
		for j := range c.snap.Apps[i].Releases {
			fn(path{list: "apps", i: i, sub: ".releases", j: j}, &c.snap.Apps[i].Releases[j])
		}
	}
}

var (
	androidPackage = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$`)
	iosBundle      = regexp.MustCompile(`^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)
	publicKey      = regexp.MustCompile(`^[A-Za-z0-9+/=:\s-]{32,}$`)
)

func validPackage(p beian.AppPlatform, name string) bool {
	if len(name) > 255 {
		return false
	}
	switch p {
	case beian.PlatformIOS:
		return iosBundle.MatchString(name)
	default:
		return androidPackage.MatchString(name)
	}
}

// hexDigest returns the digest with separators removed and whether it is
// all hex.
func hexDigest(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ':' || r == ' ' || r == '-':
		case r >= '0' && r <= '9', r >= 'a' && r <= 'f', r >= 'A' && r <= 'F':
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	return b.String(), true
}

// digestLengths are the hex lengths of a signing certificate's digest per
// platform: MD5 on Android, SHA-1 on iOS, the SHA-256 fingerprint (or an
// older SHA-1 one) on HarmonyOS.
var digestLengths = map[beian.AppPlatform][]int{
	beian.PlatformAndroid:   {32},
	beian.PlatformIOS:       {40},
	beian.PlatformHarmonyOS: {64, 40},
}

func checkAppSignature(c *checker) {
	c.eachRelease(func(at path, r *beian.AppRelease) {
		if !publicKey.MatchString(strings.TrimSpace(r.PublicKey)) {
			c.fail(at.at(".public_key"), t("公钥为空或格式不正确。", "The public key is empty or malformed."), c.rule.Remedy)
		}
		h, ok := hexDigest(r.SignatureMD5)
		want := digestLengths[r.Platform]
		if want == nil {
			return // APP-PLATFORM reports it
		}
		good := false
		for _, n := range want {
			good = good || ok && len(h) == n
		}
		if !good {
			c.fail(at.at(".signature_md5"), t("签名值「"+r.SignatureMD5+"」不是"+string(r.Platform)+"证书应有的十六进制摘要（"+itoa(want[0])+"位）。", "Signature "+quote(r.SignatureMD5)+" is not the "+itoa(want[0])+"-digit hex digest a "+string(r.Platform)+" certificate has."), c.rule.Remedy)
		}
	})
}
