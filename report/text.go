package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/godoctor/godoctor/checks"
)

// TextOptions tune the plain text report.
type TextOptions struct {
	Color   bool // ANSI colour for the status marks
	Verbose bool // details of passing checks too
}

// Marks are the status marks of the text report and the TUI.
var Marks = map[checks.Status]string{
	checks.OK:   "✓",
	checks.Warn: "!",
	checks.Fail: "✗",
	checks.Skip: "-",
}

var sgr = map[checks.Status]string{
	checks.OK:   "\x1b[32m",
	checks.Warn: "\x1b[33m",
	checks.Fail: "\x1b[31m",
	checks.Skip: "\x1b[2m",
}

// WriteText streams the report as checks finish, always in list order: a
// check is printed once it and every check before it have finished. It
// returns the collected report.
func WriteText(w io.Writer, version string, list []*checks.Check, events <-chan checks.Event, opts TextOptions) (Report, error) {
	r := Report{Version: version, Checks: make([]Check, len(list))}
	done := make([]bool, len(list))
	next := 0
	width := 0
	for _, c := range list {
		width = max(width, len(c.Title))
	}
	var werr error
	for ev := range events {
		if ev.Kind != checks.Finished {
			continue
		}
		r.Checks[ev.Index] = entry(ev)
		done[ev.Index] = true
		for next < len(list) && done[next] {
			if werr == nil {
				werr = writeCheck(w, r.Checks[next], width, opts)
			}
			next++
		}
	}
	r.count()
	if werr == nil {
		werr = writeSummary(w, r.Summary)
	}
	return r, werr
}

func writeCheck(w io.Writer, c Check, width int, opts TextOptions) error {
	var b strings.Builder
	mark := Marks[c.Status]
	if opts.Color {
		mark = sgr[c.Status] + mark + "\x1b[0m"
	}
	fmt.Fprintf(&b, "%s %-*s  %s\n", mark, width, c.Title, c.Summary)
	if c.Status == checks.Warn || c.Status == checks.Fail || opts.Verbose {
		for _, d := range c.Details {
			fmt.Fprintf(&b, "    %s\n", d)
		}
	}
	for _, f := range c.Fixes {
		fmt.Fprintf(&b, "    fix (%s): %s\n", f.Title, f.Command)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeSummary(w io.Writer, s Summary) error {
	_, err := fmt.Fprintf(w, "\n%d ok, %d warnings, %d failed, %d skipped\n", s.OK, s.Warn, s.Fail, s.Skip)
	return err
}
