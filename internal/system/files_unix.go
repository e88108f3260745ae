//go:build unix

package system

import (
	"errors"
	"os"
	"syscall"
)

// openNoBlock opens path read-only with O_NONBLOCK, so that opening a FIFO
// returns at once (its mode then refuses it); for a regular file the flag
// changes nothing. O_NOFOLLOW refuses a link in the last element.
func openNoBlock(path string, follow bool) (*os.File, error) {
	flags := os.O_RDONLY | syscall.O_NONBLOCK
	if !follow {
		flags |= syscall.O_NOFOLLOW
	}
	return os.OpenFile(path, flags, 0)
}

// isLinkError reports the error of O_NOFOLLOW meeting a link.
func isLinkError(err error) bool {
	return errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK)
}
