package gosettings

import (
	"path"
	"slices"
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
	ProblemSpaces    = "has spaces around it, which the go command keeps, so it matches no module path"
	ProblemBadGlob   = "is not a valid glob (path.Match syntax), so the go command ignores it"
	ProblemScheme    = "is a URL; the go command matches module paths, which have no scheme"
	ProblemUpper     = "has upper case in its host, which no module path has: the match is case-sensitive"
	ProblemSemicolon = "joins patterns with \";\"; the go command separates them with \",\" only, so this is one pattern that matches nothing"
	ProblemCR        = "ends in a carriage return (a file saved with Windows line endings), which the go command keeps"
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
		host, _, _ := strings.Cut(strings.TrimSpace(glob), "/")
		switch {
		case strings.HasSuffix(glob, "\r"):
			p.Problem = ProblemCR
		case strings.TrimSpace(glob) != glob:
			p.Problem = ProblemSpaces
		case strings.Contains(glob, "://"):
			p.Problem = ProblemScheme
		case strings.Contains(glob, ";"):
			p.Problem = ProblemSemicolon
		case strings.ToLower(host) != host:
			p.Problem = ProblemUpper
		case !validGlob(glob):
			p.Problem = ProblemBadGlob
		}
		out = append(out, p)
	}
	return out
}

// Meant is what a pattern with a problem was meant to be: the globs the
// go command would match as its author intended (the scheme and a
// carriage return dropped, spaces trimmed, the host in lower case, ";"
// read as ","); nil for a glob that cannot be mended.
func (p Pattern) Meant() []string {
	if p.Problem == "" {
		return []string{p.Glob}
	}
	if p.Problem == ProblemBadGlob {
		return nil
	}
	var out []string
	for _, g := range strings.Split(p.Glob, ";") {
		g = strings.TrimSpace(g)
		if _, rest, ok := strings.Cut(g, "://"); ok {
			g = rest
		}
		g = strings.TrimSuffix(g, "/")
		host, path, hasPath := strings.Cut(g, "/")
		g = strings.ToLower(host)
		if hasPath {
			g += "/" + path
		}
		if g != "" && validGlob(g) {
			out = append(out, g)
		}
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

// Rule names the setting and pattern that match path, "NAME=PATTERN", or
// "" when none does: the first setting when it is set, else the second, as
// the go command defaults GONOPROXY and GONOSUMDB to GOPRIVATE.
func Rule(path, name, list, fallbackName, fallback string) string {
	if list == "" || list == fallback {
		// go env reports the default as the setting's value.
		name, list = fallbackName, fallback
	}
	if name == "" {
		return ""
	}
	for _, p := range ParsePatterns(list) {
		if p.Problem == "" && p.Glob != "" && module.MatchPrefixPatterns(p.Glob, path) {
			return name + "=" + p.Raw
		}
	}
	return ""
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

// PrivatePattern is the GOPRIVATE pattern that covers a module and its
// owner's other modules: host/owner on code hosts whose paths are
// host/owner/repo (github.com/acme), the host elsewhere (corp.example.com);
// "" for a path whose first element is no host name.
func PrivatePattern(path string) string {
	elems := strings.Split(path, "/")
	if !strings.Contains(elems[0], ".") {
		return ""
	}
	if len(elems) >= 2 && slices.Contains(PublicHosts, elems[0]) {
		return elems[0] + "/" + elems[1]
	}
	return elems[0]
}
