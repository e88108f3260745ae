package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// palette is the small set of semantic colours everything is drawn with.
type palette struct {
	ok, warn, fail, pending, subtle, accent color.Color
}

// darkPalette uses the terminal's own basic colours, which the user's
// theme fits to its background. It is the first frame's, before the
// terminal says what its background is (if it ever does).
func darkPalette() palette {
	return palette{
		ok:      lipgloss.ANSIColor(2),
		warn:    lipgloss.ANSIColor(3),
		fail:    lipgloss.ANSIColor(1),
		pending: lipgloss.ANSIColor(4),
		subtle:  lipgloss.ANSIColor(8),
		accent:  lipgloss.ANSIColor(5),
	}
}

// lightPalette is for a light background, where the basic yellow is
// about 1.7:1 against white: darker tones, each at least 4.5:1 (WCAG AA)
// on white; the program fits them to the terminal's colour depth.
func lightPalette() palette {
	return palette{
		ok:      lipgloss.Color("#1a7f37"),
		warn:    lipgloss.Color("#9a6700"),
		fail:    lipgloss.Color("#cf222e"),
		pending: lipgloss.Color("#0969da"),
		subtle:  lipgloss.Color("#57606a"),
		accent:  lipgloss.Color("#8250df"),
	}
}

// Styles are the rendered styles, built once from the palette and kept on
// the model.
type Styles struct {
	OK, Warn, Fail, Skip, Pending lipgloss.Style
	Title, Subtle, Selected, Fix  lipgloss.Style
	// Strong is bold text: headings of details, the keys of the help.
	Strong lipgloss.Style
}

// NewStyles builds the styles for a dark or light background; with
// noColor every style is plain. The selected row is reversed as well as
// bold, which no colour scheme or colour blindness hides.
func NewStyles(noColor, dark bool) Styles {
	if noColor {
		plain := lipgloss.NewStyle()
		return Styles{OK: plain, Warn: plain, Fail: plain, Skip: plain, Pending: plain,
			Title: plain.Bold(true), Subtle: plain, Selected: plain.Bold(true).Reverse(true), Fix: plain, Strong: plain.Bold(true)}
	}
	p := darkPalette()
	if !dark {
		p = lightPalette()
	}
	return Styles{
		OK:       lipgloss.NewStyle().Foreground(p.ok),
		Warn:     lipgloss.NewStyle().Foreground(p.warn),
		Fail:     lipgloss.NewStyle().Foreground(p.fail),
		Skip:     lipgloss.NewStyle().Foreground(p.subtle),
		Pending:  lipgloss.NewStyle().Foreground(p.pending),
		Title:    lipgloss.NewStyle().Bold(true).Foreground(p.accent),
		Subtle:   lipgloss.NewStyle().Foreground(p.subtle),
		Selected: lipgloss.NewStyle().Bold(true).Reverse(true),
		Fix:      lipgloss.NewStyle().Foreground(p.accent),
		Strong:   lipgloss.NewStyle().Bold(true),
	}
}
