package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/policy"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/report"
)

// team are the flags of the commands that judge by a team's policy.
type team struct {
	policy string
	ci     bool
}

func (t *team) register(fs *flag.FlagSet, pr i18n.Printer) {
	t.registerPolicy(fs, pr)
	fs.BoolVar(&t.ci, "ci", false, pr.T("CI mode: no TUI, prompts or writes, the policy's [ci] keys (also when CI=true)"))
}

func (t *team) registerPolicy(fs *flag.FlagSet, pr i18n.Printer) {
	fs.StringVar(&t.policy, "policy", "", pr.T("the policy to judge by (default: .godoctor.toml here or above; GODOCTOR_POLICY=FILE|off)"))
}

// ciScope gives a proven plan to a CI job instead of this machine's
// files: NAME=value lines, appended to $GITHUB_ENV (and directories to
// $GITHUB_PATH) when the job has them, printed either way. A go env -w
// there would change every later job of a self-hosted runner.
func ciScope(a *app, plan change.Action, dryRun, failed bool) error {
	var env, path []string
	names := make([]string, 0, len(plan.Set))
	for n := range plan.Set {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v := plan.Set[n]
		if strings.ContainsAny(v, "\r\n") {
			return &exitError{code: exitFailed, err: errors.New(a.T("%s has a line break, which a $GITHUB_ENV line cannot hold", n))}
		}
		env = append(env, n+"="+v)
	}
	for _, n := range plan.Unset {
		env = append(env, n+"=") // empty is unset to the go command
	}
	path = append(path, plan.PathDirs...)
	if len(env)+len(path) == 0 {
		fmt.Fprintln(a.stdout, a.T("nothing for CI to set"))
	}
	for _, l := range env {
		fmt.Fprintln(a.stdout, redact.ExportLine(l))
	}
	for _, d := range path {
		fmt.Fprintln(a.stdout, a.T("PATH: %s first", d))
	}
	if !dryRun {
		for _, f := range []struct {
			name  string
			lines []string
		}{{"GITHUB_ENV", env}, {"GITHUB_PATH", path}} {
			file := a.sys.Env[f.name]
			if file == "" || len(f.lines) == 0 {
				continue
			}
			if err := appendLines(file, f.lines); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, a.T("appended to $%s", f.name))
		}
	}
	if failed {
		return &exitError{code: exitFailed}
	}
	return nil
}

// appendLines appends lines to a CI system's command file, which the
// runner made for this step: appending is its protocol.
func appendLines(file string, lines []string) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(strings.Join(lines, "\n") + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// isCI reports CI mode: --ci, or CI=true as CI systems set it.
func (t team) isCI(a *app) bool {
	return t.ci || strings.EqualFold(a.sys.Env["CI"], "true")
}

// load finds and reads the policy in force; nil when there is none. A
// refused file is a usage error: exit 2, each reason at FILE:LINE.
func (t team) load(a *app) (*policy.Policy, error) {
	path := t.policy
	if path == "" {
		var err error
		path, err = policy.Find(a.sys.Env, a.sys.Dir, a.sys.Home)
		if errors.Is(err, policy.ErrOff) || path == "" {
			return nil, nil
		}
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(a.sys.Dir, path)
	}
	p, err := policy.Load(path)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: errors.New(a.T("the policy is refused:\n%s", strings.ReplaceAll(err.Error(), path, shownPath(a, path))))}
	}
	// Named as a person in the project and a CI annotation want it.
	p.File = shownPath(a, p.File)
	return p, nil
}

// withPolicy adds a policy's checks to a list and its [severity] to the
// options.
func withPolicy(list []*checks.Check, opts checks.Options, pol *policy.Policy, ci bool) ([]*checks.Check, checks.Options) {
	if pol == nil {
		return list, opts
	}
	opts.Severity = pol.For(ci).Severity
	return append(list, checks.Policy(pol, ci)...), opts
}

// shownPath is a policy file as a report names it: relative to the
// working directory when it is under it, as CI annotations want.
func shownPath(a *app, file string) string {
	if rel, err := filepath.Rel(a.sys.Dir, file); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return file
}

// policyInfo is the report's account of the policy that judged.
func policyInfo(a *app, pol *policy.Policy, r report.Report) *report.Policy {
	if pol == nil {
		return nil
	}
	info := &report.Policy{File: pol.File, SHA256: pol.SHA256, Results: []string{}}
	for _, c := range r.Checks {
		if strings.HasPrefix(c.ID, "policy.") {
			info.Results = append(info.Results, c.ID)
		}
	}
	return info
}

