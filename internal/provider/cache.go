package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/hss-tf/terraform-provider-hss/internal/cache"
)

// openCache opens cache_dir's store; nil when unset. A leading "~/" is the
// user's home, as shells and CI caches write it.
func openCache(v setting, diags *diag.Diagnostics) *cache.Store {
	dir := v.value
	if dir == "" {
		return nil
	}
	if rest, ok := strings.CutPrefix(dir, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, rest)
		}
	}
	s, err := cache.Open(dir, cache.DefaultMaxBytes)
	if err != nil {
		diags.AddAttributeError(path.Root("cache_dir"), "Invalid cache_dir",
			fmt.Sprintf("%s is %q, which cannot be used as a cache directory: %s. Set it to a directory this user may create and write "+
				"(it is made with mode 0700), or unset it to read every window from the service.", v.source, v.value, err))
		return nil
	}
	return s
}
