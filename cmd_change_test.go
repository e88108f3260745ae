package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/gosandbox"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/internal/testproxy"
)

// realMachine is a System in a sandbox with the real go command on PATH,
// bash as the shell, a .bashrc with the user's own lines.
type realMachine struct {
	sys   *system.System
	gobin string
	home  string
}

const userBashrc = "# my settings\nalias ll='ls -l'\nexport EDITOR=vi\n"

func newRealMachine(t *testing.T) *realMachine {
	t.Helper()
	gobin := gosandbox.Go(t)
	home := t.TempDir()
	env := map[string]string{"SHELL": "/bin/bash"}
	for _, kv := range gosandbox.Env(t, home) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	// The go env file is the default one under the home's config
	// directory, and GOPROXY comes from the files, as on a real machine.
	delete(env, "GOENV")
	delete(env, "GOPROXY")
	delete(env, "GOFLAGS")
	// The build cache go test fills: an operation that builds (explain
	// reproducing a GOFLAGS failure, a fix proven by a build) links
	// rather than compiles the standard library.
	env["GOCACHE"] = sharedBuildCache(t)
	os.WriteFile(filepath.Join(home, ".bashrc"), []byte(userBashrc), 0o644)
	sys := system.OS()
	sys.Env, sys.Home, sys.Dir = env, home, home
	// Machine-wide Go installs are looked for under the home, not in the
	// real /usr/local/go, and user variables are kept in memory, never in
	// a real registry.
	sys.Root = home
	sys.UserEnv = fakesys.NewUserEnv()
	sys.HTTP = gosandbox.LoopbackClient()
	return &realMachine{sys: sys, gobin: gobin, home: home}
}

func (r *realMachine) run(t *testing.T, stdin string, args ...string) (string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), r.sys, args, strings.NewReader(stdin), &out, &errb)
	code := exitCode(err, &errb)
	return out.String() + errb.String(), code
}

func (r *realMachine) goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := system.ExecRunner(context.Background(), r.home, r.sys.Environ(), r.gobin, "env", name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// files returns every file under the home but the journal, for byte
// comparisons.
func (r *realMachine) files(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(r.home, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.Contains(p, "godoctor") || strings.Contains(p, "telemetry") || strings.Contains(p, "cache") {
			return nil
		}
		data, _ := os.ReadFile(p)
		out[p] = string(data)
		return nil
	})
	return out
}

func sameFiles(t *testing.T, what string, a, b map[string]string) {
	t.Helper()
	if len(a) != len(b) {
		t.Errorf("%s: %d files, then %d", what, len(a), len(b))
	}
	for p, c := range a {
		if b[p] != c {
			t.Errorf("%s: %s changed:\n%q\n%q", what, p, c, b[p])
		}
	}
}

func TestUseWritesWhatGoReads(t *testing.T) {
	t.Parallel()
	proxy := testproxy.New(t, "sum.test", probeModule, testproxy.Module{Path: "example.com/dep", Version: "v1.0.0", Files: map[string]string{"dep.go": "package dep\n"}})
	r := newRealMachine(t)
	out, code := r.run(t, "", "use", proxy.URL, "--sumdb", proxy.SumDBKey, "--yes")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if got := r.goEnv(t, "GOPROXY"); got != proxy.URL+",direct" {
		t.Errorf("go env GOPROXY = %q", got)
	}
	if !strings.Contains(out, "Before and after:") || !strings.Contains(out, ": "+proxy.URL+", then direct") {
		t.Errorf("output:\n%s", out)
	}
	// The go command really downloads through the mirror, verified by
	// the database that was configured with it.
	cmd := exec.Command(r.gobin, "mod", "download", "-json", "example.com/dep@v1.0.0")
	cmd.Dir, cmd.Env = r.home, r.sys.Environ()
	if dl, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod download: %v\n%s", err, dl)
	}
	if proxy.Hits("/example.com/dep/@v/v1.0.0.zip") != 1 || proxy.Hits("/sumdb/sum.test/supported") == 0 {
		t.Errorf("the download did not go through the mirror and its database")
	}
}

