package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/report"
	"github.com/godoctorhq/godoctor/internal/web"
	"github.com/godoctorhq/godoctor/mirrors"
)

// mirrorView is the live mirror benchmark: rows fill in as mirrors are
// measured; the ranked report replaces them when it is done.
type mirrorView struct {
	list     []mirrors.Mirror
	state    []rowState
	measured []mirrors.Result
	report   *mirrors.Report
	cursor   int
	moved    bool // the user moved the cursor while measuring
	err      error
	events   <-chan mirrors.Event
}

func (v mirrorView) started(msg mirrorsStartedMsg) mirrorView {
	v = mirrorView{list: msg.list, events: msg.events, err: msg.err}
	v.state = make([]rowState, len(msg.list))
	v.measured = make([]mirrors.Result, len(msg.list))
	return v
}

func (v mirrorView) apply(ev mirrors.Event) mirrorView {
	if (ev.Kind == mirrors.MirrorStarted || ev.Kind == mirrors.MirrorMeasured) && (ev.Index < 0 || ev.Index >= len(v.state)) {
		return v
	}
	switch ev.Kind {
	case mirrors.MirrorStarted:
		v.state = append([]rowState(nil), v.state...)
		v.state[ev.Index] = rowRunning
	case mirrors.MirrorMeasured:
		v.state = append([]rowState(nil), v.state...)
		v.measured = append([]mirrors.Result(nil), v.measured...)
		v.state[ev.Index], v.measured[ev.Index] = rowDone, ev.Result
	case mirrors.Done:
		// The rows are ranked once, at the end; the cursor stays on the
		// mirror the user moved it to, else it goes to the fastest.
		r := ev.Report
		name := r.Fastest
		if v.moved && v.cursor < len(v.list) {
			name = v.list[v.cursor].Name
		}
		v.report, v.cursor = &r, 0
		for i, m := range r.Mirrors {
			if m.Name == name {
				v.cursor = i
			}
		}
	}
	return v
}

// rows is how many rows the screen shows: the mirrors in the order they
// were started while measuring, ranked once it is done.
func (v mirrorView) rows() int {
	if v.report != nil {
		return len(v.report.Mirrors)
	}
	return len(v.list)
}

func (v mirrorView) move(d int) mirrorView {
	v.cursor = min(max(v.cursor+d, 0), max(v.rows()-1, 0))
	v.moved = true
	return v
}

// selected is the ranked mirror under the cursor; ok says whether it is
// ranked and can be used.
func (v mirrorView) selected() (r mirrors.Result, ok bool) {
	if v.report == nil || v.cursor >= len(v.report.Mirrors) {
		return mirrors.Result{}, false
	}
	r = v.report.Mirrors[v.cursor]
	return r, r.Status != mirrors.Fail
}

// liveStatus is a measured mirror's status before the ranking.
func liveStatus(r mirrors.Result) mirrors.Status {
	switch {
	case r.Err != nil:
		return mirrors.Fail
	case r.Status != "":
		return r.Status
	}
	return mirrors.OK
}

// statusWord is a mirror's status in the language of the screen.
func statusWord(pr i18n.Printer, s mirrors.Status) string {
	switch s {
	case mirrors.OK:
		return pr.T("ok")
	case mirrors.Slow:
		return pr.T("slow")
	case mirrors.Fail:
		return pr.T("fail")
	}
	return string(s)
}

// cell fits s to w columns of display width (CJK counts two), padded on
// the right, or on the left for numbers.
func cell(s string, w int, left bool) string {
	s = ansi.Truncate(s, w, "…")
	pad := strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
	if left {
		return s + pad
	}
	return pad + s
}

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

