// Package notify tells people about their filings (spec §11): it turns
// order events into outbox rows and delivers them by e-mail (SMTP), SMS
// (an HTTP gateway or a vendor adapter) or not at all — in the zero-config
// default every message is kept in the outbox, which the /outbox page
// shows, and nothing leaves the machine.
//
// Two jobs do the work. workflow enqueues "notify.order" in the
// transaction of every order state change; its handler decides recipients
// and channels, renders the texts (zh-CN, or English when the account
// chose it) and, in one transaction, writes one outbox row per recipient
// and channel and one "notify.deliver" job per row. The rows' unique cause
// key (order, event, order version, channel, recipient) makes a retried
// notify.order job write nothing twice. The delivery handler sends one row
// and records the outcome; River retries transient failures with backoff,
// and permanent ones (an invalid address, a refused recipient) or running
// out of attempts mark the row failed.
//
// Delivery is at least once: a crash between the server accepting a
// message and the row being marked sent sends it again on retry, with the
// same Message-ID or gateway idempotency key so that the receiving side can
// tell.
//
// Personal data — addresses, names in the texts — is encrypted in the
// store and never logged: logs carry notification and order IDs, the
// channel, the template and a sanitised error.
package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/rules"
)

// Job kinds. JobOrder is the kind package workflow enqueues in the
// transaction of every order state change (workflow.JobNotifyOrder, with
// workflow.NotifyOrderArgs); this package reads the payload itself rather
// than importing workflow, so that an adapter does not depend on the use
// cases, and a test holds the two together.
const (
	JobOrder   = "notify.order"
	JobDeliver = "notify.deliver"
)

// DefaultMaxAttempts is how often a transient failure is retried before
// the notification is marked failed; with River's backoff (attempt⁴
// seconds) eight attempts span about an hour and a half.
const DefaultMaxAttempts = 8

// Config is what a Notifier needs. Store is required; nil transports mean
// the outbox for that channel.
type Config struct {
	Store  beian.Store
	Logger *slog.Logger
	// Mailer sends e-mail; nil keeps e-mail in the outbox.
	Mailer Mailer
	// SMS sends text messages; nil keeps them in the outbox.
	SMS SMSSender
	// Product names the service in messages and is the default SMS
	// signature; "" means "Beian".
	Product string
	// SMSSign is the SMS signature (签名) the gateway shows as 【SMSSign】;
	// it only counts towards the message length here. "" means Product.
	SMSSign string
	// OrderURL returns the link to an order for e-mails; nil or "" means
	// no link.
	OrderURL func(orderID string) string
	// MaxAttempts bounds delivery attempts; 0 means DefaultMaxAttempts.
	MaxAttempts int
	// Rules explains reviewers' marks (reason and remedy of each rule);
	// nil means the default catalogue.
	Rules *rules.Engine
}

// Notifier writes and delivers notifications. Register its handlers with
// the job queue; it is safe for concurrent use.
type Notifier struct {
	cfg   Config
	log   *slog.Logger
	tmpl  *renderer
	rules *rules.Engine
}

// New returns a notifier over cfg. It fails only if the embedded templates
// do not parse, which the tests rule out.
func New(cfg Config) (*Notifier, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("notify: Config.Store is required")
	}
	if cfg.Product == "" {
		cfg.Product = "Beian"
	}
	if cfg.SMSSign == "" {
		cfg.SMSSign = cfg.Product
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	n := &Notifier{cfg: cfg, log: cfg.Logger, rules: cfg.Rules}
	if n.log == nil {
		n.log = slog.New(slog.DiscardHandler)
	}
	if n.rules == nil {
		n.rules = rules.Default()
	}
	var err error
	if n.tmpl, err = newRenderer(); err != nil {
		return nil, err
	}
	return n, nil
}

// Handlers returns the job handlers by kind: JobOrder and JobDeliver. cmd/beian registers each with the queue's Handle before
// starting it:
//
//	for kind, h := range n.Handlers() {
//		queue.Handle(kind, h)
//	}
func (n *Notifier) Handlers() map[string]func(context.Context, beian.Job) error {
	return map[string]func(context.Context, beian.Job) error{
		JobOrder:   n.HandleOrder,
		JobDeliver: n.HandleDeliver,
	}
}

// orderArgs is the payload of JobOrder, workflow.NotifyOrderArgs. Version,
// when the workflow sends it, is the order's version right after the
// event; until then the order's version when the job first runs stands in
// for it (see HandleOrder).
type orderArgs struct {
	OrderID string           `json:"order_id"`
	Event   beian.OrderEvent `json:"event"`
	State   beian.OrderState `json:"state"`
	Version int              `json:"version,omitempty"`
}

