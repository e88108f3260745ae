package installer

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// tree is the directory an archive is unpacked into, and the one guard of
// every path the unpackers write: a name must stay inside the tree; no
// entry is written through a symbolic link (so an archive's link cannot
// carry a later entry out); a link's target, followed through the links
// already made, must stay inside; and when all is unpacked every link is
// followed again, so that a later link cannot re-route an earlier one.
type tree struct {
	root string
	real map[string]bool // directories (slash paths) known to be no link
}

func newTree(root string) *tree { return &tree{root: root, real: map[string]bool{".": true}} }

// file returns where an entry named rel (slash-separated, relative to the
// tree) is written.
func (t *tree) file(rel string) (string, error) {
	target, err := safeJoin(t.root, rel)
	if err != nil {
		return "", err
	}
	clean := path.Clean(rel)
	for dir := path.Dir(clean); !t.real[dir]; dir = path.Dir(dir) {
		fi, err := os.Lstat(filepath.Join(t.root, filepath.FromSlash(dir)))
		switch {
		case err == nil && fi.Mode()&fs.ModeSymlink != 0:
			return "", fmt.Errorf("archive entry %q would be written through the link %q", rel, dir)
		case err == nil && fi.IsDir():
			t.real[dir] = true
		}
	}
	return target, nil
}

// mkdir makes the directory of an entry, and the directory itself for a
// directory entry.
func (t *tree) mkdir(target string) error {
	if err := os.MkdirAll(target, 0o755); err != nil {
		return &writeError{err}
	}
	return nil
}

// link makes the symbolic link rel -> target, if it leads inside.
func (t *tree) link(rel, target string) error {
	at, err := t.file(rel)
	if err != nil {
		return err
	}
	if err := t.inside(path.Dir(path.Clean(rel)), target); err != nil {
		return fmt.Errorf("link %s points outside the toolchain (%s)", rel, target)
	}
	if err := t.mkdir(filepath.Dir(at)); err != nil {
		return err
	}
	if err := os.Symlink(target, at); err != nil {
		return &writeError{err}
	}
	return nil
}

// inside checks that target, read from the directory dir (both relative
// to the tree), leads to a place inside the tree, following the links
// made so far.
func (t *tree) inside(dir, target string) error {
	_, err := t.resolve(dir, target, 0)
	return err
}

// maxLinks bounds how many links one path may go through, as the kernel's
// own ELOOP does.
const maxLinks = 40

// resolve follows target from dir through the tree's links and returns
// where it leads, relative to the tree; an error as soon as a step leaves
// the tree.
func (t *tree) resolve(dir, target string, hops int) (string, error) {
	if strings.HasPrefix(target, "/") || strings.Contains(target, `\`) || filepath.IsAbs(target) || filepath.VolumeName(target) != "" {
		return "", fmt.Errorf("%s is absolute", target)
	}
	cur := dir
	for _, part := range strings.Split(target, "/") {
		switch part {
		case "", ".":
			continue
		case "..":
			if cur == "." {
				return "", fmt.Errorf("%s climbs out", target)
			}
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, part)
		fi, err := os.Lstat(filepath.Join(t.root, filepath.FromSlash(next)))
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			cur = next // a file, a directory, or nothing yet
			continue
		}
		if hops >= maxLinks {
			return "", fmt.Errorf("%s goes through too many links", target)
		}
		link, err := os.Readlink(filepath.Join(t.root, filepath.FromSlash(next)))
		if err != nil {
			return "", err
		}
		if cur, err = t.resolve(cur, filepath.ToSlash(link), hops+1); err != nil {
			return "", err
		}
	}
	return cur, nil
}

// verifyLinks follows every link of the tree once all entries are there.
func (t *tree) verifyLinks() error {
	return filepath.WalkDir(t.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink == 0 {
			return err
		}
		rel, err := filepath.Rel(t.root, p)
		if err != nil {
			return err
		}
		target, err := os.Readlink(p)
		if err != nil {
			return err
		}
		if err := t.inside(path.Dir(filepath.ToSlash(rel)), filepath.ToSlash(target)); err != nil {
			return fmt.Errorf("link %s points outside the toolchain (%s)", filepath.ToSlash(rel), target)
		}
		return nil
	})
}
