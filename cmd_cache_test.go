package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/modcache"
	"github.com/godoctorhq/godoctor/internal/report"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/internal/testproxy"
)

// cacheMachine is a real machine whose module cache the real go command
// filled through a loopback proxy with a checksum database, then polluted
// the ways it happens on real machines.
type cacheMachine struct {
	*realMachine
	proxy *testproxy.Server
	cache string
}

func newCacheMachine(t *testing.T) *cacheMachine {
	t.Helper()
	var mods []testproxy.Module
	for _, p := range []string{"example.com/clean", "example.com/edited", "example.com/altered", "example.com/killed", "corp.example/private", "corp.example/teammate"} {
		mods = append(mods, testproxy.Module{Path: p, Version: "v1.0.0", Files: map[string]string{"x.go": "package x\n"}})
	}
	proxy := testproxy.New(t, "sum.test", mods...)
	r := newRealMachine(t)
	os.MkdirAll(filepath.Join(r.home, ".config", "go"), 0o755)
	os.WriteFile(filepath.Join(r.home, ".config", "go", "env"), []byte("GOPROXY="+proxy.URL+"\nGOSUMDB="+proxy.SumDBKey+"\nGONOSUMDB=corp.example\n"), 0o644)
	delete(r.sys.Env, "GONOSUMDB")
	delete(r.sys.Env, "GOPRIVATE")
	delete(r.sys.Env, "GONOPROXY")
	c := &cacheMachine{realMachine: r, proxy: proxy, cache: r.sys.Env["GOMODCACHE"]}

	c.goCmd(t, nil, "mod", "download", "example.com/clean@v1.0.0", "example.com/edited@v1.0.0", "example.com/killed@v1.0.0", "corp.example/private@v1.0.0")
	// A mirror that alters zips, used while the checksum database was off
	// (a blog post's GOSUMDB=off) and for a private module nothing checks.
	proxy.SetFault(testproxy.Fault{AlterZip: true})
	c.goCmd(t, []string{"GOSUMDB=off"}, "mod", "download", "example.com/altered@v1.0.0")
	c.goCmd(t, nil, "mod", "download", "corp.example/teammate@v1.0.0")
	proxy.SetFault(testproxy.Fault{})
	// Someone edited a file in an extracted tree.
	edited := filepath.Join(c.cache, "example.com", "edited@v1.0.0")
	os.Chmod(edited, 0o755)
	os.Chmod(filepath.Join(edited, "x.go"), 0o644)
	if err := os.WriteFile(filepath.Join(edited, "x.go"), []byte("package x // debugging\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(edited, 0o555)
	// An extraction killed half way leaves its .partial marker.
	os.WriteFile(filepath.Join(c.cache, "cache", "download", "example.com", "killed", "@v", "v1.0.0.partial"), nil, 0o644)
	// The current module's go.sum, from a teammate whose download was
	// right, disagrees with the private module's altered bytes.
	m := filepath.Join(r.home, "m")
	os.MkdirAll(m, 0o755)
	os.WriteFile(filepath.Join(m, "go.mod"), []byte("module example.com/m\n\ngo 1.21\n"), 0o644)
	os.WriteFile(filepath.Join(m, "go.sum"), []byte("corp.example/teammate v1.0.0 "+proxy.ZipHash("corp.example/teammate", "v1.0.0")+"\n"), 0o644)
	r.sys.Dir = m
	return c
}

// goCmd runs the real go command on the machine, from its home.
func (c *cacheMachine) goCmd(t *testing.T, extra []string, args ...string) {
	t.Helper()
	out, err := system.ExecRunner(context.Background(), c.home, append(c.sys.Environ(), extra...), c.gobin, args...)
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (c *cacheMachine) report(t *testing.T, args ...string) (modcache.Report, map[string]modcache.Status, int) {
	t.Helper()
	var out, errb strings.Builder
	err := run(context.Background(), c.sys, append([]string{"cache", "--json"}, args...), strings.NewReader(""), &out, &errb)
	code := exitCode(err, &errb)
	var r modcache.Report
	if err := json.Unmarshal([]byte(out.String()), &r); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errb.String())
	}
	got := map[string]modcache.Status{}
	for _, e := range r.Entries {
		got[e.Module] = e.Status
	}
	return r, got, code
}

// fingerprint maps every file of the module cache to its content's hash.
func fingerprint(t *testing.T, root string) map[string][32]byte {
	t.Helper()
	fp := map[string][32]byte{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			data, _ := os.ReadFile(p)
			fp[p] = sha256.Sum256(data)
		}
		return nil
	})
	return fp
}

