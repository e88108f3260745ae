// Package fakesys builds a whole machine for tests in a temporary
// directory: a home, a PATH, Go toolchains laid out like real ones, a go env
// file, shell profiles, and a go command whose `go env -json` answer the
// test chooses. Nothing outside the directory is read or written.
package fakesys

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosandbox"
	"github.com/godoctorhq/godoctor/internal/system"
)

// Machine is a fake machine rooted in a temporary directory.
type Machine struct {
	t    testing.TB
	Root string
	Sys  *system.System
	// GoEnv is what every go command answers to `go env -json`, on top of
	// GOVERSION and GOROOT, which come from the toolchain's layout.
	GoEnv map[string]string
	// GoEnvErr makes `go env -json` fail.
	GoEnvErr error
	// GoErr makes every go command but go env fail, with its text as
	// the go command's error output (fixes are proven with them).
	GoErr error
	// Commands answers other programs: name (base) -> output.
	Commands map[string]string

	mu  sync.Mutex
	ran []string
}

// Ran returns every command line run so far.
func (m *Machine) Ran() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.ran...)
}

// New returns a Linux machine with a home directory and an empty PATH.
func New(t testing.TB) *Machine {
	t.Helper()
	root := t.TempDir()
	home := filepath.Join(root, "home", "gopher")
	must(t, os.MkdirAll(home, 0o755))
	m := &Machine{t: t, Root: root, GoEnv: map[string]string{}, Commands: map[string]string{}}
	m.Sys = &system.System{
		Env:    map[string]string{"HOME": home, "PATH": ""},
		GOOS:   "linux",
		GOARCH: "amd64",
		Home:   home,
		Dir:    home,
		Root:   root,
		Run:    m.run,
		HTTP:   gosandbox.LoopbackClient(),
		// Plenty of room unless a test says otherwise.
		FreeSpace: func(string) (uint64, error) { return 100 << 30, nil },
	}
	return m
}

// Home returns the path of a file under the home directory.
func (m *Machine) Home(rel string) string { return filepath.Join(m.Sys.Home, rel) }

// Path returns the path of a machine-wide location under the root.
func (m *Machine) Path(abs string) string { return filepath.Join(m.Root, abs) }

// Toolchain lays out a Go toolchain at dir (bin/go, pkg/tool, VERSION and
// go.env with the given lines) and returns its bin directory.
func (m *Machine) Toolchain(dir, version string, goenvLines ...string) string {
	m.t.Helper()
	must(m.t, os.MkdirAll(filepath.Join(dir, "pkg", "tool", "linux_amd64"), 0o755))
	m.WriteFile(filepath.Join(dir, "VERSION"), version+"\ntime 2026-11-01T00:00:00Z\n")
	m.WriteFile(filepath.Join(dir, "go.env"), strings.Join(goenvLines, "\n")+"\n")
	m.Executable(filepath.Join(dir, "bin", "go"))
	return filepath.Join(dir, "bin")
}

