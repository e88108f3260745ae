package system

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Caps on the files godoctor reads, each what its format can hold with
// room to spare: a read past the cap stops there, so that a 2 GiB file or
// /dev/zero costs no more than the cap.
const (
	// MaxSettingsFile: the go env file, $GOROOT/go.env, shell profiles,
	// .netrc, mirrors.json (a few KB in practice).
	MaxSettingsFile = 1 << 20
	// MaxModFile: go.mod and go.work (the go command's own cap on a
	// go.mod it downloads is 16 MiB), a cached .mod.
	MaxModFile = 16 << 20
	// MaxSumFile: go.sum and go.work.sum of a large project.
	MaxSumFile = 64 << 20
)

// NotRegularError refuses a file that is not a regular file: a FIFO (a
// read would wait for a writer forever), a device (/dev/zero never ends),
// a socket, a directory, or a link where links are not followed.
type NotRegularError struct {
	Path string
	What string // "a FIFO", "a device", "a symbolic link", ...
}

func (e *NotRegularError) Error() string { return e.Path + " is " + e.What + ", not a regular file" }

// TooLargeError refuses a file larger than its cap.
type TooLargeError struct {
	Path string
	Max  int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %d bytes", e.Path, e.Max)
}

// Describe names, for a person, what a file that should be a regular one
// is.
func Describe(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a directory"
	}
	return "not a regular file"
}

// OpenRegular opens path for reading only if it is a regular file, without
// blocking on a FIFO; with follow false a symbolic link (in the last
// element) is refused too. The caller closes the file.
func OpenRegular(path string, follow bool) (*os.File, fs.FileInfo, error) {
	f, err := openNoBlock(path, follow)
	if err != nil {
		if !follow && isLinkError(err) {
			return nil, nil, &NotRegularError{Path: path, What: "a symbolic link"}
		}
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, &NotRegularError{Path: path, What: Describe(fi.Mode())}
	}
	return f, fi, nil
}

// ReadFile reads a regular file (following links), at most max bytes: a
// longer one is a *TooLargeError, anything but a regular file a
// *NotRegularError.
func ReadFile(path string, max int64) ([]byte, error) { return readRegular(path, max, true) }

// ReadFileNoFollow is ReadFile for a file inside a tree that godoctor
// walks (the module cache, the change journal): a link is refused, never
// followed out of the tree.
func ReadFileNoFollow(path string, max int64) ([]byte, error) {
	return readRegular(path, max, false)
}

func readRegular(path string, max int64, follow bool) ([]byte, error) {
	f, fi, err := OpenRegular(path, follow)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > max {
		return nil, &TooLargeError{Path: path, Max: max}
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, &TooLargeError{Path: path, Max: max} // it grew while read
	}
	return data, nil
}

// NoLinkBelow checks that no element of path below root is a symbolic
// link (root itself may be one: GOMODCACHE on another disk is a choice of
// the user's). The module cache's scan and its clean share this rule, so
// that what one ignores the other never touches.
func NoLinkBelow(root, path string) error {
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%s is not inside %s", path, root)
	}
	if rel == "." {
		return nil
	}
	p := root
	for _, elem := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, elem)
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // nothing further down can be a link
		}
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return &NotRegularError{Path: p, What: "a symbolic link"}
		}
	}
	return nil
}