func TestUseDryRunAndRefusalsWriteNothing(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	start := r.files(t)
	for _, c := range []struct {
		args  []string
		stdin string
		code  int
	}{
		{[]string{"use", "https://goproxy.cn", "--force", "--dry-run"}, "", 0},
		{[]string{"use", "https://goproxy.cn", "--force"}, "n\n", 0},
		{[]string{"use", "https://goproxy.cn", "--force"}, "", 0}, // end of input is no
		{[]string{"use", "goproxy.example"}, "", 2},
		{[]string{"use", "ftp://goproxy.example"}, "", 2},
		{[]string{"use", "https://"}, "", 2},
		{[]string{"use", "goproxy.cn", "--sumdb", "sum.goproxy.cn"}, "", 2},
		{[]string{"use"}, "", 2},
	} {
		out, code := r.run(t, c.stdin, c.args...)
		if code != c.code {
			t.Errorf("%q: exit %d, want %d\n%s", c.args, code, c.code, out)
		}
		sameFiles(t, strings.Join(c.args, " "), start, r.files(t))
	}
	if out, _ := r.run(t, "", "use", "goproxy.cn", "--force", "--dry-run"); !strings.Contains(out, "+ GOPROXY=https://goproxy.cn,direct") || !strings.Contains(out, "dry run: nothing written") {
		t.Errorf("dry run output:\n%s", out)
	}
}

func TestChangesUndoneInOrder(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	r.sys.Env["PATH"] = filepath.Dir(r.gobin) // GOPATH/bin is not on PATH
	states := []map[string]string{r.files(t)}
	steps := [][]string{
		{"use", "goproxy.cn", "--force", "--yes"},
		{"use", "https://goproxy.io", "--force", "--sumdb", "sum.golang.google.cn", "--yes"},
		{"fix", "go.path", "--yes"},
	}
	for _, s := range steps {
		if out, code := r.run(t, "", s...); code != 0 {
			t.Fatalf("%q: exit %d\n%s", s, code, out)
		}
		now := r.files(t)
		if !strings.HasPrefix(now[filepath.Join(r.home, ".bashrc")], userBashrc) {
			t.Fatalf("%q lost the user's .bashrc lines", s)
		}
		states = append(states, now)
	}
	if got := r.goEnv(t, "GOPROXY"); got != "https://goproxy.io,direct" {
		t.Errorf("GOPROXY = %q", got)
	}
	if b := states[3][filepath.Join(r.home, ".bashrc")]; !strings.Contains(b, `export PATH="`+filepath.Join(r.home, "gopath", "bin")+`:$PATH"`) {
		t.Errorf("no PATH block:\n%s", b)
	}
	for i := len(steps) - 1; i >= 0; i-- {
		if out, code := r.run(t, "", "undo"); code != 0 {
			t.Fatalf("undo %d: exit %d\n%s", i, code, out)
		}
		sameFiles(t, "after undoing "+strings.Join(steps[i], " "), states[i], r.files(t))
	}
	if out, code := r.run(t, "", "undo"); code != 1 || !strings.Contains(out, "nothing to undo") {
		t.Errorf("undo of nothing: exit %d\n%s", code, out)
	}
}

func TestUndoAsksBeforeLosingHandEdits(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	if out, code := r.run(t, "", "use", "goproxy.cn", "--force", "--yes"); code != 0 {
		t.Fatal(out)
	}
	envFile := filepath.Join(r.home, ".config", "go", "env")
	os.WriteFile(envFile, []byte("GOPROXY=https://mine.example\n"), 0o644)
	if out, code := r.run(t, "n\n", "undo"); code != 1 || !strings.Contains(out, "changed by hand") {
		t.Errorf("exit %d\n%s", code, out)
	}
	if data, _ := os.ReadFile(envFile); string(data) != "GOPROXY=https://mine.example\n" {
		t.Errorf("hand edit lost: %q", data)
	}
	if out, code := r.run(t, "y\n", "undo"); code != 0 {
		t.Errorf("exit %d\n%s", code, out)
	}
	if _, err := os.Stat(envFile); !os.IsNotExist(err) {
		t.Errorf("the go env file godoctor created is still there")
	}
}

func TestFixPicksTheFastestVerifiedMirror(t *testing.T) {
	t.Parallel()
	good := testproxy.New(t, "sum.test", probeModule)
	altered := testproxy.New(t, "sum.test", probeModule)
	altered.SetFault(testproxy.Fault{AlterZip: true})
	broken := testproxy.New(t, "sum.test", probeModule)
	broken.SetFault(testproxy.Fault{Status: 502})
	r := newRealMachine(t)
	os.MkdirAll(filepath.Join(r.home, ".config", "go"), 0o755)
	os.WriteFile(filepath.Join(r.home, ".config", "go", "env"), []byte("GOPROXY="+broken.URL+",direct\nGOSUMDB="+good.SumDBKey+"\n"), 0o644)
	os.MkdirAll(filepath.Join(r.home, ".config", "godoctor"), 0o755)
	os.WriteFile(filepath.Join(r.home, ".config", "godoctor", "mirrors.json"),
		[]byte(`{"mirrors": [{"name": "altered", "url": "`+altered.URL+`"}, {"name": "good", "url": "`+good.URL+`"}]}`), 0o644)
	out, code := r.run(t, "", "fix", "net.proxy", "--yes", "--timeout", "2s")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if got := r.goEnv(t, "GOPROXY"); got != good.URL+",direct" {
		t.Errorf("GOPROXY = %q\n%s", got, out)
	}
	if !strings.Contains(out, "Use the fastest verified mirror: good") {
		t.Errorf("output:\n%s", out)
	}
}

