package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/godoctorhq/godoctor/internal/i18n"
)

// keyMap holds every key of the TUI; it implements help.KeyMap.
type keyMap struct {
	Up, Down, Details, Fix, Mirrors, Install, Why, Rerun, Help, Back, Yes, No, Quit key.Binding
	// ScrollUp and ScrollDown page through the selected finding's details;
	// Copy puts its first fix command on the clipboard (OSC 52).
	ScrollUp, ScrollDown, Scroll, Left, Right, Sideways, Copy key.Binding
	// Use, Choose and Trace are enter on the mirror, install and why
	// screens, said as what it does there; NoKeys is n/esc under a question.
	Use, Choose, Trace, NoKeys key.Binding
	// Interrupt is Ctrl-C: cancel everything, clean up, exit 130.
	// CancelInstall is esc while an install runs.
	// CloseHelp is ? or esc over the list of keys.
	Interrupt, CancelInstall, CloseHelp key.Binding
	// Move stands for up and down in the short help, to keep it on one line.
	Move key.Binding
	// First and Last jump to the ends of a list; NextProblem and
	// PrevProblem to the next finding that is not ok.
	First, Last, NextProblem, PrevProblem key.Binding
}

func defaultKeys(pr i18n.Printer) keyMap {
	return keyMap{
		Up:            key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", pr.T("up"))),
		Down:          key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", pr.T("down"))),
		Details:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", pr.T("details"))),
		Fix:           key.NewBinding(key.WithKeys("f"), key.WithHelp("f", pr.T("fix"))),
		Mirrors:       key.NewBinding(key.WithKeys("m"), key.WithHelp("m", pr.T("mirrors"))),
		Install:       key.NewBinding(key.WithKeys("i"), key.WithHelp("i", pr.T("install"))),
		Why:           key.NewBinding(key.WithKeys("w"), key.WithHelp("w", pr.T("module route"))),
		ScrollUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", pr.T("scroll up"))),
		ScrollDown:    key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", pr.T("scroll down"))),
		Scroll:        key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", pr.T("scroll"))),
		Left:          key.NewBinding(key.WithKeys("left"), key.WithHelp("←", pr.T("sideways"))),
		Right:         key.NewBinding(key.WithKeys("right"), key.WithHelp("→", pr.T("sideways"))),
		Sideways:      key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", pr.T("sideways"))),
		Copy:          key.NewBinding(key.WithKeys("c"), key.WithHelp("c", pr.T("copy fix"))),
		Use:           key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", pr.T("use"))),
		Choose:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", pr.T("install"))),
		Trace:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", pr.T("trace"))),
		NoKeys:        key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", pr.T("no"))),
		Rerun:         key.NewBinding(key.WithKeys("r"), key.WithHelp("r", pr.T("re-run"))),
		Help:          key.NewBinding(key.WithKeys("?"), key.WithHelp("?", pr.T("keys"))),
		Back:          key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", pr.T("back"))),
		CloseHelp:     key.NewBinding(key.WithKeys("?", "esc"), key.WithHelp("?/esc", pr.T("close"))),
		CancelInstall: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", pr.T("cancel the install"))),
		Yes:           key.NewBinding(key.WithKeys("y"), key.WithHelp("y", pr.T("yes"))),
		No:            key.NewBinding(key.WithKeys("n"), key.WithHelp("n", pr.T("no"))),
		Move:          key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", pr.T("move"))),
		First:         key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", pr.T("first"))),
		Last:          key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", pr.T("last"))),
		NextProblem:   key.NewBinding(key.WithKeys("n", "tab"), key.WithHelp("n", pr.T("next problem"))),
		PrevProblem:   key.NewBinding(key.WithKeys("N", "shift+tab"), key.WithHelp("N", pr.T("previous problem"))),
		Quit:          key.NewBinding(key.WithKeys("q"), key.WithHelp("q", pr.T("quit"))),
		Interrupt:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", pr.T("cancel and quit"))),
	}
}

