package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/testproxy"
	"github.com/godoctorhq/godoctor/internal/toolchain"
)

func TestInstallCommand(t *testing.T) {
	t.Parallel()
	v := "go1.21.5"
	mod := testproxy.Module{Path: "golang.org/toolchain", Version: toolchain.ModuleVersion(v, "linux", "amd64"),
		Files: map[string]string{"bin/go": "#!/bin/sh\necho " + v + "\n", "VERSION": v + "\n", "src/_go.mod": "module std\n"}}
	proxy := testproxy.New(t, "sum.test", mod)
	r := newRealMachine(t)
	r.sys.GOOS, r.sys.GOARCH = "linux", "amd64"
	r.sys.Env["GOPROXY"] = proxy.URL
	r.sys.Env["GOSUMDB"] = proxy.SumDBKey
	sdk := filepath.Join(r.home, "sdk")

	before := r.files(t)
	out, code := r.run(t, "", "install", "1.21.5", "--dry-run")
	if code != 0 || !strings.Contains(out, "target "+filepath.Join(sdk, v)) || !strings.Contains(out, "dry run: nothing downloaded") {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	sameFiles(t, "dry run", before, r.files(t))
	if out, code := r.run(t, "n\n", "install", "1.21.5"); code != 0 || !strings.Contains(out, "not installed") {
		t.Errorf("declined: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(sdk); !os.IsNotExist(err) {
		t.Error("a declined install created the directory")
	}

	out, code = r.run(t, "y\ny\n", "install", "1.21.5", "--default")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if target, _ := os.Readlink(filepath.Join(sdk, "go")); target != v {
		t.Errorf("sdk/go -> %q", target)
	}
	bashrc, _ := os.ReadFile(filepath.Join(r.home, ".bashrc"))
	if !strings.HasPrefix(string(bashrc), userBashrc) || !strings.Contains(string(bashrc), `export PATH="`+filepath.Join(sdk, "go", "bin")+`:$PATH"`) {
		t.Errorf(".bashrc:\n%s", bashrc)
	}
	if out, code := r.run(t, "", "install", "go1.21.5", "--yes"); code != 0 || !strings.Contains(out, "already installed") {
		t.Errorf("again: exit %d\n%s", code, out)
	}
	if _, code := r.run(t, "", "undo"); code != 0 {
		t.Error("undo of the PATH block failed")
	}
	if b, _ := os.ReadFile(filepath.Join(r.home, ".bashrc")); string(b) != userBashrc {
		t.Errorf("after undo:\n%s", b)
	}
	if _, err := os.Lstat(filepath.Join(sdk, "go")); !os.IsNotExist(err) {
		t.Errorf("undo left the link it made: %v", err)
	}

	// The link is a change like the others: in the preview, made only
	// after y, undone by undo; with the PATH block already there, the
	// question still comes.
	os.Symlink("go1.20.1", filepath.Join(sdk, "go"))
	r.run(t, "y\n", "install", "1.21.5", "--default")
	os.Remove(filepath.Join(sdk, "go"))
	os.Symlink("go1.20.1", filepath.Join(sdk, "go"))
	if out, code := r.run(t, "", "install", "1.21.5", "--dry-run", "--default"); code != 0 || !strings.Contains(out, "already installed") || !strings.Contains(out, "+ -> "+v) || !strings.Contains(out, "- -> go1.20.1") {
		t.Errorf("dry run of --default: exit %d\n%s", code, out)
	}
	if out, _ := r.run(t, "n\n", "install", "1.21.5", "--default"); !strings.Contains(out, "not changed") {
		t.Errorf("declined --default:\n%s", out)
	}
	if target, _ := os.Readlink(filepath.Join(sdk, "go")); target != "go1.20.1" {
		t.Errorf("a declined --default moved the link to %q", target)
	}
	if out, code := r.run(t, "y\n", "install", "1.21.5", "--default"); code != 0 {
		t.Fatalf("--default: exit %d\n%s", code, out)
	}
	if target, _ := os.Readlink(filepath.Join(sdk, "go")); target != v {
		t.Errorf("sdk/go -> %q after yes", target)
	}
	if out, code := r.run(t, "", "undo"); code != 0 {
		t.Fatalf("undo: exit %d\n%s", code, out)
	}
	if target, _ := os.Readlink(filepath.Join(sdk, "go")); target != "go1.20.1" {
		t.Errorf("undo put sdk/go back to %q", target)
	}
	for _, bad := range [][]string{{"install"}, {"install", "banana"}, {"install", "1.21.5", "--source", "ftp"}} {
		if _, code := r.run(t, "", bad...); code != 2 {
			t.Errorf("%q: exit %d, want 2", bad, code)
		}
	}
}

// TestInstallDefaultOnWindows runs `install --default` on a Windows
// machine (GOOS injected, the registry's user environment in memory): no
// link is made, the user PATH names the toolchain, a second default takes
// the first one's place, and undo steps back through both.
func TestInstallDefaultOnWindows(t *testing.T) {
	t.Parallel()
	var mods []testproxy.Module
	for _, v := range []string{"go1.21.5", "go1.22.0"} {
		mods = append(mods, testproxy.Module{Path: "golang.org/toolchain", Version: toolchain.ModuleVersion(v, "windows", "amd64"),
			Files: map[string]string{"bin/go.exe": "MZ " + v, "VERSION": v + "\n"}})
	}
	proxy := testproxy.New(t, "sum.test", mods...)
	r := newRealMachine(t)
	u := r.sys.UserEnv.(*fakesys.UserEnv)
	r.sys.GOOS, r.sys.GOARCH = "windows", "amd64"
	r.sys.Env["AppData"] = filepath.Join(r.home, "AppData", "Roaming")
	r.sys.Env["GOPROXY"] = proxy.URL
	r.sys.Env["GOSUMDB"] = proxy.SumDBKey
	// A go installed for the whole machine (on the machine-wide PATH) and
	// one that the user PATH names, through %USERPROFILE%.
	goExe := func(root string) string {
		os.MkdirAll(filepath.Join(root, "pkg", "tool"), 0o755)
		os.MkdirAll(filepath.Join(root, "bin"), 0o755)
		os.WriteFile(filepath.Join(root, "bin", "go.exe"), []byte("MZ"), 0o755)
		return filepath.Join(root, "bin")
	}
	machineGo := goExe(filepath.Join(r.home, "Program Files", "Go"))
	r.sys.Env["USERPROFILE"] = r.home
	userGo := goExe(filepath.Join(r.home, "oldgo"))
	r.sys.Env["PATH"] = machineGo + ";" + userGo
	mine := `C:\Tools;%USERPROFILE%` + string(filepath.Separator) + filepath.Join("oldgo", "bin")
	u.Set("Path", mine)
	sdk := filepath.Join(r.home, "sdk")
	bin := func(v string) string { return filepath.Join(sdk, v, "bin") }

	out, code := r.run(t, "", "install", "1.21.5", "--default", "--yes")
	if code != 0 || !strings.Contains(out, "No link on Windows") || !strings.Contains(out, `HKCU\Environment\Path`) {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "warning: "+machineGo+" has a go and is on PATH but not in the user PATH") || strings.Contains(out, "warning: "+userGo) {
		t.Errorf("the warning should name the machine-wide go only:\n%s", out)
	}
	if _, err := os.Lstat(filepath.Join(sdk, "go")); !os.IsNotExist(err) {
		t.Errorf("a link was made on Windows: %v", err)
	}
	path, _, _ := u.Get("PATH")
	if !strings.HasPrefix(path, bin("go1.21.5")+";") || !strings.HasSuffix(path, ";"+mine) {
		t.Errorf("user PATH after the first default: %s", path)
	}
	if b, _ := os.ReadFile(filepath.Join(r.home, ".bashrc")); string(b) != userBashrc {
		t.Errorf("a shell profile was changed on Windows:\n%s", b)
	}

	if out, code := r.run(t, "", "install", "1.22.0", "--default", "--yes"); code != 0 {
		t.Fatalf("second default: exit %d\n%s", code, out)
	}
	path, _, _ = u.Get("PATH")
	if !strings.HasPrefix(path, bin("go1.22.0")+";") || strings.Contains(path, bin("go1.21.5")) {
		t.Errorf("user PATH after the second default: %s", path)
	}
	if _, code := r.run(t, "", "undo"); code != 0 {
		t.Fatal("first undo failed")
	}
	if path, _, _ = u.Get("PATH"); !strings.HasPrefix(path, bin("go1.21.5")+";") {
		t.Errorf("user PATH after one undo: %s", path)
	}
	if _, code := r.run(t, "", "undo"); code != 0 {
		t.Fatal("second undo failed")
	}
	if path, _, _ = u.Get("PATH"); path != mine {
		t.Errorf("user PATH after two undos: %s", path)
	}
}

// A --dir no shell can use is a usage error, and nothing is written.
func TestInstallDirIsChecked(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	start := r.files(t)
	for _, dir := range []string{"", "  ", "~/sdk", "/tmp/a:b", "/tmp/a\nb"} {
		out, code := r.run(t, "y\n", "install", "1.21.5", "--dir", dir, "--default")
		if code != 2 || !strings.Contains(out, "--dir") {
			t.Errorf("--dir %q: exit %d\n%s", dir, code, out)
		}
	}
	sameFiles(t, "after refused --dir", start, r.files(t))
}

// A terminal closed (SIGHUP) or a kill (SIGTERM) during a download cleans
// up as Ctrl-C does: exit 130, no staging tree, the partial download kept.
// A SIGKILL cleans nothing, and the next install into the directory clears
// what it left.
func TestInstallSignals(t *testing.T) {
	t.Parallel()
	v := "go1.21.5"
	files := map[string]string{"bin/go": "#!/bin/sh\necho " + v + "\n", "VERSION": v + "\n", "src/_go.mod": "module std\n",
		"src/big.go": strings.Repeat("package big // filler to make the zip worth streaming\n", 20000)}
	mod := testproxy.Module{Path: "golang.org/toolchain", Version: toolchain.ModuleVersion(v, "linux", "amd64"), Files: files}
	good := testproxy.New(t, "sum.test", mod)
	stalling := testproxy.New(t, "sum.test", mod)
	stalling.SetFault(testproxy.Fault{Stall: true})
	r := newRealMachine(t)
	r.sys.Env["GOPROXY"] = stalling.URL
	r.sys.Env["GOSUMDB"] = good.SumDBKey + " " + good.URL + "/sumdb/sum.test"
	sdk := filepath.Join(r.home, "sdk")
	os.MkdirAll(sdk, 0o755)
	staging := func() []string {
		m, _ := filepath.Glob(filepath.Join(sdk, ".godoctor-staging-*"))
		return m
	}
	partial := filepath.Join(sdk, ".godoctor-downloads", toolchain.ModuleVersion(v, "linux", "amd64")+".zip")

	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT} {
		cmd := r.command(t, "install", "1.21.5", "--yes", "--timeout", "1m")
		cmd.Start()
		waitFor(t, func() bool { fi, err := os.Stat(partial); return err == nil && fi.Size() > 0 && len(staging()) > 0 })
		cmd.Process.Signal(sig)
		if err := waitExit(cmd, 10*time.Second); err != nil {
			t.Fatalf("%v: %v", sig, err)
		}
		if code := cmd.ProcessState.ExitCode(); code != 130 {
			t.Errorf("%v: exit %d, want 130", sig, code)
		}
		if len(staging()) > 0 {
			t.Errorf("%v left %v", sig, staging())
		}
		if _, err := os.Stat(partial); err != nil {
			t.Errorf("%v: the partial download is gone: %v", sig, err)
		}
	}

	cmd := r.command(t, "install", "1.21.5", "--yes", "--timeout", "1m")
	cmd.Start()
	waitFor(t, func() bool { return len(staging()) > 0 })
	cmd.Process.Kill()
	cmd.Wait()
	if len(staging()) == 0 {
		t.Fatal("SIGKILL left no staging tree to clear; the test proves nothing")
	}
	stalling.SetFault(testproxy.Fault{})
	if out, code := r.run(t, "", "install", "1.21.5", "--yes"); code != 0 {
		t.Fatalf("the install after a kill: exit %d\n%s", code, out)
	}
	if len(staging()) > 0 {
		t.Errorf("the staging tree of the killed install is still there: %v", staging())
	}
}

// waitFor polls a condition for up to 30 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
	}
}

// waitExit waits for a started command to end, killing it after d.
func waitExit(cmd *exec.Cmd, d time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return nil
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		return fmt.Errorf("still running after %s", d)
	}
}
