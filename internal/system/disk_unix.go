//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package system

import "golang.org/x/sys/unix"

// diskFree returns the bytes available to an unprivileged user on the
// file system that holds path.
func diskFree(path string) (uint64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, err
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}
