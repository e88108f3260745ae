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
	"syscall"

	"github.com/charmbracelet/x/term"

	"github.com/godoctorhq/godoctor/internal/system"
)

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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, system.OS(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode maps a command's error to the process exit code, printing it.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "godoctor:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "godoctor:", err)
	return exitFailed
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