// deliverArgs is the payload of JobDeliver.
type deliverArgs struct {
	NotificationID string `json:"notification_id"`
}

// HandleOrder handles JobOrder: it writes the outbox rows of one order
// event and their delivery jobs in one transaction. Running it again for
// the same event writes nothing new: the rows' cause key names the order,
// the event and the order's version, so a later instance of the same event
// (after a resubmission) is new while a retry is not. A payload it cannot read or
// an order that no longer exists is logged and dropped (retrying cannot
// help); storage errors are returned so the queue retries.
func (n *Notifier) HandleOrder(ctx context.Context, job beian.Job) error {
	var args orderArgs
	if err := json.Unmarshal(job.Payload, &args); err != nil || args.OrderID == "" {
		n.log.ErrorContext(ctx, "notify.order: unreadable payload, dropped", "err", err)
		return nil
	}
	var written, skipped int
	err := n.cfg.Store.Update(ctx, func(tx beian.Tx) error {
		written, skipped = 0, 0
		o, err := tx.FindOrder(ctx, args.OrderID)
		if beian.ErrorCode(err) == beian.ENOTFOUND {
			n.log.WarnContext(ctx, "notify.order: order not found, dropped", "order_id", args.OrderID)
			return nil
		}
		if err != nil {
			return err
		}
		msg, ok := messageFor(o, args.Event)
		if !ok {
			return nil
		}
		lang, err := tx.NotificationLanguage(ctx, o.AccountID)
		if err != nil {
			return err
		}
		v, err := n.orderView(ctx, tx, o, args, lang)
		if err != nil {
			return err
		}
		texts, err := n.tmpl.render(lang, msg.Template, v, msg.SMS)
		if err != nil {
			return err
		}
		version := args.Version
		if version == 0 {
			version = o.Version
		}
		base := beian.Notification{
			AccountID: o.AccountID, EntityType: "order", EntityID: o.ID,
			CauseKey: fmt.Sprintf("order/%s/%s/v%d", o.ID, args.Event, version),
			Template: msg.Template, Lang: lang,
		}
		targets, err := n.targets(ctx, tx, o, msg)
		if err != nil {
			return err
		}
		for _, t := range targets {
			row := base
			row.Channel, row.Recipient = t.channel, t.recipient
			switch t.channel {
			case beian.ChannelSMS:
				row.Text = texts.SMS
			case beian.ChannelEmail:
				row.Subject, row.Text, row.HTML = texts.Subject, texts.Text, texts.HTML
			case beian.ChannelInApp:
				// Shown in Beian at once: there is nothing to deliver.
				row.Subject, row.Text = texts.Subject, strings.Join(v.paragraphs(texts.Text), "\n\n")
				row.Status, row.Transport, row.SentAt = beian.NotificationSent, beian.TransportInApp, tx.Now()
			}
			created, err := tx.CreateNotification(ctx, &row)
			if err != nil {
				return err
			}
			if !created {
				skipped++
				continue
			}
			written++
			if row.Status != beian.NotificationPending {
				continue
			}
			payload, _ := json.Marshal(deliverArgs{NotificationID: row.ID})
			if err := tx.Enqueue(ctx, beian.Job{Kind: JobDeliver, Payload: payload, UniqueKey: row.ID,
				// A margin over our own limit: the row counts attempts and
				// marks itself failed; River's limit is only a backstop.
				MaxAttempts: n.cfg.MaxAttempts + 2}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	n.log.InfoContext(ctx, "order notifications written", "order_id", args.OrderID, "event", string(args.Event),
		"written", written, "already_written", skipped)
	return nil
}

// target is one recipient on one channel.
type target struct {
	channel   beian.Channel
	recipient string
}

// targets lists the recipients of msg: the contacts' mobiles and e-mails,
// the registered e-mail, and the account for the in-app message.
func (n *Notifier) targets(ctx context.Context, tx beian.Tx, o *beian.Order, msg message) ([]target, error) {
	mobiles, emails := contacts(o)
	var out []target
	if msg.SMS {
		for _, m := range mobiles {
			out = append(out, target{beian.ChannelSMS, m})
		}
	}
	var mail []string
	seen := map[string]bool{}
	if msg.EmailRegistered && o.CreatedBy != "" {
		// The creator's registered address, when the creator belongs to the
		// customer: staff who opened an order on a customer's behalf are
		// not the customer.
		u, err := tx.FindUser(ctx, o.CreatedBy)
		switch {
		case err == nil && !u.Disabled && u.AccountID == o.AccountID:
			mail = addEmail(mail, seen, u.Email)
		case err != nil && beian.ErrorCode(err) != beian.ENOTFOUND:
			return nil, err
		}
	}
	if msg.EmailContacts {
		for _, e := range emails {
			mail = addEmail(mail, seen, e)
		}
	}
	for _, e := range mail {
		out = append(out, target{beian.ChannelEmail, e})
	}
	if o.AccountID != "" {
		out = append(out, target{beian.ChannelInApp, o.AccountID})
	}
	return out, nil
}

// orderView gathers what the templates show about the order, in lang.
func (n *Notifier) orderView(ctx context.Context, tx beian.Tx, o *beian.Order, args orderArgs, lang beian.Lang) (*view, error) {
	v := &view{
		Product:     n.cfg.Product,
		OrderID:     o.ID,
		OrderRef:    orderRef(o.ID),
		Type:        o.Type.Text().In(lang),
		State:       args.State.Text().In(lang),
		Subject:     o.SubjectName(),
		Bureau:      bureauName(o.Province, lang),
		Date:        formatDate(beian.DateOf(tx.Now()), lang),
		SMSRequired: o.Type.NeedsSMS(),
	}
	if o.State == args.State && !o.DueAt.IsZero() {
		v.Due = formatDate(beian.DateOf(o.DueAt), lang)
	}
	// The order keeps only its latest review; its opinion and marks belong
	// to this event only if that review was this event.
	if r := o.Review; r != nil && r.Event == args.Event {
		v.Opinion = strings.TrimSpace(r.Opinion)
		for _, m := range r.Marks {
			v.Marks = append(v.Marks, n.markView(&o.Snapshot, m, lang))
		}
	}
	if args.Event == beian.EventBureauApprove {
		num, err := subjectNumber(ctx, tx, o)
		if err != nil {
			return nil, err
		}
		v.ICPNumber = num
	}
	if n.cfg.OrderURL != nil {
		v.Link = n.cfg.OrderURL(o.ID)
	}
	return v, nil
}

// paragraphs returns the body of a rendered plain-text e-mail without the
// greeting, link and footer, for in-app messages.
func (v *view) paragraphs(text string) []string {
	parts := strings.Split(strings.TrimSpace(text), "\n\n")
	var out []string
	for i, p := range parts {
		if i == 0 || strings.HasPrefix(p, "-- \n") || (v.Link != "" && strings.HasSuffix(p, v.Link)) {
			continue // greeting, signature, link
		}
		out = append(out, p)
	}
	return out
}

// markView explains one marked field: its label as the portal shows it
// (never the raw path), and the reason and the customer's remedy of the
// rejection row or catalogue rule the mark cites, as
// workflow.Workflow.ExplainMark finds them.
func (n *Notifier) markView(s *beian.Snapshot, m beian.FieldMark, lang beian.Lang) markView {
	mv := markView{Label: rules.FieldLabel(s, m.Field).In(lang), Note: strings.TrimSpace(m.Note)}
	if r, ok := beian.RejectionReasonByID(m.RuleID); ok {
		mv.Reason, mv.Remedy = r.Title.In(lang), r.Remedy.In(lang)
	} else if r, ok := n.rules.Rule(m.RuleID); ok {
		mv.Reason, mv.Remedy = r.Reason.In(lang), r.CustomerRemedy().In(lang)
	}
	if mv.Reason == "" {
		mv.Reason, mv.Note = mv.Note, ""
	}
	return mv
}

// subjectNumber returns the subject's ICP number once the bureau issued
// one, or "".
func subjectNumber(ctx context.Context, tx beian.Tx, o *beian.Order) (string, error) {
	var rec *beian.Record
	var err error
	switch {
	case o.RecordSubjectID != "":
		rec, err = tx.FindRecord(ctx, o.RecordSubjectID)
	case o.Snapshot.Subject.CertificateNumber != "":
		rec, err = tx.FindRecordBySubjectCertificate(ctx, o.Snapshot.Subject.CertificateNumber)
	default:
		return "", nil
	}
	if beian.ErrorCode(err) == beian.ENOTFOUND {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if rec.Subject.Number.IsZero() {
		return "", nil
	}
	return rec.Subject.Number.Subject().String(), nil
}

// HandleDeliver handles JobDeliver: it sends one pending notification
// through its channel's transport (or keeps it in the outbox) and records
// the outcome. The network call happens outside any transaction, so a slow
// server never holds the database. A transient failure is recorded and
// returned, so the queue retries with backoff; a permanent one, or the
// last attempt, marks the row failed and ends the job.
func (n *Notifier) HandleDeliver(ctx context.Context, job beian.Job) error {
	var args deliverArgs
	if err := json.Unmarshal(job.Payload, &args); err != nil || args.NotificationID == "" {
		n.log.ErrorContext(ctx, "notify.deliver: unreadable payload, dropped", "err", err)
		return nil
	}
	var row *beian.Notification
	err := n.cfg.Store.View(ctx, func(tx beian.Tx) error {
		var err error
		row, err = tx.FindNotification(ctx, args.NotificationID)
		return err
	})
	if beian.ErrorCode(err) == beian.ENOTFOUND {
		n.log.WarnContext(ctx, "notify.deliver: notification not found, dropped", "notification_id", args.NotificationID)
		return nil
	}
	if err != nil {
		return err
	}
	if row.Status != beian.NotificationPending {
		return nil // delivered by an earlier run of this job
	}

	transport, sendErr := n.send(ctx, row)

	var retry error
	err = n.cfg.Store.Update(ctx, func(tx beian.Tx) error {
		retry = nil
		cur, err := tx.FindNotification(ctx, row.ID)
		if err != nil {
			return err
		}
		if cur.Status != beian.NotificationPending {
			return nil
		}
		cur.Attempts++
		cur.Transport = transport
		switch {
		case sendErr == nil:
			cur.Status, cur.LastError, cur.SentAt = beian.NotificationSent, "", tx.Now()
			if transport == beian.TransportOutbox {
				cur.Status = beian.NotificationOutbox
			}
		case IsPermanent(sendErr) || cur.Attempts >= n.cfg.MaxAttempts:
			cur.Status, cur.LastError = beian.NotificationFailed, safeError(sendErr)
		default:
			cur.LastError = safeError(sendErr)
			retry = fmt.Errorf("notify: deliver %s (attempt %d of %d): %s", cur.ID, cur.Attempts, n.cfg.MaxAttempts, cur.LastError)
		}
		if err := tx.UpdateNotificationDelivery(ctx, cur); err != nil {
			return err
		}
		row = cur
		return nil
	})
	if err != nil {
		return err
	}
	attrs := []any{"notification_id", row.ID, "order_id", row.EntityID, "channel", string(row.Channel),
		"template", row.Template, "transport", transport, "status", string(row.Status), "attempt", row.Attempts}
	switch {
	case row.Status == beian.NotificationFailed:
		n.log.WarnContext(ctx, "notification failed", append(attrs, "error", row.LastError)...)
	case retry != nil:
		n.log.InfoContext(ctx, "notification delivery will be retried", append(attrs, "error", row.LastError)...)
	default:
		n.log.InfoContext(ctx, "notification delivered", attrs...)
	}
	return retry
}

// send hands the row to its channel's transport and returns the
// transport's name; channels without one keep the message in the outbox.
func (n *Notifier) send(ctx context.Context, row *beian.Notification) (string, error) {
	switch row.Channel {
	case beian.ChannelEmail:
		if n.cfg.Mailer == nil {
			return beian.TransportOutbox, nil
		}
		return n.cfg.Mailer.Name(), n.cfg.Mailer.SendMail(ctx, Mail{ID: row.ID, To: row.Recipient,
			Subject: row.Subject, Text: row.Text, HTML: row.HTML, Date: row.CreatedAt})
	case beian.ChannelSMS:
		if n.cfg.SMS == nil {
			return beian.TransportOutbox, nil
		}
		return n.cfg.SMS.Name(), n.cfg.SMS.SendSMS(ctx, SMS{ID: row.ID, To: row.Recipient, Text: row.Text})
	case beian.ChannelInApp:
		return beian.TransportInApp, nil
	}
	return "", Permanent(fmt.Errorf("notify: unknown channel %q", row.Channel))
}

// orderRef is the short reference SMS and subjects use: the ID's last
// eight characters, upper-cased (the random end of a UUIDv7).
func orderRef(id string) string {
	clean := strings.ReplaceAll(id, "-", "")
	if len(clean) > 8 {
		clean = clean[len(clean)-8:]
	}
	return strings.ToUpper(clean)
}

// formatDate writes a date as people of the language expect it.
func formatDate(d beian.Date, lang beian.Lang) string {
	t := d.Time(time.UTC)
	if lang == beian.LangEN {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
}

// fullProvinceNames are the official names where the short one plus 省 is
// wrong: the municipalities and the autonomous regions.
var fullProvinceNames = map[string]string{
	"11": "北京市", "12": "天津市", "31": "上海市", "50": "重庆市",
	"15": "内蒙古自治区", "45": "广西壮族自治区", "54": "西藏自治区", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
}

// bureauName names the province's communications administration (管局).
func bureauName(code string, lang beian.Lang) string {
	p, ok := beian.ProvinceByCode(code)
	if !ok {
		if lang == beian.LangEN {
			return "the provincial communications administration"
		}
		return "省通信管理局"
	}
	if lang == beian.LangEN {
		return "the " + p.NameEN + " Communications Administration"
	}
	name, ok := fullProvinceNames[p.Code]
	if !ok {
		name = p.Name + "省"
	}
	return name + "通信管理局"
}

// FromEnv reads the delivery settings from the environment (getenv is
// os.Getenv in cmd/beian, a map in tests). Unset transports leave their
// channel in the outbox, which is the zero-config default:
//
//	BEIAN_SMTP_URL       smtp://user@host:587 (STARTTLS required),
//	                     smtps://user@host:465 (implicit TLS) or
//	                     smtp+insecure://host:25 (no TLS: a local relay only);
//	                     query: timeout=30s, helo=name
//	BEIAN_SMTP_PASSWORD  the SMTP password (kept out of the URL)
//	BEIAN_MAIL_FROM      sender, e.g. "Beian 备案 <beian@example.com>"; required with SMTP
//	BEIAN_SMS_URL        the SMS gateway's endpoint (see HTTPGateway)
//	BEIAN_SMS_TOKEN      its bearer token
//	BEIAN_SMS_SIGN       the SMS signature; default the product name
//	BEIAN_PRODUCT_NAME   the service's name in messages; default Beian
//	BEIAN_PUBLIC_URL     where users reach Beian, for links in e-mails
//
// The caller sets Store and Logger. Errors name the variable, never a
// secret.
func FromEnv(getenv func(string) string) (Config, error) {
	cfg := Config{Product: getenv("BEIAN_PRODUCT_NAME"), SMSSign: getenv("BEIAN_SMS_SIGN")}
	if raw := getenv("BEIAN_SMTP_URL"); raw != "" {
		sc, err := parseSMTPURL(raw)
		if err != nil {
			return Config{}, err
		}
		if p := getenv("BEIAN_SMTP_PASSWORD"); p != "" {
			sc.Password = p
		}
		sc.From = getenv("BEIAN_MAIL_FROM")
		if sc.From == "" {
			return Config{}, fmt.Errorf("notify: BEIAN_MAIL_FROM is required with BEIAN_SMTP_URL")
		}
		m, err := NewSMTPMailer(sc)
		if err != nil {
			return Config{}, err
		}
		cfg.Mailer = m
	}
	if raw := getenv("BEIAN_SMS_URL"); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return Config{}, fmt.Errorf("notify: BEIAN_SMS_URL must be an http(s) URL")
		}
		sign := cfg.SMSSign
		if sign == "" {
			sign = cmpOr(cfg.Product, "Beian")
		}
		cfg.SMS = &HTTPGateway{URL: raw, Token: getenv("BEIAN_SMS_TOKEN"), Sign: sign}
	}
	if base := strings.TrimSuffix(getenv("BEIAN_PUBLIC_URL"), "/"); base != "" {
		// The portal's order list; it links every order.
		cfg.OrderURL = func(string) string { return base + "/home" }
	}
	return cfg, nil
}

// parseSMTPURL reads BEIAN_SMTP_URL.
func parseSMTPURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return SMTPConfig{}, fmt.Errorf("notify: BEIAN_SMTP_URL is not a URL")
	}
	var sc SMTPConfig
	switch u.Scheme {
	case "smtp":
		sc.TLS = TLSStartTLS
	case "smtps":
		sc.TLS = TLSImplicit
	case "smtp+insecure":
		sc.TLS = TLSNone
	default:
		return SMTPConfig{}, fmt.Errorf("notify: BEIAN_SMTP_URL scheme must be smtp, smtps or smtp+insecure")
	}
	sc.Host = u.Hostname()
	if p := u.Port(); p != "" {
		if _, err := fmt.Sscan(p, &sc.Port); err != nil {
			return SMTPConfig{}, fmt.Errorf("notify: BEIAN_SMTP_URL port")
		}
	}
	if u.User != nil {
		sc.Username = u.User.Username()
		sc.Password, _ = u.User.Password()
	}
	q := u.Query()
	if t := q.Get("timeout"); t != "" {
		if sc.Timeout, err = time.ParseDuration(t); err != nil {
			return SMTPConfig{}, fmt.Errorf("notify: BEIAN_SMTP_URL timeout: %w", err)
		}
	}
	sc.HELO = q.Get("helo")
	return sc, nil
}

func cmpOr(s, def string) string {
	if s != "" {
		return s
	}
	return def
}
