//go:build !unix && !windows

package installer

import "os"

// lockFile is a no-op where the system offers no file locks.
func lockFile(f *os.File) error { return nil }
