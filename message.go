package beian

import (
	"sort"
	"strings"
)

// Lang is a user interface language. Chinese comes first: it is the default.
type Lang string

// The languages Beian speaks.
const (
	LangZH Lang = "zh-CN"
	LangEN Lang = "en"
)

// Text is one message in both languages.
type Text struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// In returns the text in lang, falling back to Chinese.
func (t Text) In(lang Lang) string {
	if lang == LangEN && t.EN != "" {
		return t.EN
	}
	return t.ZH
}

// messages holds the domain's own message keys. Packages with their own
// catalogues (rules, cnid mappings) register theirs with RegisterMessages.
var messages = map[string]Text{
	"error.internal":     {"系统内部错误，请稍后重试；如持续出现请联系客服。", "Internal error; please try again later, and contact support if it persists."},
	"error.not_found":    {"未找到该对象，或您无权查看。", "Not found, or not visible to you."},
	"error.forbidden":    {"您没有执行此操作的权限。", "You are not allowed to do this."},
	"error.unauthorized": {"请先登录。", "Please sign in first."},
	"error.conflict":     {"数据已被他人修改，请刷新后重试。", "Someone else changed this; reload and try again."},
	"error.unavailable":  {"依赖的服务暂不可用，请稍后重试。", "A service we depend on is unavailable; please try again later."},

	"order.transition.illegal":            {"订单当前状态为「{state}」，不能执行「{event}」。", "The order is {state_en}; it cannot be {event_en}."},
	"order.transition.cancel_no_withdraw": {"注销类与取消接入订单不能撤销，只能放弃。", "Cancellation orders cannot be withdrawn, only abandoned."},
	"order.transition.needs_confirmation": {"注销主体需先收到客户的注销确认，才能提交管局。", "A subject cancellation needs the customer's confirmation before it goes to the bureau."},
	"order.transition.no_bureau":          {"该类型订单不提交管局。", "This kind of order does not go to the bureau."},
	"order.version.stale":                 {"订单已被他人修改，请刷新后重试。", "The order was changed by someone else; reload and try again."},
	"order.type.unknown":                  {"未知的备案类型「{type}」。", "Unknown filing type {type}."},
	"order.state.unknown":                 {"未知的订单状态「{state}」。", "Unknown order state {state}."},
	"order.idempotency.reused":            {"该提交已处理过。", "This submission has already been processed."},

	"icp.format":       {"备案号格式不正确，应为「京ICP备12345678号」或「京ICP备12345678号-1」。", "Malformed ICP number; expected e.g. 京ICP备12345678号 or 京ICP备12345678号-1."},
	"icp.province":     {"备案号的省份简称「{abbr}」不存在。", "Unknown province abbreviation {abbr} in the ICP number."},
	"icp.suffix":       {"备案号后缀「{suffix}」不正确，应为 -n、-nA、-nX 或 -nK。", "Bad ICP number suffix {suffix}; expected -n, -nA, -nX or -nK."},
	"province.unknown": {"未知的省份「{province}」。", "Unknown province {province}."},

	"audit.chain.broken": {"审计日志第 {seq} 条被篡改或缺失。", "Audit event {seq} was altered or is missing."},
}

// RegisterMessages adds message keys; a later registration of the same key
// wins. It is meant for package initialisation.
func RegisterMessages(m map[string]Text) {
	for k, v := range m {
		messages[k] = v
	}
}

// LookupMessage returns the text registered for key.
func LookupMessage(key string) (Text, bool) {
	t, ok := messages[key]
	return t, ok
}

// MessageKeys returns every registered key, sorted; tests use it to prove
// each key has both languages.
func MessageKeys() []string {
	keys := make([]string, 0, len(messages))
	for k := range messages {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Message renders key in lang, replacing {name} placeholders with params;
// English texts name their own parameters (e.g. {state_en}) when a value
// differs by language. An unknown key renders as itself so it is visible in
// tests rather than silently empty.
func Message(lang Lang, key string, params map[string]string) string {
	t, ok := messages[key]
	if !ok {
		return key
	}
	s := t.In(lang)
	if len(params) == 0 || !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			break
		}
		name := s[i+1 : i+j]
		b.WriteString(s[:i])
		v, ok := params[name]
		if !ok {
			v = s[i : i+j+1]
		}
		b.WriteString(v)
		s = s[i+j+1:]
	}
	return b.String()
}

func init() {
	RegisterMessages(map[string]Text{
		"date.format": {"日期「{value}」格式不正确，应为 YYYY-MM-DD。", "Date {value} is malformed; expected YYYY-MM-DD."},
	})
}
