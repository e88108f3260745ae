//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly || windows)

package system

import "errors"

// FreeSpace is not implemented on this system.
func diskFree(path string) (uint64, error) {
	return 0, errors.ErrUnsupported
}
