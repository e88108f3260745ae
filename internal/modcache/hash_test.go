package modcache

import (
	"archive/zip"
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/mod/sumdb/dirhash"
)

// writeZipAndTree writes files as a zip (deflated, as the go command's
// are) and as an extracted tree, and returns both paths.
func writeZipAndTree(t testing.TB, files map[string][]byte) (zipFile, tree string) {
	dir := t.TempDir()
	zipFile, tree = filepath.Join(dir, "m.zip"), filepath.Join(dir, "tree")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "example.com/m@v1.0.0/" + name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		p := filepath.Join(tree, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	zw.Close()
	if err := os.WriteFile(zipFile, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return zipFile, tree
}

// sameAsDirhash requires the hasher's answers to be the library's, with
// one hasher reused as a scan worker reuses it.
func sameAsDirhash(t testing.TB, hs *hasher, files map[string][]byte) {
	zipFile, tree := writeZipAndTree(t, files)
	want, err := dirhash.HashZip(zipFile, dirhash.Hash1)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := hs.hashZip(zipFile); got != want || err != nil {
		t.Errorf("hashZip = %s, %v; dirhash says %s", got, err, want)
	}
	wantDir, err := dirhash.HashDir(tree, "example.com/m@v1.0.0", dirhash.Hash1)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := hs.hashDir(tree, "example.com/m@v1.0.0"); got != wantDir || err != nil {
		t.Errorf("hashDir = %s, %v; dirhash says %s", got, err, wantDir)
	}
	if len(files) > 0 && want != wantDir {
		t.Errorf("zip %s and tree %s of the same files differ", want, wantDir)
	}
}

func TestHasherIsDirhash(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	noise := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	hs := newHasher()
	// Members smaller than the read-ahead window, larger than it (read
	// past it directly), incompressible ones whose compressed bytes span
	// windows, and empty ones.
	sameAsDirhash(t, hs, map[string][]byte{"go.mod": []byte("module example.com/m\n"), "empty.go": nil})
	sameAsDirhash(t, hs, map[string][]byte{
		"a/big.bin":    noise(700 << 10),
		"a/small.go":   []byte("package a\n"),
		"b/repeat.txt": bytes.Repeat([]byte("godoctor "), 200_000),
		"c/mid.bin":    noise(255 << 10),
	})
	for range 8 {
		files := map[string][]byte{}
		for i := range 1 + rng.IntN(12) {
			files[string(rune('a'+i%26))+"/"+string(rune('a'+i))+".bin"] = noise(rng.IntN(100 << 10))
		}
		sameAsDirhash(t, hs, files)
	}
}

func FuzzHasherIsDirhash(f *testing.F) {
	f.Add([]byte("package x\n"), []byte{}, uint16(3))
	f.Add(bytes.Repeat([]byte{0xff}, 5000), []byte("module m\n"), uint16(70))
	hs := newHasher()
	f.Fuzz(func(t *testing.T, a, b []byte, repeat uint16) {
		sameAsDirhash(t, hs, map[string][]byte{"a.go": a, "d/b.go": b, "r.bin": bytes.Repeat(append(a, b...), int(repeat%64))})
	})
}

func TestReadAheadAtTheEnd(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	data := make([]byte, 1000)
	for i := range data {
		data[i] = byte(i)
	}
	os.WriteFile(p, data, 0o644)
	f, _ := os.Open(p)
	defer f.Close()
	r := readAhead{buf: make([]byte, 64)}
	r.reset(f)
	for _, c := range []struct {
		off, size, n int
		eof          bool
	}{{0, 10, 10, false}, {990, 20, 10, true}, {1000, 5, 0, true}, {5, 100, 100, false}, {40, 30, 30, false}, {2000, 1, 0, true}} {
		p := make([]byte, c.size)
		n, err := r.ReadAt(p, int64(c.off))
		if n != c.n || (err != nil) != c.eof || (n > 0 && !bytes.Equal(p[:n], data[c.off:c.off+n])) {
			t.Errorf("ReadAt(%d bytes at %d) = %d, %v", c.size, c.off, n, err)
		}
	}
}
