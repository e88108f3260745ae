package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/installer"
	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/system"
)

const installHelp = `Usage: godoctor install [flags] VERSION

Install a Go toolchain into DIR/goX.Y.Z, verified before it becomes
visible. VERSION is 1.21.5, go1.21.5, 1.21 (its newest patch), latest, or
a constraint such as ~1.22 or ">=1.22,<1.24".

Sources: proxy (the default) fetches module golang.org/toolchain through
GOPROXY and checks it against the checksum database, as the go command's
own toolchain switch does; dl fetches the official archive (from --dl-url,
a mirror of the download site, if given) and checks it against the sha256
of the official release list.

`

type installFlags struct {
	globals
	dir, source, dlURL, listURL string
	setDefault, yes, dryRun     bool
	timeout                     time.Duration
}

func runInstall(ctx context.Context, a *app, args []string) error {
	var f installFlags
	fs := newFlagSet("install", a.stderr, a.T(installHelp))
	f.globals.register(fs, a.pr)
	fs.StringVar(&f.dir, "dir", filepath.Join(a.sys.Home, "sdk"), a.T("where toolchains live"))
	fs.StringVar(&f.source, "source", "proxy", a.T("proxy or dl"))
	fs.StringVar(&f.dlURL, "dl-url", "", a.T("base URL of the archive download site or of a mirror of it (dl)"))
	fs.StringVar(&f.listURL, "list-url", installer.OfficialList, a.T("where the official release list with the sha256 sums is read (dl)"))
	fs.BoolVar(&f.setDefault, "default", false, a.T("also make it the go on PATH: DIR/go -> DIR/goX.Y.Z and a PATH block in the shell profile (Windows: DIR\\goX.Y.Z\\bin in the user PATH)"))
	fs.BoolVar(&f.yes, "yes", false, a.T("no confirmation prompt"))
	fs.BoolVar(&f.dryRun, "dry-run", false, a.T("print the resolved version, source, URL and target; download nothing"))
	durationFlag(fs, a.pr, &f.timeout, "timeout", 10*time.Second, a.T("bound on each small network request"))
	pos, helped, err := parseArgs(fs, args)
	if helped || err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("%s", a.T("install takes one version"))
	}
	if f.source != "proxy" && f.source != "dl" {
		return usageError("%s", a.T("--source must be proxy or dl"))
	}
	spec, err := installer.ParseSpec(pos[0])
	if err != nil {
		return usageError("%v", err)
	}
	if f.dir, err = checkDir(a, f.dir); err != nil {
		return err
	}
	env := goenv.Load(ctx, a.sys)
	c, err := newChanger(a, f.dryRun, f.yes)
	if err != nil {
		return err
	}
	_, err = installVersion(ctx, a, env, c, spec, f)
	return err
}

// checkDir refuses a --dir that cannot hold toolchains a shell finds: empty
// (which would be the working directory), a ~ the shell did not expand,
// or one with the PATH list separator in it (no PATH entry can name it).
// A relative one is made absolute.
func checkDir(a *app, dir string) (string, error) {
	sep := a.sys.ListSeparator()
	switch {
	case strings.TrimSpace(dir) == "":
		return "", usageError("%s", a.T("--dir is empty; give the directory toolchains go into (default ~/sdk)"))
	case strings.HasPrefix(dir, "~"):
		return "", usageError("%s", a.T("--dir %s starts with ~, which the shell did not expand (quoted?); write the home directory out", dir))
	case strings.Contains(dir, sep) || strings.ContainsAny(dir, "\x00\n\r"):
		return "", usageError("%s", a.T("--dir %q holds %q or a line break, which no PATH entry can hold: new shells would not find its go", dir, sep))
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", usageError("--dir %s: %v", dir, err)
	}
	return abs, nil
}

// installOptions are the installer's options for this machine.
func installOptions(a *app, env *goenv.Snapshot, f installFlags) installer.Options {
	return remedy.InstallOptions(a.sys, env, installer.Options{Dir: f.dir, Source: f.source, ListURL: f.listURL, DLURL: f.dlURL,
		Timeout: f.timeout, Progress: progressPrinter(a)})
}

