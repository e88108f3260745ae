// Package failure recognises the go command's failures in its output: the
// families of errors people bring to godoctor, each with the go command's
// own text, what it means, what can cause it, and which checks tell those
// causes apart on a machine. The table is data; docs/troubleshooting.md
// has a section for every family, and a test holds its examples to it.
package failure

import (
	"regexp"
	"strings"

	"golang.org/x/mod/module"
)

// Evidence is a check result that shows a family's cause on this machine:
// the check with that ID ending with Status or worse.
type Evidence struct {
	Check  string
	Status string // "warn" or "fail"
}

// Family is one kind of failure.
type Family struct {
	ID string
	// Source is where the go command prints it (cmd/go/internal/...), or
	// what prints it when the go command only passes it on.
	Source string
	// Text matches a line of it; Hint is a substring every matching line
	// holds, tested first so that a long log costs one search per line.
	Text *regexp.Regexp
	Hint []string
	// Means is what happened, in one sentence.
	Means string
	// Causes are what can make it happen.
	Causes []string
	// Checks are the checks that tell the causes apart; Evidence those
	// of their results that confirm a cause here.
	Checks   []string
	Evidence []Evidence
	// Advice is what to do when no check shows the cause.
	Advice string
	// Fetch marks a failure to fetch a module: explain traces the module
	// the error names with godoctor why.
	Fetch bool
	// Settings are the settings that can cause it: explain shows their
	// values here, and where each comes from.
	Settings []string
	// Op is the operation that reproduces it on a machine (one of the Op
	// constants).
	Op string
}

// The operations that reproduce a family: what the user ran, or the
// nearest thing to it that changes nothing of theirs.
const (
	// OpDownload downloads the module version the line names (else one
	// the project needs) into a scratch module cache: the network.
	OpDownload = "download"
	// OpToolchain asks the project (or a scratch module) for the version
	// of the go that runs there, which switches toolchains: the network.
	OpToolchain = "toolchain"
	// OpBuild builds a scratch program; OpBuildCgo one that imports net
	// (cgo and the C compiler); OpRun builds and runs one; OpInstall asks
	// where go install writes; OpGet changes a scratch requirement.
	OpBuild    = "build"
	OpBuildCgo = "build-cgo"
	OpRun      = "run"
	OpInstall  = "install"
	OpGet      = "get"
	// OpProject loads the packages of the module or workspace here
	// (go list ./...); OpProjectBuild builds them (go build ./...).
	OpProject      = "project"
	OpProjectBuild = "project-build"
)

