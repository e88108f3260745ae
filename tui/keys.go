package tui

import (
	"charm.land/bubbles/v2/key"

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
	Interrupt key.Binding
	// Move stands for up and down in the short help, to keep it on one line.
	Move key.Binding
	// First and Last jump to the ends of a list; NextProblem and
	// PrevProblem to the next finding that is not ok.
	First, Last, NextProblem, PrevProblem key.Binding
}

func defaultKeys(pr i18n.Printer) keyMap {
	return keyMap{
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", pr.T("up"))),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", pr.T("down"))),
		Details:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", pr.T("details/choose"))),
		Fix:         key.NewBinding(key.WithKeys("f"), key.WithHelp("f", pr.T("fix"))),
		Mirrors:     key.NewBinding(key.WithKeys("m"), key.WithHelp("m", pr.T("mirrors"))),
		Install:     key.NewBinding(key.WithKeys("i"), key.WithHelp("i", pr.T("install"))),
		Why:         key.NewBinding(key.WithKeys("w"), key.WithHelp("w", pr.T("route"))),
		ScrollUp:    key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", pr.T("scroll up"))),
		ScrollDown:  key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", pr.T("scroll down"))),
		Scroll:      key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/pgdn", pr.T("scroll"))),
		Left:        key.NewBinding(key.WithKeys("left"), key.WithHelp("←", pr.T("sideways"))),
		Right:       key.NewBinding(key.WithKeys("right"), key.WithHelp("→", pr.T("sideways"))),
		Sideways:    key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", pr.T("sideways"))),
		Copy:        key.NewBinding(key.WithKeys("c"), key.WithHelp("c", pr.T("copy fix"))),
		Use:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", pr.T("use"))),
		Choose:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", pr.T("install"))),
		Trace:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", pr.T("trace"))),
		NoKeys:      key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", pr.T("no"))),
		Rerun:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", pr.T("re-run"))),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", pr.T("keys"))),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", pr.T("back"))),
		Yes:         key.NewBinding(key.WithKeys("y"), key.WithHelp("y", pr.T("yes"))),
		No:          key.NewBinding(key.WithKeys("n"), key.WithHelp("n", pr.T("no"))),
		Move:        key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", pr.T("move"))),
		First:       key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", pr.T("first"))),
		Last:        key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", pr.T("last"))),
		NextProblem: key.NewBinding(key.WithKeys("n", "tab"), key.WithHelp("n", pr.T("next problem"))),
		PrevProblem: key.NewBinding(key.WithKeys("N", "shift+tab"), key.WithHelp("N", pr.T("previous problem"))),
		Quit:        key.NewBinding(key.WithKeys("q"), key.WithHelp("q", pr.T("quit"))),
		Interrupt:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", pr.T("cancel and quit"))),
	}
}

func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Move, k.Details, k.Fix, k.Mirrors, k.Install, k.Help, k.Quit}
}

// short is the footer of a screen: only the keys that work there, the
// most used first (the footer keeps as many as fit, and always those of
// always). On the check list, w is named only on a check about fetching
// modules, where it works.
func (k keyMap) short(s screen, confirming, route bool) []key.Binding {
	switch {
	case confirming:
		return []key.Binding{k.Yes, k.NoKeys, k.Scroll}
	case s == screenMirrors:
		return []key.Binding{k.Move, k.Use, k.Rerun, k.Scroll, k.Back, k.Help, k.Quit}
	case s == screenInstall:
		return []key.Binding{k.Move, k.Choose, k.Scroll, k.Back, k.Help, k.Quit}
	case s == screenWhy:
		return []key.Binding{k.Trace, k.Scroll, k.Back}
	}
	list := []key.Binding{k.Move, k.Fix, k.Details, k.NextProblem, k.Scroll, k.Copy}
	if route {
		list = append(list, k.Why)
	}
	return append(list, k.Mirrors, k.Install, k.Help, k.Quit)
}

// always are the keys the footer never drops, whatever the width: the
// way to every key, the way out, and the two main actions of the check
// list.
func (k keyMap) always(s screen) []key.Binding {
	if s == screenChecks {
		return []key.Binding{k.Mirrors, k.Install, k.Help, k.Quit}
	}
	return []key.Binding{k.Help, k.Quit}
}

// FullHelp is every key of every screen, by screen: what ? shows.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.First, k.Last, k.NextProblem, k.PrevProblem, k.Details, k.ScrollUp, k.ScrollDown, k.Sideways, k.Copy},
		{k.Fix, k.Mirrors, k.Install, k.Why, k.Rerun},
		{k.Use, k.Choose, k.Trace, k.Yes, k.NoKeys, k.Back},
		{k.Help, k.Quit, k.Interrupt},
	}
}
