package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/report"
	"github.com/godoctorhq/godoctor/tui"
)

const usage = `godoctor diagnoses and repairs a Go development machine.

Usage:
  godoctor [flags]            the interactive doctor on a terminal; elsewhere the same as check
  godoctor check [flags]      run every check and print the report
  godoctor mirrors [flags]    benchmark module mirrors, rank them, verify what they serve
  godoctor use NAME|URL       make a mirror the module proxy (GOPROXY=URL,direct, as go env -w writes it)
  godoctor fix [CHECK-ID...]  apply the fixes the checks propose, each previewed and confirmed
  godoctor undo               step back one change, from its backups
  godoctor install VERSION    install a Go toolchain, verified, into ~/sdk/goX.Y.Z
  godoctor cache [clean]      verify the module cache; remove the bad versions it finds
  godoctor why MODULE[@V]     how the go command would fetch and verify a module from here, hop by hop
  godoctor explain [TEXT]     what a go command's error output means on this machine, and the fix
  godoctor policy init|validate|explain  a team's .godoctor.toml: draft, check, show what it judges
  godoctor report [flags]     this machine's set-up as Markdown for an issue tracker, masked
  godoctor version            print godoctor's version and module (also --version)
  godoctor help [COMMAND]     this text, or a command's help (also COMMAND -h)

Global flags, before or after the command: --lang en|zh, --no-color.

Exit codes: 0 healthy, 1 a check failed, 2 usage error, 130 interrupted.
`

// globals are the flags every command takes, after its name too.
type globals struct {
	noColor bool
	lang    string
}

func (g *globals) register(fs *flag.FlagSet, pr i18n.Printer) {
	fs.BoolVar(&g.noColor, "no-color", false, pr.T("no colour in the output (NO_COLOR is honoured too)"))
	fs.StringVar(&g.lang, "lang", "", pr.T("language: en or zh (default from LC_ALL, LC_MESSAGES, LANG)"))
}

// langFlag finds --lang in the arguments before the flags are parsed,
// so that the help the flag set prints is in that language too.
func langFlag(args []string) string {
	for i, a := range args {
		a = strings.TrimLeft(a, "-")
		if v, ok := strings.CutPrefix(a, "lang="); ok {
			return v
		}
		if a == "lang" && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// examples are the command lines each command's help shows, as gh's do.
var examples = map[string][]string{
	"godoctor": {"godoctor", "godoctor --offline --lang zh", "godoctor --json > report.json"},
	"check":    {"godoctor check", "godoctor check --offline --json", "godoctor check -v --strict", "godoctor check --ci --annotations github"},
	"mirrors":  {"godoctor mirrors", "godoctor mirrors --samples 3 --timeout 10s", "godoctor mirrors --mirror corp=https://athens.corp.example --only corp"},
	"use":      {"godoctor use goproxy.cn", "godoctor use goproxy.cn --sumdb sum.golang.google.cn", "godoctor use https://athens.corp.example --dry-run"},
	"fix":      {"godoctor fix", "godoctor fix env.goproxy --dry-run", "godoctor fix --yes"},
	"undo":     {"godoctor undo"},
	"install":  {"godoctor install latest", "godoctor install 1.26 --default", "godoctor install 1.26.8 --source dl --dry-run"},
	"cache":    {"godoctor cache", "godoctor cache --offline --json", "godoctor cache clean --dry-run", "godoctor cache clean golang.org/x/text@v0.14.0"},
	"why":      {"godoctor why golang.org/x/text", "godoctor why git.corp.example/team/lib@v1.4.0 --offline"},
	"explain":  {"go build ./... 2>&1 | godoctor explain", "godoctor explain 'go: example.com/m@v1.0.0: reading https://goproxy.cn/...: 410 Gone'"},
	"version":  {"godoctor version"},
	"policy":   {"godoctor policy init > .godoctor.toml", "godoctor policy validate", "godoctor policy explain --ci"},
	"report":   {"godoctor report > report.md", "godoctor report --offline --include-hosts"},
}

// newFlagSet returns a flag set whose errors become usage errors, and
// whose help reads as gh's: the usage and what the command does (help),
// its flags with two dashes and what each takes, then examples.
func newFlagSet(name string, stderr io.Writer, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, help)
		printFlags(stderr, fs)
		if ex := examples[name]; len(ex) > 0 {
			fmt.Fprintln(stderr, "\nExamples:")
			for _, e := range ex {
				fmt.Fprintln(stderr, "  $ "+e)
			}
		}
	}
	return fs
}

