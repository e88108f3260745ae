package tui

import (
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/gosandbox"
	"github.com/godoctorhq/godoctor/internal/system"
)

// TestWhyScreen: w on a check about fetching modules asks for a module;
// every key but esc and enter is text (q does not quit there); enter
// traces it as godoctor why does, and a late answer of an earlier trace
// is dropped.
func TestWhyScreen(t *testing.T) {
	m := finished(t)
	if m = update(m, press("w")); m.screen != screenChecks || !strings.Contains(m.status, "w traces a module") {
		t.Fatalf("w on go.installed: screen %d, status %q", m.screen, m.status)
	}
	m = update(m, press("j"), press("w"))
	if m.screen != screenWhy {
		t.Fatalf("w on env.goproxy: screen %d", m.screen)
	}
	for _, r := range "corp.example/lib@v1.0.0" {
		m = update(m, press(string(r)))
	}
	m = update(m, press("q"))
	if got := m.why.input.Value(); got != "corp.example/lib@v1.0.0q" {
		t.Fatalf("input %q", got)
	}
	m = update(m, press("backspace"))

	home := t.TempDir()
	sys := system.OS()
	sys.Env, sys.Home, sys.Dir = map[string]string{}, home, home
	for _, kv := range gosandbox.Env(t, home, "GOPRIVATE=corp.example") {
		k, v, _ := strings.Cut(kv, "=")
		sys.Env[k] = v
	}
	gosandbox.Go(t)
	m.cfg.Sys, m.cfg.Options.Offline = sys, true
	next, cmd := m.Update(press("enter"))
	m = next.(Model)
	if !m.why.running || cmd == nil || !strings.Contains(plain(m), "tracing corp.example/lib@v1.0.0") {
		t.Fatalf("enter did not start a trace:\n%s", plain(m))
	}
	answer := cmd().(whyMsg)
	if stale := update(m, whyMsg{id: m.why.id - 1, lines: []string{"old"}}); !stale.why.running {
		t.Error("an earlier trace's answer was shown")
	}
	m = update(m, answer)
	view := plain(m)
	for _, want := range []string{"corp.example/lib@v1.0.0", "direct", "GOPRIVATE=corp.example", "nosumdb"} {
		if !strings.Contains(view, want) {
			t.Errorf("no %q in\n%s", want, view)
		}
	}
	if m = update(m, press("esc")); m.screen != screenChecks {
		t.Errorf("esc: screen %d", m.screen)
	}
}
