package tui

import "github.com/charmbracelet/lipgloss"

// palette is the small set of semantic colours everything is drawn with.
type palette struct {
	ok, warn, fail, pending, subtle, accent lipgloss.TerminalColor
}

func defaultPalette() palette {
	return palette{
		ok:      lipgloss.AdaptiveColor{Light: "#1a7f37", Dark: "#3fb950"},
		warn:    lipgloss.AdaptiveColor{Light: "#9a6700", Dark: "#d29922"},
		fail:    lipgloss.AdaptiveColor{Light: "#cf222e", Dark: "#f85149"},
		pending: lipgloss.AdaptiveColor{Light: "#0969da", Dark: "#58a6ff"},
		subtle:  lipgloss.AdaptiveColor{Light: "#6e7781", Dark: "#8b949e"},
		accent:  lipgloss.AdaptiveColor{Light: "#8250df", Dark: "#bc8cff"},
	}
}

// Styles are the rendered styles, built once from the palette and kept on
// the model.
type Styles struct {
	OK, Warn, Fail, Skip, Pending lipgloss.Style
	Title, Subtle, Selected, Fix  lipgloss.Style
}

// NewStyles builds the styles; with noColor every style is plain.
func NewStyles(noColor bool) Styles {
	if noColor {
		plain := lipgloss.NewStyle()
		return Styles{OK: plain, Warn: plain, Fail: plain, Skip: plain, Pending: plain,
			Title: plain.Bold(true), Subtle: plain, Selected: plain.Bold(true), Fix: plain}
	}
	p := defaultPalette()
	return Styles{
		OK:       lipgloss.NewStyle().Foreground(p.ok),
		Warn:     lipgloss.NewStyle().Foreground(p.warn),
		Fail:     lipgloss.NewStyle().Foreground(p.fail),
		Skip:     lipgloss.NewStyle().Foreground(p.subtle),
		Pending:  lipgloss.NewStyle().Foreground(p.pending),
		Title:    lipgloss.NewStyle().Bold(true).Foreground(p.accent),
		Subtle:   lipgloss.NewStyle().Foreground(p.subtle),
		Selected: lipgloss.NewStyle().Bold(true),
		Fix:      lipgloss.NewStyle().Foreground(p.accent),
	}
}
