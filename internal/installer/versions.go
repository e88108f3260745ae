// Package installer installs Go toolchains: from the module proxy (module
// golang.org/toolchain, verified against the checksum database, as the go
// command's own toolchain switch does) or from the official archives (the
// sha256 from the official release list). Nothing becomes visible before
// it is verified: downloads resume, unpacking goes into a staging
// directory inside the target, and one rename makes the toolchain appear.
package installer

import (
	"context"
	"encoding/json"
	"fmt"
	"go/version"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	goversion "github.com/hashicorp/go-version"

	"github.com/godoctorhq/godoctor/internal/redact"
)

// archiveArch is GOARCH as the official archives name it: armv6l for arm,
// which golang.org/toolchain versions keep as arm.
func archiveArch(goarch string) string {
	if goarch == "arm" {
		return "armv6l"
	}
	return goarch
}

// ModuleVersion is the golang.org/toolchain version of a Go release.
func ModuleVersion(goVersion, goos, goarch string) string {
	return "v0.0.1-" + goVersion + "." + goos + "-" + goarch
}

// getSmall fetches a small document, an error for anything but 200.
func getSmall(ctx context.Context, client *http.Client, url string) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, 0, redact.Error(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, resp.StatusCode, redact.Error(err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, resp.StatusCode, fmt.Errorf("GET %s: HTTP %d", redact.URL(url), resp.StatusCode)
	}
	return body, resp.StatusCode, nil
}

// ProxyVersions returns the Go releases that a proxy's golang.org/toolchain
// list offers for goos/goarch, stable ones only, newest first. A list may
// be partial: an exact version can be fetched even where it is missing.
func ProxyVersions(ctx context.Context, client *http.Client, proxy, goos, goarch string) ([]string, error) {
	body, _, err := getSmall(ctx, client, strings.TrimSuffix(proxy, "/")+"/golang.org/toolchain/@v/list")
	if err != nil {
		return nil, err
	}
	suffix := "." + goos + "-" + goarch
	var out []string
	for _, line := range strings.Fields(string(body)) {
		v, ok := strings.CutPrefix(line, "v0.0.1-")
		if !ok {
			continue
		}
		if v, ok = strings.CutSuffix(v, suffix); ok && stable(v) {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s lists no Go release for %s-%s", redact.URL(proxy), goos, goarch)
	}
	return sortNewestFirst(out), nil
}

// stable reports whether v is a release (go1.21.5), not a beta, a release
// candidate or, from Go 1.21 on, a bare language version.
func stable(v string) bool {
	if !version.IsValid(v) || strings.Contains(v, "rc") || strings.Contains(v, "beta") {
		return false
	}
	return version.Compare(v, "go1.21") < 0 || version.Lang(v) != v
}

// sortNewestFirst sorts versions newest first, without duplicates.
func sortNewestFirst(vs []string) []string {
	slices.SortFunc(vs, func(a, b string) int { return version.Compare(b, a) })
	return slices.Compact(vs)
}

// File is one downloadable file of a release, from the official list.
type File struct {
	Filename string `json:"filename"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
	Version  string `json:"version"`
	SHA256   string `json:"sha256"`
	Size     int64  `json:"size"`
	Kind     string `json:"kind"`
}

// Release is one release of the official list (?mode=json&include=all).
type Release struct {
	Version string `json:"version"`
	Stable  bool   `json:"stable"`
	Files   []File `json:"files"`
}

// DLReleases reads the official release list.
func DLReleases(ctx context.Context, client *http.Client, listURL string) ([]Release, error) {
	url := strings.TrimSuffix(listURL, "/") + "/?mode=json&include=all"
	body, _, err := getSmall(ctx, client, url)
	if err != nil {
		return nil, err
	}
	var rs []Release
	if err := json.Unmarshal(body, &rs); err != nil {
		return nil, fmt.Errorf("the release list at %s is not the official JSON: %v", redact.URL(listURL), err)
	}
	return rs, nil
}

// ArchiveFor returns the archive of a release for goos/goarch.
func ArchiveFor(rs []Release, goVersion, goos, goarch string) (File, error) {
	for _, r := range rs {
		if r.Version != goVersion {
			continue
		}
		for _, f := range r.Files {
			if f.Kind == "archive" && f.OS == goos && f.Arch == archiveArch(goarch) {
				return f, nil
			}
		}
		return File{}, fmt.Errorf("%s has no archive for %s-%s", goVersion, goos, goarch)
	}
	return File{}, fmt.Errorf("%s is not in the official release list", goVersion)
}

// StableVersions lists the stable releases of the official list that have
// an archive for goos/goarch, newest first.
func StableVersions(rs []Release, goos, goarch string) []string {
	var out []string
	for _, r := range rs {
		if _, err := ArchiveFor(rs, r.Version, goos, goarch); err == nil && r.Stable && stable(r.Version) {
			out = append(out, r.Version)
		}
	}
	return sortNewestFirst(out)
}

// Spec is a version request: exact ("1.21.5", "go1.21.5"), a minor
// ("1.21": its newest patch), "latest", or a constraint ("~1.22",
// ">=1.22,<1.24").
type Spec struct {
	raw        string
	exact      string
	constraint goversion.Constraints
	minor      string
}

// ParseSpec reads a version request.
func ParseSpec(s string) (Spec, error) {
	spec := Spec{raw: s}
	v := "go" + strings.TrimPrefix(strings.TrimSpace(s), "go")
	switch {
	case s == "latest":
		return spec, nil
	case version.IsValid(v) && version.Lang(v) == v && strings.Count(v, ".") == 1:
		spec.minor = v
		return spec, nil
	case version.IsValid(v):
		spec.exact = v
		return spec, nil
	}
	c, err := goversion.NewConstraint(tilde(s))
	if err != nil {
		return spec, fmt.Errorf("%q is not a Go version (1.21.5, go1.21.5, 1.21, latest) nor a constraint (~1.22, >=1.22,<1.24)", s)
	}
	spec.constraint = c
	return spec, nil
}

// tilde turns "~1.22" (any 1.22.x) and "~1.22.3" (1.22.3 or a later 1.22
// patch) into the constraint syntax of hashicorp/go-version, whose own
// "~>" is kept as it is.
func tilde(s string) string {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "~")
	if !ok || strings.HasPrefix(rest, ">") {
		return s
	}
	parts := strings.Split(strings.TrimPrefix(strings.TrimSpace(rest), "go"), ".")
	if len(parts) < 2 {
		return s
	}
	minor, err := strconv.Atoi(parts[1])
	if err != nil {
		return s
	}
	return fmt.Sprintf(">= %s, < %s.%d", strings.Join(parts, "."), parts[0], minor+1)
}

// Exact returns the version when the request names one exactly.
func (s Spec) Exact() (string, bool) { return s.exact, s.exact != "" }

// Pick chooses from available versions (newest first).
func (s Spec) Pick(available []string) (string, error) {
	if s.exact != "" {
		return s.exact, nil
	}
	for _, v := range available {
		switch {
		case s.minor != "":
			if version.Lang(v) == s.minor {
				return v, nil
			}
		case s.constraint != nil:
			gv, err := goversion.NewVersion(strings.TrimPrefix(v, "go"))
			if err == nil && s.constraint.Check(gv) {
				return v, nil
			}
		default: // latest
			return v, nil
		}
	}
	return "", fmt.Errorf("no Go release matches %s", s.raw)
}
