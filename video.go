package beian

import "time"

// VideoCheckStatus is where a video verification stands.
type VideoCheckStatus string

// The video verification statuses. Only a scheduled check is open; the
// others are its outcomes.
const (
	VideoScheduled VideoCheckStatus = "scheduled" // 已预约
	VideoPassed    VideoCheckStatus = "passed"    // 核验通过
	VideoFailed    VideoCheckStatus = "failed"    // 核验未通过
	VideoMissed    VideoCheckStatus = "missed"    // 未按时参加
	VideoCancelled VideoCheckStatus = "cancelled" // 已取消 (rescheduled or no longer needed)
)

// VideoOutcomes are the statuses a reviewer may record after the call.
var VideoOutcomes = []VideoCheckStatus{VideoPassed, VideoFailed, VideoMissed, VideoCancelled}

var videoStatusText = map[VideoCheckStatus]Text{
	VideoScheduled: {"已预约", "Scheduled"},
	VideoPassed:    {"核验通过", "Passed"},
	VideoFailed:    {"核验未通过", "Failed"},
	VideoMissed:    {"未按时参加", "Missed"},
	VideoCancelled: {"已取消", "Cancelled"},
}

// Text returns the status's name in both languages.
func (s VideoCheckStatus) Text() Text {
	if t, ok := videoStatusText[s]; ok {
		return t
	}
	return Text{string(s), string(s)}
}

// Valid reports whether s is a known status.
func (s VideoCheckStatus) Valid() bool { _, ok := videoStatusText[s]; return ok }

// VideoCheck is a video verification (视频核验) a reviewer requires of an
// order (spec §4.2(f), rejection R19): the principal joins a video call at
// the agreed time with the original ID and unit certificate. It does not
// change the order's state — the order stays in review while the call is
// pending, and the customer sees the appointment on the order — but an
// order cannot pass review while a check is still scheduled. Notes are the
// instructions the customer reads; Notes and ResultNote are encrypted at
// rest.
type VideoCheck struct {
	ID          string
	OrderID     string
	ScheduledAt time.Time
	Notes       string
	Status      VideoCheckStatus
	RequestedBy string
	RequestedAt time.Time
	// ResultNote, DecidedBy and DecidedAt record the outcome.
	ResultNote string
	DecidedBy  string
	DecidedAt  time.Time
}

// Open reports whether the check still waits for its call.
func (v *VideoCheck) Open() bool { return v.Status == VideoScheduled }
