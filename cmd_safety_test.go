package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/report"
	"github.com/godoctorhq/godoctor/internal/testproxy"
)

// Every mistake on the command line is exit 2 with an example, and
// writes nothing.
func TestCommandLineIsValidatedInOnePlace(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	start := r.files(t)
	for _, args := range [][]string{
		{"check", "--timeout", "0"},
		{"check", "--timeout", "-1s"},
		{"check", "--timeout", "soon"},
		{"fix", "--timeout", "0", "--yes"},
		{"mirrors", "--samples", "1000000000"},
		{"mirrors", "--samples", "0"},
		{"mirrors", "--concurrency", "-1"},
		{"install", "--timeout", "0s", "1.26.8"},
		{"install"},
		{"use", "https://a.example,https://b.example"},
		{"use", "https://a.example|direct"},
		{"use", "https://goproxy.cn", "--sumdb", "sum.golang.org\nGOFLAGS=-toolexec=/tmp/evil", "--yes"},
		{"chek"},
		{"undo", "extra"},
	} {
		out, code := r.run(t, "y\n", args...)
		if code != 2 || !strings.Contains(out, "for example: godoctor") && args[0] != "chek" {
			t.Errorf("%q: exit %d, want 2 with an example\n%s", args, code, out)
		}
		sameFiles(t, strings.Join(args, " "), start, r.files(t))
	}
	if out, _ := r.run(t, "", "chek"); !strings.Contains(out, `did you mean "check"`) {
		t.Errorf("chek: %s", out)
	}
	if out, code := r.run(t, "", "use", "https://a.example,https://b.example"); code != 2 || !strings.Contains(out, "go env -w GOPROXY=https://a.example,https://b.example,direct") {
		t.Errorf("a list given to use does not say how to write one:\n%s", out)
	}
}

func TestHelpPerCommandAndLanguage(t *testing.T) {
	t.Parallel()
	m := machine(t)
	for _, args := range [][]string{{"help", "check"}, {"check", "-h"}, {"--lang", "zh", "help", "check"}, {"check", "-h", "--lang", "zh"}} {
		stdout, stderr, code := runMain(t, m, args...)
		zh := strings.Contains(strings.Join(args, " "), "zh")
		want := i18n.Printer{Lang: "en"}.T("Usage: godoctor check [flags]\n\nRun every check and print the report.\n\n")
		if zh {
			want = i18n.Printer{Lang: "zh"}.T("Usage: godoctor check [flags]\n\nRun every check and print the report.\n\n")
		}
		if code != 0 || !strings.Contains(stdout+stderr, strings.TrimSpace(want)) {
			t.Errorf("%q: exit %d, no %q in\n%s%s", args, code, want, stdout, stderr)
		}
	}
	if stdout, stderr, code := runMain(t, m, "-h", "--lang", "zh"); code != 0 || !hasHan(stdout+stderr) {
		t.Errorf("-h --lang zh: exit %d\n%s%s", code, stdout, stderr)
	}
}

