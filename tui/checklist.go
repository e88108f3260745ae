package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/report"
)

// rowState is where a check is in its run.
type rowState int

const (
	rowWaiting rowState = iota
	rowRunning
	rowDone
)

// checkRow is one check of the list.
type checkRow struct {
	check  *checks.Check
	state  rowState
	result checks.Result
	// previous is the result of the run before, while this one has none.
	previous *checks.Result
}

// checkList is the live list of checks with a cursor.
type checkList struct {
	rows     []checkRow
	cursor   int
	expanded bool // details of the selected row shown
	// scroll is the first line of the selected row's details shown, and
	// xscroll the first column (commands are never wrapped).
	scroll, xscroll int
	// moved is set once the user moved the cursor: until then, the first
	// finished run puts it on the first finding that is not ok.
	moved bool
	// top is the first row shown; it changes only when the cursor would
	// leave the rows shown.
	top int
}

func newCheckList(list []*checks.Check) checkList {
	rows := make([]checkRow, len(list))
	for i, c := range list {
		rows[i] = checkRow{check: c}
	}
	return checkList{rows: rows, expanded: true}
}

// apply records an engine event.
func (l checkList) apply(ev checks.Event) checkList {
	if ev.Index < 0 || ev.Index >= len(l.rows) {
		return l
	}
	rows := append([]checkRow(nil), l.rows...)
	switch ev.Kind {
	case checks.Started:
		rows[ev.Index].state = rowRunning
	case checks.Finished:
		rows[ev.Index].state = rowDone
		rows[ev.Index].result = ev.Result
	}
	l.rows = rows
	return l
}

func (l checkList) move(delta int) checkList {
	l.cursor = min(max(l.cursor+delta, 0), len(l.rows)-1)
	l.scroll, l.xscroll, l.moved = 0, 0, true
	return l
}

// lead puts the cursor on the first failure, else the first warning, when
// the user has not moved it: the first screen starts where the work is.
func (l checkList) lead() checkList {
	if l.moved || !l.finished() {
		return l
	}
	for _, want := range []checks.Status{checks.Fail, checks.Warn} {
		for i, r := range l.rows {
			if r.result.Status == want {
				l.cursor = i
				return l
			}
		}
	}
	return l
}

// window is the rows of a list of n shown in height lines with the cursor
// in view, starting at top when the cursor is there: the list moves only
// when the cursor would leave it, as lazygit's and k9s's do. A line says
// how many rows are above, another how many below, when there are.
func window(n, cursor, height, top int) (start, end int) {
	if n <= height {
		return 0, n
	}
	height = max(height, 3)
	span := func(start int) int {
		end := start + height
		if start > 0 {
			end-- // "↑ N more"
		}
		if end < n {
			end-- // "↓ N more"
		}
		return min(end, n)
	}
	start = min(max(top, 0), n-1)
	if cursor < start {
		start = cursor
	}
	for cursor >= span(start) {
		start++
	}
	// No empty room at the bottom while rows are above.
	for start > 0 && span(start-1) == n {
		start--
	}
	return start, span(start)
}

// nextProblem moves the cursor to the next finding that is not ok (dir 1)
// or the one before (dir -1), round the list.
func (l checkList) nextProblem(dir int) checkList {
	n := len(l.rows)
	for i := 1; i <= n; i++ {
		j := ((l.cursor+dir*i)%n + n) % n
		if r := l.rows[j]; r.state == rowDone && (r.result.Status == checks.Fail || r.result.Status == checks.Warn) {
			return l.move(j - l.cursor)
		}
	}
	return l
}

func (l checkList) toggle() checkList {
	l.expanded = !l.expanded
	return l
}

// finished reports whether every check has a result.
func (l checkList) finished() bool {
	for _, r := range l.rows {
		if r.state != rowDone {
			return false
		}
	}
	return true
}

