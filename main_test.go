package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/report"
)

// machine is a healthy fake machine.
func machine(t *testing.T) *fakesys.Machine {
	m := fakesys.New(t)
	bin := m.Toolchain(m.Path("/usr/local/go"), "go1.26.8", "GOPROXY=https://mirror.example,direct", "GOSUMDB=sum.golang.org")
	m.Executable(m.Path("/usr/bin/git"))
	m.Commands["git"] = "git version 2.39.5\n"
	m.PrependPath(bin, m.Home("go/bin"), m.Path("/usr/bin"))
	return m
}

func runMain(t *testing.T, m *fakesys.Machine, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), m.Sys, args, strings.NewReader(""), &out, &errb)
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func TestCheckJSON(t *testing.T) {
	t.Parallel()
	m := machine(t)
	stdout, stderr, code := runMain(t, m, "check", "--json", "--offline")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var r report.Report
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("stdout is not the report: %v\n%s", err, stdout)
	}
	if len(r.Checks) != 14 || r.Summary.OK != 10 || r.Summary.Skip != 4 || r.Version == "" {
		t.Errorf("report = %+v", r)
	}
	// Field names of the contract, and lists never null.
	var raw map[string]any
	json.Unmarshal([]byte(stdout), &raw)
	first := raw["checks"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "title", "status", "summary", "details", "fixes", "duration_ms"} {
		if _, ok := first[k]; !ok {
			t.Errorf("check entry lacks %q: %v", k, first)
		}
	}
	if first["fixes"] == nil || first["details"] == nil {
		t.Errorf("null lists in %v", first)
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	m := machine(t)
	m.Setenv("GOPROXY", "localhost") // refused by the go command: a failure
	if _, _, code := runMain(t, m, "check", "--offline"); code != 1 {
		t.Errorf("failed check: exit %d, want 1", code)
	}
	m = machine(t)
	m.Setenv("GOSUMDB", "off") // a warning
	if _, _, code := runMain(t, m, "check", "--offline"); code != 0 {
		t.Errorf("warning: exit %d, want 0", code)
	}
	if _, _, code := runMain(t, m, "check", "--offline", "--strict"); code != 1 {
		t.Errorf("warning with --strict: exit %d, want 1", code)
	}
	for _, args := range [][]string{{"frobnicate"}, {"check", "--bogus"}, {"check", "extra"}, {"version", "x"}} {
		if _, _, code := runMain(t, m, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	if _, _, code := runMain(t, m, "check", "-h"); code != 0 {
		t.Errorf("-h: exit %d, want 0", code)
	}
	// Global flags before the command: the command runs, in that language.
	if stdout, stderr, code := runMain(t, m, "--lang", "zh", "--no-color", "check", "--offline"); code != 0 || !strings.Contains(stdout, i18n.Printer{Lang: "zh"}.T("Go toolchain")) {
		t.Errorf("--lang zh --no-color check: exit %d\n%s%s", code, stdout, stderr)
	}
	// Ctrl-C: whatever the command returns, the exit is 130, said in the
	// chosen language.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var errb bytes.Buffer
	err := run(ctx, m.Sys, []string{"--lang", "zh", "check", "--offline"}, strings.NewReader(""), io.Discard, io.Discard)
	if code := exitCode(err, &errb); code != 130 || !strings.Contains(errb.String(), i18n.Printer{Lang: "zh"}.T("interrupted")) {
		t.Errorf("interrupted: exit %d, %q", code, errb.String())
	}
	for _, args := range [][]string{{"--version"}, {"--no-color", "version"}} {
		if stdout, _, code := runMain(t, m, args...); code != 0 || !strings.HasPrefix(stdout, "godoctor ") || !strings.Contains(stdout, modulePath) {
			t.Errorf("%q: exit %d, %q", args, code, stdout)
		}
	}
}

func TestPlainWhenNotATerminal(t *testing.T) {
	t.Parallel()
	m := machine(t)
	stdout, _, code := runMain(t, m, "--offline")
	if code != 0 || !strings.Contains(stdout, "✓ Go toolchain") {
		t.Fatalf("exit %d, stdout:\n%s", code, stdout)
	}
	if strings.Contains(stdout, "\x1b[") {
		t.Errorf("escape sequences in a pipe:\n%q", stdout)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	stdout, _, code := runMain(t, machine(t), "version")
	if code != 0 || !strings.HasPrefix(stdout, "godoctor ") {
		t.Errorf("version: %d %q", code, stdout)
	}
}

func TestInteractive(t *testing.T) {
	t.Parallel()
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	getenv := func(string) string { return "xterm" }
	if interactive(f, f, getenv) || interactive(strings.NewReader(""), f, getenv) {
		t.Error("a file or a reader counted as a terminal")
	}
}

// TestVersionStamp checks that the ldflags of a release build really stamp
// the version, and that godoctor version names this module.
func TestVersionStamp(t *testing.T) {
	t.Parallel()
	bin := godoctorBinary(t)
	out, err := exec.Command(bin, "version").Output()
	if want := "godoctor " + stampedVersion + " (" + modulePath + ")"; err != nil || strings.TrimSpace(string(out)) != want {
		t.Errorf("version of a stamped build = %q, %v; want %q", out, err, want)
	}
	if got := goenv.ModulePathOf(bin); got != modulePath {
		t.Errorf("the binary was built from %q, godoctor version says %q", got, modulePath)
	}
	gomod, err := os.ReadFile("go.mod")
	if err != nil || modfile.ModulePath(gomod) != modulePath {
		t.Errorf("go.mod names module %q, godoctor version says %q", modfile.ModulePath(gomod), modulePath)
	}
}
