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
	"strconv"
	"strings"

	goversion "github.com/hashicorp/go-version"

	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/toolchain"
	"github.com/godoctorhq/godoctor/internal/web"
)

// archiveArch is GOARCH as the official archives name it: armv6l for arm,
// which golang.org/toolchain versions keep as arm.
func archiveArch(goarch string) string {
	if goarch == "arm" {
		return "armv6l"
	}
	return goarch
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

// releaseListLimit caps the official release list (?include=all), about
// 2 MB in 2026.
const releaseListLimit = 32 << 20

// dLReleases reads the official release list.
func dLReleases(ctx context.Context, c web.Client, listURL string) ([]Release, error) {
	url := strings.TrimSuffix(listURL, "/") + "/?mode=json&include=all"
	body, err := c.Get(ctx, url, releaseListLimit)
	if err != nil {
		return nil, err
	}
	var rs []Release
	if err := json.Unmarshal(body, &rs); err != nil {
		return nil, fmt.Errorf("the release list at %s is not the official JSON: %v", redact.URL(listURL), err)
	}
	return rs, nil
}

// archiveFor returns the archive of a release for goos/goarch.
func archiveFor(rs []Release, goVersion, goos, goarch string) (File, error) {
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

// stableVersions lists the stable releases of the official list that have
// an archive for goos/goarch, newest first.
func stableVersions(rs []Release, goos, goarch string) []string {
	var out []string
	for _, r := range rs {
		if _, err := archiveFor(rs, r.Version, goos, goarch); err == nil && r.Stable && toolchain.Stable(r.Version) {
			out = append(out, r.Version)
		}
	}
	return toolchain.NewestFirst(out)
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
