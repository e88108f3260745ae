package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/checks"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/installer"
	"github.com/godoctorhq/godoctor/internal/mirrors"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/report"
	"github.com/godoctorhq/godoctor/internal/system"
)

// changer applies plans the same way for use, fix and undo: preview,
// confirmation, journal.
type changer struct {
	sys     *system.System
	journal change.Journal
	dryRun  bool
	yes     bool
	in      *bufio.Reader
	out     io.Writer
	pr      i18n.Printer
}

func newChanger(sys *system.System, pr i18n.Printer, dryRun, yes bool, stdin io.Reader, stdout io.Writer) (*changer, error) {
	j, err := remedy.Journal(sys)
	if err != nil {
		return nil, err
	}
	return &changer{sys: sys, journal: j, dryRun: dryRun, yes: yes, in: bufio.NewReader(stdin), out: stdout, pr: pr}, nil
}

// confirm asks a yes/no question; anything but yes, and end of input, is no.
func (c *changer) confirm(question string) bool {
	if c.yes {
		return true
	}
	fmt.Fprintf(c.out, "%s [y/N] ", question)
	line, _ := c.in.ReadString('\n')
	fmt.Fprintln(c.out)
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}

// apply shows a plan and makes it, unless it is a dry run or declined.
func (c *changer) apply(p change.Plan) (bool, error) {
	fmt.Fprintf(c.out, "%s\n", p.Title)
	if p.Empty() {
		fmt.Fprintln(c.out, c.pr.T("  nothing to change: already so"))
		return false, nil
	}
	fmt.Fprint(c.out, indent(p.Preview()))
	switch {
	case c.dryRun:
		fmt.Fprintln(c.out, c.pr.T("dry run: nothing written"))
		return false, nil
	case !c.confirm(c.pr.T("Make this change?")):
		fmt.Fprintln(c.out, c.pr.T("not changed"))
		return false, nil
	}
	e, err := c.journal.Apply(p)
	if err != nil {
		return false, err
	}
	fmt.Fprint(c.out, c.pr.T("changed %d file(s); `godoctor undo` puts them back (backups in %s)\n", len(e.Files), filepath.Join(c.journal.Dir, e.ID)))
	return true, nil
}

func indent(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n") + "\n"
}

// newShell is the system as a new shell will see it once the exports that
// an action comments out are gone.
func newShell(sys *system.System, gone []string) *system.System {
	next := *sys
	next.Env = make(map[string]string, len(sys.Env))
	for k, v := range sys.Env {
		if !slices.Contains(gone, k) {
			next.Env[k] = v
		}
	}
	return &next
}

// beforeAfter re-runs checks on the changed machine and prints each one's
// verdict before and after.
func beforeAfter(ctx context.Context, sys *system.System, pr i18n.Printer, ids []string, before map[string]report.Check, opts checks.Options, out io.Writer) {
	var list []*checks.Check
	for _, id := range ids {
		if c := checks.ByID(id); c != nil {
			list = append(list, c)
		}
	}
	after := report.Collect(versionString(), list, checks.Run(ctx, list, sys, opts), opts.Lang)
	fmt.Fprintln(out, pr.T("\nBefore and after:"))
	for _, a := range after.Checks {
		b := before[a.ID]
		fmt.Fprintf(out, "  %s %s → %s %s: %s\n", report.Marks[b.Status], a.Title, report.Marks[a.Status], a.Status, a.Summary)
	}
}

// withEnv runs checks on an environment already loaded, so that the go
// command is not run twice for the same state; the checks after a change
// load it afresh.
func withEnv(opts checks.Options, env *goenv.Snapshot) checks.Options {
	opts.Env = env
	return opts
}

// runChecks runs checks and returns their results by ID.
func runChecks(ctx context.Context, sys *system.System, list []*checks.Check, opts checks.Options) map[string]report.Check {
	r := report.Collect(versionString(), list, checks.Run(ctx, list, sys, opts), opts.Lang)
	out := map[string]report.Check{}
	for _, c := range r.Checks {
		out[c.ID] = c
	}
	return out
}

const useHelp = `Usage: godoctor use [flags] NAME|URL

Make a mirror the module proxy: GOPROXY=URL,direct, written as go env -w
writes it. NAME is a mirror of godoctor mirrors (the catalog, your
godoctor/mirrors.json, GOPROXY's entries); a URL must be http or https
with a host. If an exported variable overrides the go env file, the
profile line that exports it is commented out too (after the preview).

`

