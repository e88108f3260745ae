//go:build unix

package modcache

import (
	"io/fs"
	"syscall"
)

// inode is a file's inode number: a file replaced by another of the same
// size and time still gets another one.
func inode(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino)
	}
	return 0
}