// writeGitHubAnnotations prints a workflow command for each finding that
// is not ok (::error or ::warning), at the policy's line for the policy's
// checks, so that GitHub shows them on the file.
func writeGitHubAnnotations(a *app, pol *policy.Policy, ci bool, r report.Report) {
	for _, c := range r.Checks {
		level := map[checks.Status]string{checks.Fail: "error", checks.Warn: "warning"}[c.Status]
		if level == "" {
			continue
		}
		props := "title=" + ghProperty("godoctor "+c.ID)
		if pol != nil && strings.HasPrefix(c.ID, "policy.") {
			key := pol.Key(ci, policyKey(c.ID))
			props = "file=" + ghProperty(pol.File) + ",line=" + fmt.Sprint(max(pol.Line(key), 1)) + "," + props
		}
		fmt.Fprintf(a.stdout, "::%s %s::%s\n", level, props, ghMessage(c.Summary))
	}
}

// policyKey is the file's key of a policy check (policy.go.version:
// go.version; policy.godoctor: min_godoctor).
func policyKey(id string) string {
	if id == "policy.godoctor" {
		return "min_godoctor"
	}
	return strings.TrimPrefix(id, "policy.")
}

// ghMessage and ghProperty escape as GitHub's workflow commands want.
func ghMessage(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(redact.Display(s))
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

const policyHelp = `Usage: godoctor policy init|validate [FILE]|explain [flags]

A team's policy, .godoctor.toml: the Go versions, module proxies,
private-module patterns, checksum settings, GOFLAGS and tools every
machine should have. check, fix and the TUI judge by it; each key is a
check policy.KEY.

  init              print a draft from this machine and go.mod
  validate [FILE]   read a file as godoctor would, offline; exit 2 with
                    FILE:LINE for each reason when it is refused
  explain           the file in force, each judged value and where it
                    comes from

`

func runPolicy(ctx context.Context, a *app, args []string) error {
	var g globals
	var t team
	fs := newFlagSet("policy", a.stderr, a.T(policyHelp))
	g.register(fs, a.pr)
	t.register(fs, a.pr)
	pos, helped, err := parseArgs(fs, args)
	if helped || err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError("%s", a.T("policy needs init, validate or explain"))
	}
	switch pos[0] {
	case "validate":
		if len(pos) > 2 {
			return usageError("%s", a.T("validate takes one file"))
		}
		if len(pos) == 2 {
			t.policy = pos[1]
		}
		pol, err := t.load(a)
		if err != nil {
			return err
		}
		if pol == nil {
			return &exitError{code: exitFailed, err: errors.New(a.T("no policy here: no %s in this directory or above (up to .git, go.work or home), and no GODOCTOR_POLICY", policy.FileName))}
		}
		fmt.Fprintln(a.stdout, a.T("%[1]s: accepted, %[2]d checks", pol.File, len(checks.Policy(pol, false))))
		return nil
	case "explain":
		return explainPolicy(ctx, a, t)
	case "init":
		return initPolicy(ctx, a)
	}
	return usageError("%s", a.T("policy needs init, validate or explain, not %q", pos[0]))
}

