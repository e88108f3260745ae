package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/installer"
	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/mirrors"
)

func TestMain(m *testing.M) {
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
		Fixes: []checks.Fix{{ID: "unset-goproxy", Title: "Restore the default GOPROXY", Command: "go env -u GOPROXY",
			Action: &remedy.Action{Change: &change.Action{Unset: []string{"GOPROXY"}}}}}},
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

// finished is a model whose checks all finished, the cursor put back on
// the first row as though the user had moved it there.
func finished(t *testing.T) Model {
	m := newTestModel(nil)
	for i := range testChecks {
		m = update(m, checkEventMsg{ev: checks.Event{Kind: checks.Finished, Index: i, Check: testChecks[i], Result: testResults[i]}})
	}
	m.list.cursor, m.list.moved = 0, true
	return m
}

// TestFirstScreenLeads: when the first run ends, the cursor is on the
// failure, unless the user moved it meanwhile.
func TestFirstScreenLeads(t *testing.T) {
	m := newTestModel(nil)
	for i := range testChecks {
		m = update(m, checkEventMsg{ev: checks.Event{Kind: checks.Finished, Index: i, Check: testChecks[i], Result: testResults[i]}})
	}
	if m.list.cursor != 1 {
		t.Errorf("cursor on row %d, want the failure (1)", m.list.cursor)
	}
	m = newTestModel(nil)
	m = update(m, checkEventMsg{ev: checks.Event{Kind: checks.Finished, Index: 0, Check: testChecks[0], Result: testResults[0]}}, press("j"), press("j"))
	for i := 1; i < len(testChecks); i++ {
		m = update(m, checkEventMsg{ev: checks.Event{Kind: checks.Finished, Index: i, Check: testChecks[i], Result: testResults[i]}})
	}
	if m.list.cursor != 2 {
		t.Errorf("the user's cursor moved to %d", m.list.cursor)
	}
}

// plain is the frame without styling: what the goldens and the checks of
// text compare (the program, not the model, fits colours to the terminal).
func plain(m Model) string { return ansi.Strip(m.frame()) }

func update(m Model, msgs ...tea.Msg) Model {
	for _, msg := range msgs {
		next, _ := m.Update(msg)
		m = next.(Model)
	}
	return m
}

