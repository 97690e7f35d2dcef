package notify

import (
	"strings"

	"github.com/openbeian/beian"
	"github.com/openbeian/beian/cnid"
)

// message is what an order event says and over which channels (spec §11).
type message struct {
	// Template is the message key in templates/*.tmpl.
	Template string
	// SMS goes to the filing contacts' mobiles.
	SMS bool
	// EmailContacts goes to the filing contacts' e-mail addresses;
	// EmailRegistered to the registered e-mail of the user who created the
	// order (初审 opinions go there, spec §4.3).
	EmailContacts   bool
	EmailRegistered bool
}

// messageFor decides what an order event tells whom. Every event also
// leaves an in-app message on the account, so the portal's history is
// complete whatever reaches people's phones.
//
//   - 初审 result (pass, needs modification, reject): SMS and e-mail to the
//     filing contacts, with the marked fields and opinion by e-mail; a
//     subject cancellation that passed asks for the customer's confirmation.
//   - Submitted to the bureau (备案信息提交管局通知) and the bureau's
//     result: SMS and e-mail to the contacts.
//   - Returned by MIIT (SMS timeout, wrong codes, domain check): e-mail,
//     so the customer knows to resubmit.
//   - The customer's own actions (submit, withdraw, abandon): e-mail to the
//     registered address only, as a receipt.
//   - SMS verified: in-app only; the next message is the bureau's result.
//
// ok is false for events nobody needs to hear about.
func messageFor(o *beian.Order, ev beian.OrderEvent) (m message, ok bool) {
	contacts := message{SMS: true, EmailContacts: true, EmailRegistered: true}
	switch ev {
	case beian.EventSubmit, beian.EventResubmit:
		return message{Template: "order.submitted", EmailRegistered: true}, true
	case beian.EventWithdraw:
		return message{Template: "order.withdrawn", EmailRegistered: true}, true
	case beian.EventAbandon:
		return message{Template: "order.abandoned", EmailRegistered: true}, true
	case beian.EventReviewPass:
		contacts.Template = "order.review_pass"
		if o.Type == beian.CancelSubject {
			contacts.Template = "order.cancel_confirm"
		}
		return contacts, true
	case beian.EventReviewSupplement:
		contacts.Template = "order.review_supplement"
		return contacts, true
	case beian.EventReviewReject:
		contacts.Template = "order.review_reject"
		return contacts, true
	case beian.EventBureauSubmit:
		contacts.Template = "order.bureau_submit"
		return contacts, true
	case beian.EventSMSVerified:
		return message{Template: "order.sms_verified"}, true
	case beian.EventBureauReturn:
		return message{Template: "order.bureau_return", EmailContacts: true, EmailRegistered: true}, true
	case beian.EventBureauApprove:
		contacts.Template = "order.bureau_approve"
		return contacts, true
	case beian.EventBureauReject:
		contacts.Template = "order.bureau_reject"
		return contacts, true
	case eventVideoCheck:
		// The reviewer also phones; the message is the written record of
		// the appointment, whose details are on the order's status page.
		contacts.Template = "order.video_check"
		return contacts, true
	}
	return message{}, false
}

// templateKeys lists every message key, for the template tests.
var templateKeys = []string{
	"order.submitted", "order.withdrawn", "order.abandoned", "order.review_pass", "order.cancel_confirm",
	"order.review_supplement", "order.review_reject", "order.bureau_submit", "order.sms_verified",
	"order.bureau_return", "order.bureau_approve", "order.bureau_reject", "order.video_check",
}

// eventVideoCheck is workflow.EventVideoCheck (notify does not import
// workflow; a test keeps the two equal).
const eventVideoCheck beian.OrderEvent = "video_check"

// contacts returns the filing contacts of an order — the subject's
// principal and every website's and app's principal — as distinct mobiles
// and e-mail addresses, in order of appearance. Emergency phones are not
// contacts: they are for reviewers' calls (spec §2). Numbers that are not
// mainland mobiles are kept: delivery marks them failed, which the outbox
// shows, rather than dropping them silently here.
func contacts(o *beian.Order) (mobiles, emails []string) {
	persons := []*beian.Person{&o.Snapshot.Subject.Principal}
	for i := range o.Snapshot.Websites {
		persons = append(persons, &o.Snapshot.Websites[i].Principal)
	}
	for i := range o.Snapshot.Apps {
		persons = append(persons, &o.Snapshot.Apps[i].Principal)
	}
	seenMobile, seenEmail := map[string]bool{}, map[string]bool{}
	for _, p := range persons {
		if m := strings.TrimSpace(p.Mobile); m != "" {
			key := m
			if parsed, err := cnid.ParseMobile(m); err == nil {
				key, m = parsed.String(), parsed.String()
			}
			if !seenMobile[key] {
				seenMobile[key] = true
				mobiles = append(mobiles, m)
			}
		}
		emails = addEmail(emails, seenEmail, p.Email)
	}
	return mobiles, emails
}

// addEmail appends e unless it is empty or already there (compared
// case-insensitively, as mailboxes are in practice).
func addEmail(list []string, seen map[string]bool, e string) []string {
	e = strings.TrimSpace(e)
	if e == "" || seen[strings.ToLower(e)] {
		return list
	}
	seen[strings.ToLower(e)] = true
	return append(list, e)
}
