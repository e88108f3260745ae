// Package toolchain knows Go releases as the module world names them:
// the golang.org/toolchain module versions of a release, and the releases a
// module proxy lists for a system.
package toolchain

import (
	"context"
	"fmt"
	"go/version"
	"slices"
	"strings"

	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/web"
)

// Module is the module path Go toolchains are published under.
const Module = "golang.org/toolchain"

// ModuleVersion is the golang.org/toolchain version of a Go release.
func ModuleVersion(goVersion, goos, goarch string) string {
	return "v0.0.1-" + goVersion + "." + goos + "-" + goarch
}

// ProxyReleases returns the Go releases that a proxy's golang.org/toolchain
// list offers for goos/goarch, stable ones only, newest first. A list may
// be partial: an exact version can be fetched even where it is missing.
func ProxyReleases(ctx context.Context, c web.Client, proxy, goos, goarch string) ([]string, error) {
	lines, err := c.List(ctx, proxy, Module)
	if err != nil {
		return nil, err
	}
	suffix := "." + goos + "-" + goarch
	var out []string
	for _, line := range lines {
		v, ok := strings.CutPrefix(line, "v0.0.1-")
		if !ok {
			continue
		}
		if v, ok = strings.CutSuffix(v, suffix); ok && Stable(v) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s lists no Go release for %s-%s", redact.URL(proxy), goos, goarch)
	}
	return NewestFirst(out), nil
}

// Stable reports whether v is a release (go1.21.5), not a beta, a release
// candidate or, from Go 1.21 on, a bare language version.
func Stable(v string) bool {
	if !version.IsValid(v) || strings.Contains(v, "rc") || strings.Contains(v, "beta") {
		return false
	}
	return version.Compare(v, "go1.21") < 0 || version.Lang(v) != v
}

// NewestFirst sorts versions newest first, without duplicates.
func NewestFirst(vs []string) []string {
	slices.SortFunc(vs, func(a, b string) int { return version.Compare(b, a) })
	return slices.Compact(vs)
}