// A password in GOPROXY (with a scheme or without one, which the go
// command accepts and prefixes with https://), in the go env file or
// exported by .bashrc, a GOAUTH command's token, or a password in an
// argument, never reaches the screen: previews, reports, errors, traces.
func TestNoCredentialIsPrinted(t *testing.T) {
	t.Parallel()
	const secret = "S3CRETPW"
	for _, m := range []struct{ envFile, exported string }{
		{"GOPROXY=https://alice:" + secret + "@corp.example/proxy,direct\nGONOSUMDB=corp.example\n", "https://bob:" + secret + "@other.example,direct"},
		{"GOAUTH=netrc;/usr/local/bin/corp-auth --token=" + secret + " https://corp.example\nGOPROXY=carol:" + secret + "@corp.example/mirror,direct\n", "dave:" + secret + "@other.example/mirror|direct"},
	} {
		r := newRealMachine(t)
		os.MkdirAll(filepath.Join(r.home, ".config", "go"), 0o755)
		os.WriteFile(filepath.Join(r.home, ".config", "go", "env"), []byte(m.envFile), 0o600)
		os.WriteFile(filepath.Join(r.home, ".bashrc"), []byte(userBashrc+"export GOPROXY="+m.exported+"\n"), 0o644)
		r.sys.Env["GOPROXY"] = m.exported
		// A team's policy that judges the proxy, so that its checks and
		// explanation run on the credentials too.
		os.WriteFile(filepath.Join(r.home, ".godoctor.toml"), []byte("schema = 1\n[modules]\nproxy = [\"https://goproxy.corp.example\"]\n"), 0o644)
		for _, c := range []struct {
			stdin string
			args  []string
		}{
			{"", []string{"use", "https://goproxy.cn", "--force", "--dry-run"}},
			{"", []string{"fix", "--dry-run", "--timeout", "1s"}},
			{"", []string{"check", "--offline", "-v"}},
			{"", []string{"check", "--offline", "--json"}},
			{"", []string{"check", "--timeout", "1s", "-v"}},
			{"", []string{"why", "corp.example/lib@v1.0.0", "--timeout", "1s"}},
			{"", []string{"why", "corp.example/lib@v1.0.0", "--json", "--offline"}},
			{"go: corp.example/lib@v1.0.0: GOPROXY=" + m.exported + ": reading https://bob:" + secret + "@other.example/corp.example/lib/@v/v1.0.0.info: 404 Not Found\n", []string{"explain", "--offline"}},
			{"", []string{"mirrors", "--mirror", "x=ftp://u:" + secret + "@host"}},
			{"", []string{"mirrors", "--mirror", "x=https://u:" + secret + "/x@host", "--only", "x", "--timeout", "1s"}},
			{"", []string{"use", "https://u:" + secret + "/x@host"}},
			{"", []string{"use", "https://u:" + secret + "@host:port/"}},
			{"", []string{"use", "u:" + secret + "@host.example"}},
			{"", []string{"report", "--offline", "--include-hosts", "--include-paths"}},
			{"", []string{"policy", "explain"}},
			{"", []string{"policy", "init"}},
			{"", []string{"check", "--offline", "--ci", "--annotations", "github"}},
			{"", []string{"fix", "--scope", "ci", "--dry-run", "--timeout", "1s"}},
		} {
			t.Run(strings.Join(c.args, " "), func(t *testing.T) {
				t.Parallel()
				out, _ := r.run(t, c.stdin, c.args...)
				if strings.Contains(out, secret) {
					t.Errorf("%q prints the password:\n%s", c.args, out)
				}
			})
		}
	}
}

// With no go command on PATH godoctor writes the go env file itself, and
// still no value with a line break gets in.
func TestNoLineIsPlantedWithoutGo(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	r.sys.Env["PATH"] = "/nonexistent"
	start := r.files(t)
	out, code := r.run(t, "", "use", "https://goproxy.cn", "--force", "--sumdb", "sum.golang.org\nGOFLAGS=-toolexec=/tmp/evil", "--yes")
	if code != 2 {
		t.Errorf("exit %d\n%s", code, out)
	}
	sameFiles(t, "after the refused use", start, r.files(t))
	if out, code := r.run(t, "", "use", "https://goproxy.cn", "--force", "--yes"); code != 0 {
		t.Fatalf("use without go: exit %d\n%s", code, out)
	}
	if got := r.goEnv(t, "GOPROXY"); got != "https://goproxy.cn,direct" {
		t.Errorf("the go command reads GOPROXY=%q from what godoctor wrote", got)
	}
}

// command runs the built godoctor on the real machine's environment.
func (r *realMachine) command(t *testing.T, args ...string) *exec.Cmd {
	cmd := exec.Command(godoctorBinary(t), args...)
	cmd.Env, cmd.Dir = r.sys.Environ(), r.home
	return cmd
}