// installVersion resolves, confirms, installs and, with --default, makes
// the toolchain the go on PATH. It returns the toolchain's directory, ""
// when nothing was installed.
func installVersion(ctx context.Context, a *app, env *goenv.Snapshot, c *changer, spec installer.Spec, f installFlags) (string, error) {
	sys := a.sys
	o := installOptions(a, env, f)
	p, err := installer.Resolve(ctx, spec, o)
	if err != nil {
		return "", err
	}
	fmt.Fprint(c.out, c.pr.T("Install %s for %s/%s\n  source %s: %s\n  target %s\n", p.Version, sys.GOOS, sys.GOARCH, p.Source, redact.URL(p.URL), p.Target))
	if p.Source == "proxy" {
		fmt.Fprint(c.out, c.pr.T("  verified against the checksum database %s\n", o.SumDB.Name))
	} else {
		fmt.Fprint(c.out, c.pr.T("  verified against the sha256 of the official list at %s\n", redact.URL(f.listURL)))
	}
	if c.dryRun && p.Installed() {
		fmt.Fprint(c.out, c.pr.T("%[1]s is already installed in %[2]s; nothing to download\n", p.Version, p.Target))
		if !f.setDefault {
			fmt.Fprint(c.out, c.pr.T("--default makes it the go on PATH: godoctor install %s --default\n", strings.TrimPrefix(p.Version, "go")))
			return p.Target, nil
		}
		return p.Target, makeDefault(ctx, a, env, c, f.dir, p.Version) // the change it would make, previewed
	}
	if c.dryRun {
		fmt.Fprintln(c.out, c.pr.T("dry run: nothing downloaded"))
		return p.Target, nil
	}
	if p.Installed() {
		fmt.Fprint(c.out, c.pr.T("%s is already installed in %s\n", p.Version, p.Target))
	} else {
		ok, err := c.confirm(ctx, c.pr.T("Install it?"))
		if !ok {
			if err == nil {
				fmt.Fprintln(c.out, c.pr.T("not installed"))
			}
			return "", err
		}
		start := time.Now()
		err = installer.Install(ctx, p, o)
		clearLine(a)
		if err != nil && !errors.Is(err, installer.ErrAlreadyInstalled) {
			return "", errors.New(c.pr.T("install %s: %v", p.Version, err))
		}
		fmt.Fprint(c.out, c.pr.T("Installed %s in %s (%s). Run it as %s\n", p.Version, p.Target, time.Since(start).Round(100*time.Millisecond), installer.GoCommand(p.Target, sys.GOOS)))
	}
	if !f.setDefault {
		fmt.Fprint(c.out, c.pr.T("To make it the go of your shells: godoctor install %s --default\n", strings.TrimPrefix(p.Version, "go")))
		return p.Target, nil
	}
	return p.Target, makeDefault(ctx, a, env, c, f.dir, p.Version)
}

// makeDefault makes the toolchain the go of new shells: DIR/go points at it
// and DIR/go/bin and GOPATH/bin go first on PATH in the shell profile. On
// Windows, where making a link needs administrator rights or developer
// mode, the user PATH names the toolchain's own bin directory instead, in
// place of an earlier default's.
func makeDefault(ctx context.Context, a *app, env *goenv.Snapshot, c *changer, dir, version string) error {
	sys := a.sys
	var bin string
	var drop []string
	if sys.GOOS == "windows" {
		bin = filepath.Join(dir, version, "bin")
		others, err := installer.InstalledVersions(dir)
		if err != nil {
			return err
		}
		for _, v := range others {
			if v != version {
				drop = append(drop, filepath.Join(dir, v, "bin"))
			}
		}
		fmt.Fprint(c.out, c.pr.T("No link on Windows (making one needs administrator rights or developer mode): the user PATH in %s names %s itself, and a later --default replaces it.\n", system.UserEnvLocation, bin))
		if err := warnMachineGo(sys, env, c, dir); err != nil {
			return err
		}
	}
	action := change.Action{PathDrop: drop}
	title := c.pr.T("Put %s first on PATH", bin)
	if sys.GOOS != "windows" {
		// DIR/go -> goX.Y.Z is part of the change: previewed, made only
		// after the yes, in the journal, and undone by godoctor undo.
		link := filepath.Join(dir, "go")
		action.Link = &change.Link{Path: link, Target: version}
		bin = filepath.Join(link, "bin")
		title = c.pr.T("Point %[1]s to %[2]s and put %[3]s first on PATH", link, version, bin)
	}
	action.PathDirs = []string{bin}
	if gopath := system.SplitList(env.Value("GOPATH"), sys.ListSeparator()); len(gopath) > 0 {
		action.PathDirs = append(action.PathDirs, filepath.Join(gopath[0], "bin"))
	}
	plan, err := remedy.Plan(ctx, sys, env, title, action)
	if err != nil {
		return err
	}
	if _, err = c.apply(ctx, plan); err != nil {
		return err
	}
	warnOtherGodoctor(a)
	return nil
}