func (v mirrorView) view(st Styles, pr i18n.Printer, spinner string, width int) string {
	var b strings.Builder
	b.WriteString(st.Title.Render(pr.T("Module mirrors")) + st.Subtle.Render(pr.T(" · %s over the module proxy protocol", mirrors.DefaultProbe)) + "\n\n")
	if v.err != nil {
		b.WriteString(st.Fail.Render(pr.T("cannot benchmark: %v", v.err)) + "\n")
		return b.String()
	}
	// A row is never cut; its note, which says why a mirror failed, goes
	// under it, wrapped, so that the cause is read without scrolling.
	row := func(cursor, name, status, median, tput, verified, note string) string {
		line := cursor + cell(name, 16, true) + " " + cell(status, 6, true) + " " + cell(median, 10, false) + " " +
			cell(tput, 13, false) + "  " + cell(verified, 8, true)
		if note == "" {
			return strings.TrimRight(line, " ")
		}
		return strings.TrimRight(line, " ") + "\n" + indentLines(wrapped(note, width-4), "    ")
	}
	b.WriteString(st.Subtle.Render(row("  ", pr.T("MIRROR"), pr.T("STATUS"), pr.T("MEDIAN"), pr.T("THROUGHPUT"), pr.T("VERIFIED"), "")) + "\n")
	if v.report == nil {
		for i, m := range v.list {
			cursor := "  "
			if i == v.cursor {
				cursor = st.Strong.Render("> ")
			}
			switch v.state[i] {
			case rowWaiting:
				b.WriteString(row(cursor, m.Name, "·", "", "", "", "") + "\n")
			case rowRunning:
				b.WriteString(row(cursor, m.Name, spinner, "", "", "", st.Subtle.Render(pr.T("measuring…"))) + "\n")
			default:
				r := v.measured[i]
				note := pr.T("checking against the checksum database…")
				if r.Err != nil {
					note = mirrorCause(pr, r)
				}
				b.WriteString(row(cursor, m.Name, statusWord(pr, liveStatus(r)), ms(r.Latency.Median), report.Mbps(r.ThroughputMbps), "", st.Subtle.Render(note)) + "\n")
			}
		}
		return b.String()
	}
	for i, r := range v.report.Mirrors {
		cursor := "  "
		if i == v.cursor {
			cursor = "> "
		}
		status := statusWord(pr, r.Status)
		note := r.Error
		if r.Status == mirrors.Fail {
			// Why it cannot be used, the cause first; a mirror that
			// works keeps its note as it is (a module it lacks).
			note = mirrorCause(pr, r)
		}
		line := row(cursor, r.Name, status, ms(r.Latency.Median), report.Mbps(r.ThroughputMbps), report.YesNo(pr, r.Verified), note)
		style := lipgloss.NewStyle()
		switch {
		case r.Name == v.report.Fastest:
			style = st.OK.Bold(true)
		case r.Status == mirrors.Fail:
			style = st.Fail
		case i == v.cursor:
			style = st.Selected
		}
		// Line by line: a block would be padded to its widest line, and
		// the wrapped note would grow wider than the screen.
		for _, l := range strings.Split(line, "\n") {
			b.WriteString(style.Render(l) + "\n")
		}
	}
	b.WriteString("\n")
	switch {
	case v.report.Fastest != "":
		b.WriteString(st.OK.Render(pr.T("Fastest verified: %s", v.report.Fastest)) + st.Subtle.Render(pr.T(" · enter uses the selected mirror")) + "\n")
	case v.report.Note != "":
		b.WriteString(st.Warn.Render(wrapped(v.report.Note, width)) + "\n")
	default:
		b.WriteString(st.Warn.Render(pr.T("No mirror served verified content.")) + "\n")
	}
	return b.String()
}

// mirrorCause says why a mirror failed, the cause in a person's words
// first (its name does not resolve, TLS, a 403), then the error itself.
func mirrorCause(pr i18n.Printer, r mirrors.Result) string {
	cause := web.Cause(pr, r.Err)
	if cause == "" {
		cause = remedy.Reason(pr, r.Error)
	}
	if cause == "" {
		return r.Error
	}
	return cause + " (" + r.Error + ")"
}
