// Package probe checks that filed services stay true after filing (spec
// §9, §6.8): that their domains resolve to the provider's mainland
// addresses and to the filed ones, that their homepages show the right ICP
// number linked to beian.miit.gov.cn and a title matching the filed name,
// and that their domains are not expired or about to expire.
//
// Three probes do the looking:
//
//   - Resolver asks the configured DNS servers (miekg/dns) for A and AAAA
//     records of a domain and its www host, follows CNAME chains with loop
//     detection, uses EDNS0 over UDP and TCP after truncation, and tells a
//     definite "does not resolve" (NXDOMAIN, no records, a CNAME loop) from
//     "no answer" (timeout, SERVFAIL), which is never held against anyone.
//     Each worker keeps its connections and writes a look-up's questions
//     back to back, so a sweep runs at the speed of a plain client.
//   - The homepage probe dials the address our resolver returned (never
//     the system resolver) with the domain as Host and SNI, over http and
//     then https, follows a bounded number of redirects (each target
//     re-resolved through our resolver), reads a bounded body in whatever
//     charset it declares (GBK pages included), and extracts the title and
//     every ICP number with the link around it (ParsePage).
//   - The registry probe asks RDAP (openrdap) and falls back to port-43
//     WHOIS (ParseWHOIS) for registrar, registration and expiry dates.
//
// Ranges holds the provider's address ranges, IPv4 and IPv6, each marked
// mainland or overseas, for O(log n) classification; it also implements
// rules.NetworkFacts. Prober.Sweep runs the probes over many filed
// services with bounded concurrency and per-server rate limits and streams
// one Result per service with its Findings: codes such as
// dns.not_resolving or http.number_not_linked, each with its Evidence
// (time, addresses, final URL, HTTP status, the text around the number).
// Codes ending in .unknown are not faults. Facts adapts a Prober to the
// pre-check's fact interfaces.
//
// The package logs nothing; registrant names, which may be personal data,
// are kept out of Evidence.
package probe
