package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// palette is the small set of semantic colours everything is drawn with.
type palette struct {
	ok, warn, fail, pending, subtle, accent color.Color
}

// defaultPalette uses the terminal's own basic colours, which the user's
// theme already fits to a light or dark background. Adaptive colours
// would make lipgloss ask the terminal for its background, and a terminal
// that does not answer (some ssh sessions, CI consoles) holds the first
// frame for five seconds.
func defaultPalette() palette {
	return palette{
		ok:      lipgloss.ANSIColor(2),
		warn:    lipgloss.ANSIColor(3),
		fail:    lipgloss.ANSIColor(1),
		pending: lipgloss.ANSIColor(4),
		subtle:  lipgloss.ANSIColor(8),
		accent:  lipgloss.ANSIColor(5),
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
