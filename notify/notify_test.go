package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/internal/fixture"
	"github.com/openbeian/beian/internal/testenv"
	"github.com/openbeian/beian/workflow"
)

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// scene is one test's filing: an account with its owner, a reviewer and
// an order in preliminary review whose subject principal and website
// principal are different people.
type scene struct {
	env      *testenv.Env
	logs     *syncBuffer
	account  *beian.Account
	owner    *beian.User
	reviewer *beian.User
	order    *beian.Order
}

// Personal data of the scene; none of it may reach a log.
const (
	ownerEmail     = "owner@qingyun-data.cn"
	siteMobile     = "13900139000"
	siteEmail      = "lisi@qingyun-data.cn"
	sitePrincipal  = "李思远"
	siteCertNumber = "440305199001011234"
)

func newScene(t *testing.T, dialect string, edit func(s *beian.Snapshot)) *scene {
	t.Helper()
	ctx := context.Background()
	sc := &scene{env: testenv.Open(t, dialect), logs: &syncBuffer{}}
	snap := fixture.Enterprise("44", 1)
	snap.Websites[0].Principal = fixture.Person(sitePrincipal, siteCertNumber, siteMobile, "13911112222", siteEmail)
	if edit != nil {
		edit(&snap)
	}
	err := sc.env.DB.Update(ctx, func(tx beian.Tx) error {
		sc.account = &beian.Account{Name: "qingyun"}
		if err := tx.CreateAccount(ctx, sc.account); err != nil {
			return err
		}
		sc.owner = &beian.User{AccountID: sc.account.ID, Login: "qingyun", Email: ownerEmail, Role: beian.RoleCustomer}
		sc.reviewer = &beian.User{Login: "reviewer", Email: "reviewer@provider.example", Role: beian.RoleReviewer}
		for _, u := range []*beian.User{sc.owner, sc.reviewer} {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		sc.order = &beian.Order{AccountID: sc.account.ID, CreatedBy: sc.owner.ID, Type: beian.FirstFiling,
			State: beian.AwaitingPrelim, Province: "44", Snapshot: snap}
		return tx.CreateOrder(ctx, sc.order)
	})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func (sc *scene) notifier(t *testing.T, cfg Config) *Notifier {
	t.Helper()
	cfg.Store = sc.env.DB
	cfg.Logger = slog.New(slog.NewJSONHandler(sc.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (sc *scene) rows(t *testing.T) []*beian.Notification {
	t.Helper()
	var out []*beian.Notification
	err := sc.env.DB.View(context.Background(), func(tx beian.Tx) error {
		var err error
		out, _, err = tx.FindNotifications(context.Background(), beian.NotificationFilter{EntityType: "order", EntityID: sc.order.ID, Limit: 500})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// deliverJobs counts the notify.deliver jobs in River's table.
func (sc *scene) deliverJobs(t *testing.T) int {
	t.Helper()
	q := `SELECT COUNT(*) FROM river_job WHERE json_extract(args, '$.kind') = ?`
	if sc.env.Dialect == "postgres" {
		q = `SELECT COUNT(*) FROM river_job WHERE args->>'kind' = $1`
	}
	var n int
	if err := sc.env.DB.SQL().QueryRow(q, JobDeliver).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// checkNoPII fails if a personal value of the scene appears in the logs.
func (sc *scene) checkNoPII(t *testing.T) {
	t.Helper()
	logs := sc.logs.String()
	if logs == "" {
		t.Fatal("no log output captured")
	}
	p := sc.order.Snapshot.Subject.Principal
	for _, v := range []string{ownerEmail, siteMobile, siteEmail, sitePrincipal, siteCertNumber, p.Mobile, p.Email, p.Name,
		p.CertificateNumber, sc.order.Snapshot.Subject.CertificateNumber, sc.order.SubjectName()} {
		if v != "" && strings.Contains(logs, v) {
			t.Errorf("logs contain personal data %q:\n%s", v, logs)
		}
	}
}

func orderJob(o *beian.Order, ev beian.OrderEvent, state beian.OrderState) beian.Job {
	b, _ := json.Marshal(workflow.NotifyOrderArgs{OrderID: o.ID, Event: ev, State: state})
	return beian.Job{Kind: JobOrder, Payload: b}
}

// TestReviewNotifiesEveryone runs the real thing: the workflow's review
// enqueues notify.order, River runs it and the deliveries, and the
// messages arrive at an SMTP server and an SMS gateway on loopback.
func TestReviewNotifiesEveryone(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		sc := newScene(t, dialect, nil)
		srv := startSMTP(t, TLSNone)
		gw := startGateway(t)
		mailer, err := NewSMTPMailer(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: TLSNone, From: "备案中心 <beian@provider.example>", Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		n := sc.notifier(t, Config{Mailer: mailer, SMS: &HTTPGateway{URL: gw.URL, Token: "t", Sign: "Beian"},
			OrderURL: func(id string) string { return "https://beian.provider.example/home" }})
		delivered := make(chan error, 64)
		for kind, h := range n.Handlers() {
			if kind == JobDeliver {
				sc.env.Queue.Handle(kind, func(ctx context.Context, j beian.Job) error {
					err := h(ctx, j)
					delivered <- err
					return err
				})
				continue
			}
			sc.env.Queue.Handle(kind, h)
		}
		if err := sc.env.Queue.Start(ctx); err != nil {
			t.Fatal(err)
		}

		wf := workflow.New(workflow.Config{Store: sc.env.DB, Clock: sc.env.Clock})
		_, err = wf.Review(ctx, sc.reviewer, sc.order.ID, workflow.ReviewInput{
			Decision: workflow.DecisionSupplement, Opinion: "请上传清晰的营业执照。",
			Marks: []beian.FieldMark{{Field: "materials", RuleID: "MATERIALS-REQUIRED", Note: "营业执照反光"}},
		})
		if err != nil {
			t.Fatal(err)
		}

		// Two mobiles; three addresses (the owner's, both principals');
		// one in-app message needs no delivery.
		const deliveries = 5
		timeout := time.After(30 * time.Second)
		for i := 0; i < deliveries; i++ {
			select {
			case err := <-delivered:
				if err != nil {
					t.Errorf("delivery failed: %v", err)
				}
			case <-timeout:
				t.Fatalf("%d of %d deliveries ran", i, deliveries)
			}
		}
		mails := srv.wait(t, 3)
		rows := sc.rows(t)
		if len(rows) != 6 {
			t.Fatalf("%d outbox rows, want 6", len(rows))
		}
		byChannel := map[beian.Channel]int{}
		for _, r := range rows {
			byChannel[r.Channel]++
			want := map[beian.Channel]string{beian.ChannelEmail: "smtp", beian.ChannelSMS: "sms:http", beian.ChannelInApp: beian.TransportInApp}[r.Channel]
			if r.Status != beian.NotificationSent || r.Transport != want || r.SentAt.IsZero() || r.Template != "order.review_supplement" || r.Lang != beian.LangZH {
				t.Errorf("row %s %s: status %s transport %s attempts %d template %s", r.Channel, r.Recipient, r.Status, r.Transport, r.Attempts, r.Template)
			}
			if !strings.HasPrefix(r.CauseKey, "order/"+sc.order.ID+"/review_supplement/v") {
				t.Errorf("cause key %q", r.CauseKey)
			}
		}
		if byChannel[beian.ChannelSMS] != 2 || byChannel[beian.ChannelEmail] != 3 || byChannel[beian.ChannelInApp] != 1 {
			t.Errorf("rows by channel = %v", byChannel)
		}

		var to []string
		for _, m := range mails {
			to = append(to, m.To...)
			p := parseMail(t, m.Data)
			if !strings.HasPrefix(p.Subject, "备案订单需要修改（订单尾号 ") {
				t.Errorf("subject %q", p.Subject)
			}
			for _, want := range []string{"缺少必传材料", "营业执照反光", "请上传清晰的营业执照。", sc.order.SubjectName(), "https://beian.provider.example/home"} {
				if !strings.Contains(p.Text, want) || !strings.Contains(p.HTML, want) {
					t.Errorf("mail to %v lacks %q in a part", m.To, want)
				}
			}
		}
		for _, want := range []string{ownerEmail, sc.order.Snapshot.Subject.Principal.Email, siteEmail} {
			if !strings.Contains(strings.Join(to, " "), want) {
				t.Errorf("no mail to %s (got %v)", want, to)
			}
		}
		calls := gw.calls()
		if len(calls) != 2 {
			t.Fatalf("gateway got %d messages, want 2", len(calls))
		}
		for _, c := range calls {
			if !strings.Contains(c.Body.Text, "需补充或修改信息") || c.Body.Sign != "Beian" || c.IdempotencyKey == "" {
				t.Errorf("SMS = %+v", c)
			}
		}

		// A retried notify.order (same payload) writes and enqueues nothing.
		jobs := sc.deliverJobs(t)
		if err := n.HandleOrder(ctx, orderJob(sc.order, beian.EventReviewSupplement, beian.NeedsModification)); err != nil {
			t.Fatal(err)
		}
		if got := len(sc.rows(t)); got != 6 {
			t.Errorf("after a retried notify.order: %d rows, want 6", got)
		}
		if got := sc.deliverJobs(t); got != jobs {
			t.Errorf("after a retried notify.order: %d delivery jobs, want %d", got, jobs)
		}
		sc.checkNoPII(t)
	})
}

// TestOrderEventIdempotent handles the same event twice and a later
// instance of it, without a running queue.
func TestOrderEventIdempotent(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		sc := newScene(t, dialect, nil)
		n := sc.notifier(t, Config{})
		job := orderJob(sc.order, beian.EventBureauSubmit, beian.SMSPending)
		for i := 0; i < 3; i++ {
			if err := n.HandleOrder(ctx, job); err != nil {
				t.Fatal(err)
			}
		}
		if got, jobs := len(sc.rows(t)), sc.deliverJobs(t); got != 6 || jobs != 5 {
			t.Fatalf("rows %d, delivery jobs %d; want 6 and 5", got, jobs)
		}
		// The same event at a later order version (after a resubmission)
		// is a new message.
		var later struct {
			workflow.NotifyOrderArgs
			Version int `json:"version"`
		}
		later.OrderID, later.Event, later.State, later.Version = sc.order.ID, beian.EventBureauSubmit, beian.SMSPending, 9
		b, _ := json.Marshal(later)
		if err := n.HandleOrder(ctx, beian.Job{Kind: JobOrder, Payload: b}); err != nil {
			t.Fatal(err)
		}
		rows := sc.rows(t)
		if len(rows) != 12 {
			t.Fatalf("rows %d after a later instance, want 12", len(rows))
		}
		v9 := 0
		for _, r := range rows {
			if strings.HasSuffix(r.CauseKey, "/bureau_submit/v9") {
				v9++
			}
		}
		if v9 != 6 {
			t.Errorf("%d rows keyed to version 9, want 6", v9)
		}
		// Garbage and vanished orders are dropped, not retried.
		if err := n.HandleOrder(ctx, beian.Job{Payload: []byte("{")}); err != nil {
			t.Errorf("garbage payload: %v", err)
		}
		gone := &beian.Order{ID: "no-such-order"}
		if err := n.HandleOrder(ctx, orderJob(gone, beian.EventSubmit, beian.AwaitingPrelim)); err != nil {
			t.Errorf("missing order: %v", err)
		}
	})
}

// TestOutboxMode is the zero-config default: no transports, everything
// kept in the outbox, in the account's language.
func TestOutboxMode(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		sc := newScene(t, dialect, nil)
		if err := sc.env.DB.Update(ctx, func(tx beian.Tx) error {
			return tx.SetNotificationLanguage(ctx, sc.account.ID, beian.LangEN)
		}); err != nil {
			t.Fatal(err)
		}
		n := sc.notifier(t, Config{})
		if err := n.HandleOrder(ctx, orderJob(sc.order, beian.EventBureauApprove, beian.Filed)); err != nil {
			t.Fatal(err)
		}
		deliverAll(t, n, sc.rows(t))
		rows := sc.rows(t)
		if len(rows) != 6 {
			t.Fatalf("%d rows, want 6", len(rows))
		}
		for _, r := range rows {
			want := beian.NotificationOutbox
			if r.Channel == beian.ChannelInApp {
				want = beian.NotificationSent
			}
			if r.Status != want || r.Lang != beian.LangEN || r.Attempts > 1 {
				t.Errorf("%s row: status %s lang %s attempts %d", r.Channel, r.Status, r.Lang, r.Attempts)
			}
			switch r.Channel {
			case beian.ChannelEmail:
				if !strings.HasPrefix(r.Subject, "Filing approved by the bureau") || !strings.Contains(r.HTML, "beian.miit.gov.cn") {
					t.Errorf("e-mail row: %q", r.Subject)
				}
			case beian.ChannelSMS:
				if !strings.Contains(r.Text, "was approved") || r.Subject != "" || r.HTML != "" {
					t.Errorf("SMS row: %+v", r)
				}
			case beian.ChannelInApp:
				if r.Recipient != sc.account.ID || strings.Contains(r.Text, "Hello,") || !strings.Contains(r.Text, "approved") {
					t.Errorf("in-app row: %+v", r)
				}
			}
		}
		sc.checkNoPII(t)
	})
}

// deliverAll runs the delivery handler once for every pending row, as the
// queue would.
func deliverAll(t *testing.T, n *Notifier, rows []*beian.Notification) map[string]error {
	t.Helper()
	out := map[string]error{}
	for _, r := range rows {
		if r.Status != beian.NotificationPending {
			continue
		}
		b, _ := json.Marshal(deliverArgs{NotificationID: r.ID})
		out[r.Recipient] = n.HandleDeliver(context.Background(), beian.Job{Kind: JobDeliver, Payload: b})
	}
	return out
}

// TestDeliveryFailures covers permanent failures (marked failed at once),
// transient ones (retried until the attempts run out) and that neither
// puts personal data in the row's error or the logs.
func TestDeliveryFailures(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		const busyMobile, goneEmail = "13600136000", "gone@qingyun-data.cn"
		sc := newScene(t, dialect, func(s *beian.Snapshot) {
			s.Subject.Principal.Mobile, s.Subject.Principal.Email = busyMobile, goneEmail
			s.Websites[0].Principal.Mobile, s.Websites[0].Principal.Email = "12345", "broken@"
		})
		srv := startSMTP(t, TLSNone)
		srv.reject[goneEmail] = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<" + goneEmail + ">: no such user"}
		gw := startGateway(t)
		gw.status = func(to string) int {
			if to == busyMobile {
				return http.StatusServiceUnavailable
			}
			return http.StatusOK
		}
		mailer, err := NewSMTPMailer(SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: TLSNone, From: "beian@provider.example", Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		n := sc.notifier(t, Config{Mailer: mailer, SMS: &HTTPGateway{URL: gw.URL, Token: "t"}, MaxAttempts: 3})
		if err := n.HandleOrder(ctx, orderJob(sc.order, beian.EventReviewReject, beian.PrelimRejected)); err != nil {
			t.Fatal(err)
		}
		results := deliverAll(t, n, sc.rows(t))
		if err := results[busyMobile]; err == nil {
			t.Error("a 503 from the gateway must be returned so the queue retries")
		}
		for r, err := range results {
			if r != busyMobile && err != nil {
				t.Errorf("%s: handler returned %v; permanent failures end the job", r, err)
			}
		}
		// The queue retries the transient one until the attempts run out.
		for i := 0; i < 3; i++ {
			deliverAll(t, n, sc.rows(t))
		}
		want := map[string]beian.NotificationStatus{
			ownerEmail: beian.NotificationSent, goneEmail: beian.NotificationFailed, "broken@": beian.NotificationFailed,
			"12345": beian.NotificationFailed, busyMobile: beian.NotificationFailed, sc.account.ID: beian.NotificationSent,
		}
		rows := sc.rows(t)
		if len(rows) != len(want) {
			t.Fatalf("%d rows, want %d", len(rows), len(want))
		}
		for _, r := range rows {
			if r.Status != want[r.Recipient] {
				t.Errorf("%s %s: status %s, want %s (error %q)", r.Channel, r.Recipient, r.Status, want[r.Recipient], r.LastError)
			}
			if r.Status == beian.NotificationFailed && r.LastError == "" {
				t.Errorf("%s: failed without a reason", r.Recipient)
			}
			wantAttempts := 1
			switch r.Recipient {
			case busyMobile:
				wantAttempts = 3
			case sc.account.ID:
				wantAttempts = 0
			}
			if r.Attempts != wantAttempts {
				t.Errorf("%s: %d attempts, want %d", r.Recipient, r.Attempts, wantAttempts)
			}
			for _, pii := range []string{busyMobile, goneEmail, "gone@", "12345", "broken@"} {
				if strings.Contains(r.LastError, pii) {
					t.Errorf("%s: last error %q holds %q", r.Recipient, r.LastError, pii)
				}
			}
			if r.Recipient == goneEmail && !strings.Contains(r.LastError, "550") {
				t.Errorf("the SMTP code is what an operator needs: %q", r.LastError)
			}
		}
		if len(srv.messages()) != 1 {
			t.Errorf("SMTP server accepted %d messages, want 1 (the owner's)", len(srv.messages()))
		}
		logs := sc.logs.String()
		for _, v := range []string{busyMobile, goneEmail, "broken@"} {
			if strings.Contains(logs, v) {
				t.Errorf("logs contain %q", v)
			}
		}
		if !strings.Contains(logs, "notification failed") {
			t.Error("failures must be logged")
		}
		sc.checkNoPII(t)
	})
}

func TestFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cfg, err := FromEnv(env(nil))
	if err != nil || cfg.Mailer != nil || cfg.SMS != nil || cfg.OrderURL != nil {
		t.Fatalf("empty environment: %+v, %v (want the outbox)", cfg, err)
	}
	cfg, err = FromEnv(env(map[string]string{
		"BEIAN_SMTP_URL": "smtps://mailer:urlpass@smtp.example.com:2465?timeout=5s&helo=beian.example.com", "BEIAN_SMTP_PASSWORD": "envpass",
		"BEIAN_MAIL_FROM": "Beian <beian@example.com>", "BEIAN_SMS_URL": "https://sms.example.com/send", "BEIAN_SMS_TOKEN": "tok",
		"BEIAN_PRODUCT_NAME": "青云", "BEIAN_PUBLIC_URL": "https://beian.example.com/",
	}))
	if err != nil {
		t.Fatal(err)
	}
	m := cfg.Mailer.(*SMTPMailer).cfg
	if m.Host != "smtp.example.com" || m.Port != 2465 || m.TLS != TLSImplicit || m.Username != "mailer" || m.Password != "envpass" ||
		m.Timeout != 5*time.Second || m.HELO != "beian.example.com" {
		t.Errorf("SMTP config = %+v", m)
	}
	g := cfg.SMS.(*HTTPGateway)
	if g.URL != "https://sms.example.com/send" || g.Token != "tok" || g.Sign != "青云" || cfg.Product != "青云" {
		t.Errorf("SMS = %+v, product %q", g, cfg.Product)
	}
	if cfg.OrderURL("x") != "https://beian.example.com/home" {
		t.Errorf("OrderURL = %q", cfg.OrderURL("x"))
	}
	for _, bad := range []map[string]string{
		{"BEIAN_SMTP_URL": "smtp://smtp.example.com"}, // no sender
		{"BEIAN_SMTP_URL": "imap://x", "BEIAN_MAIL_FROM": "a@example.com"},
		{"BEIAN_SMS_URL": "ftp://x"},
		{"BEIAN_SMTP_URL": "smtp://x?timeout=soon", "BEIAN_MAIL_FROM": "a@example.com"},
	} {
		if _, err := FromEnv(env(bad)); err == nil {
			t.Errorf("FromEnv(%v) accepted", bad)
		} else if strings.Contains(err.Error(), "urlpass") {
			t.Errorf("error leaks a secret: %v", err)
		}
	}
}

// TestOrderJobContract holds this package to the job workflow enqueues:
// the same kind, and a payload that decodes field for field.
func TestOrderJobContract(t *testing.T) {
	if JobOrder != workflow.JobNotifyOrder {
		t.Fatalf("JobOrder = %q, workflow enqueues %q", JobOrder, workflow.JobNotifyOrder)
	}
	in := workflow.NotifyOrderArgs{OrderID: "o-1", Event: beian.EventBureauApprove, State: beian.Filed}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out orderArgs
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.OrderID != in.OrderID || out.Event != in.Event || out.State != in.State {
		t.Errorf("decoded %+v from %s", out, b)
	}
	var fields map[string]any
	_ = json.Unmarshal(b, &fields)
	for k := range fields {
		if k != "order_id" && k != "event" && k != "state" && k != "version" {
			t.Errorf("workflow sends %q, which HandleOrder ignores", k)
		}
	}
}

// TestStaffCreatedOrder: an order staff opened on the customer's behalf
// mails the filing contacts, not the staff member.
func TestStaffCreatedOrder(t *testing.T) {
	testenv.Dialects(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		sc := newScene(t, dialect, nil)
		if err := sc.env.DB.Update(ctx, func(tx beian.Tx) error {
			o, err := tx.FindOrder(ctx, sc.order.ID)
			if err != nil {
				return err
			}
			o.CreatedBy = sc.reviewer.ID
			return tx.UpdateOrder(ctx, o)
		}); err != nil {
			t.Fatal(err)
		}
		n := sc.notifier(t, Config{})
		if err := n.HandleOrder(ctx, orderJob(sc.order, beian.EventReviewPass, beian.AwaitingBureauSubmission)); err != nil {
			t.Fatal(err)
		}
		for _, r := range sc.rows(t) {
			if r.Recipient == sc.reviewer.Email || r.Recipient == ownerEmail {
				t.Errorf("mailed %s", r.Recipient)
			}
		}
		if got := len(sc.rows(t)); got != 5 { // 2 SMS, the 2 principals' e-mails, in-app
			t.Errorf("%d rows, want 5", got)
		}
	})
}