func TestCacheFindsExactlyThePollution(t *testing.T) {
	t.Parallel()
	c := newCacheMachine(t)
	lookups := c.proxy.HitsContaining("/lookup/")
	r, got, code := c.report(t)
	// The database pass costs tiles, not a request per module: the go
	// command's cached lookups answer for what it fetched with the
	// database on, so only the zip fetched with GOSUMDB=off is looked up.
	if n := c.proxy.HitsContaining("/lookup/") - lookups; n != 1 {
		t.Errorf("%d lookups in the database, want 1 (example.com/altered)", n)
	}
	want := map[string]modcache.Status{
		"example.com/edited":    modcache.Altered,    // tree differs from its zip
		"example.com/altered":   modcache.Mismatch,   // zip differs from the database
		"example.com/killed":    modcache.Incomplete, // .partial
		"corp.example/teammate": modcache.Mismatch,   // go.sum disagrees
		"corp.example/private":  modcache.Unverified, // GONOSUMDB, no go.sum line
	}
	if code != exitFailed || !equalStatuses(got, want) {
		t.Errorf("exit %d, entries %v; want 1 and %v", code, got, want)
	}
	if r.Modules != 6 || r.Database == "" || r.DatabaseError != "" {
		t.Errorf("modules %d, database %q, error %q", r.Modules, r.Database, r.DatabaseError)
	}

	// Offline, only what the cache and go.sum say: the altered zip agrees
	// with its own .ziphash, and nothing is called unverified.
	_, got, code = c.report(t, "--offline")
	delete(want, "example.com/altered")
	delete(want, "corp.example/private")
	if code != exitFailed || !equalStatuses(got, want) {
		t.Errorf("offline: exit %d, entries %v; want 1 and %v", code, got, want)
	}
}

func equalStatuses(a, b map[string]modcache.Status) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestCacheCleanRemovesOnlyTheBadAndGoDownloadsThemAgain(t *testing.T) {
	t.Parallel()
	c := newCacheMachine(t)
	before := fingerprint(t, c.cache)

	out, code := c.run(t, "n\n", "cache", "clean")
	if code != 0 || !strings.Contains(out, "nothing removed") || !strings.Contains(out, "example.com/edited@v1.0.0: the extracted tree was modified") {
		t.Fatalf("declined clean: exit %d\n%s", code, out)
	}
	if after := fingerprint(t, c.cache); len(after) != len(before) {
		t.Fatalf("a declined clean changed the cache: %d files, was %d", len(after), len(before))
	}

	out, code = c.run(t, "y\n", "cache", "clean")
	if code != 0 {
		t.Fatalf("clean: exit %d\n%s", code, out)
	}
	bad := []string{"edited", "altered", "killed", "teammate"}
	after := fingerprint(t, c.cache)
	for p, sum := range before {
		// The go command's cache of the database is never touched.
		isBad := false
		for _, b := range bad {
			if strings.Contains(p, filepath.Join("cache", "download", "sumdb")) {
				break
			}
			isBad = isBad || (strings.Contains(p, "/"+b+"@v1.0.0") || strings.Contains(p, "/"+b+"/@v/v1.0.0.")) && !strings.HasSuffix(p, ".lock")
		}
		if now, ok := after[p]; isBad && ok {
			t.Errorf("%s was not removed", p)
		} else if !isBad && (!ok || now != sum) {
			t.Errorf("%s is a clean entry's file and was changed or removed", p)
		}
	}

	// The go command downloads and verifies them again; then the cache is
	// clean except for what nothing can vouch for.
	c.goCmd(t, nil, "mod", "download", "example.com/edited@v1.0.0", "example.com/altered@v1.0.0", "example.com/killed@v1.0.0", "corp.example/teammate@v1.0.0")
	_, got, code := c.report(t)
	want := map[string]modcache.Status{"corp.example/private": modcache.Unverified, "corp.example/teammate": modcache.Unverified}
	if code != 0 || !equalStatuses(got, want) {
		t.Errorf("after clean and download: exit %d, entries %v; want 0 and %v", code, got, want)
	}
}

