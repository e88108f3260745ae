//go:build unix

package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestUnboundedFilesAreNotRead: a FIFO, /dev/zero and a 2 GiB file where
// godoctor reads files (the go env file, the module cache) neither block a
// command nor cost memory; every command ends, in bounded time.
func TestUnboundedFilesAreNotRead(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("FIFOs and /dev/zero")
	}
	c := newCacheMachine(t)
	atV := filepath.Join(c.cache, "cache", "download", "example.com", "clean", "@v")
	os.Remove(filepath.Join(atV, "v1.0.0.ziphash"))
	if err := syscall.Mkfifo(filepath.Join(atV, "v1.0.0.ziphash"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(atV, "..", "..", "edited", "@v", "v1.0.0.mod"))
	os.Symlink("/dev/zero", filepath.Join(c.cache, "cache", "download", "example.com", "edited", "@v", "v1.0.0.mod"))
	big := filepath.Join(c.cache, "cache", "download", "example.com", "killed", "@v", "v1.0.0.zip")
	os.Truncate(big, 2<<30) // sparse: 2 GiB that costs no disk
	tree := filepath.Join(c.cache, "example.com", "altered@v1.0.0")
	os.Chmod(tree, 0o755)
	syscall.Mkfifo(filepath.Join(tree, "pipe.go"), 0o644)
	os.Chmod(tree, 0o555)

	for _, args := range [][]string{{"cache", "--offline"}, {"cache", "clean", "--offline", "--dry-run"}, {"check", "--offline"}} {
		start := time.Now()
		out, code := c.run(t, "", args...)
		if took := time.Since(start); took > 20*time.Second || code == exitOK && len(args) == 2 {
			t.Errorf("%v: exit %d after %s\n%s", args, code, took, out)
		}
	}

	// The go env file as a FIFO and as /dev/zero: the go command would
	// block reading it, so godoctor does not ask it, and says why.
	for _, make := range []func(string) error{
		func(p string) error { return syscall.Mkfifo(p, 0o644) },
		func(p string) error { return os.Symlink("/dev/zero", p) },
		func(p string) error { os.WriteFile(p, nil, 0o644); return os.Truncate(p, 2<<30) },
	} {
		env := filepath.Join(t.TempDir(), "env")
		if err := make(env); err != nil {
			t.Fatal(err)
		}
		c.sys.Env["GOENV"] = env
		for _, args := range [][]string{{"check", "--offline"}, {"why", "--offline", "example.com/m@v1.0.0"}, {"use", "https://goproxy.cn", "--force", "--dry-run"}} {
			start := time.Now()
			out, _ := c.run(t, "", args...)
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("%v with GOENV=%s took %s\n%s", args, env, took, out)
			}
			if args[0] == "check" && !strings.Contains(out, "not a regular file") && !strings.Contains(out, "larger than") {
				t.Errorf("check does not say what is wrong with the go env file:\n%s", out)
			}
		}
	}
}
