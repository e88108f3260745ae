package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/godoctorhq/godoctor/internal/i18n"
)

// confirmation asks before a change: the exact change, then y or n.
type confirmation struct {
	title   string
	preview string
	onYes   tea.Cmd
}

// view renders the question, the preview cut to height.
func (c confirmation) view(st Styles, pr i18n.Printer, width, height int) string {
	lines := []string{st.Title.Render(c.title), ""}
	preview := strings.Split(strings.TrimRight(c.preview, "\n"), "\n")
	room := max(height-5, 1)
	if len(preview) > room {
		preview = append(preview[:room-1], st.Subtle.Render(pr.T("… (godoctor fix --dry-run shows all of it)")))
	}
	for _, l := range preview {
		switch {
		case strings.HasPrefix(strings.TrimSpace(l), "+ "):
			l = st.OK.Render(l)
		case strings.HasPrefix(strings.TrimSpace(l), "- "):
			l = st.Fail.Render(l)
		}
		lines = append(lines, l)
	}
	lines = append(lines, "", st.Strong.Render(pr.T("Make this change? y yes · any other key no")))
	return strings.Join(lines, "\n")
}
