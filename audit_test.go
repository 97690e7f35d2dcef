package beian_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/openbeian/beian"
)

func chain(n int) []beian.AuditEvent {
	var out []beian.AuditEvent
	prev := ""
	at := time.Date(2026, 11, 29, 4, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		e := beian.AuditEvent{Seq: int64(i), ID: "e", At: at.Add(time.Duration(i) * time.Second), ActorID: "u1",
			Action: "order.submit", EntityType: "order", EntityID: "o1", Data: json.RawMessage(`{"n":1}`), PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func TestVerifyAuditChain(t *testing.T) {
	ev := chain(5)
	if b := beian.VerifyAuditChain("", 0, ev); len(b) != 0 {
		t.Fatalf("intact chain: %v", b)
	}
	changed := chain(5)
	changed[2].Data = json.RawMessage(`{"n":2}`)
	if b := beian.VerifyAuditChain("", 0, changed); len(b) != 1 || b[0].Seq != 3 || b[0].Reason != "hash" {
		t.Fatalf("changed data: %v", b)
	}
	rehashed := chain(5)
	rehashed[2].Data = json.RawMessage(`{"n":2}`)
	rehashed[2].Hash = rehashed[2].ComputeHash() // a forger who recomputes one hash breaks the next link
	if b := beian.VerifyAuditChain("", 0, rehashed); len(b) != 1 || b[0].Seq != 4 || b[0].Reason != "link" {
		t.Fatalf("rehashed: %v", b)
	}
	gap := append(chain(5)[:2], chain(5)[3:]...)
	if b := beian.VerifyAuditChain("", 0, gap); len(b) == 0 || b[0].Reason != "gap" || b[0].Seq != 3 {
		t.Fatalf("deleted row: %v", b)
	}
}
