//go:build !unix

package system

import "os/exec"

// ownGroup leaves cmd as it is where there are no process groups to kill:
// cancellation kills the process, and WaitDelay stops waiting for pipes
// that a child of it still holds.
func ownGroup(cmd *exec.Cmd) {}
