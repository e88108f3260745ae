package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/modcache"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/internal/testproxy"
)

// TestCacheFailsClosedWhenTheDatabaseRefuses: a relay of the checksum
// database that answers /supported but 404 to every lookup does not turn a
// version a mirror rewrote (zip, .ziphash and tree agreeing, no cached
// lookup) into a pass. The go command refuses the same 404.
func TestCacheFailsClosedWhenTheDatabaseRefuses(t *testing.T) {
	t.Parallel()
	c := newCacheMachine(t)
	c.proxy.SetFault(testproxy.Fault{DenyLookups: true})
	defer c.proxy.SetFault(testproxy.Fault{})

	// The judge: a module that needs the version, with no go.sum line yet,
	// so the go command asks the database and gets the 404.
	m := filepath.Join(c.home, "needs")
	writeModule(t, m, "1.21")
	os.WriteFile(filepath.Join(m, "go.mod"), []byte("module example.com/needs\n\ngo 1.21\n\nrequire example.com/altered v1.0.0\n"), 0o644)
	goOut, err := system.ExecRunner(context.Background(), m, c.sys.Environ("GOFLAGS=-mod=mod"), c.gobin, "mod", "download", "example.com/altered")
	if err == nil || !strings.Contains(err.Error(), "404 Not Found") {
		t.Fatalf("the go command accepts what the database refuses: %v\n%s", err, goOut)
	}

	r, statuses, code := c.report(t, "--timeout", "2s")
	if code != exitFailed || statuses["example.com/altered"] != modcache.Mismatch {
		t.Fatalf("exit %d, %v\n%+v", code, statuses, r.Entries)
	}
	for _, e := range r.Entries {
		if e.Module == "example.com/altered" && !strings.Contains(e.Reason, "refused to vouch") {
			t.Errorf("reason %q", e.Reason)
		}
	}
}

// TestCacheNeverReachesThroughLinks: a .partial marker that is a link to a
// file outside the cache, and an @v directory that is a link, are neither
// written through nor emptied by cache clean; a tree that is a link and a
// .zip that is a directory are findings, as go mod verify fails on them.
func TestCacheNeverReachesThroughLinks(t *testing.T) {
	t.Parallel()
	c := newCacheMachine(t)
	outside := filepath.Join(c.home, "precious.txt")
	os.WriteFile(outside, []byte("thirty-two bytes of user's data\n"), 0o644)
	atV := func(mod string) string { return filepath.Join(c.cache, "cache", "download", "example.com", mod, "@v") }

	// A linked .partial of a version that has a tree.
	partial := filepath.Join(atV("clean"), "v1.0.0.partial")
	os.Symlink(outside, partial)
	if out, code := c.run(t, "", "cache", "clean", "--offline", "--yes", "example.com/clean@v1.0.0"); code != exitOK {
		t.Fatalf("clean: exit %d\n%s", code, out)
	}
	if data, _ := os.ReadFile(outside); string(data) != "thirty-two bytes of user's data\n" {
		t.Fatalf("the file behind the linked .partial was written: %q", data)
	}

	// An @v directory that is a link to a directory of the user's.
	elsewhere := filepath.Join(c.home, "elsewhere")
	os.MkdirAll(elsewhere, 0o755)
	for _, n := range []string{"v1.0.0.info", "v1.0.0.mod", "v1.0.0.zip", "v1.0.0.ziphash"} {
		os.WriteFile(filepath.Join(elsewhere, n), []byte("mine"), 0o644)
	}
	os.RemoveAll(atV("linked"))
	os.MkdirAll(filepath.Dir(atV("linked")), 0o755)
	os.Symlink(elsewhere, atV("linked"))
	out, code := c.run(t, "", "cache", "clean", "--offline", "--yes", "example.com/linked@v1.0.0")
	if code == exitOK || !strings.Contains(out, "symbolic link") {
		t.Errorf("clean through a linked @v: exit %d\n%s", code, out)
	}
	if names, _ := os.ReadDir(elsewhere); len(names) != 4 {
		t.Fatalf("files behind the linked @v were removed: %d left", len(names))
	}

	// A tree that is a link, and a .zip that is a directory.
	tree := filepath.Join(c.cache, "example.com", "killed@v1.0.0")
	os.Remove(filepath.Join(atV("killed"), "v1.0.0.partial"))
	os.Chmod(tree, 0o755)
	os.RemoveAll(tree)
	os.Symlink(filepath.Join(c.cache, "example.com", "edited@v1.0.0"), tree)
	zip := filepath.Join(atV("edited"), "v1.0.0.zip")
	os.Remove(zip)
	os.Mkdir(zip, 0o755)
	_, statuses, code := c.report(t, "--offline")
	if code != exitFailed || statuses["example.com/killed"] != modcache.Altered || statuses["example.com/edited"] != modcache.Altered {
		t.Errorf("exit %d, %v", code, statuses)
	}
}

