package modcache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/mod/module"

	"github.com/godoctorhq/godoctor/internal/system"
)

// Held is what the cache holds of one module version.
type Held struct {
	Version module.Version
	// Files are the download cache's files of the version (zip, .ziphash,
	// .mod, .info, a .partial marker, temporary files).
	Files []string
	// Trees are its extracted tree and any unfinished extraction.
	Trees []string
	Bytes int64
}

// Empty reports whether the cache holds nothing of the version.
func (h Held) Empty() bool { return len(h.Files) == 0 && len(h.Trees) == 0 }

// Find lists what the cache under root holds of mv.
func Find(root string, mv module.Version) (Held, error) {
	h := Held{Version: mv}
	escPath, err := module.EscapePath(mv.Path)
	if err != nil {
		return h, err
	}
	escVers, err := module.EscapeVersion(mv.Version)
	if err != nil {
		return h, err
	}
	dir := filepath.Join(root, "cache", "download", filepath.FromSlash(escPath), "@v")
	// The scan's rule: nothing is reached through a link. A linked @v
	// directory holds no file of the cache's, whatever it is named.
	if err := system.NoLinkBelow(root, dir); err != nil {
		return h, fmt.Errorf("%w: godoctor does not follow links out of the module cache", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return h, err
	}
	for _, e := range entries {
		base, _, ok := fileOf(e.Name())
		if !ok || base != escVers || e.IsDir() {
			continue
		}
		h.Files = append(h.Files, filepath.Join(dir, e.Name()))
		if info, err := e.Info(); err == nil {
			h.Bytes += info.Size()
		}
	}
	tree, unfinished, _ := treesOf(root, escPath).of(escVers)
	if tree != "" {
		h.Trees = append(h.Trees, tree)
	}
	h.Trees = append(h.Trees, unfinished...)
	for _, t := range h.Trees {
		h.Bytes += treeSize(t)
	}
	return h, nil
}

func treeSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// lockWait is how long Remove waits for a go command that is downloading
// the same version.
const lockWait = 10 * time.Second

// Remove deletes what Find found, holding the go command's lock of the
// version (VERSION.lock) so no go command is writing it meanwhile. It
// marks the version .partial first and removes that mark last: a Remove
// that is killed half way leaves a version the go command extracts again,
// never a half-deleted tree that it would trust.
func Remove(root string, h Held) error {
	err := remove(root, h)
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		// Not "in use": nothing can write here at all.
		return fmt.Errorf("the module cache is read-only here: %w", err)
	}
	return err
}

func remove(root string, h Held) error {
	escPath, err := module.EscapePath(h.Version.Path)
	if err != nil {
		return err
	}
	escVers, err := module.EscapeVersion(h.Version.Version)
	if err != nil {
		return err
	}
	dir := filepath.Join(root, "cache", "download", filepath.FromSlash(escPath), "@v")
	if err := system.NoLinkBelow(root, dir); err != nil {
		return fmt.Errorf("%w: godoctor does not follow links out of the module cache", err)
	}
	lock, err := system.LockFile(filepath.Join(dir, escVers+".lock"), lockWait)
	switch {
	case errors.Is(err, system.ErrLocked):
		return fmt.Errorf("a go command is using it (it holds %s.lock); try again when it is done", escVers)
	case err != nil:
		return err
	}
	defer lock.Close()
	partial := filepath.Join(dir, escVers+".partial")
	if len(h.Trees) > 0 {
		if err := markPartial(partial); err != nil {
			return err
		}
	}
	for _, t := range h.Trees {
		if err := removeTree(t); err != nil {
			return err
		}
	}
	for _, f := range h.Files {
		if f == partial {
			continue
		}
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := os.Remove(partial); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// markPartial writes the .partial marker afresh: whatever stands at its
// name (a marker, or a link someone put there) is removed first, and the
// new file is created only if nothing is there (O_EXCL, which refuses a
// link too), so that no write goes through a link out of the cache.
func markPartial(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return err
	}
	return f.Close()
}

// removeTree removes an extracted tree, which the go command makes
// read-only: its directories are made writable first, as go clean
// -modcache does. Links are removed, never followed.
func removeTree(dir string) error {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
	return os.RemoveAll(dir)
}
