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
	// Example is what the go command printed on a machine set up to
	// fail this way (Go 1.26); a test holds the family to it.
	Example string
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
	// OpHere is OpProject in a module or workspace, else go list in a
	// scratch module: for a setting that any module trips on, and a file
	// of the project that can hold it too.
	OpHere = "here"
)

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
	// GOROOT is the toolchain directory a line of the log names, and
	// Target the GOOS/GOARCH pair, "" when none does.
	GOROOT, Target string
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
		log.facts(line)
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

// facts notes what a line says of the set-up that printed the log: the
// go's version, its GOROOT, the GOOS/GOARCH pair.
func (log *Log) facts(line string) {
	if log.Running == "" && strings.Contains(line, "running go ") {
		if m := runningGo.FindStringSubmatch(line); m != nil {
			log.Running = m[1]
		}
	}
	if log.GOROOT == "" && strings.Contains(line, "GOROOT") {
		for _, re := range gorootPaths {
			if m := re.FindStringSubmatch(line); m != nil {
				log.GOROOT = m[1]
				break
			}
		}
	}
	if log.Target == "" && strings.Contains(line, "GOOS/GOARCH pair ") {
		if m := targetPair.FindStringSubmatch(line); m != nil {
			log.Target = m[1]
		}
	}
}

// gorootPaths find a GOROOT in the go command's words: "cannot find
// GOROOT directory: DIR" (cmd/go/main.go) or a package looked for under
// it, "DIR/src/PKG (from $GOROOT)" (go/build).
var gorootPaths = []*regexp.Regexp{
	regexp.MustCompile(`cannot find GOROOT directory: (\S+)`),
	regexp.MustCompile(`^\s*(\S+?)/src/\S* \(from \$GOROOT\)`),
}

// targetPair finds the pair of "unsupported GOOS/GOARCH pair GOOS/GOARCH".
var targetPair = regexp.MustCompile(`GOOS/GOARCH pair (\S+/\S+)`)

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
	// Most lines of a build log are none of these: a cheap look first.
	prefixed := strings.HasPrefix(line, "go") || strings.HasPrefix(line, "cgo: ") || strings.HasPrefix(line, "fatal: ") || strings.HasPrefix(line, "error: ")
	loader := strings.Contains(line, ".go:") && (strings.Contains(line, ": package ") || strings.Contains(line, ": no required module") ||
		strings.Contains(line, ": cannot find") || strings.Contains(line, ": use of internal"))
	if !prefixed && !loader {
		return false
	}
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
