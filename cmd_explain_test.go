package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/testproxy"
)

// goFails runs the real go command on the machine, in dir, and returns
// what it printed (stdout and stderr, as go build 2>&1 gives them); the
// command must fail.
func (r *realMachine) goFails(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(r.gobin, args...)
	cmd.Dir, cmd.Env = dir, r.sys.Environ()
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("go %s succeeded:\n%s", strings.Join(args, " "), out)
	}
	return string(out)
}

// explain runs godoctor explain --json on text given on stdin.
func (r *realMachine) explain(t *testing.T, text string, args ...string) ([]explained, int) {
	t.Helper()
	got, code := r.explainReport(t, text, args...)
	return got.Findings, code
}

// explainReport runs godoctor explain --json on text given on stdin and
// returns its whole answer.
func (r *realMachine) explainReport(t *testing.T, text string, args ...string) (explainReport, int) {
	t.Helper()
	var out, errb strings.Builder
	err := run(context.Background(), r.sys, append([]string{"explain", "--json"}, args...), strings.NewReader(text), &out, &errb)
	code := exitCode(err, &errb)
	var got explainReport
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
		t.Fatalf("exit %d, %v\n%s%s", code, err, out.String(), errb.String())
	}
	return got, code
}

// gitRepo makes github.com/corp/lib a local git repository with the tag
// v1.0.0, which git reaches through an insteadOf rewrite of prefix in the
// machine's ~/.gitconfig, as companies rewrite hosts to mirrors.
func gitRepo(t *testing.T, r *realMachine, prefix string) {
	t.Helper()
	repos := filepath.Join(r.home, "repos")
	work := filepath.Join(r.home, "lib")
	writeModule(t, work, "1.21")
	os.WriteFile(filepath.Join(work, "go.mod"), []byte("module github.com/corp/lib\n\ngo 1.21\n"), 0o644)
	os.WriteFile(filepath.Join(work, "lib.go"), []byte("package lib\n"), 0o644)
	for _, args := range [][]string{
		{"init", "-q", "--bare", filepath.Join(repos, "corp", "lib")},
		{"-C", work, "init", "-q"},
		{"-C", work, "add", "."},
		{"-C", work, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "v1"},
		{"-C", work, "tag", "v1.0.0"},
		{"-C", work, "push", "-q", filepath.Join(repos, "corp", "lib"), "HEAD:refs/heads/main", "v1.0.0"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Env = r.sys.Environ()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Skipf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	os.WriteFile(filepath.Join(r.home, ".gitconfig"), []byte("[url \"file://"+repos+"/\"]\n\tinsteadOf = "+prefix+"\n"), 0o644)
}

// closedPort is a loopback address that takes no connections.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// writeModule writes a main module in dir requiring reqs (PATH VERSION).
func writeModule(t *testing.T, dir, goVersion string, reqs ...string) {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	gomod := "module example.com/m\n\ngo " + goVersion + "\n"
	for _, r := range reqs {
		gomod += "\nrequire " + r + "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestExplainWhatTheGoCommandSaid provokes each failure with the real go
// command in a sandbox, feeds what it printed to explain, and requires the
// family, the module it names, and whether a check confirms the cause on
// the same machine.
func TestExplainWhatTheGoCommandSaid(t *testing.T) {
	t.Parallel()
	mods := []testproxy.Module{{Path: "example.com/lib", Version: "v1.0.0", Files: map[string]string{"lib.go": "package lib\n"}}}
	for _, c := range []struct {
		name    string
		provoke func(t *testing.T, r *realMachine, p *testproxy.Server) string
		family  string
		module  string
		verdict string
		fix     string // a fix command that must be offered
		args    []string
		// after changes the machine between the failure and explain: the
		// log then comes from another set-up.
		after     func(r *realMachine, p *testproxy.Server)
		elsewhere string // a note explain must make first
	}{{
		name: "GOPROXY=off",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = "off"
			return r.goFails(t, r.home, "mod", "download", "example.com/lib@v1.0.0")
		},
		family: "goproxy-off", module: "example.com/lib", verdict: verdictConfirmed, fix: "unset GOPROXY", args: []string{"--offline"},
	}, {
		name: "a GOPROXY entry without a scheme",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = "ftp://" + strings.TrimPrefix(p.URL, "http://")
			return r.goFails(t, r.home, "mod", "download", "example.com/lib@v1.0.0")
		},
		family: "invalid-goproxy", module: "example.com/lib", verdict: verdictConfirmed, args: []string{"--offline"},
	}, {
		name: "410 Gone from the only proxy",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = p.URL
			p.SetFault(testproxy.Fault{Status: 410})
			t.Cleanup(func() { p.SetFault(testproxy.Fault{}) })
			return r.goFails(t, r.home, "mod", "download", "example.com/lib@v1.0.0")
		},
		family: "proxy-not-found", module: "example.com/lib", verdict: verdictConfirmed, args: []string{"--offline"},
	}, {
		name: "a proxy that takes no connections",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = "http://" + closedPort(t)
			return r.goFails(t, r.home, "mod", "download", "example.com/lib@v1.0.0")
		},
		family: "proxy-unreachable", module: "example.com/lib", verdict: verdictConfirmed, args: []string{"--timeout", "2s"},
	}, {
		name: "HTTPS_PROXY at a closed port",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = "https://proxy.invalid"
			r.sys.Env["HTTPS_PROXY"] = "http://" + closedPort(t)
			return r.goFails(t, r.home, "mod", "download", "example.com/lib@v1.0.0")
		},
		family: "http-proxy-unreachable", module: "example.com/lib", verdict: verdictConfirmed, args: []string{"--offline"},
	}, {
		name: "a self-signed TLS proxy",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			tls := httptest.NewUnstartedServer(p.Config.Handler)
			tls.Config.ErrorLog = log.New(io.Discard, "", 0) // the go command's refused handshakes
			tls.StartTLS()
			t.Cleanup(tls.Close)
			r.sys.Env["GOPROXY"] = tls.URL
			return r.goFails(t, r.home, "mod", "download", "example.com/lib@v1.0.0")
		},
		family: "x509-unknown-authority", module: "example.com/lib", verdict: verdictConfirmed, args: []string{"--timeout", "2s"},
	}, {
		name: "a toolchain that does not exist",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = p.URL
			r.sys.Env["GOTOOLCHAIN"] = "go1.99.0"
			return r.goFails(t, r.home, "version")
		},
		family: "toolchain-unavailable", verdict: verdictConfirmed, args: []string{"--timeout", "2s"},
	}, {
		name: "go 1.99 with GOTOOLCHAIN=local",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = p.URL
			dir := filepath.Join(r.home, "m")
			writeModule(t, dir, "1.99")
			r.sys.Dir = dir
			return r.goFails(t, dir, "list")
		},
		family: "go-version-too-old", verdict: verdictConfirmed, args: []string{"--offline"},
	}, {
		name: "GOFLAGS=-nosuchflag",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = p.URL
			r.sys.Env["GOFLAGS"] = "-nosuchflag"
			return r.goFails(t, r.home, "list", "std")
		},
		family: "goflags-invalid", verdict: verdictConfirmed, args: []string{"--offline"},
	}, {
		name: "a vendor directory behind go.mod",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = p.URL
			dir := filepath.Join(r.home, "m")
			writeModule(t, dir, "1.21", "example.com/lib v1.0.0")
			os.MkdirAll(filepath.Join(dir, "vendor"), 0o755)
			os.WriteFile(filepath.Join(dir, "vendor", "modules.txt"), []byte("# example.com/lib v0.9.0\n## explicit\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "m.go"), []byte("package m\n"), 0o644)
			r.sys.Dir = dir
			return r.goFails(t, dir, "build", "./...")
		},
		family: "vendor-inconsistent", verdict: verdictConfirmed, args: []string{"--offline"},
	}, {
		name: "a checksum database that takes no connections",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = p.URL
			r.sys.Env["GOSUMDB"] = p.SumDBKey + " http://" + closedPort(t)
			p.SetFault(testproxy.Fault{NoSumDB: true})
			t.Cleanup(func() { p.SetFault(testproxy.Fault{}) })
			return r.goFails(t, r.home, "mod", "download", "example.com/lib@v1.0.0")
		},
		family: "sumdb-unreachable", module: "example.com/lib", verdict: verdictConfirmed, args: []string{"--timeout", "2s"},
	}, {
		name: "a tag that was never pushed",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			gitRepo(t, r, "https://github.com/")
			r.sys.Env["GOPRIVATE"] = "github.com/corp"
			return r.goFails(t, r.home, "mod", "download", "github.com/corp/lib@v9.9.9")
		},
		family: "unknown-revision", module: "github.com/corp/lib", verdict: verdictNotChecked, args: []string{"--offline"},
	}, {
		name: "git without credentials",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			locked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				w.Header().Set("WWW-Authenticate", `Basic realm="corp"`)
				w.WriteHeader(http.StatusUnauthorized)
			}))
			t.Cleanup(locked.Close)
			os.WriteFile(filepath.Join(r.home, ".gitconfig"), []byte("[url \""+locked.URL+"/\"]\n\tinsteadOf = https://github.com/\n"), 0o644)
			r.sys.Env["GOPRIVATE"] = "github.com/corp"
			return r.goFails(t, r.home, "mod", "download", "github.com/corp/secret@v1.0.0")
		},
		family: "private-repo-auth", module: "github.com/corp/secret", verdict: verdictNotChecked, args: []string{"--offline"},
	}} {
		t.Run(c.name, func(t *testing.T) {
			r := newRealMachine(t)
			p := testproxy.New(t, "sum.test", mods...)
			r.sys.Env["GOSUMDB"] = p.SumDBKey
			said := c.provoke(t, r, p)
			if c.after != nil {
				c.after(r, p)
			}
			got, code := r.explainReport(t, said, c.args...)
			found := got.Findings
			if code != 0 || len(found) == 0 {
				t.Fatalf("exit %d, %d findings for:\n%s", code, len(found), said)
			}
			e := found[0]
			if e.Family != c.family || e.Module != c.module || e.Verdict != c.verdict || e.Confirmed != (c.verdict == verdictConfirmed) {
				t.Errorf("family %s, module %q, %s; want %s, %q, %s\ngo said:\n%s\nevidence: %+v\noperation: %+v", e.Family, e.Module, e.Verdict, c.family, c.module, c.verdict, said, e.Evidence, e.Operation)
			}
			if c.elsewhere != "" && !strings.Contains(strings.Join(got.Elsewhere, "\n"), c.elsewhere) {
				t.Errorf("elsewhere %q, want %q", got.Elsewhere, c.elsewhere)
			}
			if !strings.Contains(said, e.Quote) || len(e.Causes) == 0 || len(e.Checks) == 0 {
				t.Errorf("quote %q, causes %q, checks %q", e.Quote, e.Causes, e.Checks)
			}
			if c.fix != "" {
				var cmds []string
				for _, f := range e.Fixes {
					cmds = append(cmds, f.Command)
				}
				if !strings.Contains(strings.Join(cmds, "\n"), c.fix) {
					t.Errorf("fixes %q, want %q", cmds, c.fix)
				}
			}
		})
	}
}

