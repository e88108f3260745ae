// Package tui is godoctor's terminal interface. It only renders and
// dispatches: the checks run in the engine, whose event stream the model
// subscribes to.
package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/godoctor/godoctor/checks"
	"github.com/godoctor/godoctor/goenv"
)

// Config is what the TUI needs to run.
type Config struct {
	Sys     *goenv.System
	Checks  []*checks.Check
	Options checks.Options
	Version string
	NoColor bool
}

// Model is the root model.
type Model struct {
	cfg     Config
	ctx     context.Context
	events  <-chan checks.Event
	list    checkList
	spinner spinner.Model
	help    help.Model
	keys    keyMap
	styles  Styles
	width   int
	height  int
	done    bool
}

// New returns the root model for a run whose events arrive on events.
func New(ctx context.Context, cfg Config, events <-chan checks.Event) Model {
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot))
	return Model{
		cfg:     cfg,
		ctx:     ctx,
		events:  events,
		list:    newCheckList(cfg.Checks),
		spinner: sp,
		help:    help.New(),
		keys:    defaultKeys(),
		styles:  NewStyles(cfg.NoColor),
		width:   80,
		height:  24,
	}
}

// Failed reports whether any check failed.
func (m Model) Failed() bool { return m.list.counts()[checks.Fail] > 0 }

// waitForEvent reads the next engine event; it re-arms after each one.
func waitForEvent(events <-chan checks.Event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-events
		if !ok {
			return checksDoneMsg{}
		}
		return checkEventMsg(ev)
	}
}

func (m Model) Init() tea.Cmd {
	return tea.Batch(m.spinner.Tick, waitForEvent(m.events))
}

func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.Width = msg.Width
		return m, nil
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.keys.Quit):
			return m, tea.Quit
		case key.Matches(msg, m.keys.Up):
			m.list = m.list.move(-1)
		case key.Matches(msg, m.keys.Down):
			m.list = m.list.move(1)
		case key.Matches(msg, m.keys.Details):
			m.list = m.list.toggle()
		}
		return m, nil
	case checkEventMsg:
		m.list = m.list.apply(checks.Event(msg))
		return m, waitForEvent(m.events)
	case checksDoneMsg:
		m.done = true
		return m, nil
	case spinner.TickMsg:
		if m.done {
			return m, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m Model) View() string {
	var b strings.Builder
	b.WriteString(m.styles.Title.Render("godoctor "+m.cfg.Version) + m.styles.Subtle.Render(" · checking this machine's Go set-up") + "\n\n")
	b.WriteString(m.list.view(m.styles, m.spinner.View(), m.width))
	status := m.statusLine()
	footer := m.help.View(m.keys)
	// Header (2), rows, blank, details, blank, status, help.
	room := m.height - 2 - len(m.list.rows) - 1 - 1 - 2
	if details := m.list.detailLines(m.styles, m.width, room); len(details) > 0 {
		b.WriteString("\n" + strings.Join(details, "\n") + "\n")
	}
	b.WriteString("\n" + status + "\n" + footer)
	return fitWidth(b.String(), m.width)
}

// fitWidth cuts every line to the terminal's width, so that nothing wraps
// and the frame keeps its height.
func fitWidth(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, width, "…")
	}
	return strings.Join(lines, "\n")
}

func (m Model) statusLine() string {
	c := m.list.counts()
	s := fmt.Sprintf("%d ok · %d warnings · %d failed · %d skipped", c[checks.OK], c[checks.Warn], c[checks.Fail], c[checks.Skip])
	if !m.list.finished() {
		s = "checking… " + s
	}
	return m.styles.Subtle.Render(s)
}

// Run starts the engine and the TUI and returns when the user quits.
// The context is cancelled on the way out, which stops running checks.
func Run(ctx context.Context, cfg Config) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := checks.Run(ctx, cfg.Checks, cfg.Sys, cfg.Options)
	final, err := tea.NewProgram(New(ctx, cfg, events), tea.WithContext(ctx)).Run()
	if err != nil {
		return err
	}
	if m, ok := final.(Model); ok && m.Failed() {
		return ErrChecksFailed
	}
	return nil
}
