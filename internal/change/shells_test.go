package change

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/i18n"
)

// TestRealShellsFindTheToolchain applies the PATH block for a user of each
// shell, with the start-up files people have, and asks the real shell, as
// a login shell (ssh, a macOS terminal) and as an interactive one (a new
// tab), which go it runs. Shells this machine lacks are skipped by name.
func TestRealShellsFindTheToolchain(t *testing.T) {
	for _, c := range []struct {
		name, shell string
		files       map[string]string // start-up files before, under the home
		env         map[string]string // ZDOTDIR and XDG_CONFIG_HOME, under the home
		runs        [][]string        // shell arguments, each must find the toolchain's go
	}{
		{"bash, no start-up files", "bash", nil, nil, [][]string{{"-lc"}, {"-ic"}}},
		{"bash, a .bash_profile that does not source .bashrc", "bash",
			map[string]string{".bash_profile": "export EDITOR=vi\n", ".bashrc": "alias ll='ls -l'\n"}, nil, [][]string{{"-lc"}, {"-ic"}}},
		{"bash, Ubuntu's .profile that sources .bashrc", "bash",
			map[string]string{".profile": "if [ -n \"$BASH_VERSION\" ] && [ -f \"$HOME/.bashrc\" ]; then . \"$HOME/.bashrc\"; fi\n", ".bashrc": "# ubuntu\n"}, nil, [][]string{{"-lc"}, {"-ic"}}},
		{"sh", "sh", map[string]string{".profile": "umask 022\n"}, nil, [][]string{{"-lc"}}},
		{"zsh", "zsh", map[string]string{".zshrc": "setopt autocd\n"}, nil, [][]string{{"-lc"}, {"-ic"}, {"-c"}}},
		{"zsh with ZDOTDIR", "zsh", nil, map[string]string{"ZDOTDIR": "zdot"}, [][]string{{"-lc"}, {"-ic"}}},
		{"fish, no conf.d yet", "fish", nil, nil, [][]string{{"-lc"}, {"-ic"}}},
		{"fish with XDG_CONFIG_HOME", "fish", nil, map[string]string{"XDG_CONFIG_HOME": "xdg"}, [][]string{{"-lc"}, {"-ic"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sh, err := exec.LookPath(c.shell)
			if err != nil {
				t.Skipf("%s is not installed on this machine", c.shell)
			}
			m := fakesys.New(t)
			m.Setenv("SHELL", sh)
			env := []string{"HOME=" + m.Sys.Home, "PATH=/usr/bin:/bin", "SHELL=" + sh, "TERM=dumb"}
			for k, v := range c.env {
				dir := m.Home(v)
				os.MkdirAll(dir, 0o755)
				m.Setenv(k, dir)
				env = append(env, k+"="+dir)
			}
			for name, content := range c.files {
				m.WriteFile(m.Home(name), content)
			}
			bin := m.Home("sdk/go1.26.8/bin")
			m.WriteFile(filepath.Join(bin, "go"), "#!/bin/sh\necho go from the sdk\n")
			os.Chmod(filepath.Join(bin, "go"), 0o755)

			plan, err := Build(context.Background(), m.Sys, "", "PATH", Action{PathDirs: []string{bin}})
			if err != nil {
				t.Fatal(err)
			}
			j := Journal{Dir: m.Home("journal")}
			if _, err := j.Apply(plan); err != nil {
				t.Fatal(err)
			}
			for _, args := range c.runs {
				cmd := exec.Command(sh, append(args, "command -v go")...)
				cmd.Env, cmd.Dir = env, m.Sys.Home
				cmd.Stdin = strings.NewReader("")
				out, _ := cmd.Output()
				if got := strings.TrimSpace(lastLine(string(out))); got != filepath.Join(bin, "go") {
					t.Errorf("%s %s: command -v go = %q, want %s\n%s", c.shell, args[0], got, filepath.Join(bin, "go"), plan.Preview(i18n.Printer{}))
				}
			}
			// One change: one undo takes every file back.
			if _, err := j.Undo(false); err != nil {
				t.Fatal(err)
			}
			for name, content := range c.files {
				if data, _ := os.ReadFile(m.Home(name)); string(data) != content {
					t.Errorf("after undo %s holds %q", name, data)
				}
			}
			for _, e := range plan.Edits {
				if e.Before == nil {
					if _, err := os.Stat(e.Path); !os.IsNotExist(err) {
						t.Errorf("after undo %s, which godoctor created, is still there", e.Path)
					}
				}
			}
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
