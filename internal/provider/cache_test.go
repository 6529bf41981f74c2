package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestCacheDirSettings(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	for name, tc := range map[string]struct {
		attr, env string
		made      string // the directory made, when the setting is valid
		err       string
	}{
		"attribute":      {attr: filepath.Join(base, "c1"), made: filepath.Join(base, "c1")},
		"environment":    {env: filepath.Join(base, "c2"), made: filepath.Join(base, "c2")},
		"attribute wins": {attr: filepath.Join(base, "c3"), env: filepath.Join(base, "c4"), made: filepath.Join(base, "c3")},
		"home":           {attr: "~/hss-cache", made: filepath.Join(home, "hss-cache")},
		"a file":         {attr: file, err: `provider attribute cache_dir is "` + file + `", which cannot be used as a cache directory`},
		"a file's child": {env: filepath.Join(file, "x"), err: "HW_CACHE_DIR"},
	} {
		t.Run(name, func(t *testing.T) {
			m := nullModel()
			if tc.attr != "" {
				m.CacheDir = types.StringValue(tc.attr)
			}
			e := mapEnv{"HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "p", "HW_AUTH_TOKEN": "t"}
			if tc.env != "" {
				e["HW_CACHE_DIR"] = tc.env
			}
			var diags diag.Diagnostics
			data := configure(context.Background(), m, e, "1", "", &diags)
			if tc.err != "" {
				if !diags.HasError() || !strings.Contains(diags[0].Detail(), tc.err) || diags[0].Summary() != "Invalid cache_dir" {
					t.Fatalf("diagnostics %v, want Invalid cache_dir naming %q", diags, tc.err)
				}
				return
			}
			if diags.HasError() || data == nil {
				t.Fatal(diags)
			}
			fi, err := os.Stat(tc.made)
			if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
				t.Fatalf("%s: %v %v, want a directory of mode 0700", tc.made, fi, err)
			}
		})
	}
}

func TestContentModeSetting(t *testing.T) {
	for _, tc := range []struct{ attr, env, want, err string }{
		{want: ""},
		{env: "none", want: "none"},
		{attr: "raw", env: "none", want: "raw"},
		{env: "secret-free", err: `environment variable HW_CONTENT_MODE is "secret-free"`},
	} {
		m := nullModel()
		if tc.attr != "" {
			m.ContentMode = types.StringValue(tc.attr)
		}
		e := mapEnv{"HW_REGION_NAME": "cn-north-4", "HW_PROJECT_ID": "p", "HW_AUTH_TOKEN": "t"}
		if tc.env != "" {
			e["HW_CONTENT_MODE"] = tc.env
		}
		var diags diag.Diagnostics
		data := configure(context.Background(), m, e, "1", "", &diags)
		if tc.err != "" {
			if !diags.HasError() || !strings.Contains(diags[0].Detail(), tc.err) {
				t.Errorf("%+v: diagnostics %v, want %q", tc, diags, tc.err)
			}
			continue
		}
		if diags.HasError() || data.ContentMode != tc.want {
			t.Errorf("%+v: content mode %q (%v), want %q", tc, data.ContentMode, diags, tc.want)
		}
	}
}
