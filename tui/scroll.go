package tui

import (
	"strings"

	"charm.land/bubbles/v2/viewport"
	"github.com/charmbracelet/x/ansi"

	"github.com/godoctorhq/godoctor/internal/i18n"
)

// wrapped wraps a text of prose to width, so that a cause or a next step
// at the end of a long line is never cut: every line of it is shown, as
// many as it needs.
func wrapped(s string, width int) string {
	return ansi.Wrap(s, max(width, 10), "")
}

// pane shows the part of lines that fits in height at the offsets y and x,
// with a last line that says what is above, below or beside it and how
// to get there (pgup/pgdn, and wideHint for ←/→); it returns the offsets,
// clamped. Lines
// are never wrapped here: a table row or a command stays whole, and
// scrolls sideways.
func pane(st Styles, pr i18n.Printer, lines []string, width, height, y, x int, wideHint string) (out []string, cy, cx int) {
	wide := false
	for _, l := range lines {
		wide = wide || ansi.StringWidth(l) > width
	}
	if height <= 0 || len(lines) <= height && !wide {
		return lines, 0, 0
	}
	vp := viewport.New(viewport.WithWidth(width), viewport.WithHeight(min(max(height-1, 1), len(lines))))
	vp.SetContentLines(lines)
	vp.SetYOffset(y)
	vp.SetXOffset(x)
	out = strings.Split(vp.View(), "\n")
	for i := range out {
		// Only the lines that do not fit move sideways: a title, a
		// question or a short row stays where it is.
		if l := lines[vp.YOffset()+i]; ansi.StringWidth(l) <= width {
			out[i] = l
		}
	}
	var more []string
	if vp.YOffset() > 0 {
		more = append(more, lineCount(pr, "↑", vp.YOffset()))
	}
	if below := len(lines) - vp.YOffset() - vp.Height(); below > 0 {
		more = append(more, lineCount(pr, "↓", below))
	}
	if len(more) > 0 {
		more = append(more, pr.T("pgup/pgdn scroll"))
	}
	if wide {
		more = append(more, wideHint)
	}
	return append(out, "  "+st.Subtle.Render(strings.Join(more, " · "))), vp.YOffset(), vp.XOffset()
}

// lineCount says how many lines are above or below: "↓ 1 line", "↑ 4 lines".
func lineCount(pr i18n.Printer, arrow string, n int) string {
	if n == 1 {
		return pr.T("%s 1 line", arrow)
	}
	return pr.T("%[1]s %[2]d lines", arrow, n)
}

// indentLines puts prefix before every line of s.
func indentLines(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
