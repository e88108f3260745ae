package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/godoctorhq/godoctor/internal/i18n"
)

// confirmation asks before a change: the exact change, then y or n. Only
// y makes it; n and esc decline; the scrolling keys scroll the preview,
// which is shown whole (never cut), and every other key waits.
type confirmation struct {
	title   string
	preview string
	onYes   tea.Cmd
	// onNo, when set, releases what the question held (an install's
	// context) when the answer is no.
	onNo func()
}

// lines are the question's lines: the title, every line of the preview
// (additions green, removals red) and the question.
func (c confirmation) lines(st Styles, pr i18n.Printer) []string {
	lines := []string{st.Title.Render(c.title), ""}
	for _, l := range strings.Split(strings.TrimRight(c.preview, "\n"), "\n") {
		switch {
		case strings.HasPrefix(strings.TrimSpace(l), "+ "):
			l = st.OK.Render(l)
		case strings.HasPrefix(strings.TrimSpace(l), "- "):
			l = st.Fail.Render(l)
		}
		lines = append(lines, l)
	}
	return append(lines, "", st.Strong.Render(pr.T("Make this change? y yes · n or esc no")))
}