// TestExplainChecksumMismatchInThePollutedCache: the go command refuses a
// version whose cached zip a mirror altered while GOSUMDB was off; explain
// ties its text to the cache and proposes to clean exactly that version.
func TestExplainChecksumMismatchInThePollutedCache(t *testing.T) {
	t.Parallel()
	c := newCacheMachine(t)
	c.requireAll(t, "example.com/altered")
	said := c.goFails(t, c.sys.Dir, "mod", "download", "example.com/altered")
	found, code := c.explain(t, said)
	if code != 0 || len(found) != 1 {
		t.Fatalf("exit %d, findings %+v for:\n%s", code, found, said)
	}
	e := found[0]
	if e.Family != "checksum-mismatch" || e.Module != "example.com/altered" || !e.Confirmed || len(e.Fixes) != 1 || e.Fixes[0].Command != "godoctor cache clean example.com/altered@v1.0.0" {
		t.Errorf("%+v\ngo said:\n%s", e, said)
	}
	// The fix, then the go command: it downloads and verifies again.
	if out, code := c.run(t, "y\n", strings.Fields(e.Fixes[0].Command)[1:]...); code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	c.goCmd(t, nil, "mod", "download", "example.com/altered@v1.0.0")

	// A version outside the build list is found by its name alone.
	c.requireAll(t, "example.com/clean")
	found, _ = c.explain(t, "verifying example.com/edited@v1.0.0: checksum mismatch", "--offline")
	if len(found) != 1 || !found[0].Confirmed || found[0].Fixes[0].Command != "godoctor cache clean example.com/edited@v1.0.0" {
		t.Errorf("by name: %+v", found)
	}
}

