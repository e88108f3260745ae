package tui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/installer"
	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/testproxy"
	"github.com/godoctorhq/godoctor/internal/toolchain"
	"github.com/godoctorhq/godoctor/mirrors"
)

// liveMachine is a fake machine whose GOPROXY and GOSUMDB are a loopback
// proxy serving the probe module and a toolchain.
func liveMachine(t *testing.T) (*fakesys.Machine, *testproxy.Server) {
	probe := testproxy.Module{Path: mirrors.DefaultProbe.Path, Version: mirrors.DefaultProbe.Version, Files: map[string]string{"unix/unix.go": "package unix\n"}}
	toolchain := testproxy.Module{Path: "golang.org/toolchain", Version: toolchain.ModuleVersion("go1.21.5", "linux", "amd64"),
		Files: map[string]string{"bin/go": "#!/bin/sh\n", "VERSION": "go1.21.5\n"}}
	srv := testproxy.New(t, "sum.test", probe, toolchain)
	m := fakesys.New(t)
	m.UserEnvFile("GOPROXY="+srv.URL+"|direct", "GOSUMDB="+srv.SumDBKey)
	return m, srv
}

func liveModel(m *fakesys.Machine) Model {
	cfg := Config{Sys: m.Sys, Version: "v0.0.0-test", NoColor: true, Options: checks.Options{Timeout: 2 * time.Second}}
	closed := make(chan checks.Event)
	close(closed)
	return New(context.Background(), cfg, closed)
}

func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// TestLiveMirrorScreen benchmarks a loopback mirror from the TUI and uses
// it: the fastest verified mirror is highlighted, enter plans the change,
// y writes it.
func TestLiveMirrorScreen(t *testing.T) {
	m, srv := liveMachine(t)
	tm := teatest.NewTestModel(t, liveModel(m), teatest.WithInitialTermSize(100, 30))
	tm.Send(press("m"))
	waitFor(t, tm, "Fastest verified: 127.0.0.1")
	tm.Send(press("enter"))
	waitFor(t, tm, "Make this change? y yes")
	tm.Send(press("y"))
	waitFor(t, tm, "changed 1 file(s)")
	tm.Send(press("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	data, err := os.ReadFile(m.Home(".config/go/env"))
	if err != nil || string(data) != "GOPROXY="+srv.URL+",direct\nGOSUMDB="+srv.SumDBKey+"\n" {
		t.Errorf("go env file = %q, %v", data, err)
	}
}

// TestLiveInstallScreen installs a toolchain from a loopback proxy.
func TestLiveInstallScreen(t *testing.T) {
	m, _ := liveMachine(t)
	tm := teatest.NewTestModel(t, liveModel(m), teatest.WithInitialTermSize(100, 30))
	tm.Send(press("i"))
	waitFor(t, tm, "go1.21.5")
	tm.Send(press("enter"))
	waitFor(t, tm, "Make this change? y yes")
	tm.Send(press("y"))
	waitFor(t, tm, "Installed go1.21.5")
	tm.Send(press("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if _, err := os.Stat(filepath.Join(m.Sys.Home, "sdk", "go1.21.5", installer.Marker)); err != nil {
		t.Errorf("not installed: %v", err)
	}
}