// placeholders name what a flag takes, in its help.
var placeholders = map[string]string{
	"dir": "DIR", "dl-url": "URL", "list-url": "URL", "lang": "en|zh", "source": "proxy|dl",
	"timeout": "DUR", "samples": "N", "concurrency": "N", "mirror": "NAME=URL", "only": "NAME[,NAME...]",
	"sumdb": "NAME", "policy": "FILE", "annotations": "github", "scope": "user|ci",
}

// printFlags lists a flag set's flags as --name VALUE, aligned, with
// their help.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	type row struct{ name, usage string }
	var rows []row
	width := 0
	fs.VisitAll(func(f *flag.Flag) {
		value, usage := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if len(f.Name) == 1 {
			name = "-" + f.Name
		}
		if b, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool || !b.IsBoolFlag() {
			if p, ok := placeholders[f.Name]; ok {
				value = p
			} else if value == "" || value == "value" || value == "string" {
				value = "VALUE"
			}
			name += " " + value
		}
		rows = append(rows, row{name, usage})
		width = max(width, len(name))
	})
	fmt.Fprintln(w, "Flags:")
	for _, r := range rows {
		fmt.Fprintf(w, "  %-*s  %s\n", width, r.name, r.usage)
	}
}

// durationFlag defines a duration flag that must be more than zero: a
// zero or negative bound would fail every request at once.
func durationFlag(fs *flag.FlagSet, pr i18n.Printer, p *time.Duration, name string, value time.Duration, help string) {
	*p = value
	fs.Func(name, help+" "+pr.T("(default %s)", value), func(s string) error {
		d, err := time.ParseDuration(s)
		switch {
		case err != nil:
			return errors.New(pr.T("not a duration such as 5s or 1m30s"))
		case d <= 0:
			return errors.New(pr.T("must be more than zero"))
		}
		*p = d
		return nil
	})
}

// intFlag defines an integer flag held to [lo, hi].
func intFlag(fs *flag.FlagSet, pr i18n.Printer, p *int, name string, value, lo, hi int, help string) {
	*p = value
	fs.Func(name, help+" "+pr.T("(default %d)", value), func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return errors.New(pr.T("must be a whole number from %d to %d", lo, hi))
		}
		*p = n
		return nil
	})
}

