package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/checks"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/report"
	"github.com/godoctorhq/godoctor/internal/web"
	"github.com/godoctorhq/godoctor/internal/why"
)

const whyHelp = `Usage: godoctor why [flags] MODULE[@VERSION]

How the go command would fetch and verify MODULE from here, hop by hop:
which GOPRIVATE, GONOPROXY, GONOSUMDB or GOINSECURE pattern matches it,
each GOPROXY entry in order (probed as the go command probes it, stopping
where it stops), the repository of the direct hop (its git rewrites and
credentials, and git ls-remote), and the checksum database. Without
@VERSION: the version go.mod or go.work requires, else the newest.

Exit codes: 0 the go command can fetch and verify it, 1 it cannot.

`

// whyReport is what why --json prints.
type whyReport struct {
	*why.Trace
	Fixes []checks.Fix `json:"fixes"`
}

func runWhy(ctx context.Context, a *app, args []string) error {
	var f checkFlags
	fs := newFlagSet("why", a.stderr, a.T(whyHelp))
	f.globals.register(fs, a.pr)
	fs.BoolVar(&f.json, "json", false, a.T("print the trace as JSON, nothing else on stdout"))
	fs.BoolVar(&f.offline, "offline", false, a.T("the rules and the route only, no request"))
	durationFlag(fs, a.pr, &f.timeout, "timeout", 5*time.Second, a.T("bound on each network operation"))
	pos, helped, err := parseArgs(fs, args)
	if helped || err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("%s", a.T("why takes one MODULE or MODULE@VERSION"))
	}
	path, version, _ := strings.Cut(pos[0], "@")
	if err := module.CheckPath(path); err != nil {
		return usageError("%s", a.T("%q is not a module path: %v", path, err))
	}
	if version != "" && version != "latest" {
		if err := module.Check(path, version); err != nil {
			return usageError("%s", a.T("%q: give an exact version (v1.2.3), or latest: %v", pos[0], err))
		}
	}

	env := goenv.Load(ctx, a.sys)
	from := a.T("given")
	if version == "" {
		version, from = required(env, path)
		if version == "" {
			version, from = "latest", a.T("not required here: the newest")
		} else {
			from = a.T("required by %s", from)
		}
	}
	r := traceModule(ctx, a, env, path, version, from, f.offline, f.timeout)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	t := r.Trace
	if f.json {
		if err := writeJSON(a, r); err != nil {
			return err
		}
	} else {
		printWhy(a, r)
	}
	if t.Probed && !t.Fetchable {
		return &exitError{code: exitFailed}
	}
	return nil
}

// traceModule traces a module version and confirms, with the go command,
// the settings the trace suggests; those that work are its fixes.
func traceModule(ctx context.Context, a *app, env *goenv.Snapshot, path, version, from string, offline bool, timeout time.Duration) whyReport {
	o := why.Options{Env: env, Web: web.Client{HTTP: a.sys.HTTP, Idle: timeout}, Offline: offline, Netrc: netrc(a)}
	if db, err := gosettings.ParseGOSUMDB(env.Value("GOSUMDB")); err == nil {
		o.SumDB = remedy.SumDBState(a.sys, env, db.Name)
	}
	if git := a.sys.LookPath("git"); git != "" {
		o.Git = func(ctx context.Context, args ...string) ([]byte, error) {
			ctx, cancel := context.WithTimeout(ctx, 4*timeout)
			defer cancel()
			// As the go command runs git: no prompt may wait for a person.
			return a.sys.Run(ctx, a.sys.Dir, a.sys.Environ("GIT_TERMINAL_PROMPT=0", "GIT_SSH_COMMAND=ssh -o ControlMaster=no -o BatchMode=yes"), git, args...)
		}
	}
	t := why.Run(ctx, o, path, version, from)
	r := whyReport{Trace: t, Fixes: []checks.Fix{}}
	for _, s := range t.Try {
		fix, err := confirmSetting(ctx, a, env, s, t, timeout)
		if err != nil {
			t.Reason += "; " + a.T("%s=%s would not help: %v", s.Name, s.Value, err)
			continue
		}
		r.Fixes = append(r.Fixes, fix)
	}
	return r
}