// TestUseOnWindowsRemovesTheUserVariable: on Windows a GOPROXY that the
// user environment sets would override go env -w in every new terminal,
// so use removes it there (previewed, undoable) and writes the go env
// file.
func TestUseOnWindowsRemovesTheUserVariable(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	u := r.sys.UserEnv.(*fakesys.UserEnv)
	r.sys.GOOS = "windows"
	appData := filepath.Join(r.home, "AppData", "Roaming")
	r.sys.Env["AppData"] = appData
	r.sys.Env["GOPROXY"] = "https://bad.example"
	u.Set("GOPROXY", "https://bad.example")

	out, code := r.run(t, "", "use", "https://goproxy.cn", "--force", "--yes")
	if code != 0 || !strings.Contains(out, `GOPROXY in your user environment (HKCU\Environment) overrides go env -w`) || !strings.Contains(out, `HKCU\Environment\GOPROXY (removed)`) {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if _, ok, _ := u.Get("GOPROXY"); ok {
		t.Error("GOPROXY is still in the user environment")
	}
	if b, _ := os.ReadFile(filepath.Join(appData, "go", "env")); !strings.Contains(string(b), "GOPROXY=https://goproxy.cn,direct") {
		t.Errorf("go env file:\n%s", b)
	}
	if _, code := r.run(t, "", "undo"); code != 0 {
		t.Fatal("undo failed")
	}
	if v, _, _ := u.Get("GOPROXY"); v != "https://bad.example" {
		t.Errorf("after undo GOPROXY = %q", v)
	}
}

// A profile that exports a mirror and its checksum database together
// keeps neither once use moves GOPROXY to the go env file: GOSUMDB goes
// with it, with its value, and the real go command reads both from the file.
func TestUseMovesThePairTogether(t *testing.T) {
	t.Parallel()
	proxy := testproxy.New(t, "sum.test", probeModule, testproxy.Module{Path: "example.com/dep", Version: "v1.0.0", Files: map[string]string{"dep.go": "package dep\n"}})
	r := newRealMachine(t)
	os.WriteFile(filepath.Join(r.home, ".bashrc"), []byte(userBashrc+"export GOPROXY=https://old.example\nexport GOSUMDB="+proxy.SumDBKey+"\n"), 0o644)
	r.sys.Env["GOPROXY"], r.sys.Env["GOSUMDB"] = "https://old.example", proxy.SumDBKey
	out, code := r.run(t, "", "use", proxy.URL, "--yes")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	bashrc, _ := os.ReadFile(filepath.Join(r.home, ".bashrc"))
	if !strings.Contains(string(bashrc), "# export GOPROXY=") || !strings.Contains(string(bashrc), "# export GOSUMDB=") {
		t.Errorf(".bashrc keeps half of the pair:\n%s", bashrc)
	}
	delete(r.sys.Env, "GOPROXY") // a new shell
	delete(r.sys.Env, "GOSUMDB")
	if got := r.goEnv(t, "GOSUMDB"); got != proxy.SumDBKey {
		t.Errorf("GOSUMDB in the go env file = %q", got)
	}
	cmd := exec.Command(r.gobin, "mod", "download", "example.com/dep@v1.0.0")
	cmd.Dir, cmd.Env = r.home, r.sys.Environ()
	if dl, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("go mod download in a new shell: %v\n%s", err, dl)
	}
}

