// Command godoctor diagnoses and repairs a Go development machine: the
// toolchain, PATH, and the module download set-up (GOPROXY, GOSUMDB,
// GOPRIVATE and friends). On a terminal it is an interactive doctor; in a
// pipe, in CI or with a subcommand it prints plain text or JSON.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/charmbracelet/x/term"

	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/suggest"
	"github.com/godoctorhq/godoctor/internal/system"
)

// modulePath is this program's module, as go install names it.
const modulePath = "github.com/godoctorhq/godoctor"

// version is stamped at release time:
// -ldflags "-X main.version=v1.2.3"
var version string

// Exit codes of the product contract.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// exitError carries an exit code from a command to main.
type exitError struct {
	code int
	err  error // printed to stderr when non-nil
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// app is what every command gets, as gh's Factory and IOStreams give it:
// the machine, the language, the standard streams and the global flags.
// Tests build one over a fake machine.
type app struct {
	sys *system.System
	pr  i18n.Printer
	// stdin is where answers to prompts come from; stdout and stderr
	// mask every credential on its way out (redact.Writer), whichever
	// code path wrote it.
	stdin          io.Reader
	stdout, stderr *redact.Writer
	// term: stdin and stdout are a terminal; errTerm: so is stderr.
	term, errTerm bool
	noColor       bool // --no-color given before the command
}

// T translates a message into the chosen language.
func (a *app) T(format string, args ...any) string { return a.pr.T(format, args...) }

// colour reports whether output may be coloured: a terminal, and neither
// --no-color (before or after the command) nor NO_COLOR.
func (a *app) colour(noColorFlag bool) bool {
	return !a.noColor && !noColorFlag && a.sys.Getenv("NO_COLOR") == "" && a.term
}

func main() {
	// Ctrl-C, a kill and a closed terminal or ssh session all end the
	// work the same way: cancelled, cleaned up, exit 130.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	// The first signal stops the work and lets it clean up; the next one
	// gets the default action and ends godoctor at once, as the go command
	// and cargo do when a clean-up itself hangs.
	go func() {
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, system.OS(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode maps a command's error to the process exit code, printing it
// with its credentials masked.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "godoctor:", redact.Text(ee.err.Error()))
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "godoctor:", redact.Text(err.Error()))
	return exitFailed
}

// run runs a command line. A command stopped by Ctrl-C (ctx done), which
// has cleaned up after itself, ends as interrupted whatever it returned.
func run(ctx context.Context, sys *system.System, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	lang, noColor, args := leadingGlobals(args)
	if lang == "" {
		lang = langFlag(args)
	}
	l, err := i18n.Detect(lang, sys.Getenv)
	if err != nil {
		return usageError("%v", err)
	}
	a := &app{sys: sys, pr: i18n.Printer{Lang: l}, stdin: stdin, stdout: redact.NewWriter(stdout), stderr: redact.NewWriter(stderr),
		term: interactive(stdin, stdout, sys.Getenv), errTerm: interactive(stderr, stderr, sys.Getenv), noColor: noColor}
	defer a.stderr.Flush()
	err = dispatch(ctx, a, args)
	if ctx.Err() != nil {
		a.stdout.Flush()
		return &exitError{code: exitInterrupted, err: errors.New(a.T("interrupted"))}
	}
	// Output that did not reach its file (a full disk, a closed pipe) is a
	// failure, whatever the command found.
	if werr := a.stdout.Flush(); werr != nil && err == nil {
		return &exitError{code: exitFailed, err: errors.New(a.T("writing the output: %v", werr))}
	}
	return err
}

// command is a subcommand and the example its usage errors show.
type command struct {
	run     func(ctx context.Context, a *app, args []string) error
	example string
}

// commands are the subcommands by name.
var commands = map[string]command{
	"check":   {runCheck, "godoctor check --offline --json"},
	"mirrors": {runMirrors, "godoctor mirrors --samples 3 --timeout 10s"},
	"use":     {runUse, "godoctor use goproxy.cn --sumdb sum.golang.google.cn"},
	"fix":     {runFix, "godoctor fix env.goproxy --dry-run"},
	"undo":    {runUndo, "godoctor undo"},
	"install": {runInstall, "godoctor install 1.26.8 --default"},
	"cache":   {runCache, "godoctor cache --offline"},
	"explain": {runExplain, "go build 2>&1 | godoctor explain"},
	"why":     {runWhy, "godoctor why golang.org/x/text@v0.14.0"},
	"policy":  {runPolicy, "godoctor policy validate .godoctor.toml"},
	"report":  {runReport, "godoctor report --offline > report.md"},
	"version": {runVersion, "godoctor version"},
}

// dispatch runs the command that args name; no command is the TUI or check.
func dispatch(ctx context.Context, a *app, args []string) error {
	if len(args) == 1 && (args[0] == "--version" || args[0] == "-version") {
		return runVersion(ctx, a, nil)
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return withExample(a, runDefault(ctx, a, args), "godoctor --offline")
	}
	name, args := args[0], args[1:]
	if name == "help" {
		if len(args) == 0 {
			fmt.Fprint(a.stdout, a.T(usage))
			return nil
		}
		name, args = args[0], []string{"-h"}
	}
	cmd, ok := commands[name]
	if !ok {
		return unknownCommand(a, name)
	}
	return withExample(a, cmd.run(ctx, a, args), cmd.example)
}

// unknownCommand is the usage error for a command that does not exist,
// with the nearest one that does.
func unknownCommand(a *app, name string) error {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	if near, ok := suggest.Closest(name, names, 2); ok {
		return usageError("%s", a.T("unknown command %q; did you mean %q? (godoctor help lists the commands)", name, near))
	}
	fmt.Fprint(a.stderr, a.T(usage))
	return usageError("%s", a.T("unknown command %q", name))
}

// withExample adds a command's example to its usage errors.
func withExample(a *app, err error, example string) error {
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitUsage {
		return err
	}
	line := a.T("for example: %s", example)
	if ee.err == nil {
		return &exitError{code: exitUsage, err: errors.New(line)}
	}
	return &exitError{code: exitUsage, err: fmt.Errorf("%v\n%s", ee.err, line)}
}

// leadingGlobals takes the global flags that come before the command name
// (godoctor --no-color check): --lang VALUE, --lang=VALUE and --no-color,
// with one or two dashes.
func leadingGlobals(args []string) (lang string, noColor bool, rest []string) {
	for len(args) > 0 {
		name := strings.TrimPrefix(strings.TrimPrefix(args[0], "-"), "-")
		switch {
		case !strings.HasPrefix(args[0], "-"):
			return lang, noColor, args
		case name == "no-color":
			noColor, args = true, args[1:]
		case strings.HasPrefix(name, "lang="):
			lang, args = strings.TrimPrefix(name, "lang="), args[1:]
		case name == "lang" && len(args) > 1:
			lang, args = args[1], args[2:]
		default:
			return lang, noColor, args
		}
	}
	return lang, noColor, args
}

func runVersion(ctx context.Context, a *app, args []string) error {
	if len(args) > 0 {
		return usageError("%s", a.T("version takes no arguments"))
	}
	fmt.Fprintf(a.stdout, "godoctor %s (%s)\n", versionString(), modulePath)
	return nil
}

// versionString is the stamped version, else the module version recorded
// by go install, else "(devel)".
func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// interactive reports whether the TUI can own the terminal: both ends are
// terminals and TERM is not dumb. Bubble Tea would otherwise try to open
// /dev/tty itself and fail in CI.
func interactive(stdin, stdout any, getenv func(string) string) bool {
	in, ok1 := stdin.(interface{ Fd() uintptr })
	out, ok2 := stdout.(interface{ Fd() uintptr })
	return ok1 && ok2 && term.IsTerminal(in.Fd()) && term.IsTerminal(out.Fd()) && getenv("TERM") != "dumb"
}
