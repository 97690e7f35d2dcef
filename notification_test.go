package beian_test

import (
	"testing"

	"github.com/openbeian/beian"
)

func TestMaskRecipient(t *testing.T) {
	for _, c := range []struct {
		ch   beian.Channel
		in   string
		want string
	}{
		{beian.ChannelSMS, "13800138000", "138****8000"},
		{beian.ChannelEmail, "zhangsan@example.com", "z****@example.com"},
		{beian.ChannelEmail, "a@example.com", "*@example.com"},
		{beian.ChannelSMS, "12", "1*"},
		{beian.ChannelInApp, "acct-1", "acct-1"},
	} {
		if got := beian.MaskRecipient(c.ch, c.in); got != c.want {
			t.Errorf("MaskRecipient(%s, %q) = %q, want %q", c.ch, c.in, got, c.want)
		}
	}
}
