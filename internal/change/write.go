package change

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/godoctorhq/godoctor/internal/system"
)

// target returns the file that a change of path changes: path itself, or
// the file its symbolic links lead to, so that a profile kept in a
// dotfiles repository stays a link and its target gets the change (as
// `go env -w` writes through a link). A link that leads nowhere is
// refused rather than replaced.
func target(path string) (string, error) {
	fi, err := os.Lstat(path)
	if notExist(err) {
		return path, nil
	}
	if err != nil {
		return "", err
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return path, nil
	}
	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("%s is a symbolic link that leads nowhere (%v); godoctor leaves it alone", path, err)
	}
	return resolved, nil
}

// notExist reports a path that names no file: missing, or under a file
// where a directory should be (which writing it will report).
func notExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// readFile returns the content and mode of the file path names (through
// its links), nil content when it does not exist.
func readFile(path string) ([]byte, fs.FileMode, error) {
	t, err := target(path)
	if err != nil {
		return nil, 0, err
	}
	// A user's file is read only when it is a regular file of a sane size:
	// a profile that is a FIFO would block, and a change must not be
	// planned over what cannot be read whole.
	data, err := system.ReadFile(t, system.MaxSettingsFile)
	if notExist(err) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	fi, err := os.Stat(t)
	if err != nil {
		return nil, 0, err
	}
	return data, fi.Mode().Perm(), nil
}

// writeAtomic replaces the file path names (through its links) with data:
// written to a temporary file in the same directory, synced, then renamed
// over it, so a reader sees the old or the new file and never half of
// one. An existing file keeps its mode and, where the system allows, its
// owner. A new file gets mode as the umask lets it, as the go command's
// and an editor's new files do; mode 0o600 keeps a secret private.
func writeAtomic(path string, data []byte, mode fs.FileMode) error {
	t, err := target(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, statErr := os.Stat(t)
	if statErr == nil {
		mode = old.Mode().Perm()
	}
	tmp, f, err := createTemp(dir, filepath.Base(t), mode)
	if err != nil {
		return err
	}
	defer os.Remove(tmp) // a no-op after the rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if statErr == nil {
		// The umask does not apply to a file that exists: its own mode
		// and owner carry over.
		if err := os.Chmod(tmp, mode); err != nil {
			return err
		}
		keepOwner(tmp, old)
	}
	if err := os.Rename(tmp, t); err != nil {
		return err
	}
	return syncDir(dir)
}

// createTemp creates a new file next to name, with mode under the umask.
func createTemp(dir, name string, mode fs.FileMode) (string, *os.File, error) {
	for i := 0; ; i++ {
		tmp := filepath.Join(dir, fmt.Sprintf(".%s.godoctor-%d-%d", name, os.Getpid(), i))
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) && i < 100 {
			continue
		}
		return tmp, f, err
	}
}

// readLink returns a symbolic link's target, nil when there is no link; a
// file or directory that is no link there is an error: godoctor replaces
// only its own link.
func readLink(path string) ([]byte, fs.FileMode, error) {
	fi, err := os.Lstat(path)
	if notExist(err) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return nil, 0, fmt.Errorf("%s is not a link but a real file or directory; move it away first", path)
	}
	t, err := os.Readlink(path)
	return []byte(t), fs.ModeSymlink, err
}

// writeLink points the link at path to target atomically: a new link
// beside it, renamed over it, so that a reader finds the old target or the
// new one and never no link.
func writeLink(path, target string) error {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink == 0 {
		return fmt.Errorf("%s is not a link but a real file or directory; move it away first", path)
	}
	tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.godoctor-link-%d", filepath.Base(path), os.Getpid()))
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}
