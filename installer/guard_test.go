package installer

import (
	"archive/tar"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// unpackInto unpacks a tar.gz of entries into root, which sits in an
// otherwise empty sandbox, and returns the sandbox's names afterwards.
func unpackInto(t *testing.T, entries []tar.Header, contents map[string]string) (root string, err error, outside []string) {
	t.Helper()
	return unpackArchive(t, tarGz(t, entries, contents))
}

func unpackArchive(t *testing.T, data []byte) (root string, err error, outside []string) {
	t.Helper()
	sandbox := t.TempDir()
	root = filepath.Join(sandbox, "staging")
	os.MkdirAll(root, 0o755)
	archive := filepath.Join(t.TempDir(), "go.tar.gz")
	os.WriteFile(archive, data, 0o644)
	err = unpackTarGz(context.Background(), archive, root, nil)
	names, _ := os.ReadDir(sandbox)
	for _, n := range names {
		if n.Name() != "staging" {
			outside = append(outside, n.Name())
		}
	}
	return root, err, outside
}

func link(name, target string) tar.Header {
	return tar.Header{Name: "go/" + name, Typeflag: tar.TypeSymlink, Linkname: target}
}

func file(name string) tar.Header {
	return tar.Header{Name: "go/" + name, Typeflag: tar.TypeReg, Mode: 0o644}
}

// The chains of the issue: links that each look local but lead out
// together, in either order, with files written through them.
func TestLinkChainsStayInside(t *testing.T) {
	for name, entries := range map[string][]tar.Header{
		"b first":          {link("b", "."), link("a", "b/.."), file("a/escaped")},
		"a first":          {link("a", "b/.."), link("b", "."), file("bin/go")},
		"deeper":           {file("bin/go"), link("a", "bin"), link("a2", "a/.."), link("c", "a2/.."), file("c/escaped")},
		"through a link":   {link("b", "."), file("b/x")},
		"absolute":         {link("x", "/etc")},
		"backslash":        {link("x", `..\..`)},
		"a loop":           {link("a", "b"), link("b", "a"), link("c", "a/..")},
		"link under link":  {link("d", "bin"), link("d/x", "..")},
		"later re-routing": {file("bin/go"), link("sub", "bin"), link("up", "sub/.."), link("sub2", "."), link("sub", "sub2")},
	} {
		t.Run(name, func(t *testing.T) {
			_, err, outside := unpackInto(t, entries, nil)
			if err == nil {
				t.Errorf("unpacked without an error")
			}
			if len(outside) > 0 {
				t.Errorf("written outside the staging directory: %q", outside)
			}
		})
	}
	// The links a real archive has stay possible.
	root, err, _ := unpackInto(t, []tar.Header{file("VERSION"), link("misc/link", "../VERSION"), link("bin/self", "."), file("bin/go")}, map[string]string{"go/VERSION": "go1.21.5\n"})
	if err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(root, "misc", "link")); err != nil || string(data) != "go1.21.5\n" {
		t.Errorf("misc/link: %q, %v", data, err)
	}
}

// FuzzUnpackLinks builds archives of files, directories and links from the
// fuzzer's lines ("L name target", "F name", "D name"): whatever they hold,
// nothing lands outside the staging directory, and when the unpack
// succeeds every link in it leads inside.
func FuzzUnpackLinks(f *testing.F) {
	for _, s := range []string{
		"L b .\nL a b/..\nF a/x",
		"L a b/..\nL b .\nF bin/go",
		"F bin/go\nL a bin\nL a2 a/..\nL c a2/..\nF c/y",
		"D d\nL d/e ../d\nF d/e/f",
		"L x ../../x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		var entries []tar.Header
		for _, line := range strings.Split(spec, "\n") {
			fields := strings.Fields(line)
			switch {
			case len(fields) == 3 && fields[0] == "L":
				entries = append(entries, link(fields[1], fields[2]))
			case len(fields) == 2 && fields[0] == "F":
				entries = append(entries, file(fields[1]))
			case len(fields) == 2 && fields[0] == "D":
				entries = append(entries, tar.Header{Name: "go/" + fields[1] + "/", Typeflag: tar.TypeDir, Mode: 0o755})
			}
		}
		if len(entries) == 0 || len(entries) > 12 {
			return
		}
		data, err := buildTarGz(entries, nil)
		if err != nil {
			return // a header the tar writer refuses
		}
		root, err, outside := unpackArchive(t, data)
		if len(outside) > 0 {
			t.Fatalf("%q wrote outside: %q", spec, outside)
		}
		if err != nil {
			return
		}
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.Type()&os.ModeSymlink == 0 {
				return nil
			}
			resolved, err := filepath.EvalSymlinks(p)
			if err != nil {
				return nil // leads to nothing (yet), which is no escape
			}
			if rel, err := filepath.Rel(root, resolved); err != nil || !filepath.IsLocal(rel) && rel != "." || slices.Contains(strings.Split(rel, string(filepath.Separator)), "..") {
				t.Fatalf("%q: the link %s leads to %s, outside", spec, p, resolved)
			}
			return nil
		})
	})
}
