//go:build !unix

package system

import (
	"io/fs"
	"os"
)

// errLink marks a link met where links are not followed.
var errLink = &fs.PathError{Op: "open", Err: fs.ErrInvalid}

// openNoBlock opens path read-only. Without O_NOFOLLOW, a link is seen by
// Lstat first; there are no FIFOs that block an open here.
func openNoBlock(path string, follow bool) (*os.File, error) {
	if !follow {
		if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, errLink
		}
	}
	return os.Open(path)
}

// isLinkError reports the error openNoBlock gives for a link.
func isLinkError(err error) bool { return err == errLink }