// Executable creates an executable file.
func (m *Machine) Executable(path string) {
	m.t.Helper()
	must(m.t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(m.t, os.WriteFile(path, []byte("#!/bin/sh\nexit 1\n"), 0o755))
}

// WriteFile writes a file, creating its directory.
func (m *Machine) WriteFile(path, content string) {
	m.t.Helper()
	must(m.t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(m.t, os.WriteFile(path, []byte(content), 0o644))
}

// UserEnvFile writes the user's go env file ($HOME/.config/go/env).
func (m *Machine) UserEnvFile(lines ...string) string {
	p := m.Home(".config/go/env")
	m.WriteFile(p, strings.Join(lines, "\n")+"\n")
	return p
}

// PrependPath puts directories first on PATH.
func (m *Machine) PrependPath(dirs ...string) {
	list := append(dirs, system.SplitList(m.Sys.Env["PATH"], ":")...)
	m.Sys.Env["PATH"] = strings.Join(list, ":")
}

// Windows makes the machine a Windows one with a user environment (the
// registry's HKCU\Environment) held in memory, and returns that.
func (m *Machine) Windows() *UserEnv {
	u := NewUserEnv()
	m.Sys.GOOS, m.Sys.UserEnv = "windows", u
	return u
}

// NewUserEnv returns an empty user environment.
func NewUserEnv() *UserEnv { return &UserEnv{vars: map[string]string{}} }

// UserEnv is a Windows user environment in memory: names ignore case, as
// the registry's do. Set and Delete count as announcements to running
// programs, as the real one broadcasts them.
type UserEnv struct {
	mu        sync.Mutex
	vars      map[string]string // by upper-case name
	Announced int
	// Fail makes every write fail (FailAfter: all but the next few).
	Fail   error
	writes int // to let through before failing
}

// FailAfter lets the next n writes through and fails every one after them
// with err.
func (u *UserEnv) FailAfter(n int, err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.writes, u.Fail = -n, err
}

func (u *UserEnv) Get(name string) (string, bool, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	v, ok := u.vars[strings.ToUpper(name)]
	return v, ok, nil
}

// failing counts a write and says whether it fails.
func (u *UserEnv) failing() error {
	u.writes++
	if u.Fail != nil && u.writes > 0 {
		return u.Fail
	}
	return nil
}

func (u *UserEnv) Set(name, value string) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if err := u.failing(); err != nil {
		return err
	}
	u.vars[strings.ToUpper(name)] = value
	u.Announced++
	return nil
}

func (u *UserEnv) Delete(name string) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if err := u.failing(); err != nil {
		return err
	}
	delete(u.vars, strings.ToUpper(name))
	u.Announced++
	return nil
}

// Setenv sets a process environment variable.
func (m *Machine) Setenv(k, v string) { m.Sys.Env[k] = v }

func (m *Machine) run(ctx context.Context, dir string, env []string, name string, args ...string) ([]byte, error) {
	line := filepath.Base(name) + " " + strings.Join(args, " ")
	m.mu.Lock()
	m.ran = append(m.ran, line)
	m.mu.Unlock()
	if filepath.Base(name) == "go" && len(args) >= 2 && args[0] == "env" && args[1] == "-json" {
		if m.GoEnvErr != nil {
			return nil, m.GoEnvErr
		}
		root := filepath.Dir(filepath.Dir(name))
		version := goenv.ReadVersionFile(root) // a go knows its own version
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, "GOROOT="); ok && v != "" {
				root = v
			}
		}
		out := map[string]string{"GOROOT": root, "GOVERSION": version, "GOMOD": os.DevNull}
		for k, v := range m.GoEnv {
			out[k] = v
		}
		if names := args[2:]; len(names) > 0 {
			// Named variables only. The real go command answers every name,
			// "" for one it does not have; this one leaves out what the
			// test did not give it, so that godoctor falls back to the
			// layers as it does for a go that did not run.
			named := map[string]string{}
			for _, n := range names {
				if v, ok := out[n]; ok {
					named[n] = v
				}
			}
			out = named
		}
		return json.Marshal(out)
	}
	if filepath.Base(name) == "go" && len(args) >= 2 && args[0] == "env" && (args[1] == "-w" || args[1] == "-u") {
		return nil, editEnvFile(env, args[1] == "-w", args[2:])
	}
	if filepath.Base(name) == "go" && len(args) > 0 {
		if m.GoErr != nil {
			return nil, &system.RunError{Name: name, Err: errors.New("exit status 1"), Stderr: m.GoErr.Error()}
		}
		return nil, nil
	}
	if out, ok := m.Commands[filepath.Base(name)]; ok {
		return []byte(out), nil
	}
	return nil, fmt.Errorf("%s: not available on this fake machine", line)
}

// editEnvFile is the fake go's go env -w and -u: KEY=VALUE lines of the
// file GOENV names, set in place or appended, or removed.
func editEnvFile(env []string, set bool, args []string) error {
	path := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GOENV="); ok {
			path = v
		}
	}
	if path == "" {
		return fmt.Errorf("fake go: no GOENV")
	}
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(data) == 0 {
		lines = nil
	}
	for _, a := range args {
		key, _, _ := strings.Cut(a, "=")
		kept := lines[:0]
		for _, l := range lines {
			if !strings.HasPrefix(l, key+"=") {
				kept = append(kept, l)
			}
		}
		lines = kept
		if set {
			lines = append(lines, a)
		}
	}
	out := strings.Join(lines, "\n")
	if out != "" {
		out += "\n"
	}
	return os.WriteFile(path, []byte(out), 0o644)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
