//go:build unix

package system

import (
	"os/exec"
	"syscall"
)

// ownGroup starts cmd in a process group of its own and makes
// cancellation kill the whole group: a git that started a remote helper
// (git-remote-https, ssh) leaves none of them holding its pipes.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