// TestUndoLeavesALinkedJournalAlone: a journal directory that is a link
// (into a dotfiles repository) is refused, and directories there that look
// like entries are never removed.
func TestUndoLeavesALinkedJournalAlone(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	dotfiles := filepath.Join(r.home, "dotfiles")
	mine := filepath.Join(dotfiles, "20260101T000000.000000000-deadbeef")
	os.MkdirAll(mine, 0o755)
	os.WriteFile(filepath.Join(mine, "notes.md"), []byte("my notes"), 0o644)
	os.MkdirAll(filepath.Join(r.home, ".config", "godoctor"), 0o755)
	os.Symlink(dotfiles, filepath.Join(r.home, ".config", "godoctor", "journal"))
	for _, args := range [][]string{{"undo", "--yes"}, {"use", "https://goproxy.cn", "--force", "--yes"}} {
		out, code := r.run(t, "", args...)
		if code != exitFailed || !strings.Contains(out, "symbolic link") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
	if _, err := os.Stat(filepath.Join(mine, "notes.md")); err != nil {
		t.Fatalf("a directory of the user's was removed: %v", err)
	}
	// In a journal of its own, a directory that only looks like an entry
	// (no entry.json, files godoctor never writes) stays too.
	os.Remove(filepath.Join(r.home, ".config", "godoctor", "journal"))
	own := filepath.Join(r.home, ".config", "godoctor", "journal", "20260101T000000.000000000-deadbeef")
	os.MkdirAll(own, 0o755)
	os.WriteFile(filepath.Join(own, "notes.md"), []byte("my notes"), 0o644)
	r.run(t, "", "undo", "--yes")
	if _, err := os.Stat(filepath.Join(own, "notes.md")); err != nil {
		t.Fatalf("a directory that looks like an entry was removed: %v", err)
	}
}

// TestCacheCountsAndWords: a version with two problems is one bad version,
// a version named twice is removed once, and a cache that cannot be
// written is said to be read-only, not in use by a go command.
func TestCacheCountsAndWords(t *testing.T) {
	t.Parallel()
	c := newCacheMachine(t)
	atV := filepath.Join(c.cache, "cache", "download", "example.com", "killed", "@v")
	os.WriteFile(filepath.Join(atV, "v1.0.0.zip12345.tmp"), []byte("half"), 0o644) // a second problem
	r, _, _ := c.report(t, "--offline")
	seen := map[string]int{}
	for _, e := range r.Entries {
		seen[e.Module+"@"+e.Version]++
	}
	if seen["example.com/killed@v1.0.0"] != 1 {
		t.Errorf("entries per version: %v\n%+v", seen, r.Entries)
	}
	out, _ := c.run(t, "", "cache", "--offline")
	if !strings.Contains(out, "3 bad version(s)") {
		t.Errorf("count:\n%s", out)
	}
	out, code := c.run(t, "", "cache", "clean", "--offline", "--dry-run", "example.com/clean@v1.0.0", "example.com/clean@v1.0.0")
	if code != exitOK || strings.Count(out, "example.com/clean@v1.0.0 (") != 1 {
		t.Errorf("named twice: exit %d\n%s", code, out)
	}
	// Read-only: for root, whom modes do not stop, the immutable
	// attribute does.
	os.Chmod(atV, 0o555)
	defer os.Chmod(atV, 0o755)
	if os.Getuid() == 0 {
		if err := exec.Command("chattr", "+i", atV).Run(); err != nil {
			t.Skip("root writes into read-only directories, and chattr +i is not available:", err)
		}
		defer exec.Command("chattr", "-i", atV).Run()
	}
	out, code = c.run(t, "", "cache", "clean", "--offline", "--yes", "example.com/killed@v1.0.0")
	if code != exitFailed || !strings.Contains(out, "read-only") || strings.Contains(out, "using it") {
		t.Errorf("read-only: exit %d\n%s", code, out)
	}
}
