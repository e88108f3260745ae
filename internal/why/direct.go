package why

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/godoctorhq/godoctor/internal/redact"
)

// errNotProbed marks a direct hop godoctor cannot try: a version control
// system other than git.
var errNotProbed = errors.New("not probed")

// knownHosts are the hosts whose repositories the go command finds
// without asking them (cmd/go/internal/vcs: vcsPaths): host/owner/repo is
// the git repository https://host/owner/repo.
var knownHosts = []string{"github.com", "bitbucket.org"}

// repoRoot finds the repository of a module path as the go command does:
// from the path for the hosts it knows, else from the go-import meta tag
// that https://PATH?go-get=1 serves (http too under GOINSECURE).
func repoRoot(ctx context.Context, o Options, path string, insecure bool) (root, vcs, repo, how string, err error) {
	elems := strings.Split(path, "/")
	for _, h := range knownHosts {
		if elems[0] == h {
			if len(elems) < 3 {
				return "", "", "", "", fmt.Errorf("%s paths are %s/OWNER/REPO", h, h)
			}
			root = strings.Join(elems[:3], "/")
			return root, "git", "https://" + root, "the go command knows " + h + ": no meta tag is asked for", nil
		}
	}
	schemes := []string{"https"}
	if insecure {
		schemes = append(schemes, "http")
	}
	var lastErr error
	for _, scheme := range schemes {
		u := scheme + "://" + path + "?go-get=1"
		body, err := o.Web.Get(ctx, u, 1<<20)
		if err != nil {
			lastErr = err
			continue
		}
		for _, m := range goImports(string(body)) {
			if m.prefix == path || strings.HasPrefix(path, m.prefix+"/") {
				if err := validateRepoRoot(m.repo, m.vcs, insecure); err != nil {
					return "", "", "", "", fmt.Errorf("%s: invalid repo root %q: %w", redact.URL(u), redact.URL(m.repo), err)
				}
				return m.prefix, m.vcs, m.repo, fmt.Sprintf("%s says: go-import %q %s %s", redact.URL(u), m.prefix, m.vcs, redact.URL(m.repo)), nil
			}
		}
		return "", "", "", "", fmt.Errorf("%s has no go-import meta tag for %s", redact.URL(u), path)
	}
	return "", "", "", "", fmt.Errorf("finding the repository: %w", lastErr)
}

type goImport struct{ prefix, vcs, repo string }

// gitSchemes are the schemes the go command lets git fetch from
// (cmd/go/internal/vcs: vcsGit.Scheme), and the ones among them it takes
// without GOINSECURE (defaultSecureScheme).
var (
	gitSchemes    = map[string]bool{"https": true, "http": true, "git": true, "ssh": true, "git+ssh": true}
	secureSchemes = map[string]bool{"https": true, "ssh": true, "git+ssh": true}
)

// validateRepoRoot refuses a repository root from a meta tag as the go
// command does (cmd/go/internal/vcs: validateRepoRoot: "no scheme", "file
// scheme disallowed"), and goes further where godoctor runs git with it:
// a scheme git may fetch from, secure unless GOINSECURE covers the module,
// and nothing git could read as an option.
func validateRepoRoot(repo, vcs string, insecure bool) error {
	if strings.HasPrefix(repo, "-") || strings.ContainsAny(repo, " \t\r\n\x00") {
		return errors.New("not a URL")
	}
	u, err := url.Parse(repo)
	switch {
	case err != nil:
		return err
	case u.Scheme == "":
		return errors.New("no scheme")
	case u.Scheme == "file":
		return errors.New("file scheme disallowed")
	case vcs == "git" && !gitSchemes[u.Scheme]:
		return fmt.Errorf("git does not fetch %s:// for the go command", u.Scheme)
	case vcs == "git" && !secureSchemes[u.Scheme] && !insecure:
		return fmt.Errorf("%s:// is insecure and GOINSECURE does not cover the module", u.Scheme)
	case vcs == "mod" && u.Scheme != "https" && !(u.Scheme == "http" && insecure):
		return fmt.Errorf("a module proxy at %s://", u.Scheme)
	case u.Host == "" || strings.HasPrefix(u.Host, "-"):
		return errors.New("no host")
	}
	return nil
}