// warnOtherGodoctor says when a godoctor that is not this program comes
// first on PATH: another project's binary of that name (the Go refactoring
// engine, say) would answer to the name in new shells.
func warnOtherGodoctor(a *app) {
	other := a.sys.LookPath("godoctor")
	if other == "" {
		return
	}
	self, err := os.Executable()
	if err == nil && sameFile(self, other) {
		return
	}
	if path := goenv.ModulePathOf(other); path != modulePath {
		fmt.Fprint(a.stdout, a.T("warning: %[1]s comes first on PATH and is another program than this godoctor (%[2]s): it was built from %[3]s, and new shells run it for \"godoctor\"\n", other, modulePath, orUnknownModule(a, path)))
	}
}

func orUnknownModule(a *app, path string) string {
	if path == "" {
		return a.T("an unknown module")
	}
	return path
}

// sameFile reports whether two paths name one file.
func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// warnMachineGo says which other go commands on PATH new terminals will
// still find first: Windows puts the machine-wide PATH before the user's.
func warnMachineGo(sys *system.System, env *goenv.Snapshot, c *changer, dir string) error {
	var others []string
	for _, b := range env.Binaries {
		if d := filepath.Dir(b.Path); !strings.HasPrefix(strings.ToLower(d), strings.ToLower(dir+string(filepath.Separator))) {
			others = append(others, d)
		}
	}
	ahead, err := change.OutsideUserPath(sys, others)
	if err != nil {
		return err
	}
	for _, d := range ahead {
		fmt.Fprint(c.out, c.pr.T("warning: %s has a go and is on PATH but not in the user PATH, so it comes from the machine-wide PATH (or this terminal), which Windows puts first: new terminals run that go until it is taken off the system PATH (an administrator's change) or uninstalled\n", d))
	}
	return nil
}

// progressPrinter draws a one-line progress bar on a terminal and nothing
// elsewhere.
func progressPrinter(a *app) func(installer.Progress) {
	if !a.errTerm {
		return nil
	}
	w := a.stderr
	return func(p installer.Progress) {
		line := fmt.Sprintf("%s %s", p.Phase, mib(p.Done))
		if p.Total > 0 {
			const width = 30
			filled := int(float64(width) * float64(p.Done) / float64(p.Total))
			line = fmt.Sprintf("%-17s [%s%s] %s / %s", p.Phase, strings.Repeat("=", min(filled, width)), strings.Repeat(" ", max(width-filled, 0)), mib(p.Done), mib(p.Total))
		}
		if p.Speed > 0 {
			line += fmt.Sprintf("  %s/s", mib(int64(p.Speed)))
		}
		if p.Remaining > 0 {
			line += fmt.Sprintf("  %s left", p.Remaining.Round(time.Second))
		}
		w.Raw(fmt.Sprintf("\r%-90s", line)) // its own terminal control, nothing from outside
	}
}

// clearLine blanks the progress line, on a terminal.
func clearLine(a *app) {
	if a.errTerm {
		a.stderr.Raw("\r" + strings.Repeat(" ", 90) + "\r")
	}
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
