package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/mirrors"
	"github.com/godoctorhq/godoctor/internal/report"
)

// mirrorView is the live mirror benchmark: rows fill in as mirrors are
// measured; the ranked report replaces them when it is done.
type mirrorView struct {
	list     []mirrors.Mirror
	state    []rowState
	measured []mirrors.Result
	report   *mirrors.Report
	cursor   int
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
		r := ev.Report
		v.report, v.cursor = &r, 0
	}
	return v
}

func (v mirrorView) move(d int) mirrorView {
	if v.report != nil {
		v.cursor = min(max(v.cursor+d, 0), max(len(v.report.Mirrors)-1, 0))
	}
	return v
}

// selected is the ranked mirror under the cursor, if one can be used.
func (v mirrorView) selected() (mirrors.Result, bool) {
	if v.report == nil || v.cursor >= len(v.report.Mirrors) {
		return mirrors.Result{}, false
	}
	r := v.report.Mirrors[v.cursor]
	return r, r.Status != mirrors.Fail
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
	row := func(cursor, name, status, median, tput, verified, note string) string {
		line := fmt.Sprintf("%s%-16s %-6s %10s %13s  %-8s %s", cursor, ansi.Truncate(name, 16, "…"), status, median, tput, verified, note)
		return ansi.Truncate(line, width, "…")
	}
	b.WriteString(st.Subtle.Render(row("  ", pr.T("MIRROR"), pr.T("STATUS"), pr.T("MEDIAN"), pr.T("THROUGHPUT"), pr.T("VERIFIED"), "")) + "\n")
	if v.report == nil {
		for i, m := range v.list {
			switch v.state[i] {
			case rowWaiting:
				b.WriteString(row("  ", m.Name, "·", "", "", "", "") + "\n")
			case rowRunning:
				b.WriteString(row("  ", m.Name, spinner, "", "", "", st.Subtle.Render(pr.T("measuring…"))) + "\n")
			default:
				r := v.measured[i]
				note := pr.T("checking against the checksum database…")
				if r.Err != nil {
					note = r.Err.Error()
				}
				b.WriteString(row("  ", m.Name, pr.T("done"), ms(r.Latency.Median), report.Mbps(r.ThroughputMbps), "", st.Subtle.Render(note)) + "\n")
			}
		}
		return b.String()
	}
	for i, r := range v.report.Mirrors {
		cursor := "  "
		if i == v.cursor {
			cursor = "> "
		}
		status := string(r.Status)
		line := row(cursor, r.Name, status, ms(r.Latency.Median), report.Mbps(r.ThroughputMbps), report.YesNo(pr, r.Verified), r.Error)
		switch {
		case r.Name == v.report.Fastest:
			line = st.OK.Bold(true).Render(line)
		case r.Status == mirrors.Fail:
			line = st.Fail.Render(line)
		case i == v.cursor:
			line = st.Selected.Render(line)
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("\n")
	switch {
	case v.report.Fastest != "":
		b.WriteString(st.OK.Render(pr.T("Fastest verified: %s", v.report.Fastest)) + st.Subtle.Render(pr.T(" · enter uses the selected mirror")) + "\n")
	case v.report.Note != "":
		b.WriteString(st.Warn.Render(ansi.Truncate(v.report.Note, width, "…")) + "\n")
	default:
		b.WriteString(st.Warn.Render(pr.T("No mirror served verified content.")) + "\n")
	}
	return b.String()
}