func press(s string) tea.KeyPressMsg {
	switch s {
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func TestUpdateEventsAndKeys(t *testing.T) {
	m := newTestModel(nil)
	if !strings.Contains(plain(m), "checking…") {
		t.Errorf("first frame does not say it is checking:\n%s", plain(m))
	}
	m = update(m,
		checkEventMsg{ev: checks.Event{Kind: checks.Started, Index: 1, Check: testChecks[1]}},
		checkEventMsg{ev: checks.Event{Kind: checks.Finished, Index: 1, Check: testChecks[1], Result: testResults[1]}},
		checkEventMsg{run: 7, ev: checks.Event{Kind: checks.Finished, Index: 0, Check: testChecks[0], Result: testResults[0]}},
	)
	if m.list.rows[1].state != rowDone || !m.Failed() || m.list.rows[0].state == rowDone {
		t.Errorf("rows = %+v (an event of another run must be ignored)", m.list.rows)
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
	if m = update(m, press("enter")); m.list.expanded == open {
		t.Error("enter did not toggle the details")
	}
	if m = update(m, press("?")); !m.showHelp || !strings.Contains(plain(m), "re-run") {
		t.Errorf("? does not show every key:\n%s", plain(m))
	}
	for _, k := range []tea.KeyPressMsg{press("q"), press("ctrl+c")} {
		if _, cmd := m.Update(k); cmd == nil || cmd() != tea.Quit() {
			t.Errorf("%v does not quit", k)
		}
	}
}

func TestFixAsksThenApplies(t *testing.T) {
	m := update(finished(t), press("j"))
	next, cmd := m.Update(press("f"))
	m = next.(Model)
	if cmd == nil || !strings.Contains(m.status, "planning: Restore the default GOPROXY") {
		t.Fatalf("f did not plan: %q", m.status)
	}
	plan := change.Plan{Title: "Restore the default GOPROXY", Edits: []change.Edit{{Path: "/home/gopher/.config/go/env", Before: []byte("GOPROXY=\n"), After: []byte{}}}}
	m = update(m, planMsg{plan: plan})
	if m.confirm == nil || !strings.Contains(plain(m), "- GOPROXY=") || !strings.Contains(plain(m), "Make this change? y yes") {
		t.Fatalf("no confirmation with the change:\n%s", plain(m))
	}
	// Only y applies; only n and esc decline; the scrolling keys scroll,
	// and any other key (enter, a space, Y) waits for an answer.
	for _, k := range []tea.KeyPressMsg{press("n"), press("esc")} {
		m = update(m, planMsg{plan: plan})
		next, cmd := m.Update(k)
		if m = next.(Model); m.confirm != nil || m.status != "not changed" || cmd != nil {
			t.Errorf("%q under a confirmation: confirm %v status %q, a command %v", k, m.confirm, m.status, cmd != nil)
		}
	}
	for _, k := range []tea.KeyPressMsg{press("enter"), press(" "), press("Y"), press("x"), press("pgdown"), press("right"), press("down")} {
		m = update(m, planMsg{plan: plan})
		next, cmd := m.Update(k)
		if m = next.(Model); m.confirm == nil || cmd != nil {
			t.Errorf("%q under a confirmation answered it: status %q, a command %v", k, m.status, cmd != nil)
		}
	}
	m = update(m, planMsg{plan: plan})
	next, cmd = m.Update(press("y"))
	if m = next.(Model); m.confirm != nil || cmd == nil {
		t.Fatal("y did not apply")
	}
	m.cfg.Checks = nil // the re-run after the change runs no checks here
	m.cfg.Sys = fakesys.New(t).Sys
	m = update(m, appliedMsg{entry: change.Entry{Files: []change.FileRecord{{}}}})
	if !strings.Contains(m.status, "changed 1 file(s)") || m.run != 1 {
		t.Errorf("after applying: %q run %d", m.status, m.run)
	}
	m = update(m, planMsg{plan: change.Plan{Title: "X"}})
	if m.confirm != nil || !strings.Contains(m.status, "nothing to change") {
		t.Errorf("empty plan: %q", m.status)
	}
}

func TestFixOpensTheRightScreen(t *testing.T) {
	m := finished(t)
	m.list.rows[0].result.Fixes = []checks.Fix{{Title: "Install go1.26.11", Action: &remedy.Action{Install: "go1.26.11"}}}
	m = update(m, press("f"))
	if m.screen != screenInstall || m.install.stage != installPicking || m.install.choices[0].Version != "go1.26.11" {
		t.Errorf("install fix: screen %v %+v", m.screen, m.install)
	}
	m = update(m, press("esc"))
	if m.screen != screenChecks {
		t.Error("esc does not go back")
	}
	m.list.rows[0].result.Fixes = []checks.Fix{{Title: "Use the fastest verified mirror", Action: &remedy.Action{FastestMirror: true}}}
	next, cmd := m.Update(press("f"))
	if m = next.(Model); m.screen != screenMirrors || cmd == nil {
		t.Errorf("mirror fix: screen %v", m.screen)
	}
	m.list.rows[2].result.Fixes = []checks.Fix{{Title: "by hand", Command: "unset GOPROXY"}}
	m = update(m, press("esc"), press("j"), press("j"), press("f"))
	if !strings.Contains(m.status, "by hand: unset GOPROXY") {
		t.Errorf("manual fix: %q", m.status)
	}
}

// mirrorEvents is a deterministic benchmark of two mirrors.
func mirrorEvents() (mirrorsStartedMsg, []mirrorEventMsg) {
	list := []mirrors.Mirror{{Name: "near", URL: "https://near.example"}, {Name: "altered", URL: "https://altered.example"}}
	near := mirrors.Result{Mirror: list[0], Measurement: mirrors.Measurement{Latency: mirrors.Latency{Median: 12300 * time.Microsecond}, ThroughputMbps: 88.4}, Status: mirrors.OK, Verified: true}
	alt := mirrors.Result{Mirror: list[1], Measurement: mirrors.Measurement{Latency: mirrors.Latency{Median: 5 * time.Millisecond}, ThroughputMbps: 120}, Status: mirrors.Fail,
		Error: "serves golang.org/x/sys@v0.38.0 with another hash than the checksum database: the content was altered"}
	events := make(chan mirrors.Event)
	return mirrorsStartedMsg{list: list, events: events}, []mirrorEventMsg{
		{ev: mirrors.Event{Kind: mirrors.MirrorStarted, Index: 0}, from: events}, {ev: mirrors.Event{Kind: mirrors.MirrorStarted, Index: 1}, from: events},
		{ev: mirrors.Event{Kind: mirrors.MirrorMeasured, Index: 1, Result: alt}, from: events},
		{ev: mirrors.Event{Kind: mirrors.Done, Report: mirrors.Report{Probe: mirrors.DefaultProbe, Mirrors: []mirrors.Result{near, alt}, Fastest: "near"}}, from: events},
	}
}

// r during a benchmark starts it again; the old run's late events, one of
// them for a row the new run does not have, are dropped, not a panic.
func TestLateMirrorEventsAreDropped(t *testing.T) {
	m := finished(t)
	m.screen = screenMirrors
	started, evs := mirrorEvents()
	m = update(m, started)
	again := make(chan mirrors.Event)
	m = update(m, mirrorsStartedMsg{list: started.list[:1], events: again})
	late := mirrorEventMsg{ev: mirrors.Event{Kind: mirrors.MirrorMeasured, Index: 1, Result: evs[2].ev.Result}, from: started.events}
	m = update(m, late, evs[3])
	if m.mirrors.report != nil || m.mirrors.state[0] != rowWaiting {
		t.Errorf("the old run's events reached the new one: %+v", m.mirrors)
	}
	// Even an event of the current run with a row out of range is dropped.
	m = update(m, mirrorEventMsg{ev: mirrors.Event{Kind: mirrors.MirrorMeasured, Index: 7}, from: again})
}

func TestMirrorScreen(t *testing.T) {
	m := finished(t)
	m.screen = screenMirrors
	started, evs := mirrorEvents()
	m = update(m, started, evs[0], evs[1], evs[2])
	if v := plain(m); !strings.Contains(v, "measuring…") || !strings.Contains(v, "altered") {
		t.Errorf("live rows:\n%s", v)
	}
	m = update(m, evs[3])
	golden.RequireEqual(t, []byte(plain(m)))
	next, cmd := m.Update(press("enter"))
	if m = next.(Model); cmd == nil || !strings.Contains(m.status, "use near") {
		t.Errorf("enter on the fastest: %q", m.status)
	}
	m = update(m, press("j"))
	if _, cmd := m.Update(press("enter")); cmd != nil {
		t.Error("enter on a failed mirror planned a change")
	}
}

func TestInstallScreen(t *testing.T) {
	m := finished(t)
	m.screen = screenInstall
	m = update(m, versionsMsg{choices: []versionChoice{{Version: "go1.26.11", Why: "the newest release"}, {Version: "go1.25.0", Why: "app/go.mod asks for it"}}})
	m = update(m, press("j"))
	if c, _ := m.install.selected(); c.Version != "go1.25.0" {
		t.Errorf("selected %v", c)
	}
	m = update(m, installStartedMsg{}, installProgressMsg{Phase: "download", Done: 30 << 20, Total: 67 << 20, Speed: 12 << 20, Remaining: 3 * time.Second})
	golden.RequireEqual(t, []byte(plain(m)))
	m = update(m, installDoneMsg{plan: installer.Plan{Version: "go1.25.0", Target: "/home/gopher/sdk/go1.25.0"}})
	if !strings.Contains(plain(m), "Installed go1.25.0 in /home/gopher/sdk/go1.25.0") {
		t.Errorf("done:\n%s", plain(m))
	}
}

// TestEscCancelsARunningInstall: esc while an install runs cancels it
// (the installer cleans up) and the screen says nothing was installed;
// before, esc left the screen and the install went on unseen.
func TestEscCancelsARunningInstall(t *testing.T) {
	m := finished(t)
	m.screen = screenInstall
	m = update(m, installStartedMsg{})
	cancelled := false
	m.stopInstall = func() { cancelled = true }
	if m = update(m, press("esc")); !cancelled || m.screen != screenInstall || !strings.Contains(plain(m), "cancelling the install") {
		t.Fatalf("esc: cancelled %v, screen %d\n%s", cancelled, m.screen, plain(m))
	}
	m = update(m, installDoneMsg{plan: installer.Plan{Version: "go1.25.0"}, err: context.Canceled})
	if out := plain(m); !strings.Contains(out, "Install cancelled: nothing was installed") || strings.Contains(out, "Installed go1.25.0") {
		t.Errorf("after the cancel:\n%s", out)
	}
	if m = update(m, press("esc")); m.screen != screenChecks {
		t.Errorf("esc after the install: screen %d", m.screen)
	}
}

// TestDecliningAnInstallReleasesIt: n under the install question cancels
// the context the install would have run in.
func TestDecliningAnInstallReleasesIt(t *testing.T) {
	m := finished(t)
	m = update(m, installPlanMsg{plan: installer.Plan{Version: "go1.25.0", Target: t.TempDir() + "/go1.25.0"}})
	if m.confirm == nil || m.confirm.onNo == nil {
		t.Fatal("no question")
	}
	released := false
	m.confirm.onNo = func() { released = true }
	if m = update(m, press("n")); !released || m.confirm != nil {
		t.Errorf("n: released %v", released)
	}
}

func TestViewFitsSmallTerminals(t *testing.T) {
	for _, size := range []tea.WindowSizeMsg{{Width: 40, Height: 12}, {Width: 50, Height: 12}, {Width: 60, Height: 20}, {Width: 80, Height: 24}, {Width: 100, Height: 15}, {Width: 120, Height: 40}} {
		m := update(finished(t), press("j"), size)
		for _, screen := range []screen{screenChecks, screenMirrors, screenInstall} {
			m.screen = screen
			lines := strings.Split(plain(m), "\n")
			if len(lines) > size.Height {
				t.Errorf("%dx%d screen %d: %d lines:\n%s", size.Width, size.Height, screen, len(lines), plain(m))
			}
			for _, l := range lines {
				if w := lipgloss.Width(l); w > size.Width {
					t.Errorf("%dx%d: line of width %d: %q", size.Width, size.Height, w, l)
				}
			}
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
	tm.Send(press("q"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
	golden.RequireEqual(t, []byte(plain(final)))
}

func TestGoldenHelpAndConfirmation(t *testing.T) {
	m := update(finished(t), press("?"))
	t.Run("help", func(t *testing.T) { golden.RequireEqual(t, []byte(plain(m))) })
	m = update(m, press("?"), press("j"), planMsg{plan: change.Plan{Title: "Restore the default GOPROXY",
		Edits: []change.Edit{{Path: "/home/gopher/.config/go/env", Before: []byte("GOFLAGS=-modcacherw\nGOPROXY=\n"), After: []byte("GOFLAGS=-modcacherw\n")}}}})
	t.Run("confirmation", func(t *testing.T) { golden.RequireEqual(t, []byte(plain(m))) })
}

// Ctrl-C, from any screen and under a confirmation, quits as an
// interruption; q does not count as one.
func TestCtrlCIsAnInterruption(t *testing.T) {
	m := finished(t)
	m.confirm = &confirmation{title: "t"}
	next, cmd := m.Update(press("ctrl+c"))
	if !next.(Model).interrupted || cmd == nil {
		t.Fatalf("ctrl+c under a confirmation: interrupted %v", next.(Model).interrupted)
	}
	m = finished(t)
	next, _ = m.Update(press("q"))
	if next.(Model).interrupted {
		t.Error("q counted as an interruption")
	}
}

// The way out after Ctrl-C waits for a running install to clean up, then
// reports the interruption.
func TestFinishWaitsForTheInstall(t *testing.T) {
	m := finished(t)
	finished := make(chan struct{})
	m.install.stage, m.install.finished = installRunning, finished
	m.interrupted = true
	cancelled := make(chan struct{})
	cleaned := false
	go func() {
		<-cancelled
		time.Sleep(50 * time.Millisecond) // the installer removing its staging
		cleaned = true
		close(finished)
	}()
	err := m.finish(func() { close(cancelled) }, io.Discard, false)
	if !errors.Is(err, ErrInterrupted) || !cleaned {
		t.Errorf("finish = %v, install cleaned up first: %v", err, cleaned)
	}
}

// manyChecks is a finished run of 14 checks, the 12th a warning with long
// details and a long fix command.
func manyChecks(t *testing.T) Model {
	var list []*checks.Check
	for i := range 14 {
		list = append(list, &checks.Check{ID: fmt.Sprintf("c.%d", i), Title: fmt.Sprintf("Check number %d", i)})
	}
	m := New(context.Background(), Config{Checks: list, Version: "v0", NoColor: true}, nil)
	for i, c := range list {
		res := checks.Result{Status: checks.OK, Summary: "fine"}
		if i == 11 {
			res = checks.Result{Status: checks.Warn, Summary: "GOPATH/bin is not on PATH",
				Details: []string{"line one", "line two", "line three", "line four", "line five", "line six", "line seven", "line eight"},
				Fixes:   []checks.Fix{{Title: "Put GOPATH/bin on PATH", Command: `export PATH="/tmp/a-very-long-directory-name-for-testing/x-y/go/bin:$PATH"`}}}
		}
		m = update(m, checkEventMsg{ev: checks.Event{Kind: checks.Finished, Index: i, Check: c, Result: res}})
	}
	return m
}

// TestListScrollsAndDetailsReachEveryLine: at 100x15 and 40x12 the
// selected row (the warning the cursor leads to) is on screen with "n
// more" markers, the footer keeps q; paging reaches the fix, whose command
// is one line, never wrapped, and c copies it whole.
func TestListScrollsAndDetailsReachEveryLine(t *testing.T) {
	for _, size := range []tea.WindowSizeMsg{{Width: 100, Height: 15}, {Width: 40, Height: 12}} {
		m := update(manyChecks(t), size)
		v := plain(m)
		if m.list.cursor != 11 || !strings.Contains(v, "> ! Check number 11") || !strings.Contains(v, "more") || !strings.Contains(v, "q quit") {
			t.Errorf("%dx%d: cursor %d\n%s", size.Width, size.Height, m.list.cursor, v)
		}
		if n := len(strings.Split(v, "\n")); n > size.Height {
			t.Errorf("%dx%d: %d lines", size.Width, size.Height, n)
		}
		var seen strings.Builder
		for range 10 {
			seen.WriteString(plain(m))
			m = update(m, tea.KeyPressMsg{Code: tea.KeyPgDown})
		}
		if !strings.Contains(seen.String(), "line eight") || !strings.Contains(seen.String(), "fix: Put GOPATH/bin on PATH") || !strings.Contains(seen.String(), `export PATH="/tmp/a`) {
			t.Errorf("%dx%d: paging did not reach every line:\n%s", size.Width, size.Height, seen.String())
		}
		for _, l := range strings.Split(seen.String(), "\n") {
			if strings.Contains(l, "x-y/go/bin") && !strings.Contains(l, `export PATH="`) {
				t.Errorf("a command wrapped: %q", l)
			}
		}
		// Sideways to the end of the command.
		seen.Reset()
		for range 6 {
			m = update(m, tea.KeyPressMsg{Code: tea.KeyRight})
			seen.WriteString(plain(m))
		}
		if !strings.Contains(seen.String(), `go/bin:$PATH"`) {
			t.Errorf("%dx%d: → did not reach the command's end:\n%s", size.Width, size.Height, seen.String())
		}
		next, cmd := m.Update(press("c"))
		if cmd == nil || !strings.Contains(next.(Model).status, "/tmp/a-very-long-directory-name-for-testing/x-y/go/bin") {
			t.Errorf("c: %q", next.(Model).status)
		}
	}
	// A pty that reports 0x0 keeps the default size.
	if m := update(manyChecks(t), tea.WindowSizeMsg{}); m.width != 80 || m.height != 24 {
		t.Errorf("0x0: %dx%d", m.width, m.height)
	}
}

// TestFixOutcome: after a fix the checks run again with the cursor where
// it was, and the row's re-run says what changed: fixed; written for new
// shells; or still wrong. The summary printed at quit has every fix
// command of what is not ok, and the checks a quit cut short.
func TestFixOutcome(t *testing.T) {
	fs := fakesys.New(t)
	envFile, _, _ := goenv.UserEnvFile(fs.Sys)
	for _, c := range []struct {
		file   string
		result checks.Result
		want   string
	}{
		{envFile, checks.Result{Status: checks.OK, Summary: "https://proxy.example, then direct"}, "Module proxy (GOPROXY): fixed"},
		{fs.Home(".bashrc"), checks.Result{Status: checks.Fail, Summary: "still empty"}, "takes effect in a new shell"},
		{envFile, checks.Result{Status: checks.Fail, Summary: "still empty"}, "changed, but the check still finds: still empty"},
	} {
		m := finished(t)
		m.cfg.Sys = fs.Sys
		m = update(m, press("j"))
		next, _ := m.Update(press("f"))
		m = next.(Model)
		m.cfg.Options.Offline = true
		m = update(m, appliedMsg{entry: change.Entry{Files: []change.FileRecord{{Path: c.file}}}})
		if m.list.cursor != 1 || m.run != 1 {
			t.Errorf("after the fix: cursor %d, run %d", m.list.cursor, m.run)
		}
		m = update(m, checkEventMsg{run: m.run, ev: checks.Event{Kind: checks.Finished, Index: 1, Check: testChecks[1], Result: c.result}})
		if !strings.Contains(m.status, c.want) {
			t.Errorf("%s: status %q, want %q", c.file, m.status, c.want)
		}
	}

	m := finished(t)
	m.cfg.Options.Offline = true
	m, _ = m.rerun() // quit while the run after a fix is under way
	m = update(m, checkEventMsg{run: m.run, ev: checks.Event{Kind: checks.Finished, Index: 0, Check: testChecks[0], Result: testResults[0]}},
		checkEventMsg{run: m.run, ev: checks.Event{Kind: checks.Finished, Index: 1, Check: testChecks[1], Result: testResults[1]}})
	if !m.Failed() {
		t.Error("a failure of this run is not a failure")
	}
	m.list.rows[1] = checkRow{check: testChecks[1], previous: &testResults[1]}
	if !m.Failed() {
		t.Error("a failure of the run before, not yet run again, was forgotten")
	}
	m.list.rows[1] = checkRow{check: testChecks[1], state: rowDone, result: testResults[1]}
	sum := m.summary()
	for _, want := range []string{"✗ Module proxy (GOPROXY): GOPROXY is empty", "fix: Restore the default GOPROXY", "      go env -u GOPROXY", "Checksum database answers: not finished (the run before: - skipped: --offline)"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
}

// TestBackgroundChoosesThePalette: the first frame uses the terminal's
// basic colours; a light background's answer switches to the darker tones
// that keep a warning readable on white.
func TestBackgroundChoosesThePalette(t *testing.T) {
	m := New(context.Background(), Config{Checks: testChecks, Version: "v0"}, nil)
	if m.styles.Warn.GetForeground() != darkPalette().warn {
		t.Errorf("first frame warn colour %v", m.styles.Warn.GetForeground())
	}
	m = update(m, tea.BackgroundColorMsg{Color: color.White})
	if m.styles.Warn.GetForeground() != lightPalette().warn {
		t.Errorf("on white: warn colour %v", m.styles.Warn.GetForeground())
	}
	m = update(m, tea.BackgroundColorMsg{Color: color.Black})
	if m.styles.Warn.GetForeground() != darkPalette().warn {
		t.Errorf("on black: warn colour %v", m.styles.Warn.GetForeground())
	}
}

// TestMirrorRowsKeepTheirPlace: while measuring, rows stay in order with a
// cursor the user can move, and say ok or fail as they finish; the ranking
// comes once, with the cursor on the user's mirror (else the fastest);
// enter on a failed mirror says why. In Chinese the header's columns line
// up with the rows' (display width, not characters).
func TestMirrorRowsKeepTheirPlace(t *testing.T) {
	m := finished(t)
	m.screen = screenMirrors
	started, evs := mirrorEvents()
	m = update(m, started, evs[0], evs[1], evs[2], press("j"))
	if v := plain(m); m.mirrors.cursor != 1 || !strings.Contains(v, "> altered") || !strings.Contains(v, "altered          fail") {
		t.Errorf("live: cursor %d\n%s", m.mirrors.cursor, v)
	}
	m = update(m, evs[3])
	if r, _ := m.mirrors.selected(); r.Name != "altered" {
		t.Errorf("after ranking the cursor is on %q, want the user's altered", r.Name)
	}
	if m = update(m, press("enter")); !m.statusBad || !strings.Contains(m.status, "altered cannot be used: serves golang.org/x/sys") {
		t.Errorf("enter on a failed mirror: %q", m.status)
	}
	m = finished(t)
	m.screen = screenMirrors
	m = update(m, started, evs[0], evs[1], evs[2], evs[3])
	if r, _ := m.mirrors.selected(); r.Name != "near" {
		t.Errorf("untouched cursor on %q, want the fastest", r.Name)
	}

	zh := New(context.Background(), Config{Checks: testChecks, Version: "v0", NoColor: true, Options: checks.Options{Lang: i18n.Zh}}, nil)
	zh.screen = screenMirrors
	zh = update(zh, tea.WindowSizeMsg{Width: 120, Height: 30}, started, evs[0], evs[1], evs[2], evs[3])
	var header, row string
	for _, l := range strings.Split(plain(zh), "\n") {
		if strings.Contains(l, "near") && strings.Contains(l, "12.3 ms") {
			row = l
		}
		if strings.Contains(l, zh.T("MEDIAN")) {
			header = l
		}
	}
	col := func(line, s string) int { return ansi.StringWidth(line[:strings.Index(line, s)]) }
	if header == "" || row == "" || col(header, zh.T("MEDIAN"))+ansi.StringWidth(zh.T("MEDIAN")) != col(row, "12.3 ms")+len("12.3 ms") {
		t.Errorf("columns do not line up:\n%s\n%s", header, row)
	}
}

// TestEscapesFromOutsideAreShown: a finding that holds a stranger's escape
// sequences (a proxy's error body, a file name) is drawn with them visible,
// on every frame and in the summary left in the scrollback; the frame keeps
// its own colours.
func TestEscapesFromOutsideAreShown(t *testing.T) {
	const hostile = "\x1b]52;c;ZXZpbA==\a \x1b]0;owned\a \x1b[2J \u202eexe"
	m := New(context.Background(), Config{Checks: testChecks, Version: "v0.0.0-test"}, nil)
	res := checks.Result{Status: checks.Fail, Summary: "proxy said " + hostile, Details: []string{"body: " + hostile},
		Fixes: []checks.Fix{{ID: "x", Title: "Use " + hostile, Command: "go env -w GOPROXY=" + hostile}}}
	m = update(m, checkEventMsg{ev: checks.Event{Kind: checks.Finished, Index: 1, Check: testChecks[1], Result: res}})
	m.list.cursor, m.list.expanded, m.list.moved = 1, true, true
	m = m.say("cannot plan the change: "+hostile, true)
	frame := m.frame()
	for i := 0; i < len(frame); i++ {
		switch c := frame[i]; {
		case c == 0x1b:
			if !strings.HasPrefix(frame[i:], "\x1b[") || strings.IndexByte(frame[i:], 'm') < 0 || strings.ContainsAny(frame[i:i+strings.IndexByte(frame[i:], 'm')], "]J") {
				t.Fatalf("the frame passes an escape sequence at %d: %q", i, frame[max(0, i-20):min(len(frame), i+30)])
			}
		case c < 0x20 && c != '\n' || c == 0x7f:
			t.Fatalf("the frame passes %q at %d", c, i)
		}
	}
	if strings.Contains(frame, "\u202e") || !strings.Contains(frame, `\x1b]52`) {
		t.Errorf("the escapes are not shown:\n%s", frame)
	}
	var out strings.Builder
	m.finish(func() {}, &out, false)
	if !strings.Contains(out.String(), `\x1b]0;owned`) {
		t.Errorf("summary:\n%q", out.String())
	}
}

// TestListMovesOnlyAtItsEdges: j and k move the cursor over rows that
// stay put; the list scrolls only when the cursor would leave it.
func TestListMovesOnlyAtItsEdges(t *testing.T) {
	top := 0
	var starts []int
	for cursor := range 20 {
		start, end := window(20, cursor, 8, top)
		if cursor < start || cursor >= end || end-start > 8 {
			t.Fatalf("cursor %d: rows %d..%d", cursor, start, end)
		}
		starts = append(starts, start)
		top = start
	}
	// Down from the top: the list stays until the cursor reaches the last
	// row shown, then moves (two rows once, as the "↑ N more" line takes
	// one), then a row at a time.
	if want := []int{0, 0, 0, 0, 0, 0, 0, 2, 3, 4}; !slices.Equal(starts[:10], want) {
		t.Errorf("starts %v, want %v…", starts, want)
	}
	// Back up: nothing moves until the cursor reaches the first row shown.
	if start, _ := window(20, 15, 8, top); start != top {
		t.Errorf("k moved the list: %d, was %d", start, top)
	}
}

// TestMirrorCursorStaysInView: on a screen too short for the table, the
// selected row is shown after a page down and a move, and a status about
// one row goes when the cursor leaves it.
func TestMirrorCursorStaysInView(t *testing.T) {
	m := update(finished(t), tea.WindowSizeMsg{Width: 40, Height: 12})
	m.screen = screenMirrors
	started, evs := mirrorEvents()
	m = update(m, started, evs[0], evs[1], evs[2], evs[3])
	m.status = "altered cannot be used: …"
	for _, k := range []tea.KeyPressMsg{{Code: tea.KeyPgDown}, press("k"), {Code: tea.KeyPgDown}, press("j"), {Code: tea.KeyPgUp}, press("j")} {
		m = update(m, k)
		if k.Code != tea.KeyPgDown && k.Code != tea.KeyPgUp && !strings.Contains(plain(m), "\n> ") {
			t.Fatalf("after %s the cursor is out of view:\n%s", k.String(), plain(m))
		}
	}
	if m.status != "" {
		t.Errorf("the status stayed: %q", m.status)
	}
	for _, l := range strings.Split(plain(m), "\n") {
		if lipgloss.Width(l) > 40 {
			t.Errorf("a line of %d columns: %q", lipgloss.Width(l), l)
		}
	}
}

// TestWhyScreenScrolls: pgdn and pgup move over a route longer than the
// screen; other keys are text for the module path.
func TestWhyScreenScrolls(t *testing.T) {
	m := update(finished(t), tea.WindowSizeMsg{Width: 60, Height: 12})
	m.screen, m.why = screenWhy, newWhyView(m.pr())
	var lines []string
	for i := range 30 {
		lines = append(lines, fmt.Sprintf("  %d. ✗ proxy   https://hop%d.example", i+1, i))
	}
	m = update(m, whyMsg{id: m.why.id, lines: lines})
	var seen strings.Builder
	for range 6 {
		m = update(m, tea.KeyPressMsg{Code: tea.KeyPgDown})
		seen.WriteString(plain(m))
	}
	if !strings.Contains(seen.String(), "hop29.example") {
		t.Errorf("pgdn did not reach the last hop:\n%s", seen.String())
	}
	if m = update(m, press("x")); m.why.input.Value() != "x" {
		t.Errorf("a letter is not text: %q", m.why.input.Value())
	}
}
