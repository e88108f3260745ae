package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/internal/i18n"
)

// TextOptions tune the plain text report.
type TextOptions struct {
	Color   bool // ANSI colour for the status marks
	Verbose bool // details of passing checks too
	Lang    i18n.Lang
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
	pr := i18n.Printer{Lang: opts.Lang}
	width := 0
	for _, c := range list {
		width = max(width, ansi.StringWidth(pr.T(c.Title)))
	}
	var werr error
	for ev := range events {
		if ev.Kind != checks.Finished {
			continue
		}
		r.Checks[ev.Index] = entry(ev, pr)
		done[ev.Index] = true
		for next < len(list) && done[next] {
			if werr == nil {
				werr = writeCheck(w, r.Checks[next], width, pr, opts)
			}
			next++
		}
	}
	r.count()
	if werr == nil {
		werr = writeSummary(w, r.Summary, pr)
	}
	return r, werr
}

func writeCheck(w io.Writer, c Check, width int, pr i18n.Printer, opts TextOptions) error {
	var b strings.Builder
	mark := Marks[c.Status]
	if opts.Color {
		mark = sgr[c.Status] + mark + "\x1b[0m"
	}
	pad := strings.Repeat(" ", max(width-ansi.StringWidth(c.Title), 0))
	fmt.Fprintf(&b, "%s %s%s  %s\n", mark, c.Title, pad, c.Summary)
	if opts.Verbose {
		// The id that godoctor fix takes (godoctor fix env.goproxy).
		b.WriteString("    " + pr.T("id: %[1]s (godoctor fix %[1]s)", c.ID) + "\n")
	}
	if c.Status == checks.Warn || c.Status == checks.Fail || opts.Verbose {
		for _, d := range c.Details {
			// The go command's own words may run over several lines
			// ("\tserver response: ..."): each keeps the indent.
			fmt.Fprintf(&b, "    %s\n", strings.ReplaceAll(strings.TrimRight(d, "\n"), "\n", "\n    "))
		}
	}
	for _, f := range c.Fixes {
		b.WriteString("    " + pr.T("fix (%s): %s", f.Title, f.Command) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeSummary(w io.Writer, s Summary, pr i18n.Printer) error {
	_, err := io.WriteString(w, "\n"+strings.Join(Tally(pr, s), ", ")+"\n")
	return err
}

// Tally says the counts of a summary in words: ok, warnings, failed,
// skipped, in that order, with one warning said as one.
func Tally(pr i18n.Printer, s Summary) []string {
	warn := pr.T("%d warnings", s.Warn)
	if s.Warn == 1 {
		warn = pr.T("%d warning", s.Warn)
	}
	return []string{pr.T("%d ok", s.OK), warn, pr.T("%d failed", s.Fail), pr.T("%d skipped", s.Skip)}
}
