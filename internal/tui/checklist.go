package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/godoctorhq/godoctor/internal/checks"
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
}

// checkList is the live list of checks with a cursor.
type checkList struct {
	rows     []checkRow
	cursor   int
	expanded bool // details of the selected row shown
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

// view renders the rows, one line each, fitted to width.
func (l checkList) view(st Styles, pr i18n.Printer, spinner string, width int) string {
	titleWidth := 0
	for _, r := range l.rows {
		titleWidth = max(titleWidth, ansi.StringWidth(pr.T(r.check.Title)))
	}
	titleWidth = min(titleWidth, max(width*2/5, 12))
	var b strings.Builder
	for i, r := range l.rows {
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
			cursor = st.Selected.Render("> ")
			title = st.Selected.Render(title)
		}
		room := width - 2 - 2 - titleWidth - 2
		line := cursor + mark + " " + title + "  " + ansi.Truncate(summary, max(room, 0), "…")
		b.WriteString(line + "\n")
	}
	return b.String()
}

// detailLines renders the selected check's details and fixes, wrapped to
// width and cut to height.
func (l checkList) detailLines(st Styles, pr i18n.Printer, width, height int) []string {
	if !l.expanded || height <= 0 || len(l.rows) == 0 {
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
		add(pr.T(r.check.Title)+" ("+r.check.ID+"): "+r.result.Summary, st.Selected.Render)
		for _, d := range r.result.Details {
			add(d, st.Subtle.Render)
		}
		for _, f := range r.result.Fixes {
			add(pr.T("fix: %s: %s", f.Title, f.Command), st.Fix.Render)
		}
	default:
		add(pr.T("%s (%s): running…", pr.T(r.check.Title), r.check.ID), st.Subtle.Render)
	}
	if len(lines) > height {
		lines = append(lines[:height-1], "    "+st.Subtle.Render(pr.T("… %d more lines (godoctor check -v shows all)", len(lines)-height+1)))
	}
	return lines
}

func statusStyle(st Styles, s checks.Status) interface{ Render(...string) string } {
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
