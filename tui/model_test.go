package tui

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/godoctor/godoctor/checks"
	"github.com/muesli/termenv"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

var testChecks = []*checks.Check{
	{ID: "go.installed", Title: "Go toolchain"},
	{ID: "env.goproxy", Title: "Module proxy (GOPROXY)"},
	{ID: "net.sumdb", Title: "Checksum database answers"},
}

var testResults = []checks.Result{
	{Status: checks.OK, Summary: "go1.26.8 at /usr/local/go/bin/go", Details: []string{"GOROOT /usr/local/go"}},
	{Status: checks.Fail, Summary: "GOPROXY is empty: `go env -w GOPROXY=` hides the toolchain's default, so every download fails",
		Details: []string{"go: GOPROXY list is not the empty string, but contains no entries"},
		Fixes:   []checks.Fix{{ID: "unset-goproxy", Title: "Restore the default GOPROXY", Command: "go env -u GOPROXY"}}},
	{Status: checks.Skip, Summary: "skipped: --offline"},
}

// feed returns a closed stream with every check started and finished.
func feed() <-chan checks.Event {
	ch := make(chan checks.Event, 2*len(testChecks))
	for i, c := range testChecks {
		ch <- checks.Event{Kind: checks.Started, Index: i, Check: c}
		ch <- checks.Event{Kind: checks.Finished, Index: i, Check: c, Result: testResults[i]}
	}
	close(ch)
	return ch
}

func newTestModel(events <-chan checks.Event) Model {
	return New(context.Background(), Config{Checks: testChecks, Version: "v0.0.0-test", NoColor: true}, events)
}

func update(m Model, msgs ...tea.Msg) Model {
	for _, msg := range msgs {
		next, _ := m.Update(msg)
		m = next.(Model)
	}
	return m
}

func press(s string) tea.KeyMsg {
	switch s {
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func TestUpdateEventsAndKeys(t *testing.T) {
	m := newTestModel(nil)
	if !strings.Contains(m.View(), "checking…") {
		t.Errorf("first frame does not say it is checking:\n%s", m.View())
	}
	m = update(m,
		checkEventMsg{Kind: checks.Started, Index: 1, Check: testChecks[1]},
		checkEventMsg{Kind: checks.Finished, Index: 1, Check: testChecks[1], Result: testResults[1]},
	)
	if m.list.rows[1].state != rowDone || !m.Failed() {
		t.Errorf("row 1 = %+v", m.list.rows[1])
	}
	m = update(m, press("j"), press("down"), press("down"))
	if m.list.cursor != 2 {
		t.Errorf("cursor = %d, want 2 (clamped)", m.list.cursor)
	}
	m = update(m, press("k"), press("up"), press("up"))
	if m.list.cursor != 0 {
		t.Errorf("cursor = %d, want 0", m.list.cursor)
	}
	open := m.list.expanded
	m = update(m, press("enter"))
	if m.list.expanded == open {
		t.Error("enter did not toggle the details")
	}
	_, cmd := m.Update(press("q"))
	if cmd == nil || cmd() != tea.Quit() {
		t.Error("q does not quit")
	}
	_, cmd = m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	if cmd == nil || cmd() != tea.Quit() {
		t.Error("ctrl+c does not quit")
	}
}

func TestViewFitsSmallTerminals(t *testing.T) {
	m := newTestModel(nil)
	for i := range testChecks {
		m = update(m, checkEventMsg{Kind: checks.Finished, Index: i, Check: testChecks[i], Result: testResults[i]})
	}
	m = update(m, press("j"), tea.WindowSizeMsg{Width: 50, Height: 12})
	lines := strings.Split(m.View(), "\n")
	if len(lines) > 12 {
		t.Errorf("%d lines on a 12-line terminal:\n%s", len(lines), m.View())
	}
	for _, l := range lines {
		if w := lipgloss.Width(l); w > 50 {
			t.Errorf("line of width %d on a 50-column terminal: %q", w, l)
		}
	}
}

// TestGoldenCheckList runs the whole program at 80x24 and compares the
// final screen, with details of the selected failing check, to a golden
// file (go test ./tui -update rewrites it).
func TestGoldenCheckList(t *testing.T) {
	tm := teatest.NewTestModel(t, newTestModel(feed()), teatest.WithInitialTermSize(80, 24))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("1 ok · 0 warnings · 1 failed · 1 skipped"))
	}, teatest.WithDuration(5*time.Second))
	tm.Send(press("j"))
	tm.Send(press("q"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	golden.RequireEqual(t, []byte(final.View()))
}
