package checks

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/i18n"
)

func TestGoInstalled(t *testing.T) {
	t.Run("no go anywhere", func(t *testing.T) {
		m := fakesys.New(t)
		expect{status: Fail, mention: []string{"no go command on PATH", "go.dev/doc/install"}}.check(t, runCheck(t, m, "go.installed", Options{}))
	})
	t.Run("installed but not on PATH", func(t *testing.T) {
		m := fakesys.New(t)
		m.Toolchain(m.Path("/usr/local/go"), "go1.25.3")
		m.Toolchain(m.Home("sdk/go1.26.8"), "go1.26.8")
		expect{status: Fail,
			mention: []string{"go1.26.8 is installed in " + m.Home("sdk/go1.26.8"), "found go1.25.3 at " + m.Path("/usr/local/go/bin")},
			fixes:   []string{`export PATH="` + m.Home("sdk/go1.26.8/bin") + `:$PATH"`},
		}.check(t, runCheck(t, m, "go.installed", Options{}))
	})
	t.Run("fish gets fish syntax", func(t *testing.T) {
		m := fakesys.New(t)
		m.Setenv("SHELL", "/usr/bin/fish")
		m.Toolchain(m.Path("/usr/local/go"), "go1.25.3")
		expect{status: Fail, fixes: []string{"fish_add_path " + m.Path("/usr/local/go/bin")}}.check(t, runCheck(t, m, "go.installed", Options{}))
	})
	t.Run("windows gets the user PATH", func(t *testing.T) {
		m := fakesys.New(t)
		m.Windows().Set("Path", `C:\Tools`)
		fix := pathFix("go-on-path", "Put go on PATH", `C:\Program Files\Go\bin`, m.Sys)
		if want := `[Environment]::SetEnvironmentVariable('Path', 'C:\Program Files\Go\bin;' + [Environment]::GetEnvironmentVariable('Path', 'User'), 'User')`; fix.Command != want {
			t.Errorf("command = %s\nwant %s", fix.Command, want)
		}
		plan, err := change.Build(context.Background(), m.Sys, "", fix.Title, *fix.Action.Change)
		if err != nil || !strings.Contains(plan.Preview(i18n.Printer{}), "+ C:\\Program Files\\Go\\bin\n  C:\\Tools") {
			t.Errorf("plan: %v\n%s", err, plan.Preview(i18n.Printer{}))
		}
	})
	t.Run("go does not run", func(t *testing.T) {
		m := healthy(t)
		m.GoEnvErr = errors.New("exec format error")
		expect{status: Fail, mention: []string{"does not run", "exec format error"}}.check(t, runCheck(t, m, "go.installed", Options{}))
		expect{status: Skip}.check(t, runCheck(t, m, "go.version", Options{}))
	})
}

