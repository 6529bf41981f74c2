package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSettleDelaySetting(t *testing.T) {
	for _, tc := range []struct {
		block, env string
		want       time.Duration
		err        string
	}{
		{"", "", 0, ""}, // the client's default
		{"10m", "", 10 * time.Minute, ""},
		{"", "90s", 90 * time.Second, ""},
		{"2m", "90s", 2 * time.Minute, ""}, // the block wins
		{"0s", "", -1, ""},                 // never split
		{"soon", "", 0, `Invalid settle_delay: provider attribute settle_delay is "soon"; set it to a duration from "0s" to "24h"`},
		{"", "48h", 0, `Invalid settle_delay: environment variable HW_SETTLE_DELAY is "48h"`},
		{"-5m", "", 0, `is "-5m"`},
	} {
		m := nullModel()
		if tc.block != "" {
			m.SettleDelay = types.StringValue(tc.block)
		}
		e := mapEnv{}
		if tc.env != "" {
			e["HW_SETTLE_DELAY"] = tc.env
		}
		var diags diag.Diagnostics
		got := settleDelay(resolve(m.SettleDelay, "settle_delay", e, "HW_SETTLE_DELAY"), &diags)
		var msg string
		for _, d := range diags {
			msg += d.Summary() + ": " + d.Detail()
		}
		if got != tc.want || (tc.err == "") != (msg == "") || !strings.Contains(msg, tc.err) {
			t.Errorf("block %q env %q: %s, %q; want %s, %q", tc.block, tc.env, got, msg, tc.want, tc.err)
		}
	}
}
