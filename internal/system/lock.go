package system

import (
	"errors"
	"os"
	"path/filepath"
	"time"
)

// ErrLocked says another process holds a lock.
var ErrLocked = errors.New("locked by another process")

// LockFile opens path (creating it and its directory) and takes its
// exclusive lock, trying again for up to wait while another process holds
// it. Closing the file releases the lock; the kernel releases it when the
// process dies, so a killed godoctor never leaves a lock behind.
func LockFile(path string, wait time.Duration) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		err := TryLock(f)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, ErrLocked) || time.Now().After(deadline) {
			f.Close()
			return nil, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
