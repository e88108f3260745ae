package modcache

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
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

// manyVersions builds a cache holding n versions of one module, each with
// its zip, .ziphash, .mod, .info and extracted tree, as the go command
// leaves them.
func manyVersions(tb testing.TB, n int) string {
	tb.Helper()
	root := tb.TempDir()
	dl := filepath.Join(root, "cache", "download", "example.com", "m", "@v")
	os.MkdirAll(dl, 0o755)
	for i := range n {
		v := fmt.Sprintf("v1.0.%d", i)
		mv := module.Version{Path: "example.com/m", Version: v}
		zipPath := filepath.Join(dl, v+".zip")
		f, _ := os.Create(zipPath)
		err := modzip.Create(f, mv, []modzip.File{memFile{"go.mod", "module example.com/m\n"}, memFile{"m.go", "package m\n"}})
		f.Close()
		if err != nil {
			tb.Fatal(err)
		}
		h, _ := dirhash.HashZip(zipPath, dirhash.Hash1)
		os.WriteFile(filepath.Join(dl, v+".ziphash"), []byte(h), 0o644)
		os.WriteFile(filepath.Join(dl, v+".mod"), []byte("module example.com/m\n"), 0o644)
		os.WriteFile(filepath.Join(dl, v+".info"), []byte(`{"Version":"`+v+`"}`), 0o644)
		tree := filepath.Join(root, "example.com", "m@"+v)
		os.MkdirAll(tree, 0o755)
		os.WriteFile(filepath.Join(tree, "go.mod"), []byte("module example.com/m\n"), 0o444)
		os.WriteFile(filepath.Join(tree, "m.go"), []byte("package m\n"), 0o444)
	}
	return root
}

type memFile struct{ name, data string }

func (f memFile) Path() string                 { return f.name }
func (f memFile) Lstat() (os.FileInfo, error)  { return memInfo(f), nil }
func (f memFile) Open() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(f.data)), nil }

type memInfo memFile

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return int64(len(i.data)) }
func (i memInfo) Mode() os.FileMode  { return 0o644 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }

// TestScanOfManyVersions: every version of a module with thousands of them
// is checked, and found whole.
func TestScanOfManyVersions(t *testing.T) {
	root := manyVersions(t, 300)
	r, err := Scan(context.Background(), Options{Root: root})
	if err != nil || r.Modules != 300 || len(r.Entries) != 0 {
		t.Fatalf("%d versions, %+v, %v", r.Modules, r.Entries, err)
	}
}

// BenchmarkScanOfManyVersions reports the time per version for one module
// with n versions: it stays flat as n grows (each directory is listed
// once), where listing the trees' directory per version made it grow with
// n (5,000 versions took 15 s, 10,000 took 63 s).
func BenchmarkScanOfManyVersions(b *testing.B) {
	for _, n := range []int{500, 2000, 8000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			root := manyVersions(b, n)
			b.ResetTimer()
			for range b.N {
				if _, err := Scan(context.Background(), Options{Root: root}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/version")
		})
	}
}

// TestStampsSpareOnlyWhatDidNotChange: a second scan with stamps hashes
// nothing that verified before; a file of a tree edited since (its size or
// time changed) is hashed again and found.
func TestStampsSpareOnlyWhatDidNotChange(t *testing.T) {
	root := manyVersions(t, 3)
	file := filepath.Join(t.TempDir(), "stamps.json")
	scan := func() (*Report, *Stamps) {
		st := LoadStamps(file)
		r, err := Scan(context.Background(), Options{Root: root, Stamps: st})
		if err != nil {
			t.Fatal(err)
		}
		return r, st
	}
	if r, st := scan(); len(r.Entries) != 0 || len(st.hashed) != 3 {
		t.Fatalf("first scan: %+v, %d hashed", r.Entries, len(st.hashed))
	}
	if r, st := scan(); len(r.Entries) != 0 || len(st.hashed) != 0 {
		t.Fatalf("second scan: %+v, %d hashed again", r.Entries, len(st.hashed))
	}
	edited := filepath.Join(root, "example.com", "m@v1.0.1", "m.go")
	os.Chmod(filepath.Dir(edited), 0o755)
	os.Chmod(edited, 0o644)
	os.WriteFile(edited, []byte("package x\n"), 0o444) // same size, a new time
	r, st := scan()
	if len(r.Entries) != 1 || r.Entries[0].Version != "v1.0.1" || r.Entries[0].Status != Altered || len(st.hashed) != 0 {
		t.Errorf("after an edit: %+v, %d hashed", r.Entries, len(st.hashed))
	}
}
