package modcache

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/module"
)

// TestRemoveNeverFollowsLinks: a link in an extracted tree (planted, or
// left by a tool) is removed; what it points at stays byte for byte.
func TestRemoveNeverFollowsLinks(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "precious")
	os.MkdirAll(outside, 0o755)
	os.WriteFile(filepath.Join(outside, "keep.txt"), []byte("keep"), 0o644)
	mv := module.Version{Path: "example.com/m", Version: "v1.0.0"}
	tree := filepath.Join(root, "example.com", "m@v1.0.0")
	os.MkdirAll(filepath.Join(tree, "sub"), 0o755)
	os.WriteFile(filepath.Join(tree, "sub", "a.go"), []byte("package a\n"), 0o444)
	if err := os.Symlink(outside, filepath.Join(tree, "link")); err != nil {
		t.Skip(err)
	}
	unfinished := tree + ".tmp-12345" // an extraction an old go command did not finish
	os.MkdirAll(unfinished, 0o555)
	os.Chmod(filepath.Join(tree, "sub"), 0o555)
	os.Chmod(tree, 0o555)
	dl := filepath.Join(root, "cache", "download", "example.com", "m", "@v")
	os.MkdirAll(dl, 0o755)
	for _, ext := range []string{"zip", "ziphash", "mod", "info"} {
		os.WriteFile(filepath.Join(dl, "v1.0.0."+ext), []byte(ext), 0o644)
	}
	os.WriteFile(filepath.Join(dl, "v1.1.0.zip"), []byte("other version"), 0o644)

	h, err := Find(root, mv)
	if err != nil || len(h.Files) != 4 || len(h.Trees) != 2 {
		t.Fatalf("Find = %+v, %v", h, err)
	}
	if err := Remove(root, h); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{tree, unfinished} {
		if _, err := os.Lstat(dir); !os.IsNotExist(err) {
			t.Errorf("%s still there: %v", dir, err)
		}
	}
	if data, err := os.ReadFile(filepath.Join(outside, "keep.txt")); err != nil || string(data) != "keep" {
		t.Errorf("the link's target was touched: %q, %v", data, err)
	}
	if fi, err := os.Stat(outside); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("the link's target changed mode: %v, %v", fi, err)
	}
	left, _ := os.ReadDir(dl)
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "v1.0.0.lock v1.1.0.zip" {
		t.Errorf("left in @v: %s; want the lock and the other version", got)
	}
}

func FuzzFileOf(f *testing.F) {
	for _, s := range []string{"v1.0.0.zip123.tmp", "v1.0.0.mod.tmp", "x.tmp", ".zip1.tmp", "v1.0.0.zip"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		base, kind, ok := fileOf(name)
		whole := kind == "tmp" && strings.HasPrefix(name, base+".") || name == base+"."+kind
		if ok && !whole {
			t.Errorf("fileOf(%q) = %q, %q: not its parts", name, base, kind)
		}
	})
}

func FuzzReadGoSums(f *testing.F) {
	f.Add("example.com/m v1.0.0 h1:abc=\nexample.com/m v1.0.0/go.mod h1:def=\n")
	f.Add("garbage\n\n a b c d\n")
	f.Fuzz(func(t *testing.T, content string) {
		file := filepath.Join(t.TempDir(), "go.sum")
		os.WriteFile(file, []byte(content), 0o644)
		sums, err := readGoSums([]string{file, filepath.Join(t.TempDir(), "missing")})
		if err != nil {
			return // a line over the limit
		}
		for key, lines := range sums {
			if len(strings.Fields(key)) != 2 || len(lines) == 0 {
				t.Errorf("key %q with %d lines", key, len(lines))
			}
		}
	})
}
