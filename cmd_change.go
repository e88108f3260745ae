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

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/installer"
	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/gocmd"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/project"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/report"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/mirrors"
)

// changer applies plans the same way for use, fix, install and undo:
// preview, confirmation, journal.
type changer struct {
	sys     *system.System
	journal change.Journal
	dryRun  bool
	yes     bool
	answers <-chan string // lines of standard input, read as prompts need them
	out     *redact.Writer
	pr      i18n.Printer
}

func newChanger(a *app, dryRun, yes bool) (*changer, error) {
	j, err := remedy.Journal(a.sys)
	if err != nil {
		return nil, err
	}
	return &changer{sys: a.sys, journal: j, dryRun: dryRun, yes: yes, answers: lines(a.stdin), out: a.stdout, pr: a.pr}, nil
}

// lines reads standard input one line at a time, each when the previous
// one was taken, so that a prompt can stop waiting (Ctrl-C) without
// leaving a read that would swallow the next answer.
func lines(r io.Reader) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		in := bufio.NewReader(r)
		for {
			line, err := in.ReadString('\n')
			if line != "" {
				ch <- line
			}
			if err != nil {
				return
			}
		}
	}()
	return ch
}

// confirm asks a yes/no question: only y or yes is yes; anything else and
// the end of input are no. Ctrl-C (ctx done) stops the wait at once with
// the context's error, and nothing is written.
func (c *changer) confirm(ctx context.Context, question string) (bool, error) {
	if c.yes {
		return true, nil
	}
	fmt.Fprintf(c.out, "%s [y/N] ", question)
	c.out.Flush()
	var line string
	select {
	case <-ctx.Done():
		fmt.Fprintln(c.out)
		return false, ctx.Err()
	case line = <-c.answers:
	}
	fmt.Fprintln(c.out)
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// apply shows a plan and makes it, unless it is a dry run or declined.
func (c *changer) apply(ctx context.Context, p change.Plan) (bool, error) {
	fmt.Fprintf(c.out, "%s\n", p.Title)
	if p.Empty() {
		fmt.Fprintln(c.out, c.pr.T("  nothing to change: already so"))
		return false, nil
	}
	fmt.Fprint(c.out, indent(p.Preview(c.pr)))
	if c.dryRun {
		fmt.Fprintln(c.out, c.pr.T("dry run: nothing written"))
		return false, nil
	}
	if ok, err := c.confirm(ctx, c.pr.T("Make this change?")); !ok {
		if err == nil {
			fmt.Fprintln(c.out, c.pr.T("not changed"))
		}
		return false, err
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

// beforeAfter re-runs checks on the changed machine and prints each one's
// verdict before and after.
func beforeAfter(ctx context.Context, a *app, sys *system.System, list []*checks.Check, before map[string]report.Check, opts checks.Options) map[string]report.Check {
	after := runChecks(ctx, sys, list, opts)
	fmt.Fprintln(a.stdout, a.T("\nBefore and after:"))
	for _, ch := range list {
		b, c := before[ch.ID], after[ch.ID]
		fmt.Fprintf(a.stdout, "  %s %s → %s %s: %s\n", report.Marks[b.Status], c.Title, report.Marks[c.Status], c.Status, c.Summary)
	}
	return after
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

Before anything is written, the go command downloads a module through
the mirror and its checksum route on a copy of the machine as a new shell
will see it; a mirror that fails there (DNS, refused, TLS, 403...) is
refused, unless --force.

`

func runUse(ctx context.Context, a *app, args []string) error {
	var g globals
	var sumdb string
	var dryRun, yes, force bool
	var timeout time.Duration
	fs := newFlagSet("use", a.stderr, a.T(useHelp))
	g.register(fs, a.pr)
	fs.StringVar(&sumdb, "sumdb", "", a.T("also set GOSUMDB (for example sum.golang.google.cn)"))
	fs.BoolVar(&dryRun, "dry-run", false, a.T("print the exact change, write nothing"))
	fs.BoolVar(&yes, "yes", false, a.T("no confirmation prompt"))
	fs.BoolVar(&force, "force", false, a.T("write it even when the go command cannot download through it from here"))
	durationFlag(fs, a.pr, &timeout, "timeout", 10*time.Second, a.T("bound on each network operation of the trial download"))
	pos, helped, err := parseArgs(fs, args)
	if helped || err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("%s", a.T("use takes one mirror name or URL"))
	}
	for _, v := range []string{pos[0], sumdb} {
		if strings.ContainsAny(v, "\x00\r\n") {
			return usageError("%s", a.T("%q: a line break or NUL has no place in a mirror or a checksum database", redact.Text(v)))
		}
	}
	if strings.ContainsAny(pos[0], ",|") {
		return usageError("%s", a.T("use takes one mirror and writes GOPROXY=URL,direct; to set a list of proxies, write it yourself: go env -w GOPROXY=https://a.example,https://b.example,direct"))
	}
	env := goenv.Load(ctx, a.sys)
	target, err := resolveMirror(a.sys, env, pos[0])
	if err != nil {
		return usageError("%v", err)
	}
	if sumdb != "" {
		if _, err := gosettings.ParseGOSUMDB(sumdb); err != nil {
			return usageError("%s", a.T("--sumdb %s: %v", sumdb, err))
		}
	}
	action, err := remedy.UseMirror(a.sys, env, target, sumdb, false)
	if err != nil {
		return overridden(a, err)
	}
	for _, l := range action.CommentOut {
		fmt.Fprint(a.stdout, a.T("%s:%d exports a value that overrides go env -w: %s\n", l.File, l.Line, redact.ExportLine(strings.TrimSpace(l.Text))))
	}
	for _, name := range action.UnsetUserVars {
		fmt.Fprint(a.stdout, a.T("%s in your user environment (%s) overrides go env -w: %s=%s\n", name, system.UserEnvLocation, name, redact.Setting(name, env.Settings[name].Process)))
	}
	c, err := newChanger(a, dryRun, yes)
	if err != nil {
		return err
	}
	title := a.T("Use %s (%s) as the module proxy", target.Name, redact.URL(target.URL))
	if err := tryMirror(ctx, a, env, target, *action, timeout); err != nil {
		if !force {
			return &exitError{code: exitFailed, err: err}
		}
		fmt.Fprint(a.stdout, a.T("%v\nwritten anyway (--force)\n", err))
	}
	ids := []string{"env.goproxy", "env.gosumdb", "env.source", "net.proxy", "net.sumdb", "project.modules"}
	opts := checks.Options{Timeout: timeout, Lang: a.pr.Lang}
	before := runChecks(ctx, a.sys, checksByID(ids), withEnv(opts, env))
	plan, err := remedy.Plan(ctx, a.sys, env, title, *action)
	if err != nil {
		return err
	}
	applied, err := c.apply(ctx, plan)
	if err != nil || !applied {
		return err
	}
	beforeAfter(ctx, a, remedy.NewShell(a.sys, action.Exported()), checksByID(ids), before, opts)
	return nil
}

// tryMirror has the go command download a module through the mirror on
// the next shell that the change leaves, before anything is written: the
// module the project still lacks, or the one the benchmark probes.
func tryMirror(ctx context.Context, a *app, env *goenv.Snapshot, target mirrors.Mirror, action change.Action, timeout time.Duration) error {
	fmt.Fprint(a.stdout, a.T("trying %s: the go command downloads a module through it on a copy of the machine…\n", target.Name))
	m, err := remedy.NextShell(ctx, a.sys, env, action)
	if err != nil {
		return err
	}
	defer m.Remove()
	op := remedy.OpFetch(project.Load(ctx, gocmd.Runner{Sys: a.sys, Go: goCommandOf(env)}, env), 4*timeout)
	if err := op.Run(ctx, m.Runner()); err != nil {
		var ge *gocmd.Error
		said := err.Error()
		if errors.As(err, &ge) {
			said = ge.Said()
		}
		reason := remedy.Reason(a.pr, said)
		if reason == "" {
			reason = a.T("the download fails")
		}
		return errors.New(a.T("not written: %[1]s cannot be used from here: %[2]s (%[3]s failed: %[4]s)", target.Name, reason, op.Name, said))
	}
	fmt.Fprint(a.stdout, a.T("  %s works through it\n", op.Name))
	return nil
}

// overridden turns a *change.OverriddenError into the failure it is: a
// value exported where godoctor does not edit would keep overriding
// whatever it writes, so nothing is written.
func overridden(a *app, err error) error {
	var over *change.OverriddenError
	if !errors.As(err, &over) {
		return err
	}
	return &exitError{code: exitFailed, err: errors.New(a.T("%s is exported by something other than your shell profiles and would keep overriding the change", strings.Join(over.Names, ", ")) +
		"; " + a.T("unset it where it is set (a system file, a CI configuration), then try again"))}
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
		return mirrors.Mirror{}, fmt.Errorf("%q is neither a known mirror (see godoctor mirrors) nor a URL with http:// or https://", redact.Text(arg))
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
ok) propose, as one plan: proven first on the machine a new shell will
see (the go command runs the operation each fix is about), then
previewed and confirmed once. Then run those checks again, online, and
show them before and after; exit 1 when one still fails. Fixes that only
a person can make are listed with their command.

`

func runFix(ctx context.Context, a *app, args []string) error {
	var g globals
	var t team
	var dryRun, yes bool
	var scope string
	var timeout time.Duration
	var known []string
	for _, c := range checks.All() {
		known = append(known, c.ID)
	}
	fs := newFlagSet("fix", a.stderr, a.T(fixHelp)+a.T("Check ids (godoctor check -v shows each one's): %s\n\n", strings.Join(append(known, "policy.KEY"), ", ")))
	g.register(fs, a.pr)
	t.registerPolicy(fs, a.pr)
	fs.BoolVar(&dryRun, "dry-run", false, a.T("print every change, write nothing"))
	fs.BoolVar(&yes, "yes", false, a.T("no confirmation prompts"))
	fs.StringVar(&scope, "scope", "user", a.T("user: change this machine's files; ci: print NAME=value lines (appended to $GITHUB_ENV and $GITHUB_PATH when set) and change nothing else"))
	durationFlag(fs, a.pr, &timeout, "timeout", 5*time.Second, a.T("bound on each network operation"))
	ids, helped, err := parseArgs(fs, args)
	if helped || err != nil {
		return err
	}
	if scope != "user" && scope != "ci" {
		return usageError("%s", a.T("--scope takes user or ci"))
	}
	pol, err := t.load(a)
	if err != nil {
		return err
	}
	all, opts := withPolicy(checks.All(), checks.Options{Timeout: timeout, Lang: a.pr.Lang, Godoctor: versionString()}, pol, scope == "ci")
	for _, id := range ids {
		if !slices.ContainsFunc(all, func(c *checks.Check) bool { return c.ID == id }) {
			return usageError("%s", a.T("no check %q (godoctor check --json lists them)", id))
		}
	}
	env := goenv.Load(ctx, a.sys)
	before := runChecks(ctx, a.sys, all, withEnv(opts, env))
	var targets []string
	for _, c := range all {
		r := before[c.ID]
		if len(ids) > 0 && slices.Contains(ids, c.ID) || len(ids) == 0 && (r.Status == checks.Warn || r.Status == checks.Fail) {
			targets = append(targets, c.ID)
		}
	}
	if len(targets) == 0 {
		fmt.Fprintln(a.stdout, a.T("Every check is ok: nothing to fix."))
		return nil
	}
	var c *changer
	if scope == "user" {
		if c, err = newChanger(a, dryRun, yes); err != nil {
			return err
		}
	}

	// Every fix that changes settings, files or PATH joins one plan,
	// proven as a whole on the next shell; a release to install is its own
	// step, after it.
	var props []remedy.Proposal
	var installs []string
	failed := false
	for _, id := range targets {
		r := before[id]
		if len(r.Fixes) == 0 {
			continue
		}
		fmt.Fprintf(a.stdout, "%s %s: %s\n", report.Marks[r.Status], r.Title, r.Summary)
		for _, f := range r.Fixes {
			switch {
			case f.Action == nil:
				fmt.Fprint(a.stdout, a.T("  by hand (%s): %s\n", f.Title, f.Command))
			case f.Action.Install != "":
				if !slices.Contains(installs, f.Action.Install) {
					installs = append(installs, f.Action.Install)
				}
			case f.Action.FastestMirror:
				p, err := fastestMirror(ctx, a, env, f, timeout)
				if err != nil {
					fmt.Fprintf(a.stdout, "  %s: %v\n", f.Title, err)
					failed = true
					continue
				}
				props = append(props, p)
			default:
				props = append(props, remedy.Proposal{Title: f.Title, Change: *f.Action.Change, Op: f.Op, Setting: f.Setting})
			}
		}
	}
	var gone []string
	changed := false
	if len(props) > 0 {
		fmt.Fprintln(a.stdout, a.T("\nproving the plan on the next shell…"))
		plan, dropped := remedy.ProvePlan(ctx, a.sys, env, props)
		for i, p := range props {
			if err, ok := dropped[i]; ok {
				fmt.Fprint(a.stdout, a.T("  left out: %[1]s: the go command still fails with it: %[2]s\n", p.Title, firstLine(err)))
				failed = true
			}
		}
		if len(dropped) < len(props) {
			var titles []string
			for i, p := range props {
				if _, ok := dropped[i]; !ok {
					titles = append(titles, p.Title)
				}
			}
			if scope == "ci" {
				return ciScope(a, plan, dryRun, failed)
			}
			done, exported, err := apply(ctx, c, env, strings.Join(titles, "; "), plan)
			if err != nil {
				fmt.Fprintf(a.stdout, "  %v\n", overridden(a, err))
				failed = true
			}
			changed, gone = done, exported
		}
	}
	if scope == "ci" {
		if len(installs) > 0 {
			fmt.Fprintln(a.stdout, a.T("  by hand in CI: install Go %s (actions/setup-go, or godoctor install)", strings.Join(installs, ", ")))
		}
		return ciScope(a, change.Action{}, dryRun, failed)
	}
	for _, v := range installs {
		if changed {
			env = goenv.Load(ctx, a.sys) // the plan may have changed GOPROXY
		}
		spec, err := installer.ParseSpec(v)
		if err == nil {
			flags := installFlags{dir: filepath.Join(a.sys.Home, "sdk"), source: "proxy", listURL: installer.OfficialList, timeout: timeout}
			var target string
			target, err = installVersion(ctx, a, env, c, spec, flags)
			changed = changed || target != ""
		}
		if err != nil {
			fmt.Fprintf(a.stdout, "  %v\n", err)
			failed = true
		}
	}
	if !changed {
		if failed {
			return &exitError{code: exitFailed}
		}
		return nil
	}
	// The verdict on the machine a new shell will see: every check that
	// was not ok, again, online; one that still fails is the exit status.
	var targetChecks []*checks.Check
	for _, ch := range all {
		if slices.Contains(targets, ch.ID) {
			targetChecks = append(targetChecks, ch)
		}
	}
	after := beforeAfter(ctx, a, remedy.NewShell(a.sys, gone), targetChecks, before, opts)
	var still []string
	for _, id := range targets {
		if after[id].Status == checks.Fail {
			still = append(still, id)
		}
	}
	if len(still) > 0 {
		fmt.Fprintln(a.stdout, a.T("still failing after the fix: %s (godoctor check says why)", strings.Join(still, ", ")))
		failed = true
	}
	if failed {
		return &exitError{code: exitFailed}
	}
	return nil
}

// fastestMirror turns the fastest-mirror fix into a proposal: the
// benchmark picks the fastest verified mirror, whose route a download
// proves with the rest of the plan.
func fastestMirror(ctx context.Context, a *app, env *goenv.Snapshot, f checks.Fix, timeout time.Duration) (remedy.Proposal, error) {
	fmt.Fprint(a.stdout, a.T("  benchmarking the mirrors…\n"))
	m, err := remedy.FastestMirror(ctx, a.sys, env, 3, timeout)
	if errors.Is(err, remedy.ErrNoVerifiedMirror) {
		return remedy.Proposal{}, errors.New(a.T("no mirror served content verified by the checksum database"))
	}
	if err != nil {
		return remedy.Proposal{}, err
	}
	action, err := remedy.UseMirror(a.sys, env, m.Mirror, "", m.NotFoundStatus != "")
	if err != nil {
		return remedy.Proposal{}, overridden(a, err)
	}
	op := remedy.OpFetch(project.Load(ctx, gocmd.Runner{Sys: a.sys, Go: goCommandOf(env)}, env), 4*timeout)
	return remedy.Proposal{Title: fmt.Sprintf("%s: %s", f.Title, m.Name), Change: *action, Op: &op, Setting: "GOPROXY"}, nil
}

// goCommandOf is the go that runs, "" when none does.
func goCommandOf(env *goenv.Snapshot) string {
	if env.Go == nil {
		return ""
	}
	return env.Go.Path
}

// firstLine is the first line of an error.
func firstLine(err error) string {
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}

// apply plans a change on the machine as it is now and makes it.
func apply(ctx context.Context, c *changer, env *goenv.Snapshot, title string, action change.Action) (bool, []string, error) {
	plan, err := remedy.Plan(ctx, c.sys, env, title, action)
	if err != nil {
		return false, nil, err
	}
	done, err := c.apply(ctx, plan)
	if !done {
		return false, nil, err
	}
	return true, action.Exported(), err
}

func runUndo(ctx context.Context, a *app, args []string) error {
	var g globals
	var yes bool
	fs := newFlagSet("undo", a.stderr, a.T("Usage: godoctor undo [--yes]\n\nStep back one change (go env file, shell profile) from its backups; again for the one before.\n\n"))
	g.register(fs, a.pr)
	fs.BoolVar(&yes, "yes", false, a.T("also restore files changed by hand since, without asking"))
	if helped, err := parse(fs, a.pr, args); helped || err != nil {
		return err
	}
	c, err := newChanger(a, false, yes)
	if err != nil {
		return err
	}
	e, err := c.journal.Undo(yes)
	var changed *change.ChangedSinceError
	if errors.As(err, &changed) {
		fmt.Fprint(a.stdout, a.T("These files were changed by hand since godoctor wrote them: %s\n", strings.Join(changed.Paths, ", ")))
		ok, cerr := c.confirm(ctx, a.T("Restore them anyway, losing those edits?"))
		if cerr != nil {
			return cerr
		}
		if !ok {
			return &exitError{code: exitFailed, err: errors.New(a.T("not undone"))}
		}
		e, err = c.journal.Undo(true)
	}
	if errors.Is(err, change.ErrNothingToUndo) {
		return &exitError{code: exitFailed, err: err}
	}
	if err != nil {
		return err
	}
	fmt.Fprint(a.stdout, a.T("Undid: %s (%s)\n", e.Title, e.Time.Format(time.DateTime)))
	for _, f := range e.Files {
		if f.Existed {
			fmt.Fprint(a.stdout, a.T("  restored %s\n", f.Name()))
		} else {
			fmt.Fprint(a.stdout, a.T("  removed %s (godoctor had created it)\n", f.Name()))
		}
	}
	return nil
}
