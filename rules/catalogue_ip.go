package rules

import (
	"net/netip"

	"github.com/openbeian/beian"
)

// ipRules are the server and address rules (spec §5.3, §5.4, §6.8, §10.1).
func ipRules() []*Rule {
	return []*Rule{
		{
			ID:       "IP-REQUIRED",
			Title:    t("须填写服务器IP", "Server addresses required"),
			Severity: Blocking,
			Applies:  Scope{Types: []beian.OrderType{beian.FirstFiling, beian.NewWebsite, beian.NewApp, beian.NewAccess, beian.ChangeService, beian.ChangeBoth, beian.Migrate}},
			Reason:   t("网站/APP须填写接入本接入商的服务器公网IP（单个IP起止相同；使用WAF、负载均衡的一并填写）。", "Websites and apps list the public addresses of their servers at this provider (one address: start equals end; add WAF and load-balancer addresses)."),
			Remedy:   t("请填写实际使用的公网IP地址。", "Enter the public addresses actually used."),
			Sources:  []string{"§5.3", "§5.4", "§10.1"},
			check: func(c *checker) {
				for i := range c.snap.Websites {
					if w := &c.snap.Websites[i]; len(w.IPs) == 0 {
						c.fail(index("websites", i)+".ips", t("网站「"+w.Name+"」没有填写服务器IP。", "Website "+quote(w.Name)+" lists no server address."), c.rule.Remedy)
					}
				}
				for i := range c.snap.Apps {
					if a := &c.snap.Apps[i]; len(a.IPs) == 0 {
						c.fail(index("apps", i)+".ips", t("APP「"+a.Name+"」没有填写服务器IP。", "App "+quote(a.Name)+" lists no server address."), c.rule.Remedy)
					}
				}
			},
		},
		{
			ID:       "IP-RANGE-VALID",
			Title:    t("IP地址须为有效公网地址", "Addresses are valid public addresses"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices},
			Reason:   t("IP地址段格式不正确，或包含内网、回环、组播等非公网地址（仅内网IP不能备案）。", "The address range is malformed or holds private, loopback, multicast or other non-public addresses (intranet-only addresses cannot be filed)."),
			Remedy:   t("请填写服务器的公网IP（IPv4 或 IPv6，起始不大于结束，同一协议族）。", "Enter the server's public addresses (IPv4 or IPv6, start not after end, one family)."),
			Sources:  []string{"§5.3", "§5.4", "§6.1.4"},
			check: func(c *checker) {
				c.eachIPRange(func(at path, r beian.IPRange) {
					if !r.Valid() {
						c.fail(at.String(), t("IP地址段「"+r.String()+"」格式不正确。", "Address range "+quote(r.String())+" is malformed."), c.rule.Remedy)
						return
					}
					for _, a := range [2]netip.Addr{r.Start, r.End} {
						if !publicAddr(a) {
							c.fail(at.String(), t("IP地址 "+a.String()+" 不是公网地址。", "Address "+a.String()+" is not a public address."), c.rule.Remedy)
							return
						}
					}
				})
			},
		},
		{
			ID:       "IP-PROVIDER-MAINLAND",
			Title:    t("IP须为本接入商境内公网IP", "Addresses are the provider's mainland addresses"),
			Severity: Blocking,
			Applies:  Scope{Types: typesServices},
			Reason:   t("备案的IP须为本接入商境内地域的公网IP；境外及港澳台地域的服务器无需也不能备案。", "Filed addresses must be this provider's public addresses in mainland regions; overseas and Hong Kong servers need no filing and cannot be filed."),
			Remedy:   t("请填写本接入商境内服务器（含负载均衡、WAF）的公网IP。", "Enter the public addresses of this provider's mainland servers (and load balancers, WAFs)."),
			Sources:  []string{"§6.8.1", "§10.1"},
			Facts:    []FactKind{FactNetworks},
			check:    checkProviderIPs,
		},
		{
			ID:       "DOMAIN-RESOLVES-TO-FILED-IP",
			Title:    t("域名解析至备案IP", "Domain resolves to the filed addresses"),
			Severity: Warning,
			Applies:  Scope{Types: typesChangeService, Kinds: kindsWebsite},
			Reason:   t("已备案网站的域名须解析至本接入商的备案IP并有实际访问；未解析至本接入商服务器或解析IP与备案IP不符会收到整改通知。", "A filed site's domain must resolve to its filed addresses here and carry real traffic; otherwise a rectification notice follows."),
			Remedy:   t("请将域名（或其任一子域名）解析至备案IP；更换了服务器IP的，请在本次变更中更新IP；网站已迁往境外的，请取消接入或注销。", "Point the domain (or any sub-domain) at the filed addresses; if the server's address changed, update it in this change; if the site moved abroad, cancel access or the service."),
			Sources:  []string{"§6.8.1", "§6.8.2", "§9.4"},
			Facts:    []FactKind{FactDNS},
			check:    checkResolvesToFiled,
		},
	}
}

// publicAddr reports whether a is a global unicast address outside the
// private, shared (100.64/10) and documentation-free ranges a server could
// be reached on from the internet.
func publicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsGlobalUnicast() || a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() {
		return false
	}
	if a.Is4() {
		b := a.As4()
		if b[0] == 100 && b[1]&0xC0 == 64 { // 100.64.0.0/10 carrier-grade NAT
			return false
		}
	}
	return true
}

func checkProviderIPs(c *checker) {
	nets := c.in.Facts.Networks
	c.eachIPRange(func(at path, r beian.IPRange) {
		if !r.Valid() {
			return
		}
		if nets == nil {
			c.undecided(at.String(), FactNetworks, nil)
			return
		}
		for _, a := range [2]netip.Addr{r.Start, r.End} {
			ours, mainland := nets.Classify(a)
			switch {
			case !ours:
				c.fail(at.String(), t("IP地址 "+a.String()+" 不是本接入商的地址。", "Address "+a.String()+" is not one of this provider's."), c.rule.Remedy)
				return
			case !mainland:
				c.fail(at.String(), t("IP地址 "+a.String()+" 属于本接入商境外地域，无需也不能备案。", "Address "+a.String()+" is in one of this provider's overseas regions, which need no filing and cannot be filed."), c.rule.Remedy)
				return
			}
		}
	})
}

func checkResolvesToFiled(c *checker) {
	for i := range c.domains {
		d := &c.domains[i]
		if d.site < 0 || d.syntax.ZH != "" || c.snap.Websites[d.site].RecordID == "" {
			continue
		}
		res, ok := c.resolution(d)
		if !ok {
			continue
		}
		w := &c.snap.Websites[d.site]
		if !res.Resolves {
			c.fail(d.field, t("已备案域名 "+d.name+" 未解析至本接入商服务器。", "Filed domain "+d.name+" does not resolve to this provider's servers."), c.rule.Remedy)
			continue
		}
		for _, a := range res.Addrs {
			in := false
			for _, r := range w.IPs {
				if r.Contains(a) {
					in = true
					break
				}
			}
			if !in {
				c.fail(d.field, t("域名 "+d.name+" 解析到 "+a.String()+"，与备案IP不符。", "Domain "+d.name+" resolves to "+a.String()+", which is not among the filed addresses."), c.rule.Remedy)
				break
			}
		}
	}
}