func TestGoVersionAgainstModule(t *testing.T) {
	tests := []struct {
		name, gomod, toolchain string
		want                   expect
	}{
		{"satisfied", "module x\n\ngo 1.24\n", "auto", expect{status: OK, mention: []string{"asks for go 1.24 or newer: satisfied"}}},
		// Only the go line is a requirement; GOTOOLCHAIN=local forbids the
		// switch, and no fix is proposed that the go command has not
		// confirmed (go 1.30 is no release to download).
		{"newer with local", "module example.com/x\n\ngo 1.30\n", "local",
			expect{status: Fail, mention: []string{"needs go 1.30, newer than go1.26.8, and GOTOOLCHAIN=local does not let the go command switch", "go: go.mod requires go >= 1.30 (running go 1.26.8; GOTOOLCHAIN=local)"}}},
		// A toolchain line is a suggestion: under local it changes nothing.
		{"newer toolchain line with local", "module x\n\ngo 1.25\n\ntoolchain go1.30.1\n", "local",
			expect{status: OK, mention: []string{"its toolchain line suggests go1.30.1; with GOTOOLCHAIN=local the go command keeps go1.26.8"}}},
		// Under auto it is followed: go1.30.1 must be downloaded first, which
		// --offline does not check.
		{"newer toolchain line with auto", "module x\n\ngo 1.25\n\ntoolchain go1.30.1\n", "auto",
			expect{status: Warn, mention: []string{"every go command first downloads go1.30.1 (not on this machine)"}}},
		{"pinned older than go.mod", "module x\n\ngo 1.26\n", "go1.25.0",
			expect{status: Fail, mention: []string{"go1.25.0 runs, but", "go: go.mod requires go >= 1.26 (running go 1.25.0; GOTOOLCHAIN=go1.25.0)"}, fixes: []string{"unset GOTOOLCHAIN"}}},
		{"path and not on PATH", "module x\n\ngo 1.27.1\n", "path",
			expect{status: Fail, mention: []string{`go: cannot find "go1.27.1" in PATH`}}},
		{"invalid toolchain line", "module x\n\ngo 1.26\n\ntoolchain bash\n", "auto",
			expect{status: Fail, mention: []string{"go: errors parsing go.mod:", "invalid toolchain version 'bash': must match format go1.23.0 or default"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := healthy(t)
			m.Setenv("GOTOOLCHAIN", tt.toolchain)
			m.WriteFile(m.Home("x/go.mod"), tt.gomod)
			m.GoEnv["GOMOD"] = m.Home("x/go.mod")
			tt.want.check(t, runCheck(t, m, "go.version", Options{Offline: true}))
		})
	}
}

func TestGoPath(t *testing.T) {
	t.Run("several go commands", func(t *testing.T) {
		m := healthy(t)
		other := m.Toolchain(m.Home("sdk/go1.22.1"), "go1.22.1")
		m.PrependPath(other)
		expect{status: Warn, mention: []string{"2 different go commands on PATH", "* " + filepath.Join(other, "go") + " (go1.22.1)"}}.check(t, runCheck(t, m, "go.path", Options{}))
	})
	t.Run("the same go twice through a link", func(t *testing.T) {
		m := healthy(t)
		os.MkdirAll(m.Home("bin"), 0o755)
		os.Symlink(m.Path("/usr/local/go/bin/go"), m.Home("bin/go"))
		m.PrependPath(m.Home("bin"))
		expect{status: OK}.check(t, runCheck(t, m, "go.path", Options{}))
	})
	t.Run("GOROOT of another toolchain", func(t *testing.T) {
		m := healthy(t)
		m.Toolchain(m.Home("sdk/go1.22.1"), "go1.22.1")
		m.Setenv("GOROOT", m.Home("sdk/go1.22.1"))
		m.WriteFile(m.Home(".zshrc"), "export GOROOT="+m.Home("sdk/go1.22.1")+"\n")
		expect{status: Fail, mention: []string{"(go1.22.1) is not the toolchain of the go that runs", ".zshrc:1"}, fixes: []string{"unset GOROOT"}}.check(t, runCheck(t, m, "go.path", Options{}))
	})
	t.Run("GOPATH/bin missing", func(t *testing.T) {
		m := healthy(t)
		m.Sys.Env["PATH"] = m.Path("/usr/local/go/bin") + ":" + m.Path("/usr/bin")
		expect{status: Warn, mention: []string{"GOPATH/bin (" + m.Home("go/bin") + ") is not on PATH"}, fixes: []string{m.Home("go/bin")}}.check(t, runCheck(t, m, "go.path", Options{}))
	})
	t.Run("GOBIN missing", func(t *testing.T) {
		m := healthy(t)
		m.Setenv("GOBIN", "/opt/tools")
		expect{status: Warn, mention: []string{"GOBIN (/opt/tools) is not on PATH"}}.check(t, runCheck(t, m, "go.path", Options{}))
	})
}

// A fix the go command does not confirm, on a scratch copy of the machine,
// is not proposed; one it confirms says how.
func TestFixesAreConfirmed(t *testing.T) {
	m := healthy(t)
	m.UserEnvFile("GOSUMDB=off")
	res := runCheck(t, m, "env.gosumdb", Options{})
	if len(res.Fixes) != 1 || res.Fixes[0].Verified != "go mod download golang.org/x/sys@v0.38.0" || res.Fixes[0].Action == nil {
		t.Fatalf("a confirmed fix: %+v", res.Fixes)
	}
	// Offline, a fix that only a download proves is not proposed.
	res = runCheck(t, m, "env.gosumdb", Options{Offline: true})
	if len(res.Fixes) != 0 || !strings.Contains(strings.Join(res.Details, "\n"), "not proposed offline") {
		t.Errorf("offline: %+v\n%q", res.Fixes, res.Details)
	}
	m.GoErr = errors.New("go: still refusing: GOSUMDB")
	res = runCheck(t, m, "env.gosumdb", Options{})
	if len(res.Fixes) != 0 || !strings.Contains(strings.Join(res.Details, "\n"), "not proposed: Restore the default GOSUMDB, after which go mod download golang.org/x/sys@v0.38.0 still fails: go: still refusing: GOSUMDB") {
		t.Errorf("an unconfirmed fix: %+v\n%q", res.Fixes, res.Details)
	}
	// Another problem stops the go command before the network: the fix
	// is proven as far as the go command gets (godoctor fix proves the
	// whole plan); a download that fails on the network is not.
	m.GoErr = errors.New("go: unknown GOEXPERIMENT bogus")
	if res = runCheck(t, m, "env.gosumdb", Options{}); len(res.Fixes) != 1 || !strings.Contains(strings.Join(res.Details, "\n"), "proven as far as the go command gets") {
		t.Errorf("another cause first: %+v\n%q", res.Fixes, res.Details)
	}
	m.GoErr = errors.New("go: golang.org/x/sys@v0.38.0: reading https://mirror.example/golang.org/x/sys/@v/v0.38.0.info: 403 Forbidden")
	if res = runCheck(t, m, "env.gosumdb", Options{}); len(res.Fixes) != 0 {
		t.Errorf("a download that still fails: %+v", res.Fixes)
	}
	m.UserEnvFile("GOFLAGS=-nosuchflag")
	if res = runCheck(t, m, "env.flags", Options{}); len(res.Fixes) != 1 || res.Fixes[0].Verified != "go list" {
		t.Errorf("a fix that removes its own problem: %+v", res.Fixes)
	}
}

// The chosen toolchain, when it is on the machine, is asked itself.
func TestTheChosenToolchainIsAsked(t *testing.T) {
	m := healthy(t)
	m.Setenv("GOTOOLCHAIN", "go1.27.1")
	wrapper := m.Home("go/bin/go1.27.1")
	m.Executable(wrapper)
	m.PrependPath(m.Home("go/bin"))
	expect{status: Fail, mention: []string{"go1.27.1, the toolchain every go command runs from here, does not run", "go1.27.1 download"}}.check(t, runCheck(t, m, "go.version", Options{Offline: true}))
	m.Commands["go1.27.1"] = `{"GOVERSION": "go1.27.1", "GOROOT": "/home/gopher/sdk/go1.27.1"}`
	expect{status: OK, mention: []string{"go1.27.1 runs, chosen by GOTOOLCHAIN=go1.27.1", "and answers: go1.27.1, GOROOT /home/gopher/sdk/go1.27.1"}}.check(t, runCheck(t, m, "go.version", Options{Offline: true}))
}
