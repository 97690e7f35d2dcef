// Package rules is Beian's rule catalogue and pre-check (智能预检): every
// rule of the domain specification (§6), every machine-decidable row of the
// bureau's rejection catalogue (R1–R28) and every rule-bearing sentence of
// the seed text, checked against an order before a reviewer sees it.
//
// A [Rule] has a stable ID, says what it applies to (filing types, subject
// natures, service kinds, provinces, effective dates), carries a severity
// and its sources, and its check returns [Finding]s. A finding names the
// rule, the field path ("websites[0].domains[1]"), the severity and the
// reason and remedy in Chinese and English — the shape of a bureau's
// 驳回原因 / 修改措施 — so a customer learns what a reviewer would say before
// waiting days for it.
//
// Province rules live in embedded province packs (provinces/*.json): every
// province states every key, either with its own value and source or
// explicitly as "national default". An administrator overrides pack values
// at run time with [Overrides], validated against the key types.
//
// Facts the rules need but the order does not carry — our records and
// in-progress orders, other subjects' use of a mobile number, domain
// registration data, bureau blacklists, the filing resource — come through
// the interfaces of [Facts]. A missing fact never passes silently: the rule
// reports a reviewer-attention finding so a person decides.
//
// The package is pure: it performs no I/O and reads no clock. The check date
// comes in the [Input]; the fact implementations, which live elsewhere, do
// the I/O. [Engine.Check] is the one call the web layer makes: in
// [ModeDraft] on every save (no remote look-ups), in [ModeSubmit] before
// submission (everything).
//
// docs/rules.md is generated from the catalogue by `go generate ./rules`; a
// test fails when it is stale.
package rules

//go:generate go run ./cmd/rulesdoc -o ../docs/rules.md
