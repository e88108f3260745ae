package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/mask"
	"github.com/godoctorhq/godoctor/internal/policy"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/report"
)

const reportHelp = `Usage: godoctor report [flags]

Print a report of this machine's Go set-up as Markdown, for an issue
tracker: godoctor's version, the system, the go that runs and how it was
chosen, every check with its status and summary, and every setting of
the go command with where it comes from. Masked by default: credentials,
the home directory, the user's and the machine's names, and private
hosts and module prefixes (GOPRIVATE, GONOPROXY, GONOSUMDB, GOINSECURE,
company proxies), which get pseudonyms such as private-host-1. It
prints; it uploads nothing.

`

func runReport(ctx context.Context, a *app, args []string) error {
	var g globals
	var t team
	var offline, includeHosts, includePaths bool
	var timeout time.Duration
	fs := newFlagSet("report", a.stderr, a.T(reportHelp))
	g.register(fs, a.pr)
	t.registerPolicy(fs, a.pr)
	fs.BoolVar(&offline, "offline", false, a.T("skip the checks that need the network"))
	fs.BoolVar(&includeHosts, "include-hosts", false, a.T("keep private host names and module prefixes"))
	fs.BoolVar(&includePaths, "include-paths", false, a.T("keep paths, the user's name and the machine's name"))
	durationFlag(fs, a.pr, &timeout, "timeout", 5*time.Second, a.T("bound on each network operation"))
	if helped, err := parse(fs, a.pr, args); helped || err != nil {
		return err
	}
	pol, err := t.load(a)
	if err != nil {
		return err
	}
	env := goenv.Load(ctx, a.sys)
	opts := checks.Options{Offline: offline, Timeout: timeout, Lang: a.pr.Lang, Godoctor: versionString(), Env: env}
	list, opts := withPolicy(checks.All(), opts, pol, t.isCI(a))
	r := report.Collect(versionString(), list, checks.Run(ctx, list, a.sys, opts), a.pr.Lang)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	o := maskOptions(a, env, pol, includeHosts, includePaths)
	fmt.Fprint(a.stdout, markdownReport(a, env, r, o))
	return nil
}

// maskOptions gathers what the report hides: the private names come from
// the settings that mark modules private, the proxies that are not public
// mirrors, the HTTP proxy and the policy's own patterns.
func maskOptions(a *app, env *goenv.Snapshot, pol *policy.Policy, includeHosts, includePaths bool) mask.Options {
	o := mask.Options{Home: a.sys.Home, User: a.sys.Env["USER"], IncludeHosts: includeHosts, IncludePaths: includePaths}
	if o.User == "" {
		o.User = a.sys.Env["USERNAME"]
	}
	if o.User == "" && a.sys.Home != "" {
		o.User = filepath.Base(a.sys.Home)
	}
	o.Hostname, _ = os.Hostname()
	var patterns []string
	for _, name := range []string{"GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE"} {
		for _, p := range gosettings.ParsePatterns(env.Value(name)) {
			patterns = append(patterns, p.Glob)
		}
	}
	if pol != nil && pol.Modules != nil {
		patterns = append(patterns, pol.Modules.Private...)
	}
	for _, p := range patterns {
		first, rest, nested := strings.Cut(strings.TrimSuffix(p, "/"), "/")
		switch {
		case strings.HasPrefix(first, "*."):
			o.Suffixes = append(o.Suffixes, strings.TrimPrefix(first, "*."))
		case strings.ContainsAny(first, "*?["):
		case nested && slices.Contains(gosettings.PublicHosts, first) && !strings.ContainsAny(rest, "*?["):
			o.Prefixes = append(o.Prefixes, first+"/"+strings.SplitN(rest, "/", 2)[0])
		case strings.Contains(first, "."):
			o.Hosts = append(o.Hosts, first)
		}
	}
	if list, err := gosettings.ParseProxyList(env.Value("GOPROXY")); err == nil {
		for _, e := range list {
			if u, err := url.Parse(e.URL); err == nil && u.Hostname() != "" && !remedy.PublicMirror(env, u.Hostname()) {
				o.Hosts = append(o.Hosts, u.Hostname())
			}
		}
	}
	for _, name := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"} {
		if u, err := url.Parse(a.sys.Env[name]); err == nil && u.Hostname() != "" {
			o.Hosts = append(o.Hosts, u.Hostname())
		}
	}
	if db, err := gosettings.ParseGOSUMDB(env.Value("GOSUMDB")); err == nil && db.URL != "" {
		if u, err := url.Parse(db.URL); err == nil && !remedy.PublicMirror(env, u.Hostname()) {
			o.Hosts = append(o.Hosts, u.Hostname())
		}
	}
	return o
}

