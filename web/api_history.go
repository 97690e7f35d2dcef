package web

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/openbeian/beian"
)

// An order's history is its audit trail. Customers get what the portal's
// timeline shows them — state changes, uploads, confirmations — with the
// actor as a role, never a staff member's ID; staff get every event.

// apiHistoryEntry is one step of an order's history.
type apiHistoryEntry struct {
	At     time.Time        `json:"at" doc:"When."`
	Action string           `json:"action" doc:"The audit action, e.g. order.submit, order.review_supplement, order.material_upload." example:"order.submit"`
	Title  apiText          `json:"title" doc:"The step's name for people."`
	From   beian.OrderState `json:"from,omitempty" doc:"The state before, for state changes."`
	To     beian.OrderState `json:"to,omitempty" doc:"The state after, for state changes."`
	Actor  string           `json:"actor" enum:"you,account,provider,bureau,system" doc:"Who: you; someone of your account; the provider's staff; the bureau; the system." example:"you"`
	// ActorID is shown to staff only.
	ActorID string `json:"actor_id,omitempty" doc:"The acting user's ID (staff only)."`
	Purpose string `json:"purpose,omitempty" doc:"The document's purpose, for uploads and removals."`
	Marks   int    `json:"marks,omitempty" doc:"How many fields a review decision marked."`
}

type (
	apiHistoryOutput struct {
		Body apiHistory
	}
	// apiHistory is an order's history.
	apiHistory struct {
		Items []apiHistoryEntry `json:"items" doc:"Oldest first."`
	}
)

// apiHistoryTitles names the customer-visible steps that are not order
// events.
var apiHistoryTitles = map[string]beian.Text{
	"create":               {ZH: "创建订单", EN: "Order created"},
	"save":                 {ZH: "保存备案信息", EN: "Data saved"},
	"material_upload":      {ZH: "上传材料", EN: "Document uploaded"},
	"material_remove":      {ZH: "删除材料", EN: "Document removed"},
	"confirm_cancellation": {ZH: "确认注销", EN: "Cancellation confirmed"},
	"liveness_start":       {ZH: "开始真实性核验", EN: "Authenticity check started"},
	"video_check":          {ZH: "视频核验", EN: "Video verification"},
}

func apiHistoryOf(u *beian.User, _ *beian.Order, evs []beian.AuditEvent) []apiHistoryEntry {
	staff := u.Role.IsStaff()
	out := []apiHistoryEntry{}
	for _, e := range evs {
		action, _ := strings.CutPrefix(e.Action, "order.")
		var data struct {
			From    beian.OrderState `json:"from"`
			To      beian.OrderState `json:"to"`
			Purpose string           `json:"purpose"`
			Marks   []any            `json:"marks"`
		}
		_ = json.Unmarshal(e.Data, &data)
		it := apiHistoryEntry{At: e.At, Action: e.Action, From: data.From, To: data.To, Purpose: data.Purpose, Marks: len(data.Marks)}
		ev := beian.OrderEvent(action)
		switch t, ok := apiHistoryTitles[action]; {
		case ok:
			it.Title = t
		case ev.Text().ZH != string(ev) && data.To != "":
			// Event names are phrased for sentences ("submitted").
			it.Title = ev.Text()
			it.Title.EN = strings.ToUpper(it.Title.EN[:1]) + it.Title.EN[1:]
		case staff:
			it.Title = beian.Text{ZH: e.Action, EN: e.Action}
		default:
			continue // claims, calls and other console steps are the provider's business
		}
		if action == "save" && !staff {
			continue // every draft save would drown the timeline, as on the portal
		}
		switch {
		case e.ActorID == u.ID:
			it.Actor = "you"
		case e.ActorID == "system:bureau":
			it.Actor = "bureau"
		case strings.HasPrefix(e.ActorID, "system:"):
			it.Actor = "system"
		case apiStaffAction(action):
			it.Actor = "provider"
		default:
			it.Actor = "account"
		}
		if staff {
			it.ActorID = e.ActorID
		}
		out = append(out, it)
	}
	return out
}

// apiStaffAction reports whether only provider staff take the action.
func apiStaffAction(action string) bool {
	for _, p := range []string{"review_", "claim", "release", "phone", "video", "bureau"} {
		if strings.HasPrefix(action, p) {
			return true
		}
	}
	return false
}
