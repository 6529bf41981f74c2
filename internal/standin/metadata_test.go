package standin_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

type securityKey struct {
	Credential struct {
		Access        string `json:"access"`
		Secret        string `json:"secret"`
		SecurityToken string `json:"securitytoken"`
		ExpiresAt     string `json:"expires_at"`
	} `json:"credential"`
}

func getSecurityKey(t *testing.T, url string) (int, securityKey) {
	t.Helper()
	resp, err := http.Get(url + standin.MetadataPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var k securityKey
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &k); err != nil {
			t.Fatalf("decode %s: %v", raw, err)
		}
	}
	return resp.StatusCode, k
}

func TestMetadataHandsOutCredential(t *testing.T) {
	first := standin.TempCredential{AccessKey: "METAKEY0000000000001", SecretKey: "metaSecret1", SecurityToken: "meta-token-1"}
	md := standin.NewMetadata(standin.MetadataOptions{Credential: first, Now: func() time.Time { return testNow }})
	ts := httptest.NewServer(md)
	t.Cleanup(ts.Close)

	status, k := getSecurityKey(t, ts.URL)
	if status != http.StatusOK || k.Credential.Access != first.AccessKey || k.Credential.Secret != first.SecretKey ||
		k.Credential.SecurityToken != first.SecurityToken || k.Credential.ExpiresAt != "2026-03-14T13:00:00.000000Z" {
		t.Fatalf("%d %+v", status, k)
	}

	second := standin.TempCredential{AccessKey: "METAKEY0000000000002", SecretKey: "metaSecret2", SecurityToken: "meta-token-2"}
	md.Set(second, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	_, k = getSecurityKey(t, ts.URL)
	if k.Credential.Access != second.AccessKey || k.Credential.ExpiresAt != "2030-01-01T00:00:00.000000Z" {
		t.Fatalf("after Set: %+v", k)
	}

	md.SetNoAgency(true)
	if status, _ := getSecurityKey(t, ts.URL); status != http.StatusNotFound {
		t.Fatalf("no agency: %d", status)
	}
	if n := md.Requests(); n != 3 {
		t.Fatalf("%d requests, want 3", n)
	}

	resp, err := http.Get(ts.URL + "/openstack/latest/meta_data.json")
	if err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("other path: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Post(ts.URL+standin.MetadataPath, "application/json", nil)
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %v %v", resp, err)
	}
	resp.Body.Close()
	if n := md.Requests(); n != 3 {
		t.Fatalf("%d requests counted, want only the 3 to the credential path", n)
	}
}
