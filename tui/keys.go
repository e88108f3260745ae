package tui

import "github.com/charmbracelet/bubbles/key"

// keyMap holds every key of the TUI; it implements help.KeyMap.
type keyMap struct {
	Up, Down, Details, Fix, Mirrors, Install, Rerun, Help, Back, Yes, No, Quit key.Binding
}

func defaultKeys() keyMap {
	return keyMap{
		Up:      key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:    key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Details: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details/choose")),
		Fix:     key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "fix")),
		Mirrors: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mirrors")),
		Install: key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "install")),
		Rerun:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "re-run")),
		Help:    key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "keys")),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Yes:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		No:      key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "no")),
		Quit:    key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// move stands for up and down in the short help, to keep it on one line.
var move = key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓", "move"))

func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{move, k.Details, k.Fix, k.Mirrors, k.Install, k.Help, k.Quit}
}

func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Details},
		{k.Fix, k.Mirrors, k.Install, k.Rerun},
		{k.Yes, k.No, k.Back},
		{k.Help, k.Quit},
	}
}
