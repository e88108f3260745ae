package checks

import (
	"strings"

	"github.com/godoctorhq/godoctor/internal/gosettings"
)

// privatePattern is the GOPRIVATE glob for a module: its host and owner on
// the big code hosts (github.com/acme), its host elsewhere.
func privatePattern(path string) string {
	parts := strings.Split(path, "/")
	for _, h := range gosettings.PublicHosts {
		if parts[0] == h && len(parts) > 1 {
			return parts[0] + "/" + parts[1]
		}
	}
	return parts[0]
}