func runUse(ctx context.Context, sys *system.System, pr i18n.Printer, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var g globals
	var sumdb string
	var dryRun, yes bool
	fs := newFlagSet("use", stderr, pr.T(useHelp))
	g.register(fs, pr)
	fs.StringVar(&sumdb, "sumdb", "", pr.T("also set GOSUMDB (for example sum.golang.google.cn)"))
	fs.BoolVar(&dryRun, "dry-run", false, pr.T("print the exact change, write nothing"))
	fs.BoolVar(&yes, "yes", false, pr.T("no confirmation prompt"))
	pos, helped, err := parseArgs(fs, args)
	if helped || err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("%s", pr.T("use takes one mirror name or URL"))
	}
	env := goenv.Load(ctx, sys)
	target, err := resolveMirror(sys, env, pos[0])
	if err != nil {
		return usageError("%v", err)
	}
	if sumdb != "" {
		if _, err := gosettings.ParseGOSUMDB(sumdb); err != nil {
			return usageError("%s", pr.T("--sumdb %s: %v", sumdb, err))
		}
	}
	action, unreachable := remedy.UseMirror(sys, env, target, sumdb)
	for _, name := range unreachable {
		fmt.Fprint(stdout, pr.T("warning: %s=%s is exported by something other than your shell profiles, and keeps overriding the go env file until it is unset there\n", name, redact.URL(env.Settings[name].Process)))
	}
	for _, l := range action.CommentOut {
		fmt.Fprint(stdout, pr.T("%s:%d exports a value that overrides go env -w: %s\n", l.File, l.Line, redact.URL(strings.TrimSpace(l.Text))))
	}
	for _, name := range action.UnsetUserVars {
		fmt.Fprint(stdout, pr.T("%s in your user environment (%s) overrides go env -w: %s=%s\n", name, system.UserEnvLocation, name, redact.URL(env.Settings[name].Process)))
	}
	c, err := newChanger(sys, pr, dryRun, yes, stdin, stdout)
	if err != nil {
		return err
	}
	title := pr.T("Use %s (%s) as the module proxy", target.Name, redact.URL(target.URL))
	ids := []string{"env.goproxy", "env.gosumdb", "env.source"}
	opts := checks.Options{Offline: true, Lang: pr.Lang}
	before := runChecks(ctx, sys, checksByID(ids), withEnv(opts, env))
	plan, err := change.Build(ctx, sys, remedy.GoCommand(env), title, *action)
	if err != nil {
		return err
	}
	applied, err := c.apply(plan)
	if err != nil || !applied {
		return err
	}
	beforeAfter(ctx, newShell(sys, action.Exported()), pr, ids, before, opts, stdout)
	return nil
}

// resolveMirror finds a mirror by name, or accepts a URL the go command
// would accept as a proxy.
func resolveMirror(sys *system.System, env *goenv.Snapshot, arg string) (mirrors.Mirror, error) {
	list, err := remedy.Mirrors(sys, env, nil)
	if err != nil {
		return mirrors.Mirror{}, err
	}
	for _, m := range list {
		if m.Name == arg {
			return m, nil
		}
	}
	if !strings.Contains(arg, "://") {
		return mirrors.Mirror{}, fmt.Errorf("%q is neither a known mirror (see godoctor mirrors) nor a URL with http:// or https://", redact.URL(arg))
	}
	if err := mirrors.CheckURL(arg); err != nil {
		return mirrors.Mirror{}, err
	}
	if _, err := gosettings.ParseProxyList(arg + ",direct"); err != nil {
		return mirrors.Mirror{}, err
	}
	return mirrors.Mirror{Name: redact.URL(arg), URL: arg}, nil
}

func checksByID(ids []string) []*checks.Check {
	var list []*checks.Check
	for _, id := range ids {
		list = append(list, checks.ByID(id))
	}
	return list
}

const fixHelp = `Usage: godoctor fix [flags] [CHECK-ID...]

Apply the fixes that the named checks (default: every check that is not
ok) propose, each previewed and confirmed, then re-run those checks and
show them before and after. Fixes that only a person can make are listed
with their command.

`