// counts tallies the finished rows by status.
func (l checkList) counts() map[checks.Status]int {
	c := map[checks.Status]int{}
	for _, r := range l.rows {
		if r.state == rowDone {
			c[r.result.Status]++
		}
	}
	return c
}

// view renders the rows that fit in height, one line each, fitted to
// width, with "n more" lines for the hidden ones.
func (l checkList) view(st Styles, pr i18n.Printer, spinner string, width, height int) string {
	titleWidth := 0
	for _, r := range l.rows {
		titleWidth = max(titleWidth, ansi.StringWidth(pr.T(r.check.Title)))
	}
	titleWidth = min(titleWidth, max(width*2/5, 12))
	var b strings.Builder
	start, end := window(len(l.rows), l.cursor, height, l.top)
	if start > 0 {
		b.WriteString(st.Subtle.Render("  "+pr.T("↑ %d more", start)) + "\n")
	}
	for i := start; i < end; i++ {
		r := l.rows[i]
		mark := st.Subtle.Render("·")
		summary := ""
		switch r.state {
		case rowRunning:
			mark = st.Pending.Render(spinner)
		case rowDone:
			mark = statusStyle(st, r.result.Status).Render(report.Marks[r.result.Status])
			summary = r.result.Summary
		}
		cursor := "  "
		t := ansi.Truncate(pr.T(r.check.Title), titleWidth, "…")
		title := t + strings.Repeat(" ", max(titleWidth-ansi.StringWidth(t), 0))
		if i == l.cursor {
			cursor = st.Strong.Render("> ")
			title = st.Selected.Render(title)
		}
		room := width - 2 - 2 - titleWidth - 2
		line := cursor + mark + " " + title + "  " + ansi.Truncate(summary, max(room, 0), "…")
		b.WriteString(line + "\n")
	}
	if end < len(l.rows) {
		b.WriteString(st.Subtle.Render("  "+pr.T("↓ %d more", len(l.rows)-end)) + "\n")
	}
	return b.String()
}

// detailLines are every line of the selected finding: its summary and
// details wrapped to width, each fix's title, and its command on a line
// of its own, never wrapped (a command broken across lines pastes as
// broken shell): ←/→ scroll it sideways, c copies the first.
func (l checkList) detailLines(st Styles, pr i18n.Printer, width int) []string {
	if !l.expanded || len(l.rows) == 0 {
		return nil
	}
	r := l.rows[l.cursor]
	var lines []string
	add := func(s string, style func(...string) string) {
		for _, w := range strings.Split(ansi.Wrap(s, max(width-4, 10), ""), "\n") {
			lines = append(lines, "    "+style(w))
		}
	}
	switch r.state {
	case rowDone:
		add(pr.T(r.check.Title)+" ("+r.check.ID+"): "+r.result.Summary, st.Strong.Render)
		for _, d := range r.result.Details {
			add(d, st.Subtle.Render)
		}
		for _, f := range r.result.Fixes {
			add(pr.T("fix: %s", f.Title), st.Fix.Render)
			if f.Command != "" {
				lines = append(lines, "      "+st.Fix.Render(f.Command))
			}
		}
	default:
		add(pr.T("%s (%s): running…", pr.T(r.check.Title), r.check.ID), st.Subtle.Render)
	}
	return lines
}

// detailPane is the part of the details that fits in height, at the
// scroll offsets, with a line that says what is above, below or beside it
// and how to get there.
func (l checkList) detailPane(st Styles, pr i18n.Printer, width, height int) (lines []string, scroll, xscroll int) {
	all := l.detailLines(st, pr, width)
	if height <= 0 || len(all) == 0 {
		return nil, 0, 0
	}
	return pane(st, pr, all, width, height, l.scroll, l.xscroll, pr.T("←/→ sideways · c copies the fix"))
}

func statusStyle(st Styles, s checks.Status) lipgloss.Style {
	switch s {
	case checks.OK:
		return st.OK
	case checks.Warn:
		return st.Warn
	case checks.Fail:
		return st.Fail
	}
	return st.Skip
}