// Families lists every family, in the order a line is tried against them:
// the specific before the general (an HTTP proxy's refusal before any
// refused connection, the checksum database's URLs before a proxy's).
var Families = []*Family{
	{
		ID:     "goproxy-off",
		Source: "cmd/go/internal/modfetch/repo.go (errProxyOff)",
		Text:   regexp.MustCompile(`module lookup disabled by GOPROXY=off`),
		Hint:   []string{"GOPROXY=off"},
		Means:  "The go command was not allowed to download the module: GOPROXY is off, or ends in off for it.",
		Causes: []string{
			"GOPROXY=off in the environment or the go env file (left by an offline build, a CI recipe or a blog post)",
			"a GOPROXY list whose entries before off all answered 404 or 410",
		},
		Checks:   []string{"env.goproxy", "env.source"},
		Evidence: []Evidence{{"env.goproxy", "warn"}, {"env.source", "warn"}},
		Advice:   "Set a GOPROXY that can reach the module: godoctor mirrors, then godoctor use NAME.",
		Fetch:    true,
		Settings: []string{"GOPROXY", "GONOPROXY", "GOPRIVATE"},
		Op:       OpDownload,
	},
	{
		ID:     "invalid-goproxy",
		Source: "cmd/go/internal/modfetch/proxy.go (proxyList, newProxyRepo)",
		Text:   regexp.MustCompile(`GOPROXY list is not the empty string, but contains no entries|invalid proxy URL (missing scheme|scheme)`),
		Hint:   []string{"GOPROXY list", "invalid proxy URL"},
		Means:  "The go command refused GOPROXY before asking anything.",
		Causes: []string{
			"an entry that is one word (localhost, goproxy) or a path without file://",
			"a scheme other than https, http or file",
			"an empty value written by go env -w GOPROXY=, which hides the toolchain's default",
		},
		Checks:   []string{"env.goproxy", "env.source"},
		Evidence: []Evidence{{"env.goproxy", "fail"}},
		Advice:   "Write GOPROXY as a list of URLs: godoctor use NAME|URL.",
		Settings: []string{"GOPROXY"},
		Op:       OpDownload,
	},
	{
		ID:     "http-proxy-unreachable",
		Source: "net/http (proxyconnect), passed on by the go command",
		Text:   regexp.MustCompile(`^go: .*proxyconnect tcp: `),
		Hint:   []string{"proxyconnect"},
		Means:  "The HTTP proxy that HTTPS_PROXY or HTTP_PROXY names could not be reached, so no request left this machine.",
		Causes: []string{
			"HTTPS_PROXY or HTTP_PROXY exported for a proxy that is not running (a VPN client, a proxy tool that was closed)",
			"a company proxy that is not reachable from this network",
		},
		Checks:   []string{"env.goproxy", "net.proxy"},
		Evidence: []Evidence{{"env.goproxy", "warn"}, {"net.proxy", "fail"}},
		Advice:   "Start the HTTP proxy, or stop exporting HTTPS_PROXY and HTTP_PROXY, or list the module proxy's host in NO_PROXY.",
		Fetch:    true,
		Settings: []string{"HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "GOPROXY"},
		Op:       OpDownload,
	},
	{
		ID:     "x509-unknown-authority",
		Source: "crypto/x509, passed on by the go command",
		Text:   regexp.MustCompile(`^go: .*(x509: certificate signed by unknown authority|tls: failed to verify certificate|x509: certificate (is not valid|has expired)|x509: certificate is valid for)`),
		Hint:   []string{"x509:", "tls: failed to verify"},
		Means:  "The server's TLS certificate is not trusted here, so the go command stopped before reading its answer.",
		Causes: []string{
			"a company network that inspects TLS with its own root certificate, which the system (or SSL_CERT_FILE) does not hold",
			"a mirror or private proxy with a self-signed or expired certificate",
			"a clock far off, which makes valid certificates look expired",
		},
		Checks:   []string{"net.proxy", "net.sumdb"},
		Evidence: []Evidence{{"net.proxy", "fail"}, {"net.sumdb", "fail"}},
		Advice:   "Point SSL_CERT_FILE at a bundle that holds your company's root certificate; never turn verification off.",
		Fetch:    true,
		Settings: []string{"SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "GOPROXY"},
		Op:       OpDownload,
	},
	{
		ID:     "checksum-mismatch",
		Source: "cmd/go/internal/modfetch/fetch.go (checkModSum, checkSumDB)",
		Text:   regexp.MustCompile(`checksum mismatch|^SECURITY ERROR$`),
		Hint:   []string{"checksum mismatch", "SECURITY ERROR"},
		Means:  "The bytes the go command downloaded or found in its cache are not the ones hashed before (in go.sum or the checksum database).",
		Causes: []string{
			"a module cache polluted by a mirror that altered bytes while GOSUMDB was off, an edited extracted file, or an interrupted download",
			"a mirror or proxy that serves altered or re-packed content",
			"a tag moved in the module's repository after it was first fetched",
			"a go.sum line edited by hand",
		},
		Checks:   []string{"cache.integrity", "net.sumdb", "env.gosumdb"},
		Evidence: []Evidence{{"cache.integrity", "fail"}, {"env.gosumdb", "warn"}},
		Advice:   "godoctor cache finds polluted versions in the whole module cache, and godoctor mirrors a mirror that alters bytes. Do not delete go.sum lines to make the error go away.",
		Settings: []string{"GOSUMDB", "GONOSUMDB", "GOPRIVATE", "GOPROXY", "GOFLAGS"},
		Op:       OpDownload,
	},
	{
		ID:     "sumdb-unreachable",
		Source: "cmd/go/internal/modfetch/fetch.go (checkSumDB: verifying %s: %v)",
		Text:   regexp.MustCompile(`verifying \S+: .*(/lookup/|/tile/|/latest|/supported|sumdb)`),
		Hint:   []string{"verifying"},
		Means:  "The checksum database could not be asked, so the go command refused to use what it downloaded.",
		Causes: []string{
			"the database's host is blocked or slow from this network",
			"the first GOPROXY entry does not relay the database, so the go command goes to it directly",
			"GOSUMDB names a database that does not answer",
		},
		Checks:   []string{"net.sumdb", "env.gosumdb"},
		Evidence: []Evidence{{"net.sumdb", "fail"}, {"env.gosumdb", "fail"}},
		Advice:   "Use a mirror that relays the checksum database (godoctor mirrors shows which do), or a GOSUMDB reachable from here. Do not set GOSUMDB=off.",
		Fetch:    true,
		Settings: []string{"GOSUMDB", "GOPROXY", "GONOSUMDB", "GOPRIVATE"},
		Op:       OpDownload,
	},
	{
		ID:     "proxy-not-found",
		Source: "cmd/go/internal/modfetch/proxy.go (a 404 or 410 answer)",
		Text:   regexp.MustCompile(`reading \S+: (404 Not Found|410 Gone)`),
		Hint:   []string{"404 Not Found", "410 Gone"},
		Means:  "The module proxy does not have this module or version, and no GOPROXY entry after it did.",
		Causes: []string{
			"a private module asked of a public proxy, which cannot see it (GOPRIVATE does not cover it)",
			"a version or tag that does not exist, or was never pushed",
			"a GOPROXY list without direct at the end, so nothing else was tried",
		},
		Checks:   []string{"env.private", "env.goproxy"},
		Evidence: []Evidence{{"env.private", "warn"}, {"env.goproxy", "warn"}},
		Advice:   "For a private module set GOPRIVATE to its host or owner (go env -w GOPRIVATE=host/owner); otherwise check that the version exists: godoctor why MODULE@VERSION.",
		Fetch:    true,
		Settings: []string{"GOPROXY", "GOPRIVATE", "GONOPROXY"},
		Op:       OpDownload,
	},
	{
		ID:     "proxy-unreachable",
		Source: "net/http and net, passed on by the go command",
		Text:   regexp.MustCompile(`^go: .*(Get|reading) "?https?://\S+"?: .*(i/o timeout|connection refused|no such host|connection reset|TLS handshake timeout|network is unreachable|EOF$|deadline exceeded)`),
		Hint:   []string{"http"},
		Means:  "A module proxy could not be reached.",
		Causes: []string{
			"the proxy is blocked, down, or a wrong address",
			"no DNS or no route from this network",
			"after a , in GOPROXY the go command stops at such an error; only after a | does it try the next entry",
		},
		Checks:   []string{"net.proxy", "env.goproxy"},
		Evidence: []Evidence{{"net.proxy", "fail"}},
		Advice:   "godoctor mirrors shows which mirrors answer from here; godoctor use NAME takes one.",
		Fetch:    true,
		Settings: []string{"GOPROXY", "HTTPS_PROXY", "NO_PROXY"},
		Op:       OpDownload,
	},
	{
		ID:       "toolchain-unavailable",
		Source:   "cmd/go/internal/toolchain/select.go",
		Text:     regexp.MustCompile(`toolchain not available|invalid toolchain: |is a language version but not a toolchain version`),
		Hint:     []string{"toolchain"},
		Means:    "The Go toolchain that go.mod, go.work or GOTOOLCHAIN asks for could not be downloaded.",
		Causes:   []string{"a version that does not exist (a typo, or a language version such as go1.22 where a release such as go1.22.0 is meant)", "a GOPROXY that does not serve golang.org/toolchain", "GOSUMDB=off, which toolchain downloads refuse"},
		Checks:   []string{"go.version", "env.flags", "env.gosumdb"},
		Evidence: []Evidence{{"go.version", "fail"}, {"env.flags", "fail"}},
		Advice:   "Install the toolchain: godoctor install VERSION, or correct the go or toolchain line.",
		Settings: []string{"GOTOOLCHAIN", "GOPROXY", "GOSUMDB"},
		Op:       OpToolchain,
	},
	{
		ID:       "go-version-too-old",
		Source:   "cmd/go/internal/gover/toolchain.go (TooNewError)",
		Text:     regexp.MustCompile(`requires go >= \S+ \(running go \S+`),
		Hint:     []string{"requires go >="},
		Means:    "The module or workspace needs a newer Go than the one that runs, and the go command may not switch.",
		Causes:   []string{"GOTOOLCHAIN=local (or a path mode) that forbids switching", "an old Go first on PATH"},
		Checks:   []string{"go.version", "env.flags", "go.path"},
		Evidence: []Evidence{{"go.version", "fail"}},
		Advice:   "Install the Go version go.mod asks for (godoctor install VERSION --default), or let the go command switch (GOTOOLCHAIN=auto).",
		Settings: []string{"GOTOOLCHAIN"},
		Op:       OpProject,
	},
	{
		ID:       "goflags-invalid",
		Source:   "cmd/go/internal/base/goflags.go, cmd/go/internal/modload/init.go",
		Text:     regexp.MustCompile(`parsing \$GOFLAGS: |-mod=\S* not supported \(can be`),
		Hint:     []string{"GOFLAGS", "-mod="},
		Means:    "GOFLAGS holds a flag or value the go command refuses, so every go command fails.",
		Causes:   []string{"a flag that is not a build flag, or a typo", "a value the flag does not take"},
		Checks:   []string{"env.flags", "env.source"},
		Evidence: []Evidence{{"env.flags", "fail"}},
		Advice:   "Correct or remove GOFLAGS: go env -u GOFLAGS, and unset it in your shell profile.",
		Settings: []string{"GOFLAGS"},
		Op:       OpBuild,
	},
	{
		ID:       "vendor-inconsistent",
		Source:   "cmd/go/internal/modload/vendor.go",
		Text:     regexp.MustCompile(`inconsistent vendoring in `),
		Hint:     []string{"inconsistent vendoring"},
		Means:    "vendor/modules.txt does not match go.mod.",
		Causes:   []string{"go.mod changed without go mod vendor", "GOFLAGS=-mod=vendor set for every module, vendor directories included that are out of date"},
		Checks:   []string{"env.flags"},
		Evidence: []Evidence{{"env.flags", "warn"}},
		Advice:   "Run go mod vendor in the module (or build with -mod=mod to ignore the vendor directory).",
		Settings: []string{"GOFLAGS"},
		Op:       OpProject,
	},
	{
		ID:     "private-repo-auth",
		Source: "git, passed on by cmd/go/internal/modfetch/codehost",
		Text:   regexp.MustCompile(`terminal prompts disabled|could not read (Username|Password) for|Permission denied \(publickey\)|Authentication failed for|HTTP Basic: Access denied`),
		Hint:   []string{"terminal prompts", "could not read", "Permission denied", "Authentication failed", "Access denied"},
		Means:  "git needed credentials for the module's repository and had none (the go command disables prompts).",
		Causes: []string{
			"no .netrc entry, git credential helper or GOAUTH for the host",
			"an ssh key that the host does not accept, or a git insteadOf rewrite to ssh without one",
			"a private module fetched directly because GOPRIVATE covers it, as it should, but without credentials",
		},
		Checks:   []string{"tools.vcs", "env.private"},
		Evidence: []Evidence{{"tools.vcs", "fail"}},
		Advice:   "Give git access to the host: a .netrc line (machine HOST login USER password TOKEN), a credential helper, or an ssh key with url.\"git@HOST:\".insteadOf; godoctor why MODULE shows which one the go command would use.",
		Fetch:    true,
		Settings: []string{"GOPRIVATE", "GONOPROXY", "GOAUTH", "GOPROXY"},
		Op:       OpDownload,
	},
	{
		ID:       "unknown-revision",
		Source:   "cmd/go/internal/modfetch/codehost/codehost.go (UnknownRevisionError)",
		Text:     regexp.MustCompile(`unknown revision \S+`),
		Hint:     []string{"unknown revision"},
		Means:    "The repository has no tag, branch or commit of that name.",
		Causes:   []string{"a version that was never tagged or pushed", "a tag in a subdirectory module without the directory prefix (sub/v1.2.3)", "a private repository seen without credentials, which some hosts answer as not found"},
		Checks:   []string{"env.private", "tools.vcs"},
		Evidence: []Evidence{{"env.private", "warn"}},
		Advice:   "Check that the tag exists and is pushed (git ls-remote REPO); godoctor why MODULE@VERSION tries each hop.",
		Fetch:    true,
		Settings: []string{"GOPRIVATE", "GONOPROXY", "GOPROXY"},
		Op:       OpDownload,
	},
}

// Hit is a failure found in a text.
type Hit struct {
	Family *Family
	// Quote is the line that matched, trimmed; Line its number from 1.
	Quote string
	Line  int
	// Module and Version are what the line names, "" when it names none.
	Module, Version string
	// URL is the first http(s) URL the line names, "" when none: the
	// route the go command took where the log was made.
	URL string
}

// Group is one family's hits in a text: one per module version it names,
// or one when it names none, in the order of their lines.
type Group struct {
	Family *Family
	Hits   []Hit
	// Lines counts the lines of the family, repeats included.
	Lines int
}

// Line is a line of a text, numbered from 1, trimmed.
type Line struct {
	N    int    `json:"line"`
	Text string `json:"text"`
}

// Log is what Read finds in a text.
type Log struct {
	// Groups are the failures, one per family, in the order of their
	// first line.
	Groups []Group
	// Unknown are the go command's error lines that no family matches.
	Unknown []Line
	// Running is the version of the go command that printed the log when
	// a line says it ("running go 1.22.1"), "" when none does.
	Running string
}

// MaxLine bounds the length of a line that is matched; longer ones (a
// binary pasted by mistake) are cut there.
const MaxLine = 4096

// maxUnknown bounds the unknown lines kept: the first few tell the story.
const maxUnknown = 10

// Read finds the failures in the go command's output. A line that
// continues the one before (indented, after a matched line) belongs to
// it and is not matched again; a family holds one hit per module version
// it names.
func Read(text string) Log {
	var log Log
	group := map[*Family]int{}
	seen := map[string]bool{}
	lastMatched := false
	head := "" // the line the current one continues
	n := 0
	for len(text) > 0 {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		n++
		if len(line) > MaxLine {
			line = line[:MaxLine]
		}
		line = strings.TrimRight(line, "\r")
		continued := strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "  ")
		if lastMatched && continued {
			continue
		}
		if !continued {
			head = line
		}
		lastMatched = false
		if log.Running == "" && strings.Contains(line, "running go ") {
			if m := runningGo.FindStringSubmatch(line); m != nil {
				log.Running = m[1]
			}
		}
		f := match(line)
		if f == nil {
			if len(log.Unknown) < maxUnknown && errorLine(line) {
				log.Unknown = append(log.Unknown, Line{n, strings.TrimSpace(line)})
			}
			continue
		}
		lastMatched = true
		h := Hit{Family: f, Quote: strings.TrimSpace(line), Line: n, URL: firstURL(line)}
		h.Module, h.Version = named(line)
		if h.Module == "" && continued {
			// git's own line under the go command's ("go: M@V: ... exit
			// status 128:") is about that module.
			h.Module, h.Version = named(head)
		}
		i, ok := group[f]
		if !ok {
			i = len(log.Groups)
			group[f] = i
			log.Groups = append(log.Groups, Group{Family: f})
		}
		g := &log.Groups[i]
		g.Lines++
		key := f.ID + " " + h.Module + "@" + h.Version
		if seen[key] || (h.Module == "" && len(g.Hits) > 0) {
			continue
		}
		seen[key] = true
		g.Hits = append(g.Hits, h)
	}
	return log
}

// runningGo finds the version of the go command in its own words
// (gover.TooNewError: "requires go >= 1.23 (running go 1.22.1; ...").
var runningGo = regexp.MustCompile(`running go (\d+\.\d+(?:\.\d+)?(?:rc\d+|beta\d+)?)`)

// goError matches the lines in which the go command (or git under it, or
// the compiler's loader) reports an error; progress lines are not.
var (
	goError  = regexp.MustCompile(`^(go( [a-z]+)*: |cgo: |fatal: |error: |\S+\.go:\d+:\d+: (package |no required module|cannot find|use of internal))`)
	progress = regexp.MustCompile(`^go: (downloading|finding|found|extracting|added|upgraded|downgraded|removed|creating|to add|to update|upgrading|module \S+ is deprecated)|switching to go`)
)

func errorLine(line string) bool {
	line = strings.TrimSpace(line)
	return goError.MatchString(line) && !progress.MatchString(line)
}

// firstURL is the first http or https URL in a line, without the quote or
// colon the go command puts after it.
func firstURL(line string) string {
	i := strings.Index(line, "http://")
	if j := strings.Index(line, "https://"); j >= 0 && (i < 0 || j < i) {
		i = j
	}
	if i < 0 {
		return ""
	}
	u := line[i:]
	if end := strings.IndexAny(u, " \"'\t"); end >= 0 {
		u = u[:end]
	}
	return strings.TrimRight(u, ":,;)")
}

func match(line string) *Family {
	for _, f := range Families {
		hinted := false
		for _, h := range f.Hint {
			if strings.Contains(line, h) {
				hinted = true
				break
			}
		}
		if hinted && f.Text.MatchString(line) {
			return f
		}
	}
	return nil
}

// moduleAt finds PATH@VERSION as the go command writes it in errors
// ("go: PATH@VERSION: ...", "verifying PATH@VERSION: ...").
var moduleAt = regexp.MustCompile(`(?:^go: |verifying |^|\s)([A-Za-z0-9][^\s@:"]*)@([^\s:"/]+)`)

// named returns the module version a line names, when it is one.
func named(line string) (path, version string) {
	for _, m := range moduleAt.FindAllStringSubmatch(line, -1) {
		if module.CheckPath(m[1]) == nil && m[2] != "" {
			return m[1], m[2]
		}
	}
	return "", ""
}

// Where a URL of a log points.
const (
	AtProxy      = "proxy"       // a module proxy (GOPROXY entry)
	AtSumDB      = "sumdb"       // a checksum database, asked directly
	AtProxySumDB = "proxy-sumdb" // a checksum database through a proxy
)

// Where says what a URL the go command printed is, and the base URL of
// the server it asks: a module proxy (BASE/PATH/@v/..., BASE/PATH/@latest,
// with PATH the escaped module path), a checksum database (BASE/lookup/...,
// BASE/tile/..., BASE/latest), or a database through a proxy
// (BASE/sumdb/NAME/...). "" when it is none of those.
func Where(url, modulePath string) (kind, base string) {
	if i := strings.Index(url, "/sumdb/"); i >= 0 {
		return AtProxySumDB, url[:i]
	}
	for _, marker := range []string{"/lookup/", "/tile/"} {
		if i := strings.Index(url, marker); i >= 0 {
			return AtSumDB, url[:i]
		}
	}
	if strings.HasSuffix(url, "/latest") && !strings.HasSuffix(url, "/@latest") {
		return AtSumDB, strings.TrimSuffix(url, "/latest")
	}
	if modulePath == "" {
		return "", ""
	}
	escaped, err := module.EscapePath(modulePath)
	if err != nil {
		return "", ""
	}
	for _, marker := range []string{"/" + escaped + "/@v/", "/" + escaped + "/@latest"} {
		if i := strings.Index(url, marker); i >= 0 {
			return AtProxy, url[:i]
		}
	}
	return "", ""
}