func TestCacheCleanNamedAndRefusals(t *testing.T) {
	t.Parallel()
	c := newCacheMachine(t)
	if out, code := c.run(t, "", "cache", "clean", "example.com/clean"); code != exitUsage {
		t.Errorf("no version: exit %d\n%s", code, out)
	}
	if out, code := c.run(t, "", "cache", "example.com/clean@v1.0.0"); code != exitUsage || !strings.Contains(out, "cache clean") {
		t.Errorf("cache with an argument: exit %d\n%s", code, out)
	}
	out, code := c.run(t, "", "cache", "clean", "--dry-run", "example.com/clean@v1.0.0")
	if code != 0 || !strings.Contains(out, filepath.Join("example.com", "clean@v1.0.0")) || !strings.Contains(out, "dry run") {
		t.Errorf("dry run: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(c.cache, "example.com", "clean@v1.0.0")); err != nil {
		t.Errorf("a dry run removed the tree: %v", err)
	}
	if out, code := c.run(t, "", "cache", "clean", "--yes", "example.com/clean@v1.0.0"); code != 0 {
		t.Fatalf("named clean: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(c.cache, "example.com", "clean@v1.0.0")); !os.IsNotExist(err) {
		t.Errorf("the named version's read-only tree is still there: %v", err)
	}
}

// TestCacheWithAMisbehavingDatabase: a route to the database that fails
// is a failed scan that says how to scan without it, never a clean bill.
func TestCacheWithAMisbehavingDatabase(t *testing.T) {
	t.Parallel()
	c := newCacheMachine(t)
	for name, f := range map[string]testproxy.Fault{
		"500":   {Status: 500},
		"html":  {HTMLPortal: true},
		"stall": {Stall: true},
		"reset": {Reset: true},
	} {
		t.Run(name, func(t *testing.T) {
			c.proxy.SetFault(f)
			defer c.proxy.SetFault(testproxy.Fault{})
			out, code := c.run(t, "", "cache", "--timeout", "500ms")
			if code != exitFailed || !strings.Contains(out, "--offline") {
				t.Errorf("exit %d\n%s", code, out)
			}
		})
	}
}

// integrity runs godoctor check and returns its cache.integrity entry.
func (c *cacheMachine) integrity(t *testing.T, args ...string) report.Check {
	t.Helper()
	var out, errb strings.Builder
	err := run(context.Background(), c.sys, append([]string{"check", "--json"}, args...), strings.NewReader(""), &out, &errb)
	exitCode(err, &errb)
	var r report.Report
	if err := json.Unmarshal([]byte(out.String()), &r); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errb.String())
	}
	for _, ch := range r.Checks {
		if ch.ID == "cache.integrity" {
			return ch
		}
	}
	t.Fatalf("no cache.integrity in\n%s", out.String())
	return report.Check{}
}