var (
	metaTag   = regexp.MustCompile(`(?is)<meta\s[^>]*>`)
	attribute = regexp.MustCompile(`(?is)([a-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')`)
)

// goImports reads the go-import meta tags of a page.
func goImports(page string) []goImport {
	var out []goImport
	for _, tag := range metaTag.FindAllString(page, 100) {
		attrs := map[string]string{}
		for _, a := range attribute.FindAllStringSubmatch(tag, -1) {
			attrs[strings.ToLower(a[1])] = a[2] + a[3]
		}
		if attrs["name"] != "go-import" {
			continue
		}
		f := strings.Fields(attrs["content"])
		if len(f) == 3 {
			out = append(out, goImport{f[0], f[1], f[2]})
		}
	}
	return out
}

// probeDirect follows the direct hop: the repository, the git rewrites
// and credentials that apply to it, and git ls-remote as the go command
// runs it, looking for the version's tag.
func probeDirect(ctx context.Context, o Options, t *Trace, h *Hop, insecure bool) error {
	root, vcs, repo, how, err := repoRoot(ctx, o, t.Module, insecure)
	if err != nil {
		return err
	}
	h.URL = redact.URL(repo)
	notes := []string{how}
	defer func() { h.Detail = joinDetail(strings.Join(notes, "; "), h.Detail) }()
	if vcs == "mod" {
		notes = append(notes, "the repository is a module proxy")
		return probeProxy(ctx, o, t, h, repo)
	}
	if vcs != "git" {
		notes = append(notes, fmt.Sprintf("a %s repository, which godoctor does not probe", vcs))
		return errNotProbed
	}
	if o.Git == nil {
		notes = append(notes, "git is not on PATH: the go command cannot fetch it either")
		return errors.New("no git")
	}
	fetchURL := repo
	if from, to := rewrite(ctx, o, repo); from != "" {
		fetchURL = to + strings.TrimPrefix(repo, from)
		notes = append(notes, fmt.Sprintf("git rewrites %s to %s (url.%s.insteadOf)", redact.URL(from), redact.URL(to), redact.URL(to)))
	}
	notes = append(notes, credentials(ctx, o, fetchURL))
	// --end-of-options, as the go command passes it: the repository is
	// never read as an option, whatever validation let through.
	out, err := o.Git(ctx, "ls-remote", "-q", "--end-of-options", repo)
	if err != nil {
		return fmt.Errorf("git ls-remote %s: %w", redact.URL(repo), err)
	}
	subdir := strings.TrimPrefix(strings.TrimPrefix(t.Module, root), "/")
	tags := tagsOf(string(out), subdir)
	version := t.Version
	switch {
	case version == "latest":
		if len(tags) == 0 {
			return errors.New("the repository has no release tag")
		}
		version, t.Resolved = tags[len(tags)-1], tags[len(tags)-1]
		notes = append(notes, "newest tag "+version)
	case module.IsPseudoVersion(version):
		notes = append(notes, "a pseudo-version: git fetches its commit, which ls-remote does not list")
	default:
		if !containsTag(tags, version) {
			return fmt.Errorf("unknown revision %s: the repository has no tag %s", version, tagName(subdir, version))
		}
		notes = append(notes, "tag "+tagName(subdir, version)+" found")
	}
	return nil
}

// tagName is the git tag of a version of a module in subdir.
func tagName(subdir, version string) string {
	if subdir == "" || semver.Major(version) == subdir {
		return version
	}
	return subdir + "/" + version
}

