//go:build !unix

package change

import "io/fs"

// keepOwner does nothing where files have no Unix owner.
func keepOwner(tmp string, old fs.FileInfo) {}

// syncDir does nothing where a directory cannot be opened for syncing
// (Windows, whose renames are durable on their own).
func syncDir(dir string) error { return nil }