// requireAll makes the current module require mods at v1.0.0, with the
// go.sum lines of their true bytes.
func (c *cacheMachine) requireAll(t *testing.T, mods ...string) {
	t.Helper()
	gomod := "module example.com/m\n\ngo 1.21\n\nrequire (\n"
	var sum strings.Builder
	for _, m := range mods {
		gomod += "\t" + m + " v1.0.0\n"
		fmt.Fprintf(&sum, "%s v1.0.0 %s\n%s v1.0.0/go.mod %s\n", m, c.proxy.ZipHash(m, "v1.0.0"), m, c.proxy.ModHash(m, "v1.0.0"))
	}
	os.WriteFile(filepath.Join(c.sys.Dir, "go.mod"), []byte(gomod+")\n"), 0o644)
	os.WriteFile(filepath.Join(c.sys.Dir, "go.sum"), []byte(sum.String()), 0o644)
}

// TestIntegrityCheckOfTheBuildList: the check hashes the versions the
// current module's go.sum lists, finds what go mod verify finds and what
// only the database and go.sum reveal, leaves the rest of the cache to
// godoctor cache, and its fix is what makes go mod verify pass again.
func TestIntegrityCheckOfTheBuildList(t *testing.T) {
	t.Parallel()
	c := newCacheMachine(t)
	c.requireAll(t, "example.com/clean", "example.com/edited", "example.com/altered", "corp.example/teammate")

	// The judge: go mod verify sees the edited tree, not what a mirror
	// altered before the zip was hashed.
	verify, err := system.ExecRunner(context.Background(), c.sys.Dir, c.sys.Environ(), c.gobin, "mod", "verify")
	if err == nil || !strings.Contains(err.Error()+string(verify), "example.com/edited v1.0.0: dir has been modified") {
		t.Fatalf("go mod verify: %v\n%s", err, verify)
	}

	want := "godoctor cache clean corp.example/teammate@v1.0.0 example.com/altered@v1.0.0 example.com/edited@v1.0.0"
	for _, args := range [][]string{nil, {"--offline"}} {
		ch := c.integrity(t, args...)
		if ch.Status != "fail" || len(ch.Fixes) != 1 || ch.Fixes[0].Command != want {
			t.Errorf("%v: %s %q %q %+v, want a failure fixed by %q", args, ch.Status, ch.Summary, ch.Details, ch.Fixes, want)
		}
		// Not in the build list: found by godoctor cache only.
		if strings.Contains(strings.Join(ch.Details, "\n"), "killed") {
			t.Errorf("%v: the check looked beyond the build list: %q", args, ch.Details)
		}
	}

	if out, code := c.run(t, "y\n", strings.Fields(want)[1:]...); code != 0 {
		t.Fatalf("%s: exit %d\n%s", want, code, out)
	}
	c.goCmd(t, nil, "mod", "download", "example.com/edited@v1.0.0", "example.com/altered@v1.0.0", "corp.example/teammate@v1.0.0")
	if verify, err := system.ExecRunner(context.Background(), c.sys.Dir, c.sys.Environ(), c.gobin, "mod", "verify"); err != nil {
		t.Fatalf("go mod verify after the fix: %v\n%s", err, verify)
	}
	if ch := c.integrity(t); ch.Status != "ok" || !strings.Contains(ch.Summary, "4 cached module versions") || !strings.Contains(strings.Join(ch.Details, "\n"), "corp.example/teammate@v1.0.0: unverified") {
		t.Errorf("after the fix: %s %q %q", ch.Status, ch.Summary, ch.Details)
	}

	// With the database out of reach the local hashes still count, and the
	// summary says what was not asked.
	c.proxy.SetFault(testproxy.Fault{Status: 500})
	defer c.proxy.SetFault(testproxy.Fault{})
	if ch := c.integrity(t, "--timeout", "500ms"); ch.Status != "ok" || !strings.Contains(ch.Summary, "could not be asked") {
		t.Errorf("database down: %s %q %q", ch.Status, ch.Summary, ch.Details)
	}
}

func TestIntegrityCheckOutsideAModule(t *testing.T) {
	t.Parallel()
	c := newCacheMachine(t)
	c.sys.Dir = c.home
	if ch := c.integrity(t, "--offline"); ch.Status != "skip" || !strings.Contains(ch.Summary, "godoctor cache") {
		t.Errorf("%s %q", ch.Status, ch.Summary)
	}
}