// Ctrl-C at a [y/N] prompt ends godoctor at once with exit 130, nothing
// written, though the input stays open.
func TestPromptFollowsCtrlC(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	start := r.files(t)
	cmd := r.command(t, "use", "https://goproxy.cn", "--force")
	stdin, _ := cmd.StdinPipe() // held open: no answer ever comes
	defer stdin.Close()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	prompt := make(chan bool, 1)
	go func() {
		sc := bufio.NewReader(stdout)
		var seen bytes.Buffer
		buf := make([]byte, 256)
		for {
			n, err := sc.Read(buf)
			seen.Write(buf[:n])
			if strings.Contains(seen.String(), "[y/N]") {
				prompt <- true
				io.Copy(io.Discard, sc)
				return
			}
			if err != nil {
				prompt <- false
				return
			}
		}
	}()
	select {
	case ok := <-prompt:
		if !ok {
			t.Fatal("godoctor ended without asking")
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no prompt")
	}
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("Ctrl-C at the prompt did not end godoctor")
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	sameFiles(t, "after Ctrl-C at the prompt", start, r.files(t))
}

// Two godoctor use at once: each change is either made whole or refused
// with a clear message, and every change made is undone without a single
// "changed by hand".
func TestTwoProcessesAtOnce(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	mirrors := []string{"https://one.example", "https://two.example", "https://three.example"}
	var wg sync.WaitGroup
	outs := make([]string, len(mirrors))
	codes := make([]int, len(mirrors))
	for i, m := range mirrors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := r.command(t, "use", m, "--force", "--yes")
			out, _ := cmd.CombinedOutput()
			outs[i], codes[i] = string(out), cmd.ProcessState.ExitCode()
		}()
	}
	wg.Wait()
	made := 0
	final := r.goEnv(t, "GOPROXY")
	for i, code := range codes {
		switch {
		case code == 0:
			made++
		case code == 1 && strings.Contains(outs[i], "changed since the preview"):
		case code == 1 && strings.Contains(outs[i], "another godoctor is changing files"):
		default:
			t.Errorf("use %s: exit %d\n%s", mirrors[i], code, outs[i])
		}
	}
	if made == 0 || !strings.HasSuffix(final, ",direct") {
		t.Fatalf("%d changes made, GOPROXY=%q", made, final)
	}
	for range made {
		if out, code := r.run(t, "", "undo"); code != 0 || strings.Contains(out, "changed by hand") {
			t.Fatalf("undo: exit %d\n%s", code, out)
		}
	}
	if out, code := r.run(t, "", "undo"); code != 1 || !strings.Contains(out, "nothing to undo") {
		t.Errorf("after undoing every change: exit %d\n%s", code, out)
	}
	if data, err := os.ReadFile(filepath.Join(r.home, ".config", "go", "env")); err == nil {
		t.Errorf("the go env file godoctor created is still there: %q", data)
	}
}

// A fix for a value that holds a password prints no password and runs as
// printed: sh runs the command, and the real go command then reads the
// value it was meant to write.
func TestFixCommandsRunAsPrinted(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	// A company proxy over https that wants a password in its URL, and has
	// the module that proves the fix.
	proxy := testproxy.NewTLS(t, "sum.test", testproxy.Module{Path: "golang.org/x/sys", Version: "v0.38.0", Files: map[string]string{"unix/unix.go": "package unix\n"}})
	r.sys.Env["SSL_CERT_FILE"] = testproxy.TrustFile(t, proxy.Server, r.home)
	withPassword := strings.Replace(proxy.URL, "https://", "https://alice:S3CRET@", 1) + "/p"
	os.MkdirAll(filepath.Join(r.home, ".config", "go"), 0o755)
	os.WriteFile(filepath.Join(r.home, ".config", "go", "env"), []byte("GOPROXY="+strings.TrimSuffix(withPassword, "/p")+"\nGOSUMDB="+proxy.SumDBKey+"\n"), 0o600)
	var out, errb bytes.Buffer
	run(context.Background(), r.sys, []string{"check", "--timeout", "2s", "--json"}, strings.NewReader(""), &out, &errb)
	if strings.Contains(out.String(), "S3CRET") {
		t.Fatalf("the report holds the password:\n%s", out.String())
	}
	var rep report.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	command := ""
	for _, c := range rep.Checks {
		for _, f := range c.Fixes {
			if f.ID == "proxy-direct" {
				command = f.Command
			}
		}
	}
	if command != `go env -w GOPROXY="$(go env GOPROXY),direct"` {
		t.Fatalf("the fix command is %q", command)
	}
	sh := exec.Command("sh", "-c", command)
	sh.Dir, sh.Env = r.home, r.sys.Environ()
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", command, err, out)
	}
	if got := r.goEnv(t, "GOPROXY"); got != strings.TrimSuffix(withPassword, "/p")+",direct" {
		t.Errorf("after the printed command, go env GOPROXY = %q", got)
	}
}

// TestFullDiskIsAFailure: with standard output on a full disk (/dev/full),
// no command claims success: the final flush of its output is checked. (On
// /dev/null each of these exits 0.)
func TestFullDiskIsAFailure(t *testing.T) {
	t.Parallel()
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full")
	}
	defer full.Close()
	r := newRealMachine(t)
	for _, args := range [][]string{
		{"version"}, {"help"}, {"check", "--offline"}, {"check", "--offline", "--json"},
		{"why", "--offline", "example.com/m@v1.0.0"}, {"explain", "--offline", "go: parsing $GOFLAGS: unknown flag -x"},
		{"cache", "--offline"}, {"cache", "clean", "--offline", "--dry-run"}, {"use", "https://goproxy.cn", "--force", "--dry-run"},
	} {
		cmd := r.command(t, args...)
		cmd.Stdout = full
		var stderr strings.Builder
		cmd.Stderr = &stderr
		cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code == exitOK {
			t.Errorf("%v with stdout on a full disk: exit 0\n%s", args, stderr.String())
		}
	}
}