// tagsOf lists the semantic versions tagged for the module in subdir,
// sorted; for a major version suffix subdir (v2) tags at the root count.
func tagsOf(lsRemote, subdir string) []string {
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(lsRemote))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		tag, ok := strings.CutPrefix(f[1], "refs/tags/")
		if !ok {
			continue
		}
		tag = strings.TrimSuffix(tag, "^{}")
		switch {
		case subdir != "" && strings.HasPrefix(tag, subdir+"/"):
			tag = strings.TrimPrefix(tag, subdir+"/")
		case subdir != "" && semver.Major(tag) != subdir:
			continue
		}
		if semver.IsValid(tag) && semver.Canonical(tag) == tag {
			seen[tag] = true
		}
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return semver.Compare(out[i], out[j]) < 0 })
	return out
}

func containsTag(tags []string, v string) bool {
	for _, t := range tags {
		if t == v {
			return true
		}
	}
	return false
}

// rewrite finds the url.BASE.insteadOf rule git applies to u: the
// longest matching prefix.
func rewrite(ctx context.Context, o Options, u string) (from, to string) {
	out, err := o.Git(ctx, "config", "--get-regexp", `^url\..*\.insteadof$`)
	if err != nil {
		return "", ""
	}
	for _, line := range strings.Split(string(out), "\n") {
		key, prefix, ok := strings.Cut(line, " ")
		if !ok || !strings.HasPrefix(u, prefix) || len(prefix) <= len(from) {
			continue
		}
		base := strings.TrimSuffix(strings.TrimPrefix(key, "url."), ".insteadof")
		from, to = prefix, base
	}
	return from, to
}

// credentials names where git (and the go command) would take credentials
// for u from, without a secret.
func credentials(ctx context.Context, o Options, u string) string {
	if strings.HasPrefix(u, "ssh://") || (strings.Contains(u, "@") && strings.Contains(u, ":") && !strings.Contains(u, "://")) {
		return "credentials: ssh (your ssh keys or agent)"
	}
	parsed, err := url.Parse(u)
	if err != nil || parsed.Host == "" {
		return "credentials: none needed (a local repository)"
	}
	if parsed.Scheme == "file" {
		return "credentials: none needed (a local repository)"
	}
	host := parsed.Hostname()
	var found []string
	if parsed.User != nil {
		found = append(found, "the user in the URL")
	}
	if login, ok := netrcLogin(o.Netrc, host); ok {
		found = append(found, fmt.Sprintf(".netrc entry for %s (login %s)", host, login))
	}
	if o.Git != nil {
		if out, err := o.Git(ctx, "config", "--get-urlmatch", "--end-of-options", "credential.helper", u); err == nil && strings.TrimSpace(string(out)) != "" {
			found = append(found, "git credential helper "+helperName(string(out)))
		}
	}
	if auth := o.Env.Value("GOAUTH"); auth != "" && auth != "netrc" && auth != "off" {
		// Only the kind: a GOAUTH command's arguments may hold a token.
		found = append(found, "GOAUTH "+strings.Fields(auth)[0])
	}
	if len(found) == 0 {
		return "credentials: none for " + host + " (no .netrc entry, no git credential helper); a private repository will answer 'terminal prompts disabled'"
	}
	return "credentials: " + strings.Join(found, ", ")
}

// helperName names a credential helper without its arguments or, for a
// shell helper ("!f() { echo password=...; }; f"), its body: either can
// hold a secret.
func helperName(config string) string {
	f := strings.Fields(config)
	switch {
	case len(f) == 0:
		return ""
	case strings.HasPrefix(f[0], "!"):
		return "(a shell command)"
	}
	return strconv.Quote(f[0])
}

// netrcLogin finds the login of the .netrc entry for host (a machine
// entry, else default), never its password.
func netrcLogin(netrc, host string) (string, bool) {
	f := strings.Fields(netrc)
	login, matched := "", false
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case "machine", "default":
			if matched {
				return login, true
			}
			if f[i] == "default" {
				matched = true
			} else if i+1 < len(f) {
				matched = f[i+1] == host
				i++
			}
		case "login":
			if i+1 < len(f) {
				if matched {
					login = f[i+1]
				}
				i++
			}
		case "password", "account", "macdef":
			i++
		}
	}
	return login, matched
}
