package checks

import (
	"context"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/fakesys"
)

// healthy returns a machine with one toolchain on PATH, its bin and
// GOPATH/bin on PATH, and git.
func healthy(t *testing.T) *fakesys.Machine {
	t.Helper()
	m := fakesys.New(t)
	bin := m.Toolchain(m.Path("/usr/local/go"), "go1.26.8",
		"GOPROXY=https://mirror.example,direct", "GOSUMDB=sum.golang.org", "GOTOOLCHAIN=auto")
	m.Executable(m.Path("/usr/bin/git"))
	m.Commands["git"] = "git version 2.39.5\n"
	m.PrependPath(bin, m.Home("go/bin"), m.Path("/usr/bin"))
	return m
}

// machineCase is a row of a check's table test: process variables and go
// env file lines on a healthy machine, and the result expected.
type machineCase struct {
	name string
	env  map[string]string // process environment
	file []string          // go env file lines
	want expect
}

// machine is a healthy machine with the case's settings.
func (c machineCase) machine(t *testing.T) *fakesys.Machine {
	t.Helper()
	m := healthy(t)
	for k, v := range c.env {
		m.Setenv(k, v)
	}
	if c.file != nil {
		m.UserEnvFile(c.file...)
	}
	return m
}

// runCases runs one check for every case.
func runCases(t *testing.T, id string, cases []machineCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.want.check(t, runCheck(t, c.machine(t), id, Options{}))
		})
	}
}

// runCheck runs one check on a machine.
func runCheck(t *testing.T, m *fakesys.Machine, id string, opts Options) Result {
	t.Helper()
	c := ByID(id)
	if c == nil {
		t.Fatalf("no check %s", id)
	}
	var res Result
	for ev := range Run(context.Background(), []*Check{c}, m.Sys, opts) {
		if ev.Kind == Finished && ev.Check == c {
			res = ev.Result
		}
	}
	return res
}

// expect asserts a status and that the summary and details mention each
// of the fragments; fixes lists fix commands that must be offered.
type expect struct {
	status  Status
	mention []string
	fixes   []string
}

func (e expect) check(t *testing.T, res Result) {
	t.Helper()
	if res.Status != e.status {
		t.Errorf("status = %s, want %s\nsummary: %s\ndetails: %q", res.Status, e.status, res.Summary, res.Details)
	}
	text := res.Summary + "\n" + strings.Join(res.Details, "\n")
	for _, m := range e.mention {
		if !strings.Contains(text, m) {
			t.Errorf("result does not mention %q:\n%s", m, text)
		}
	}
	var cmds []string
	for _, f := range res.Fixes {
		cmds = append(cmds, f.Command)
	}
	for _, f := range e.fixes {
		found := false
		for _, c := range cmds {
			found = found || strings.Contains(c, f)
		}
		if !found {
			t.Errorf("no fix %q among %q", f, cmds)
		}
	}
}

func TestHealthyMachine(t *testing.T) {
	m := healthy(t)
	for _, c := range All() {
		res := runCheck(t, m, c.ID, Options{Offline: true})
		want := OK
		if c.Network || c == cacheIntegrity || c == projectModules { // the machine is not in a module
			want = Skip
		}
		if res.Status != want {
			t.Errorf("%s: %s %q %q, want %s", c.ID, res.Status, res.Summary, res.Details, want)
		}
	}
}

func TestAllChecksOfTheContract(t *testing.T) {
	want := []string{"go.installed", "go.version", "go.path", "env.goproxy", "env.gosumdb", "env.private",
		"env.source", "env.flags", "cache.modcache", "cache.integrity", "tools.vcs", "net.proxy", "net.sumdb", "project.modules"}
	all := All()
	if len(all) != len(want) {
		t.Fatalf("%d checks, want %d", len(all), len(want))
	}
	for i, c := range all {
		if c.ID != want[i] || c.Title == "" || c.Run == nil {
			t.Errorf("check %d = %+v, want id %s", i, c, want[i])
		}
	}
}
