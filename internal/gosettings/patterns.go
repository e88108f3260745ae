package gosettings

import (
	"path"
	"strings"

	"golang.org/x/mod/module"
)

// Pattern is one glob of a GOPRIVATE-style list (GOPRIVATE, GONOPROXY,
// GONOSUMDB, GOINSECURE, and GOVCS's left-hand sides).
type Pattern struct {
	Raw  string // the glob as written between commas
	Glob string // what the go command matches with (trailing "/" removed)
	// Problem says why the go command ignores or mis-reads the glob.
	Problem string
}

// The problems ParsePatterns finds.
const (
	ProblemSpaces  = "has spaces around it, which the go command keeps, so it matches no module path"
	ProblemBadGlob = "is not a valid glob (path.Match syntax), so the go command ignores it"
)

// ParsePatterns splits a pattern list as golang.org/x/mod/module's
// MatchPrefixPatterns does and notes every glob that cannot do what its
// author meant: the go command trims no spaces and silently skips a
// malformed glob.
func ParsePatterns(list string) []Pattern {
	var out []Pattern
	for _, raw := range strings.Split(list, ",") {
		glob := strings.TrimSuffix(raw, "/")
		if glob == "" {
			continue
		}
		p := Pattern{Raw: raw, Glob: glob}
		switch {
		case strings.TrimSpace(glob) != glob:
			p.Problem = ProblemSpaces
		case !validGlob(glob):
			p.Problem = ProblemBadGlob
		}
		out = append(out, p)
	}
	return out
}

func validGlob(glob string) bool {
	_, err := path.Match(glob, "")
	return err == nil
}

// MatchPatterns reports whether a module path matches a pattern list,
// with the go command's semantics.
func MatchPatterns(list, modulePath string) bool {
	return module.MatchPrefixPatterns(list, modulePath)
}

// PublicHosts are code hosts whose modules are public almost without
// exception; a pattern that covers one of them whole sends every public
// module there around the proxy or the checksum database.
var PublicHosts = []string{
	"github.com", "gitlab.com", "bitbucket.org", "gitee.com",
	"golang.org", "google.golang.org", "gopkg.in", "go.googlesource.com",
	"k8s.io", "sigs.k8s.io", "go.uber.org", "cloud.google.com",
}

// probeOwner is an owner name no real pattern is written for: a glob that
// matches it on a host matches every owner on that host.
const probeOwner = "zz-godoctor-probe"

// CoveredHosts returns the public hosts whose every module a glob matches.
func CoveredHosts(glob string) []string {
	var hosts []string
	for _, h := range PublicHosts {
		if module.MatchPrefixPatterns(glob, h+"/"+probeOwner+"/"+probeOwner) {
			hosts = append(hosts, h)
		}
	}
	return hosts
}

// Sample returns a module path that a glob matches, made by filling each
// wildcard with a letter, and false when the glob uses character classes or
// escapes that cannot be filled that simply.
func Sample(glob string) (string, bool) {
	if strings.ContainsAny(glob, `[\`) {
		return "", false
	}
	return strings.NewReplacer("*", "x", "?", "x").Replace(glob), true
}
