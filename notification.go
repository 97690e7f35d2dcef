package beian

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Channel is how a notification reaches its recipient (spec §11).
type Channel string

// The channels.
const (
	ChannelEmail Channel = "email"
	ChannelSMS   Channel = "sms"
	// ChannelInApp messages are shown inside Beian only; their recipient is
	// the customer account's ID, not a person's address.
	ChannelInApp Channel = "inapp"
)

// Channels lists the channels.
var Channels = []Channel{ChannelEmail, ChannelSMS, ChannelInApp}

var channelText = map[Channel]Text{
	ChannelEmail: {"邮件", "E-mail"},
	ChannelSMS:   {"短信", "SMS"},
	ChannelInApp: {"站内消息", "In-app"},
}

// Text returns the channel's name in both languages.
func (c Channel) Text() Text {
	if t, ok := channelText[c]; ok {
		return t
	}
	return Text{string(c), string(c)}
}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { _, ok := channelText[c]; return ok }

// NotificationStatus is where a notification stands in its delivery.
type NotificationStatus string

// The notification statuses. Pending notifications have a delivery job;
// the other three are final.
const (
	NotificationPending NotificationStatus = "pending"
	// NotificationSent: accepted by the SMTP server or the SMS gateway, or
	// shown in-app.
	NotificationSent NotificationStatus = "sent"
	// NotificationOutbox: kept in the outbox page because no transport is
	// configured for the channel (the zero-config default); nothing left
	// the machine.
	NotificationOutbox NotificationStatus = "outbox"
	// NotificationFailed: refused for good (an invalid address, a
	// permanent rejection) or out of attempts.
	NotificationFailed NotificationStatus = "failed"
)

var notificationStatusText = map[NotificationStatus]Text{
	NotificationPending: {"待发送", "Pending"},
	NotificationSent:    {"已发送", "Sent"},
	NotificationOutbox:  {"已存入发件箱（未外发）", "Kept in the outbox (not sent out)"},
	NotificationFailed:  {"发送失败", "Failed"},
}

// Text returns the status's name in both languages.
func (s NotificationStatus) Text() Text {
	if t, ok := notificationStatusText[s]; ok {
		return t
	}
	return Text{string(s), string(s)}
}

// Transports a notification can go through, recorded on delivery. Gateways
// for e-mail and SMS name themselves (e.g. "smtp", "sms:http").
const (
	TransportOutbox = "outbox" // kept for the outbox page, nothing sent
	TransportInApp  = "inapp"  // shown inside Beian
)

// Notification is one message to one recipient over one channel: an outbox
// row. It is written in the transaction of the event that causes it and
// delivered by a job, so an event notifies if and only if it commits.
//
// Recipient, Subject, Text and HTML are personal data (addresses, names in
// the text): stores encrypt them, and logs never see them. LastError never
// holds them either.
type Notification struct {
	ID        string
	AccountID string // the customer account the message concerns; "" for none
	// EntityType and EntityID name what the message is about ("order", ID).
	EntityType string
	EntityID   string
	// CauseKey identifies the event instance that caused the message, e.g.
	// "order/<id>/review_pass/v3". With Channel and Recipient it is unique,
	// so handling an event twice writes nothing twice.
	CauseKey  string
	Channel   Channel
	Recipient string // e-mail address, mobile number, or account ID for in-app
	Template  string // template key, e.g. order.review_pass
	Lang      Lang
	Subject   string // e-mail subject and in-app title; empty for SMS
	Text      string // the plain-text body (the whole SMS)
	HTML      string // the HTML alternative of an e-mail; empty otherwise
	Status    NotificationStatus
	Attempts  int    // delivery attempts so far
	LastError string // the last attempt's failure, without personal data
	Transport string // where it went: smtp, sms:http, outbox, inapp
	CreatedAt time.Time
	UpdatedAt time.Time
	SentAt    time.Time // when it was sent or put in the outbox; zero before
}

// NotificationFilter selects notifications; zero fields do not filter.
type NotificationFilter struct {
	AccountID  string
	EntityType string
	EntityID   string
	Channels   []Channel
	Statuses   []NotificationStatus
	// Transports keeps notifications delivered through one of these; the
	// customers' outbox view uses it to show what never left Beian.
	Transports []string
	Offset     int
	Limit      int // 0 means the store's default page size
}

// NotificationStore keeps the outbox and the accounts' message language.
type NotificationStore interface {
	// CreateNotification inserts n, filling ID and timestamps, unless a
	// notification with the same CauseKey, Channel and Recipient exists; it
	// reports whether it inserted. When it did not, n.ID is the existing
	// row's. Errors are EINTERNAL or EUNAVAILABLE.
	CreateNotification(ctx context.Context, n *Notification) (bool, error)
	// FindNotification returns the notification with id or ENOTFOUND.
	FindNotification(ctx context.Context, id string) (*Notification, error)
	// UpdateNotificationDelivery writes n's Status, Attempts, LastError,
	// Transport and SentAt; ENOTFOUND when there is no such row.
	UpdateNotificationDelivery(ctx context.Context, n *Notification) error
	// FindNotifications returns one page of the notifications matching f,
	// newest first, and the number of all matching ones.
	FindNotifications(ctx context.Context, f NotificationFilter) ([]*Notification, int, error)
	// NotificationLanguage returns the language an account wants its
	// messages in: LangZH unless it chose English.
	NotificationLanguage(ctx context.Context, accountID string) (Lang, error)
	// SetNotificationLanguage records the account's choice; ENOTFOUND when
	// the account does not exist.
	SetNotificationLanguage(ctx context.Context, accountID string, lang Lang) error
}

// MaskRecipient hides most of an address for people who may see that a
// message went out but not to whom exactly: 138****8000, z****@example.com.
// In-app recipients (account IDs) are not personal data and stay as they are.
func MaskRecipient(c Channel, r string) string {
	switch c {
	case ChannelEmail:
		local, domain, ok := strings.Cut(r, "@")
		if !ok {
			return maskMiddle(r, 1, 0)
		}
		return maskMiddle(local, 1, 0) + "@" + domain
	case ChannelSMS:
		return maskMiddle(r, 3, 4)
	}
	return r
}

// maskMiddle keeps the first head and last tail runes of s, replaces the
// rest with asterisks, and always hides at least one rune.
func maskMiddle(s string, head, tail int) string {
	n := utf8.RuneCountInString(s)
	if n == 0 {
		return ""
	}
	for head+tail >= n && (head > 0 || tail > 0) {
		if tail >= head && tail > 0 {
			tail--
		} else {
			head--
		}
	}
	r := []rune(s)
	// At most four asterisks: a fixed width hides the length of long
	// addresses too.
	hidden := min(n-head-tail, 4)
	return string(r[:head]) + strings.Repeat("*", hidden) + string(r[n-tail:])
}