// footState is what decides the footer's keys besides the screen.
type footState struct {
	// installed: an install ended (done, failed or cancelled).
	confirming, installing, installed bool
	// route: the selected check is about fetching modules (w works);
	// fixable: it has a fix (f and c work).
	route, fixable bool
}

// short is the footer of a screen: only the keys that work there, the
// most used first (the footer keeps as many as fit, and always those of
// always).
func (k keyMap) short(s screen, st footState) []key.Binding {
	switch {
	case st.confirming:
		return []key.Binding{k.Yes, k.NoKeys, k.Scroll}
	case s == screenInstall && st.installing:
		return []key.Binding{k.CancelInstall, k.Help, k.Quit}
	case s == screenInstall && st.installed:
		return []key.Binding{k.Scroll, k.Back, k.Help, k.Quit}
	case s == screenMirrors:
		return []key.Binding{k.Move, k.Use, k.Rerun, k.Scroll, k.Back, k.Help, k.Quit}
	case s == screenInstall:
		return []key.Binding{k.Move, k.Choose, k.Scroll, k.Back, k.Help, k.Quit}
	case s == screenWhy:
		return []key.Binding{k.Trace, k.Scroll, k.Back}
	}
	list := []key.Binding{k.Move}
	if st.fixable {
		list = append(list, k.Fix)
	}
	if st.route {
		list = append(list, k.Why)
	}
	list = append(list, k.NextProblem, k.Details)
	if st.fixable {
		list = append(list, k.Copy)
	}
	return append(list, k.Scroll, k.Mirrors, k.Install, k.Help, k.Quit)
}

// always are the keys the footer never drops, whatever the width: the
// way to every key, the way out, and the two main actions of the check
// list.
func (k keyMap) always(s screen) []key.Binding {
	switch s {
	case screenChecks:
		return []key.Binding{k.Mirrors, k.Install, k.Help, k.Quit}
	case screenWhy:
		return []key.Binding{k.Back}
	}
	return []key.Binding{k.Back, k.Help, k.Quit}
}

// helpSection is the keys of one screen, as ? lists them.
type helpSection struct {
	title string
	keys  []key.Binding
}

// sections are every key of every screen, by screen: what ? shows.
func (k keyMap) sections(pr i18n.Printer) []helpSection {
	return []helpSection{
		{pr.T("Checks"), []key.Binding{k.Up, k.Down, k.First, k.Last, k.NextProblem, k.PrevProblem, k.Details, k.Scroll, k.Fix, k.Copy, k.Why, k.Mirrors, k.Install, k.Rerun}},
		{pr.T("Mirrors"), []key.Binding{k.Move, k.Use, k.Rerun, k.Scroll, k.Sideways, k.Back}},
		{pr.T("Install"), []key.Binding{k.Move, k.Choose, k.CancelInstall, k.Back}},
		{pr.T("Route (w)"), []key.Binding{k.Trace, k.Scroll, k.Back}},
		{pr.T("A question"), []key.Binding{k.Yes, k.NoKeys, k.Scroll, k.Sideways}},
		{pr.T("Everywhere"), []key.Binding{k.Help, k.Quit, k.Interrupt}},
	}
}

// helpLines renders the sections as lines, a heading each and the keys
// in a column as wide as the widest.
func helpLines(st Styles, sections []helpSection) []string {
	width := 0
	for _, s := range sections {
		for _, b := range s.keys {
			width = max(width, ansi.StringWidth(b.Help().Key))
		}
	}
	var lines []string
	for i, s := range sections {
		if i > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, st.Title.Render(s.title))
		for _, b := range s.keys {
			h := b.Help()
			lines = append(lines, "  "+st.Selected.Render(h.Key)+strings.Repeat(" ", width-ansi.StringWidth(h.Key)+2)+h.Desc)
		}
	}
	return lines
}