// markdownReport writes the report from its allowlist, every text masked.
func markdownReport(a *app, env *goenv.Snapshot, r report.Report, o mask.Options) string {
	m := mask.New(o)
	var b strings.Builder
	cell := func(s string) string {
		s = strings.NewReplacer("|", `\|`, "\r", " ", "\n", " ", "`", "'").Replace(m.String(s))
		return strings.TrimSpace(s)
	}
	b.WriteString("## " + a.T("godoctor report") + "\n\n")
	fmt.Fprintf(&b, "- godoctor: %s\n", cell(r.Version))
	fmt.Fprintf(&b, "- %s: %s/%s\n", a.T("system"), runtime.GOOS, runtime.GOARCH)
	goLine := env.GoVersion()
	if goLine == "" {
		goLine = a.T("no go runs")
	}
	tc := env.Settings["GOTOOLCHAIN"]
	goLine += " (" + a.T("GOTOOLCHAIN=%[1]s from %[2]s", tc.Value, a.T(string(tc.Source)))
	if env.Module != nil && env.Module.Go != "" {
		goLine += "; " + a.T("go.mod: go %s", env.Module.Go)
		if env.Module.Toolchain != "" {
			goLine += ", toolchain " + env.Module.Toolchain
		}
	}
	goLine += ")"
	fmt.Fprintf(&b, "- Go: %s\n", cell(goLine))
	if r.Policy != nil {
		fmt.Fprintf(&b, "- %s: %s (sha256 %.12s)\n", a.T("policy"), cell(r.Policy.File), r.Policy.SHA256)
	}
	fmt.Fprintf(&b, "- %s\n\n", a.T("%[1]d ok, %[2]d warnings, %[3]d failed, %[4]d skipped", r.Summary.OK, r.Summary.Warn, r.Summary.Fail, r.Summary.Skip))

	b.WriteString("### " + a.T("Checks") + "\n\n| | " + a.T("Check") + " | " + a.T("Summary") + " |\n|---|---|---|\n")
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "| %s | %s (`%s`) | %s |\n", report.Marks[c.Status], cell(c.Title), c.ID, cell(c.Summary))
	}
	b.WriteString("\n### " + a.T("Settings") + "\n\n| " + a.T("Setting") + " | " + a.T("Value") + " | " + a.T("From") + " |\n|---|---|---|\n")
	for _, name := range goenv.ModuleSettings {
		st := env.Settings[name]
		// A GOAUTH command's arguments can hold a token: Setting masks them.
		fmt.Fprintf(&b, "| %s | %s | %s |\n", name, cell(redact.Setting(name, st.Value)), a.T(string(st.Source)))
	}
	masked := []string{a.T("credentials")}
	if !o.IncludePaths {
		masked = append(masked, a.T("paths, the user's and the machine's names"))
	}
	if !o.IncludeHosts {
		masked = append(masked, a.T("private hosts and module prefixes"))
	}
	fmt.Fprintf(&b, "\n<sub>%s</sub>\n", a.T("Masked: %s (godoctor report).", strings.Join(masked, "; ")))
	return b.String()
}