// required is the version of path that the go.mod (or a go.work's
// modules) here requires, and the file that says so.
func required(env *goenv.Snapshot, path string) (version, file string) {
	var files []string
	if m := env.Module; m != nil && m.GoModFile != "" {
		files = append(files, m.GoModFile)
	}
	if w := env.Work; w != nil && w.File != "" {
		for _, u := range w.Uses {
			if !filepath.IsAbs(u) {
				u = filepath.Join(filepath.Dir(w.File), u)
			}
			files = append(files, filepath.Join(u, "go.mod"))
		}
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		mf, err := modfile.ParseLax(file, data, nil)
		if err != nil {
			continue
		}
		for _, r := range mf.Replace {
			if r.Old.Path == path {
				return "", "" // replaced: the go command does not fetch it as required
			}
		}
		for _, r := range mf.Require {
			if r.Mod.Path == path {
				return r.Mod.Version, file
			}
		}
	}
	return "", ""
}

// netrc is the user's .netrc, as the go command finds it: $NETRC, else
// ~/.netrc (~/_netrc on Windows).
func netrc(a *app) string {
	file := a.sys.Getenv("NETRC")
	if file == "" && a.sys.Home != "" {
		name := ".netrc"
		if a.sys.GOOS == "windows" {
			name = "_netrc"
		}
		file = filepath.Join(a.sys.Home, name)
	}
	data, _ := os.ReadFile(file)
	return string(data)
}

// confirmSetting asks the go command, on a scratch copy of the machine
// with the setting written, to resolve the module version; only then is
// the setting a fix.
func confirmSetting(ctx context.Context, a *app, env *goenv.Snapshot, s why.Setting, t *why.Trace, timeout time.Duration) (checks.Fix, error) {
	value := s.Value
	if cur := env.Value(s.Name); cur != "" {
		value = cur + "," + s.Value
	}
	act, err := change.SetAction(a.sys, env, map[string]string{s.Name: value})
	if err != nil {
		return checks.Fix{}, err
	}
	version := t.Version
	if t.Resolved != "" {
		version = t.Resolved
	}
	op := []string{"list", "-m", "-json", t.Module + "@" + version}
	if err := remedy.Confirm(ctx, a.sys, env, *act, op, "", 4*timeout); err != nil {
		return checks.Fix{}, err
	}
	return checks.Fix{ID: "set-" + strings.ToLower(s.Name), Title: a.T("Set %s=%s: %s", s.Name, value, a.T(s.Why)),
		Command: "go env -w " + s.Name + "=" + value, Verified: strings.Join(op, " ")}, nil
}

// printWhy writes the trace for a person.
func printWhy(a *app, r whyReport) {
	t, out := r.Trace, a.stdout
	fmt.Fprintf(out, "%s@%s (%s)\n", t.Module, t.Version, t.VersionFrom)
	if t.Resolved != "" {
		fmt.Fprintln(out, a.T("latest is %s", t.Resolved))
	}
	fmt.Fprintln(out, a.T("Route:"))
	for i, h := range t.Route {
		mark := map[string]string{why.OK: report.Marks[checks.OK], why.Fail: report.Marks[checks.Fail], why.Skip: "-", why.Unused: " "}[h.Status]
		line := fmt.Sprintf("  %d. %s %-7s", i+1, mark, h.Kind)
		if h.URL != "" {
			line += " " + h.URL
		}
		if h.Rule != "" {
			line += "  [" + h.Rule + "]"
		}
		if h.MS > 0 {
			line += fmt.Sprintf("  %d ms", h.MS)
		}
		fmt.Fprintln(out, line)
		if h.Detail != "" {
			fmt.Fprintf(out, "       %s\n", h.Detail)
		}
	}
	switch {
	case !t.Probed:
		fmt.Fprintln(out, a.T("Not probed (--offline): the rules and the route only."))
	case t.Fetchable:
		fmt.Fprintf(out, "%s %s\n", report.Marks[checks.OK], a.T("The go command can fetch and verify it: %s", t.Reason))
	default:
		fmt.Fprintf(out, "%s %s\n", report.Marks[checks.Fail], a.T("The go command cannot fetch it: %s", t.Reason))
	}
	for _, fix := range r.Fixes {
		fmt.Fprintf(out, "%s\n  %s\n  %s\n", a.T("Fix:"), fix.Title, fix.Command)
	}
}