// TestUseTriesTheMirrorFirst: use has the go command download through the
// mirror, on a copy of the machine, before it writes anything; a mirror
// that fails there is refused with the reason (DNS, TLS, 403), and
// --force writes it anyway. One that works is written, and the before and
// after include the online checks.
func TestUseTriesTheMirrorFirst(t *testing.T) {
	t.Parallel()
	good := testproxy.New(t, "sum.test", probeModule)
	forbidden := testproxy.New(t, "sum.test", probeModule)
	forbidden.SetFault(testproxy.Fault{Status: http.StatusForbidden})
	untrusted := testproxy.NewTLS(t, "sum.test", probeModule)
	r := newRealMachine(t)
	r.sys.Env["GOSUMDB"] = good.SumDBKey
	start := r.files(t)
	for _, c := range []struct{ mirror, reason string }{
		{"https://nowhere.invalid", "does not resolve"},
		{forbidden.URL, "refuses access (403)"},
		{untrusted.URL, "TLS certificate is not trusted"},
	} {
		out, code := r.run(t, "", "use", c.mirror, "--yes", "--timeout", "2s")
		if code != exitFailed || !strings.Contains(out, "not written") || !strings.Contains(out, c.reason) {
			t.Errorf("use %s: exit %d\n%s", c.mirror, code, out)
		}
		sameFiles(t, "after use "+c.mirror, start, r.files(t))
	}
	out, code := r.run(t, "", "use", forbidden.URL, "--yes", "--force", "--timeout", "2s")
	if code != exitOK || !strings.Contains(out, "written anyway (--force)") || r.goEnv(t, "GOPROXY") != forbidden.URL+",direct" {
		t.Errorf("--force: exit %d\n%s", code, out)
	}
	out, code = r.run(t, "", "use", good.URL, "--yes", "--timeout", "2s")
	if code != exitOK || !strings.Contains(out, "works through it") || !strings.Contains(out, "Module proxies answer") || r.goEnv(t, "GOPROXY") != good.URL+",direct" {
		t.Errorf("a good mirror: exit %d\n%s", code, out)
	}
}

// TestFixMovesTheChecksumDatabaseWithTheMirror: GOPROXY's proxy and the
// checksum database's explicit URL both do not answer; the fastest
// verified mirror (here the user's own, from mirrors.json) becomes the
// proxy, and GOSUMDB loses the URL that would keep it going around the
// mirror. The plan is proven before it is written, and the go command
// downloads in a new shell afterwards.
func TestFixMovesTheChecksumDatabaseWithTheMirror(t *testing.T) {
	t.Parallel()
	good := testproxy.New(t, "sum.test", probeModule)
	r := newRealMachine(t)
	os.MkdirAll(filepath.Join(r.home, ".config", "go"), 0o755)
	os.WriteFile(filepath.Join(r.home, ".config", "go", "env"), []byte("GOPROXY=http://127.0.0.1:1,direct\nGOSUMDB="+good.SumDBKey+" http://127.0.0.1:1\n"), 0o644)
	os.MkdirAll(filepath.Join(r.home, ".config", "godoctor"), 0o755)
	os.WriteFile(filepath.Join(r.home, ".config", "godoctor", "mirrors.json"), []byte(`{"mirrors": [{"name": "company", "url": "`+good.URL+`"}]}`), 0o644)
	delete(r.sys.Env, "GOPROXY")
	out, code := r.run(t, "", "fix", "--yes", "--timeout", "2s")
	if code != exitOK {
		t.Fatalf("fix: exit %d\n%s", code, out)
	}
	if got := r.goEnv(t, "GOPROXY"); got != good.URL+",direct" {
		t.Errorf("GOPROXY=%q\n%s", got, out)
	}
	if got := r.goEnv(t, "GOSUMDB"); got != good.SumDBKey {
		t.Errorf("GOSUMDB=%q\n%s", got, out)
	}
	cmd := exec.Command(r.gobin, "mod", "download", probeModule.Path+"@"+probeModule.Version)
	cmd.Dir, cmd.Env = r.home, r.sys.Environ()
	if got, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod download after the fix: %v\n%s", err, got)
	}
}

// TestFixSaysWhatStillFails: a fix that mends one thing while another
// (a go.mod only a person can mend) still stops the go command ends with
// exit 1 and names the checks that still fail.
func TestFixSaysWhatStillFails(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	dir := filepath.Join(r.home, "m")
	writeModule(t, dir, "1.21")
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n\ngo 1.21\n\nrequire (\n"), 0o644)
	r.sys.Dir = dir
	os.WriteFile(filepath.Join(r.home, ".bashrc"), []byte(userBashrc+"export GOFLAGS=-nosuchflag\n"), 0o644)
	r.sys.Env["GOFLAGS"] = "-nosuchflag"
	out, code := r.run(t, "", "fix", "--yes", "--timeout", "1s")
	if code != exitFailed || !strings.Contains(out, "still failing after the fix") || !strings.Contains(out, "go.version") {
		t.Errorf("exit %d\n%s", code, out)
	}
	if data, _ := os.ReadFile(filepath.Join(r.home, ".bashrc")); !strings.Contains(string(data), "# export GOFLAGS=-nosuchflag") {
		t.Errorf("the fix that works was not made:\n%s", data)
	}
}