// explainPolicy says which file is in force (or why none), and for each
// setting it judges the value here and where it comes from.
func explainPolicy(ctx context.Context, a *app, t team) error {
	pol, err := t.load(a)
	if err != nil {
		return err
	}
	if pol == nil {
		why := a.T("no %s in this directory or above (up to .git, go.work or home)", policy.FileName)
		if a.sys.Env["GODOCTOR_POLICY"] == "off" {
			why = a.T("GODOCTOR_POLICY=off")
		}
		fmt.Fprintln(a.stdout, a.T("No policy in force: %s.", why))
		return nil
	}
	ci := t.isCI(a)
	fmt.Fprintln(a.stdout, a.T("Policy in force: %[1]s (sha256 %.12[2]s)", pol.File, pol.SHA256))
	if ci {
		fmt.Fprintln(a.stdout, a.T("CI mode: the [ci] keys replace the others"))
	}
	env := goenv.Load(ctx, a.sys)
	r := pol.For(ci)
	row := func(key, judged, setting string) {
		line := a.T("  %[1]s = %[2]s  (%[3]s)", key, judged, pol.Where(pol.Key(ci, key)))
		fmt.Fprintln(a.stdout, line)
		if setting == "" {
			return
		}
		s := settingValue(a, env, setting)
		fmt.Fprintln(a.stdout, "    "+a.T("here: %[1]s=%[2]s (%[3]s)", s.Name, s.Value, s.Source))
	}
	if v := pol.MinGodoctor(); v != "" {
		row("min_godoctor", v, "")
		fmt.Fprintln(a.stdout, "    "+a.T("here: godoctor %s", versionString()))
	}
	if g := r.Go; g != nil {
		if g.Version != nil {
			row("go.version", *g.Version, "GOVERSION")
		}
		if g.FromGomod != nil {
			row("go.from_gomod", fmt.Sprint(*g.FromGomod), "")
			if env.Module != nil {
				fmt.Fprintln(a.stdout, "    "+a.T("here: %[1]s says go %[2]s", env.Module.GoModFile, env.Module.Go))
			}
		}
		if g.Gotoolchain != nil {
			row("go.gotoolchain", strings.Join(g.Gotoolchain, ", "), "GOTOOLCHAIN")
		}
	}
	if m := r.Modules; m != nil {
		for _, k := range []struct {
			key, setting string
			list         []string
		}{{"modules.proxy", "GOPROXY", m.Proxy}, {"modules.private", "GOPRIVATE", m.Private}, {"modules.sumdb", "GOSUMDB", m.Sumdb}, {"modules.insecure", "GOINSECURE", m.Insecure}, {"modules.auth", "GOAUTH", m.Auth}} {
			if k.list != nil {
				row(k.key, strings.Join(k.list, " | "), k.setting)
			}
		}
		if fl := m.Flags; fl != nil {
			row("modules.flags", a.T("require %[1]s, forbid %[2]s", strings.Join(fl.Require, " "), strings.Join(fl.Forbid, " ")), "GOFLAGS")
		}
	}
	if tr := r.Tools; tr != nil {
		names := make([]string, 0, len(tr.Require))
		for n, c := range tr.Require {
			names = append(names, strings.TrimSpace(n+" "+c))
		}
		sort.Strings(names)
		row("tools.require", strings.Join(names, ", "), "")
	}
	if len(r.Severity) > 0 {
		var sev []string
		for id, s := range r.Severity {
			sev = append(sev, id+"="+s)
		}
		sort.Strings(sev)
		row("severity", strings.Join(sev, ", "), "")
	}
	return nil
}

// initPolicy prints a draft policy from this machine and go.mod: the Go
// range from the go that runs and go.mod's go line, the GOPROXY, GOSUMDB
// and GOPRIVATE in force (never a credential: a value that holds one is
// left out with a comment).
func initPolicy(ctx context.Context, a *app) error {
	env := goenv.Load(ctx, a.sys)
	var b strings.Builder
	b.WriteString("# " + a.T("The team's Go set-up, judged by godoctor (godoctor policy explain)."))
	b.WriteString("\nschema = 1\n\n[go]\n")
	if v := strings.TrimPrefix(env.GoVersion(), "go"); v != "" {
		parts := strings.SplitN(v, ".", 3)
		if len(parts) >= 2 {
			fmt.Fprintf(&b, "version = %q\n", ">="+parts[0]+"."+parts[1]+".0")
		}
	}
	if env.Module != nil && env.Module.Go != "" {
		b.WriteString("from_gomod = true\n")
	}
	b.WriteString("\n[modules]\n")
	for _, s := range []struct{ key, name string }{{"proxy", "GOPROXY"}, {"sumdb", "GOSUMDB"}} {
		v := env.Value(s.name)
		if v == "" {
			continue
		}
		if redact.List(v) != v || strings.Contains(v, "$") {
			fmt.Fprintf(&b, "# %s: %s\n", s.key, a.T("left out: %s holds a credential", s.name))
			continue
		}
		fmt.Fprintf(&b, "%s = [%q]\n", s.key, v)
	}
	if v := env.Value("GOPRIVATE"); v != "" {
		var pats []string
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				pats = append(pats, fmt.Sprintf("%q", p))
			}
		}
		fmt.Fprintf(&b, "private = [%s]\n", strings.Join(pats, ", "))
	}
	// The draft must be a file godoctor accepts.
	if _, err := policy.Parse(policy.FileName, []byte(b.String())); err != nil {
		return fmt.Errorf("the draft is not accepted: %w", err)
	}
	fmt.Fprint(a.stdout, b.String())
	return nil
}