// TestExplainMatchesNoOrdinaryFailure: compile errors, failing tests and
// chatter are not failures of the set-up, and get exit 1 with a pointer to
// godoctor check, never a guess.
func TestExplainMatchesNoOrdinaryFailure(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	r.sys.Env["GOPROXY"] = "off"
	dir := filepath.Join(r.home, "m")
	writeModule(t, dir, "1.21")
	os.WriteFile(filepath.Join(dir, "m.go"), []byte("package m\n\nfunc F() int { return undefinedThing }\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "m_test.go"), []byte("package m\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) { t.Fatal(\"expected 1, got 2: https://example.com/docs\") }\n"), 0o644)
	compile := r.goFails(t, dir, "build", "./...")
	os.WriteFile(filepath.Join(dir, "m.go"), []byte("package m\n"), 0o644)
	test := r.goFails(t, dir, "test", "./...")
	for name, text := range map[string]string{"compile": compile, "test": test, "chatter": "go: downloading example.com/lib v1.0.0\nok  \texample.com/m\t0.01s\n"} {
		var out strings.Builder
		err := run(context.Background(), r.sys, []string{"explain"}, strings.NewReader(text), &out, &out)
		if code := exitCode(err, &out); code != exitFailed || !strings.Contains(out.String(), "godoctor check") {
			t.Errorf("%s: exit %d\n%s\nfor:\n%s", name, code, out.String(), text)
		}
	}
}

func TestExplainBadInput(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	r.sys.Env["GOPROXY"] = "off"
	if out, code := r.run(t, "", "explain"); code != exitUsage || !strings.Contains(out, "nothing to explain") {
		t.Errorf("empty stdin: exit %d\n%s", code, out)
	}
	if out, code := r.run(t, " \n\t\n", "explain"); code != exitUsage {
		t.Errorf("blank stdin: exit %d\n%s", code, out)
	}
	// 20 MB of log with one failure near the start: read up to the cap,
	// said so, and answered.
	big := "go: example.com/lib@v1.0.0: module lookup disabled by GOPROXY=off\n" + strings.Repeat("some build output line that means nothing\n", 500_000)
	out, code := r.run(t, big, "explain", "--offline")
	if code != 0 || !strings.Contains(out, "goproxy-off") || !strings.Contains(out, "16 MiB") {
		t.Errorf("big paste: exit %d\n%.500s", code, out)
	}
	// The text as arguments, and binary noise.
	if _, code := r.run(t, "", "explain", "--offline", "go: parsing $GOFLAGS: unknown flag -x"); code != 0 {
		t.Errorf("argument: exit %d", code)
	}
	if _, code := r.run(t, "\x00\xff\xfe"+strings.Repeat("\x01", 10000), "explain"); code != exitFailed {
		t.Errorf("binary: exit %d", code)
	}
}

// TestExplainGroupsAFamily: a log that names many modules with the same
// failure gets one finding that lists them, the first traced, in bounded
// time; the text says it once, with the modules under it.
func TestExplainGroupsAFamily(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	r.sys.Env["GOPROXY"] = "off"
	var log strings.Builder
	for i := range 40 {
		fmt.Fprintf(&log, "go: example.com/m%02d@v1.0.0: module lookup disabled by GOPROXY=off\n", i)
		fmt.Fprintf(&log, "go: example.com/m%02d@v1.0.0: module lookup disabled by GOPROXY=off\n", i)
	}
	found, code := r.explain(t, log.String(), "--offline")
	if code != 0 || len(found) != 1 {
		t.Fatalf("exit %d, %d findings", code, len(found))
	}
	if e := found[0]; e.Lines != 80 || len(e.Modules) != 40 || e.Modules[39].Module != "example.com/m39" || e.Route == nil {
		t.Errorf("lines %d, %d modules, traced %v", e.Lines, len(e.Modules), e.Route != nil)
	}
	out, code := r.run(t, log.String(), "explain", "--offline")
	if code != 0 || strings.Count(out, "goproxy-off") != 1 || !strings.Contains(out, "80 lines, first at line 1") ||
		!strings.Contains(out, "example.com/m00@v1.0.0, example.com/m01@v1.0.0") || !strings.Contains(out, "and 30 more") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// otherArch is a GOARCH whose programs this machine cannot run.
func otherArch() string {
	if runtime.GOARCH == "arm64" {
		return "amd64"
	}
	return "arm64"
}

// mainModule writes a module with a main package in dir and makes it the
// machine's working directory.
func mainModule(t *testing.T, r *realMachine, dir string, reqs ...string) {
	t.Helper()
	writeModule(t, dir, "1.21", reqs...)
	src := "package main\n\nfunc main() {}\n"
	if len(reqs) > 0 {
		src = "package main\n\nimport _ \"" + strings.Fields(reqs[0])[0] + "\"\n\nfunc main() {}\n"
	}
	os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644)
	r.sys.Dir = dir
}

// tidy runs go mod tidy in the machine's working directory.
func tidy(t *testing.T, r *realMachine) {
	t.Helper()
	cmd := exec.Command(r.gobin, "mod", "tidy")
	cmd.Dir, cmd.Env = r.sys.Dir, r.sys.Environ()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
}

// TestExplainEveryFamilyOnARealMachine: for each family the table added
// from the go command's sources, a machine set up to fail that way, the
// real go command's output, and explain on the same machine: it names the
// family, shows the setting that causes it with its value here, and the
// go command reproduces it (confirmed here). Offline where the failure
// needs no network; the network ones go to loopback servers that
// misbehave as a company proxy, a private proxy or a portal does.
func TestExplainEveryFamilyOnARealMachine(t *testing.T) {
	t.Parallel()
	lib := testproxy.Module{Path: "example.com/lib", Version: "v1.0.0", Files: map[string]string{"lib.go": "package lib\n"}}
	for _, c := range []struct {
		name    string
		provoke func(t *testing.T, r *realMachine, p *testproxy.Server) string
		family  string
		setting string // NAME=VALUE explain must show
		args    []string
	}{{
		name: "GOFLAGS=-insecure",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOFLAGS"] = "-insecure"
			return r.goFails(t, r.home, "get", "example.com/lib@v1.0.0")
		},
		family: "goflags-insecure", setting: "GOFLAGS=-insecure", args: []string{"--offline"},
	}, {
		name: "GO111MODULE=off",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GO111MODULE"] = "off"
			return r.goFails(t, r.home, "get", "example.com/lib@v1.0.0")
		},
		family: "go111module-off", setting: "GO111MODULE=off", args: []string{"--offline"},
	}, {
		name: "GOCACHE=off",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOCACHE"] = "off"
			mainModule(t, r, filepath.Join(r.home, "m"))
			return r.goFails(t, r.sys.Dir, "build", ".")
		},
		family: "gocache-unusable", setting: "GOCACHE=off", args: []string{"--offline"},
	}, {
		name: "a relative GOBIN",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOBIN"] = "bin"
			mainModule(t, r, filepath.Join(r.home, "m"))
			return r.goFails(t, r.sys.Dir, "install", ".")
		},
		family: "gobin-relative", setting: "GOBIN=bin", args: []string{"--offline"},
	}, {
		name: "a relative GOPATH",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPATH"] = "gp"
			return r.goFails(t, r.home, "list", "std")
		},
		family: "gopath-invalid", setting: "GOPATH=gp", args: []string{"--offline"},
	}, {
		name: "a relative GOMODCACHE",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = p.URL
			mainModule(t, r, filepath.Join(r.home, "m"), "example.com/lib v1.0.0")
			tidy(t, r)
			r.sys.Env["GOMODCACHE"] = "mc"
			return r.goFails(t, r.sys.Dir, "build", ".")
		},
		family: "modcache-unusable", setting: "GOMODCACHE=mc", args: []string{"--offline"},
	}, {
		name: "a GOROOT that is not there",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOROOT"] = filepath.Join(r.home, "go1.20")
			return r.goFails(t, r.home, "version")
		},
		family: "goroot-invalid", setting: "GOROOT=" + "", args: []string{"--offline"},
	}, {
		name: "TMPDIR removed",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["TMPDIR"] = filepath.Join(r.home, "gone")
			mainModule(t, r, filepath.Join(r.home, "m"))
			return r.goFails(t, r.sys.Dir, "build", ".")
		},
		family: "tmpdir-missing", args: []string{"--offline"},
	}, {
		name: "a GOEXPERIMENT this go does not have",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOEXPERIMENT"] = "bogus"
			return r.goFails(t, r.home, "list", "std")
		},
		family: "build-config-invalid", setting: "GOEXPERIMENT=bogus", args: []string{"--offline"},
	}, {
		name: "GOARCH left for another machine",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOARCH"] = otherArch()
			mainModule(t, r, filepath.Join(r.home, "m"))
			return r.goFails(t, r.sys.Dir, "run", ".")
		},
		family: "exec-format", setting: "GOARCH=" + otherArch(), args: []string{"--offline"},
	}, {
		name: "GOTOOLCHAIN=bogus",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOTOOLCHAIN"] = "bogus"
			return r.goFails(t, r.home, "list", "std")
		},
		family: "gotoolchain-invalid", setting: "GOTOOLCHAIN=bogus", args: []string{"--offline"},
	}, {
		name: "a go.work that leaves the module out",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			for _, m := range []string{"a", "b"} {
				mainModule(t, r, filepath.Join(r.home, "w", m))
			}
			os.WriteFile(filepath.Join(r.home, "w", "go.work"), []byte("go 1.21\n\nuse ./a\n"), 0o644)
			return r.goFails(t, r.sys.Dir, "build", ".")
		},
		family: "workspace-invalid", setting: "GOWORK=", args: []string{"--offline"},
	}, {
		name: "a go.mod that needs an update",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = p.URL
			mainModule(t, r, filepath.Join(r.home, "m"), "example.com/lib v1.0")
			return r.goFails(t, r.sys.Dir, "build", ".")
		},
		family: "gomod-update-needed", args: []string{"--timeout", "2s"},
	}, {
		name: "a damaged zip in the module cache",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = p.URL
			mainModule(t, r, filepath.Join(r.home, "m"), "example.com/lib v1.0.0")
			tidy(t, r)
			mc := r.goEnv(t, "GOMODCACHE")
			os.RemoveAll(filepath.Join(mc, "example.com", "lib@v1.0.0"))
			zip := filepath.Join(mc, "cache", "download", "example.com", "lib", "@v", "v1.0.0.zip")
			data, _ := os.ReadFile(zip)
			os.WriteFile(zip, data[:len(data)/3], 0o644)
			return r.goFails(t, r.sys.Dir, "build", ".")
		},
		family: "modcache-corrupt", args: []string{"--offline"},
	}, {
		name: "a cgo package with CGO_ENABLED=0",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["CGO_ENABLED"] = "0"
			mainModule(t, r, filepath.Join(r.home, "m"))
			os.WriteFile(filepath.Join(r.sys.Dir, "main.go"), []byte("package main\n\nimport _ \"example.com/m/c\"\n\nfunc main() {}\n"), 0o644)
			os.MkdirAll(filepath.Join(r.sys.Dir, "c"), 0o755)
			os.WriteFile(filepath.Join(r.sys.Dir, "c", "c.go"), []byte("package c\n\n// int one(void) { return 1; }\nimport \"C\"\n\nfunc One() int { return int(C.one()) }\n"), 0o644)
			return r.goFails(t, r.sys.Dir, "build", "./...")
		},
		family: "cgo-disabled", setting: "CGO_ENABLED=0", args: []string{"--offline"},
	}, {
		name: "a C compiler that is not there",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["CGO_ENABLED"] = "1"
			r.sys.Env["CC"] = filepath.Join(r.home, "no-cc")
			mainModule(t, r, filepath.Join(r.home, "m"))
			os.WriteFile(filepath.Join(r.sys.Dir, "main.go"), []byte("package main\n\nimport _ \"net\"\n\nfunc main() {}\n"), 0o644)
			return r.goFails(t, r.sys.Dir, "build", ".")
		},
		family: "cc-missing", setting: "CC=" + "", args: []string{"--offline"},
	}, {
		name: "a .git that git cannot read",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			if _, err := exec.LookPath("git"); err != nil {
				t.Skip("no git")
			}
			mainModule(t, r, filepath.Join(r.home, "m"))
			os.MkdirAll(filepath.Join(r.sys.Dir, ".git"), 0o755)
			return r.goFails(t, r.sys.Dir, "build", ".")
		},
		family: "vcs-stamping", args: []string{"--offline"},
	}, {
		name: "a company proxy that wants credentials",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			hp := testproxy.NewHTTPProxy(t)
			hp.Map("proxy.test", strings.TrimPrefix(p.URL, "http://"))
			hp.SetAuth("Basic Ym9iOnB3")
			r.sys.Env["HTTP_PROXY"], r.sys.Env["HTTPS_PROXY"] = hp.URL, hp.URL
			r.sys.Env["GOPROXY"] = "http://proxy.test"
			r.sys.HTTP = testproxy.ClientThrough(hp)
			return r.goFails(t, r.home, "mod", "download", "example.com/lib@v1.0.0")
		},
		family: "http-proxy-auth", setting: "HTTP_PROXY=http://127.0.0.1", args: []string{"--timeout", "2s"},
	}, {
		name: "a private proxy that wants credentials",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = p.URL
			p.SetFault(testproxy.Fault{Login: "alice", Password: "t0ken"})
			return r.goFails(t, r.home, "mod", "download", "example.com/lib@v1.0.0")
		},
		family: "proxy-auth", setting: "GOPROXY=http://127.0.0.1", args: []string{"--timeout", "2s"},
	}, {
		name: "a portal that answers every request",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = p.URL
			p.SetFault(testproxy.Fault{HTMLPortal: true})
			return r.goFails(t, r.home, "mod", "download", "example.com/lib@v1.0.0")
		},
		family: "proxy-bad-answer", args: []string{"--timeout", "2s"},
	}, {
		name: "a module the checksum database does not know",
		provoke: func(t *testing.T, r *realMachine, p *testproxy.Server) string {
			r.sys.Env["GOPROXY"] = p.URL
			p.SetFault(testproxy.Fault{DenyLookups: true})
			return r.goFails(t, r.home, "mod", "download", "example.com/lib@v1.0.0")
		},
		family: "sumdb-private", setting: "GOPRIVATE=", args: []string{"--timeout", "2s"},
	}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := newRealMachine(t)
			p := testproxy.New(t, "sum.test", lib)
			r.sys.Env["GOSUMDB"] = p.SumDBKey
			said := c.provoke(t, r, p)
			got, code := r.explainReport(t, said, c.args...)
			if code != 0 || len(got.Findings) == 0 {
				t.Fatalf("exit %d, %d findings, unknown %v for:\n%s", code, len(got.Findings), got.Unknown, said)
			}
			e := got.Findings[0]
			if e.Family != c.family || e.Verdict != verdictConfirmed {
				t.Errorf("family %s, %s; want %s, confirmed\ngo said:\n%s\noperation: %+v\nevidence: %+v", e.Family, e.Verdict, c.family, said, e.Operation, e.Evidence)
			}
			var settings []string
			for _, s := range e.Settings {
				settings = append(settings, s.Name+"="+s.Value)
			}
			if c.setting != "" && !slices.ContainsFunc(settings, func(s string) bool { return strings.HasPrefix(s, c.setting) }) {
				t.Errorf("settings %q, want %s", settings, c.setting)
			}
		})
	}
}

