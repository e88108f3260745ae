//go:build !unix && !windows

package system

import "os"

// TryLock is a no-op where the system offers no file locks.
func TryLock(f *os.File) error { return nil }
