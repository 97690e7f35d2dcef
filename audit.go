package beian

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"time"
)

// AuditEvent is one entry of the append-only audit trail. Events form a hash
// chain: each Hash covers the event and the previous event's hash, so a
// changed or deleted row breaks every hash after it, which `beian
// audit-verify` reports. Data must not carry personal data in clear; record
// what changed, not the values of ID numbers or phones.
type AuditEvent struct {
	Seq        int64 // 1, 2, 3 … in commit order
	ID         string
	At         time.Time
	ActorID    string // user ID, or "system:<component>"
	Action     string // e.g. order.submit, order.review_pass, account.create
	EntityType string // order, record_subject, account …
	EntityID   string
	Data       json.RawMessage
	PrevHash   string // hex; empty for the first event
	Hash       string // hex SHA-256
}

// ComputeHash returns the hex SHA-256 of the event's content and PrevHash.
// Fields are length-prefixed so that no two different events encode alike.
func (e *AuditEvent) ComputeHash() string {
	h := sha256.New()
	var n [8]byte
	field := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	binary.BigEndian.PutUint64(n[:], uint64(e.Seq))
	h.Write(n[:])
	field([]byte(e.ID))
	field([]byte(e.At.UTC().Format(time.RFC3339Nano)))
	field([]byte(e.ActorID))
	field([]byte(e.Action))
	field([]byte(e.EntityType))
	field([]byte(e.EntityID))
	field(e.Data)
	field([]byte(e.PrevHash))
	return hex.EncodeToString(h.Sum(nil))
}

// AuditBreak describes where a chain fails to verify.
type AuditBreak struct {
	Seq    int64
	Reason string // "hash" (content changed), "link" (previous hash differs), "gap" (missing sequence)
}

// VerifyAuditChain checks a run of events in Seq order that starts after
// the event whose hash is prevHash (empty for the beginning), and returns
// every break it finds. It is pure so the CLI and tests share it.
func VerifyAuditChain(prevHash string, prevSeq int64, events []AuditEvent) []AuditBreak {
	var out []AuditBreak
	for i := range events {
		e := &events[i]
		if e.Seq != prevSeq+1 {
			out = append(out, AuditBreak{Seq: prevSeq + 1, Reason: "gap"})
		}
		if e.PrevHash != prevHash {
			out = append(out, AuditBreak{Seq: e.Seq, Reason: "link"})
		}
		if e.ComputeHash() != e.Hash {
			out = append(out, AuditBreak{Seq: e.Seq, Reason: "hash"})
		}
		prevHash, prevSeq = e.Hash, e.Seq
	}
	return out
}
