package credentials

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestValuePrintsNoSecret(t *testing.T) {
	v := Value{AccessKey: "HPUAEXAMPLE000000001", SecretKey: "s3cr3t-key", SecurityToken: "t0k3n", AuthToken: "MIIauth",
		Expires: t0, Source: "environment"}
	for _, s := range []string{v.String(), fmt.Sprint(v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprint([]Value{v})} {
		for _, secret := range []string{"s3cr3t-key", "t0k3n", "MIIauth", "HPUAEXAMPLE000000001"} {
			if strings.Contains(s, secret) {
				t.Fatalf("%q shows %q", s, secret)
			}
		}
	}
	if got := v.String(); got != "temporary access key HPUA****, expires 2026-03-14T12:00:00Z, from environment" {
		t.Fatalf("String %q", got)
	}
	if got := (Value{AuthToken: "x"}).String(); got != "IAM token" {
		t.Fatalf("String %q", got)
	}
}

func TestStatic(t *testing.T) {
	v := Value{AccessKey: "AK", SecretKey: "SK", Source: "provider block"}
	got, err := Static(v).Retrieve(context.Background())
	if err != nil || got != v {
		t.Fatalf("%v %v", got, err)
	}
}

func TestRenewalTime(t *testing.T) {
	for _, tc := range []struct {
		life, window time.Duration
	}{
		{24 * time.Hour, 5 * time.Minute},
		{time.Hour, 5 * time.Minute},
		{50 * time.Minute, 5 * time.Minute},
		{15 * time.Minute, 90 * time.Second},
		{time.Minute, 6 * time.Second},
	} {
		if got := renewalTime(t0, t0.Add(tc.life)); !got.Equal(t0.Add(tc.life - tc.window)) {
			t.Errorf("life %s: renew at %s, want %s before expiry", tc.life, got, tc.window)
		}
	}
	if !renewalTime(t0, time.Time{}).IsZero() {
		t.Error("no expiry should mean no renewal")
	}
}

func TestParseExpiresAt(t *testing.T) {
	want := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"2030-01-01T00:00:00.000000Z", "2030-01-01T00:00:00Z", "2030-01-01T08:00:00+08:00", "2030-01-01T00:00:00.000000"} {
		got, err := parseExpiresAt(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("%s: %v %v", s, got, err)
		}
	}
	if _, err := parseExpiresAt("tomorrow"); err == nil {
		t.Error("tomorrow parsed")
	}
}