// parseArgs parses flags that may come before, between or after the
// positional arguments, and returns those arguments.
func parseArgs(fs *flag.FlagSet, args []string) (positional []string, helped bool, err error) {
	for {
		switch err := fs.Parse(args); {
		case err == flag.ErrHelp:
			return nil, true, nil
		case err != nil:
			return nil, false, &exitError{code: exitUsage}
		}
		if fs.NArg() == 0 {
			return positional, false, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// parse parses flags; -h is not an error, other mistakes are usage errors.
func parse(fs *flag.FlagSet, pr i18n.Printer, args []string) (helped bool, err error) {
	switch err := fs.Parse(args); {
	case err == flag.ErrHelp:
		return true, nil
	case err != nil:
		return false, &exitError{code: exitUsage}
	}
	if fs.NArg() > 0 {
		return false, usageError("%s", pr.T("unexpected argument %q", fs.Arg(0)))
	}
	return false, nil
}

// checkFlags are the flags of godoctor check.
type checkFlags struct {
	globals
	team
	json, offline, strict, verbose bool
	timeout                        time.Duration
	annotations                    string
}

func (f *checkFlags) register(fs *flag.FlagSet, pr i18n.Printer) {
	f.globals.register(fs, pr)
	f.team.register(fs, pr)
	fs.StringVar(&f.annotations, "annotations", "", pr.T("also print the findings as annotations of a CI system: github"))
	fs.BoolVar(&f.json, "json", false, pr.T("print the report as JSON, nothing else on stdout"))
	fs.BoolVar(&f.offline, "offline", false, pr.T("skip the checks that need the network"))
	fs.BoolVar(&f.strict, "strict", false, pr.T("warnings also give exit code 1"))
	fs.BoolVar(&f.verbose, "v", false, pr.T("show the details of passing checks too"))
	durationFlag(fs, pr, &f.timeout, "timeout", 5*time.Second, pr.T("bound on each network operation"))
}

func (f *checkFlags) options(pr i18n.Printer) checks.Options {
	return checks.Options{Offline: f.offline, Timeout: f.timeout, Lang: pr.Lang, Godoctor: versionString()}
}

func runCheck(ctx context.Context, a *app, args []string) error {
	var f checkFlags
	fs := newFlagSet("check", a.stderr, a.T("Usage: godoctor check [flags]\n\nRun every check and print the report.\n\n"))
	f.register(fs, a.pr)
	if helped, err := parse(fs, a.pr, args); helped || err != nil {
		return err
	}
	return printReport(ctx, a, f)
}

// printReport runs the checks, the policy's among them, and writes the
// text or JSON report, and the CI annotations asked for.
func printReport(ctx context.Context, a *app, f checkFlags) error {
	if f.annotations != "" && f.annotations != "github" {
		return usageError("%s", a.T("--annotations takes github"))
	}
	pol, err := f.team.load(a)
	if err != nil {
		return err
	}
	ci := f.team.isCI(a)
	list, opts := withPolicy(checks.All(), f.options(a.pr), pol, ci)
	events := checks.Run(ctx, list, a.sys, opts)
	var r report.Report
	if f.json {
		r = report.Collect(versionString(), list, events, a.pr.Lang)
		r.Policy = policyInfo(a, pol, r)
		if err := report.WriteJSON(a.stdout, r); err != nil {
			return err
		}
	} else {
		var err error
		r, err = report.WriteText(a.stdout, versionString(), list, events, report.TextOptions{Color: a.colour(f.noColor), Verbose: f.verbose, Lang: a.pr.Lang})
		if err != nil {
			return err
		}
	}
	if f.annotations == "github" {
		writeGitHubAnnotations(a, pol, ci, r)
	}
	if r.Failed(f.strict) {
		return &exitError{code: exitFailed}
	}
	return nil
}

// runDefault is a bare godoctor: the TUI on a terminal, else check.
func runDefault(ctx context.Context, a *app, args []string) error {
	var f checkFlags
	fs := newFlagSet("godoctor", a.stderr, a.T(usage)+"\n"+a.T("Flags (without a command):")+"\n")
	f.register(fs, a.pr)
	if helped, err := parse(fs, a.pr, args); helped || err != nil {
		return err
	}
	if f.json || !a.term || f.team.isCI(a) {
		return printReport(ctx, a, f)
	}
	pol, err := f.team.load(a)
	if err != nil {
		return err
	}
	list, opts := withPolicy(checks.All(), f.options(a.pr), pol, false)
	err = tui.Run(ctx, tui.Config{
		Sys:     a.sys,
		Checks:  list,
		Options: opts,
		Version: versionString(),
		NoColor: !a.colour(f.noColor),
		Out:     a.stdout,
	})
	switch {
	case errors.Is(err, tui.ErrChecksFailed):
		return &exitError{code: exitFailed}
	case errors.Is(err, tui.ErrInterrupted):
		return &exitError{code: exitInterrupted, err: errors.New(a.T("interrupted"))}
	}
	return err
}