func runFix(ctx context.Context, sys *system.System, pr i18n.Printer, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var g globals
	var dryRun, yes bool
	var timeout time.Duration
	fs := newFlagSet("fix", stderr, pr.T(fixHelp))
	g.register(fs, pr)
	fs.BoolVar(&dryRun, "dry-run", false, pr.T("print every change, write nothing"))
	fs.BoolVar(&yes, "yes", false, pr.T("no confirmation prompts"))
	fs.DurationVar(&timeout, "timeout", 5*time.Second, pr.T("bound on each network operation"))
	ids, helped, err := parseArgs(fs, args)
	if helped || err != nil {
		return err
	}
	for _, id := range ids {
		if checks.ByID(id) == nil {
			return usageError("%s", pr.T("no check %q (godoctor check --json lists them)", id))
		}
	}
	opts := checks.Options{Timeout: timeout, Lang: pr.Lang}
	all := checks.All()
	env := goenv.Load(ctx, sys)
	before := runChecks(ctx, sys, all, withEnv(opts, env))
	var targets []string
	for _, c := range all {
		r := before[c.ID]
		if len(ids) > 0 && slices.Contains(ids, c.ID) || len(ids) == 0 && (r.Status == checks.Warn || r.Status == checks.Fail) {
			targets = append(targets, c.ID)
		}
	}
	c, err := newChanger(sys, pr, dryRun, yes, stdin, stdout)
	if err != nil {
		return err
	}
	var gone []string
	failed := false
	changed := 0
	for _, id := range targets {
		r := before[id]
		if len(r.Fixes) == 0 {
			continue
		}
		fmt.Fprintf(stdout, "\n%s %s: %s\n", report.Marks[r.Status], r.Title, r.Summary)
		for _, f := range r.Fixes {
			if f.Action == nil {
				fmt.Fprint(stdout, pr.T("  by hand (%s): %s\n", f.Title, f.Command))
				continue
			}
			a := *f.Action
			if a.Install != "" {
				spec, _ := installer.ParseSpec(a.Install)
				flags := installFlags{dir: filepath.Join(sys.Home, "sdk"), source: "proxy", listURL: installer.OfficialList, timeout: timeout}
				if _, err := installVersion(ctx, sys, env, c, spec, flags, stderr); err != nil {
					fmt.Fprintf(stdout, "  %s: %v\n", f.Title, err)
					failed = true
				}
				continue
			}
			if a.FastestMirror {
				m, err := fastestMirror(ctx, sys, pr, env, timeout, stdout)
				if err != nil {
					fmt.Fprintf(stdout, "  %s: %v\n", f.Title, err)
					failed = true
					continue
				}
				na, _ := remedy.UseMirror(sys, env, m, "")
				a = *na
				f.Title = fmt.Sprintf("%s: %s", f.Title, m.Name)
			}
			plan, err := change.Build(ctx, sys, remedy.GoCommand(env), f.Title, a)
			if err == nil {
				var ok bool
				ok, err = c.apply(plan)
				if ok {
					changed++
					gone = append(gone, a.Exported()...)
					env = goenv.Load(ctx, sys) // the next fix plans on the changed files
				}
			}
			if err != nil {
				fmt.Fprintf(stdout, "  %s: %v\n", f.Title, err)
				failed = true
			}
		}
	}
	if len(targets) == 0 {
		fmt.Fprintln(stdout, pr.T("Every check is ok: nothing to fix."))
	} else if changed > 0 {
		beforeAfter(ctx, newShell(sys, gone), pr, targets, before, opts, stdout)
	}
	if failed {
		return &exitError{code: exitFailed}
	}
	return nil
}

// fastestMirror runs the benchmark and returns the fastest verified mirror.
func fastestMirror(ctx context.Context, sys *system.System, pr i18n.Printer, env *goenv.Snapshot, timeout time.Duration, out io.Writer) (mirrors.Mirror, error) {
	list, err := remedy.Mirrors(sys, env, nil)
	if err != nil {
		return mirrors.Mirror{}, err
	}
	fmt.Fprint(out, pr.T("  benchmarking %d mirrors…\n", len(list)))
	var rep mirrors.Report
	for ev := range mirrors.Run(ctx, sys.HTTP, list, remedy.BenchOptions(env, mirrors.Options{Samples: 3, Timeout: timeout})) {
		if ev.Kind == mirrors.Done {
			rep = ev.Report
		}
	}
	for _, m := range rep.Mirrors {
		if m.Name == rep.Fastest {
			return m.Mirror, nil
		}
	}
	return mirrors.Mirror{}, errors.New(pr.T("no mirror served content verified by the checksum database"))
}

func runUndo(ctx context.Context, sys *system.System, pr i18n.Printer, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var g globals
	var yes bool
	fs := newFlagSet("undo", stderr, pr.T("Usage: godoctor undo [--yes]\n\nStep back one change (go env file, shell profile) from its backups; again for the one before.\n\n"))
	g.register(fs, pr)
	fs.BoolVar(&yes, "yes", false, pr.T("also restore files changed by hand since, without asking"))
	if helped, err := parse(fs, pr, args); helped || err != nil {
		return err
	}
	c, err := newChanger(sys, pr, false, yes, stdin, stdout)
	if err != nil {
		return err
	}
	e, err := c.journal.Undo(yes)
	var changed *change.ChangedSinceError
	if errors.As(err, &changed) {
		fmt.Fprint(stdout, pr.T("These files were changed by hand since godoctor wrote them: %s\n", strings.Join(changed.Paths, ", ")))
		if !c.confirm(c.pr.T("Restore them anyway, losing those edits?")) {
			return &exitError{code: exitFailed, err: errors.New(c.pr.T("not undone"))}
		}
		e, err = c.journal.Undo(true)
	}
	if errors.Is(err, change.ErrNothingToUndo) {
		return &exitError{code: exitFailed, err: err}
	}
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, pr.T("Undid: %s (%s)\n", e.Title, e.Time.Format(time.DateTime)))
	for _, f := range e.Files {
		if f.Existed {
			fmt.Fprint(stdout, pr.T("  restored %s\n", f.Name()))
		} else {
			fmt.Fprint(stdout, pr.T("  removed %s (godoctor had created it)\n", f.Name()))
		}
	}
	return nil
}
