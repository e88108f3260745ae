//go:build !unix

package modcache

import "io/fs"

// inode is 0 where the system does not say it.
func inode(fi fs.FileInfo) uint64 { return 0 }