// TestExplainALineItDoesNotKnow: an error of the go command that no
// family matches is not a dead end: explain shows it and runs every check;
// it exits 0 when a check fails here (something can be said) and 1 only
// when every check passes and nothing is known.
func TestExplainALineItDoesNotKnow(t *testing.T) {
	t.Parallel()
	text := "go: downloading example.com/lib v1.0.0\ngo: something the table has never seen\n"
	r := newRealMachine(t)
	r.sys.Env["GOPROXY"] = "off" // env.goproxy warns
	got, code := r.explainReport(t, text, "--offline")
	if code != 0 || len(got.Unknown) != 1 || got.Unknown[0].N != 2 || len(got.Failing) == 0 {
		t.Errorf("exit %d, unknown %+v, failing %d", code, got.Unknown, len(got.Failing))
	}
	out, _ := r.run(t, text, "explain", "--offline")
	if !strings.Contains(out, "line 2: go: something the table has never seen") || !strings.Contains(out, "Checks that fail or warn here:") || strings.Contains(out, "go: downloading") {
		t.Errorf("text:\n%s", out)
	}
}

// TestExplainALogFromElsewhere: a log that went through a proxy this
// machine does not use, and was printed by another go, says so first;
// the go command here does not fail the same way (not reproduced).
func TestExplainALogFromElsewhere(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	p := testproxy.New(t, "sum.test", testproxy.Module{Path: "example.com/lib", Version: "v1.0.0", Files: map[string]string{"lib.go": "package lib\n"}})
	r.sys.Env["GOPROXY"], r.sys.Env["GOSUMDB"] = p.URL, p.SumDBKey
	log := "go: example.com/lib@v1.0.0: reading https://goproxy.example.org/example.com/lib/@v/v1.0.0.info: 410 Gone\n" +
		"go: go.mod requires go >= 1.99 (running go 1.22.1; GOTOOLCHAIN=local)\n" +
		"go: cannot find GOROOT directory: /opt/go1.20\n" +
		"go: unsupported GOOS/GOARCH pair plan10/amd64\n"
	got, code := r.explainReport(t, log, "--timeout", "2s")
	notes := strings.Join(got.Elsewhere, "\n")
	if code != 0 || !strings.Contains(notes, "GOPROXY with https://goproxy.example.org; here GOPROXY is "+p.URL) || !strings.Contains(notes, "go 1.22.1") ||
		!strings.Contains(notes, "a go in /opt/go1.20; here GOROOT is ") || !strings.Contains(notes, "GOOS/GOARCH=plan10/amd64; here they are "+runtime.GOOS+"/"+runtime.GOARCH) {
		t.Fatalf("exit %d, elsewhere:\n%s", code, notes)
	}
	if e := got.Findings[0]; e.Family != "proxy-not-found" || e.Verdict != verdictNotReproduced || e.Operation == nil || e.Operation.Failed {
		t.Errorf("%s: %s, operation %+v", e.Family, e.Verdict, e.Operation)
	}
	out, _ := r.run(t, log, "explain", "--timeout", "2s")
	if !strings.HasPrefix(out, "! This log came from") || !strings.Contains(out, "not reproduced here: go mod download example.com/lib@v1.0.0 works") {
		t.Errorf("text:\n%s", out)
	}
}
