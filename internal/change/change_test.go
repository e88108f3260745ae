package change

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosandbox"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/shell"
	"github.com/godoctorhq/godoctor/internal/system"
)

// realGoSys is a System whose go env file is in a sandbox, run by the
// real go command.
func realGoSys(t *testing.T) (*system.System, string) {
	t.Helper()
	gobin := gosandbox.Go(t)
	dir := t.TempDir()
	env := map[string]string{}
	for _, kv := range gosandbox.Env(t, dir, "GOPROXY=", "GOFLAGS=") {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	delete(env, "GOPROXY")
	delete(env, "GOFLAGS")
	return &system.System{Env: env, GOOS: "linux", Home: dir, Dir: dir, Run: system.ExecRunner}, gobin
}

func goEnvValue(t *testing.T, sys *system.System, gobin, name string) string {
	t.Helper()
	out, err := system.ExecRunner(context.Background(), sys.Dir, sys.Environ(), gobin, "env", name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

func journal(t *testing.T) Journal {
	return Journal{Dir: filepath.Join(t.TempDir(), "journal")}
}

// TestUpdateEnvFileAgreesWithGo writes the same changes with the real go
// command and with writeEnvFile and compares the bytes.
func TestUpdateEnvFileAgreesWithGo(t *testing.T) {
	sys, gobin := realGoSys(t)
	tests := []struct {
		before string
		set    map[string]string
		unset  []string
	}{
		{"", map[string]string{"GOPROXY": "https://goproxy.cn,direct"}, nil},
		{"GOSUMDB=off\nGOPROXY=x\n", map[string]string{"GOPROXY": "https://goproxy.cn|direct", "GOPRIVATE": "corp.example"}, nil},
		{"# mine\nGOPROXY=a\nGOFLAGS=-mod=mod\n\nGOPROXY=b\nGOAMD64=v3", nil, []string{"GOPROXY"}},
		{"GOTOOLCHAIN=local\nlower=kept\nGOPATH=/x\n", map[string]string{"GOSUMDB": "sum.golang.google.cn"}, []string{"GOPATH"}},
	}
	for _, tt := range tests {
		path, _, _ := goenv.UserEnvFile(sys)
		os.WriteFile(path, []byte(tt.before), 0o644)
		viaGo, err := goEnvEdit(context.Background(), sys, gobin, tt.set, tt.unset)
		if err != nil {
			t.Fatal(err)
		}
		ours := writeEnvFile([]byte(tt.before), tt.set, tt.unset)
		if string(viaGo.After) != string(ours) {
			t.Errorf("before %q set %v unset %v:\ngo:   %q\nours: %q", tt.before, tt.set, tt.unset, viaGo.After, ours)
		}
	}
}

func TestApplyThenGoSeesIt(t *testing.T) {
	sys, gobin := realGoSys(t)
	path, _, _ := goenv.UserEnvFile(sys)
	os.WriteFile(path, []byte("GOFLAGS=-modcacherw\n"), 0o600)
	edit, err := goEnvEdit(context.Background(), sys, gobin, map[string]string{"GOPROXY": "https://goproxy.cn,direct"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	plan := Plan{Title: "use goproxy.cn", Edits: []Edit{edit}}
	if !strings.Contains(plan.Preview(i18n.Printer{}), "+ GOPROXY=https://goproxy.cn,direct") {
		t.Errorf("preview:\n%s", plan.Preview(i18n.Printer{}))
	}
	if data, _ := os.ReadFile(path); string(data) != "GOFLAGS=-modcacherw\n" {
		t.Fatalf("planning wrote the file: %q", data)
	}
	j := journal(t)
	if _, err := j.Apply(plan); err != nil {
		t.Fatal(err)
	}
	if got := goEnvValue(t, sys, gobin, "GOPROXY"); got != "https://goproxy.cn,direct" {
		t.Errorf("go env GOPROXY = %q", got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the file's own 0600", fi.Mode().Perm())
	}
	if _, err := j.Undo(false); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != "GOFLAGS=-modcacherw\n" {
		t.Errorf("after undo: %q", data)
	}
}

func TestGoRefusesBadValues(t *testing.T) {
	sys, gobin := realGoSys(t)
	_, err := goEnvEdit(context.Background(), sys, gobin, map[string]string{"GOPATH": "relative/path"}, nil)
	if err == nil || !strings.Contains(err.Error(), "GOPATH entry is relative") {
		t.Errorf("err = %v", err)
	}
	sys.Env["GOENV"] = "off"
	if _, err := goEnvEdit(context.Background(), sys, gobin, map[string]string{"GOPROXY": "direct"}, nil); err == nil {
		t.Error("GOENV=off accepted")
	}
}

func TestChainUndoneInOrder(t *testing.T) {
	m := fakesys.New(t)
	m.Setenv("SHELL", "/bin/bash")
	user := "# my aliases\nalias ll='ls -l'\nexport EDITOR=vi\n"
	m.WriteFile(m.Home(".bashrc"), user)
	env := m.UserEnvFile("GOSUMDB=off")
	j := Journal{Dir: m.Home(".config/godoctor/journal"), Now: func() time.Time { return time.Now() }}

	steps := []func() Edit{
		func() Edit { e, _ := goEnvEdit(context.Background(), m.Sys, "", nil, []string{"GOSUMDB"}); return e },
		func() Edit { e, _ := blockEdit(m.Sys, []string{m.Home("go/bin")}, nil); return e },
		func() Edit {
			e, _ := blockEdit(m.Sys, []string{m.Home("sdk/go/bin"), m.Home("go/bin")}, nil)
			return e
		},
	}
	var snapshots []string
	state := func() string {
		a, _ := os.ReadFile(env)
		b, _ := os.ReadFile(m.Home(".bashrc"))
		return string(a) + "|" + string(b)
	}
	for i, step := range steps {
		snapshots = append(snapshots, state())
		if _, err := j.Apply(Plan{Title: "step", Edits: []Edit{step()}}); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if b, _ := os.ReadFile(m.Home(".bashrc")); !strings.HasPrefix(string(b), user) {
			t.Fatalf("step %d lost the user's lines:\n%s", i, b)
		}
	}
	b, _ := os.ReadFile(m.Home(".bashrc"))
	wantBlock := blockStart + "\n" + `export PATH="` + m.Home("go/bin") + `:$PATH"` + "\n" + `export PATH="` + m.Home("sdk/go/bin") + `:$PATH"` + "\n" + blockEnd + "\n"
	if strings.Count(string(b), blockStart) != 1 || !strings.HasSuffix(string(b), wantBlock) {
		t.Errorf("the block is not replaced in place:\n%s", b)
	}
	for i := len(steps) - 1; i >= 0; i-- {
		if _, err := j.Undo(false); err != nil {
			t.Fatalf("undo %d: %v", i, err)
		}
		if got := state(); got != snapshots[i] {
			t.Errorf("after undoing step %d:\n%q\nwant\n%q", i, got, snapshots[i])
		}
	}
	if _, err := j.Undo(false); err != ErrNothingToUndo {
		t.Errorf("undo of an empty journal: %v", err)
	}
}

func TestUndoRefusesHandEdits(t *testing.T) {
	m := fakesys.New(t)
	j := journal(t)
	edit, _ := blockEdit(m.Sys, []string{"/opt/go/bin"}, nil)
	if _, err := j.Apply(Plan{Edits: []Edit{edit}}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(edit.Path, append(edit.After, "echo mine\n"...), 0o644)
	_, err := j.Undo(false)
	if _, ok := err.(*ChangedSinceError); !ok {
		t.Fatalf("undo over a hand edit: %v", err)
	}
	if _, err := j.Undo(true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(edit.Path); !os.IsNotExist(err) {
		t.Errorf("a file godoctor created is still there after undo: %v", err)
	}
}

func TestApplyRefusesStalePlans(t *testing.T) {
	m := fakesys.New(t)
	m.WriteFile(m.Home(".profile"), "PATH=$PATH:/x\n")
	edit, _ := blockEdit(m.Sys, []string{"/opt/go/bin"}, nil)
	m.WriteFile(m.Home(".profile"), "PATH=$PATH:/y\n")
	if _, err := journal(t).Apply(Plan{Edits: []Edit{edit}}); err == nil || !strings.Contains(err.Error(), "changed since the preview") {
		t.Errorf("err = %v", err)
	}
	if data, _ := os.ReadFile(m.Home(".profile")); string(data) != "PATH=$PATH:/y\n" {
		t.Errorf("file = %q", data)
	}
}

func TestCommentOutAndFish(t *testing.T) {
	m := fakesys.New(t)
	m.WriteFile(m.Home(".zshrc"), "export GOPROXY=https://bad.example\nexport X=1\n")
	e, err := commentOutEdit(m.Home(".zshrc"), []int{1}, "overrides go env -w GOPROXY")
	if err != nil || !strings.HasPrefix(string(e.After), "# export GOPROXY=https://bad.example  # disabled by godoctor: overrides go env -w GOPROXY\nexport X=1\n") {
		t.Errorf("%q %v", e.After, err)
	}
	m.Setenv("SHELL", "/usr/bin/fish")
	e, _ = blockEdit(m.Sys, []string{"/opt/go bin"}, nil)
	if !strings.HasSuffix(e.Path, filepath.Join("conf.d", "godoctor.fish")) || !strings.Contains(string(e.After), "fish_add_path --global --move --path '/opt/go bin'") {
		t.Errorf("fish: %s\n%s", e.Path, e.After)
	}
	if _, err := journal(t).Apply(Plan{Edits: []Edit{e}}); err != nil {
		t.Fatal(err)
	}
	e, _ = blockEdit(m.Sys, []string{"/it's/bin"}, nil)
	if got, _ := blockDirs(string(e.After), shell.Fish); !slices.Equal(got, []string{"/it's/bin", "/opt/go bin"}) {
		t.Errorf("fish block dirs = %q\n%s", got, e.After)
	}
	e, _ = blockEdit(m.Sys, []string{"/it's/bin"}, []string{"/opt/go bin"})
	if got, _ := blockDirs(string(e.After), shell.Fish); !slices.Equal(got, []string{"/it's/bin"}) {
		t.Errorf("fish block dirs after dropping /opt/go bin = %q\n%s", got, e.After)
	}
}

func TestDiff(t *testing.T) {
	got := strings.Join(diff("a\nb\nc\nd\ne\nf\n", "a\nb\nC\nd\ne\nf\ng\n"), "\n")
	want := "  b\n- c\n+ C\n  d\n  …\n  f\n+ g"
	if got != want {
		t.Errorf("diff =\n%s\nwant\n%s", got, want)
	}
}

func FuzzUpdateEnvFile(f *testing.F) {
	f.Add([]byte("# c\nGOPROXY=a\nGOPROXY=b\n\nX=1"), "GOPROXY", "v")
	f.Fuzz(func(t *testing.T, data []byte, key, value string) {
		if key == "" || key[0] < 'A' || key[0] > 'Z' || strings.ContainsAny(key, "=\n#") || strings.Contains(value, "\n") {
			return
		}
		after := writeEnvFile(data, map[string]string{key: value}, nil)
		if values, _ := gosettings.ParseEnvFile(after); values[key] != value {
			t.Fatalf("after setting %s=%q the file says %q:\n%q", key, value, values[key], after)
		}
		gone := writeEnvFile(after, nil, []string{key})
		if values, _ := gosettings.ParseEnvFile(gone); values[key] != "" {
			if _, still := values[key]; still {
				t.Fatalf("after unsetting %s the file still has it:\n%q", key, gone)
			}
		}
	})
}

// blockEdit plans the PATH block of the first start-up file of the user's
// shell.
func blockEdit(sys *system.System, dirs, drop []string) (Edit, error) {
	edits, err := pathBlockEdits(sys, dirs, drop)
	if err != nil {
		return Edit{}, err
	}
	return edits[0], nil
}

// TestPathFilesPerShell: the files a login and an interactive shell of the
// user's kind read, per system, with ZDOTDIR and XDG_CONFIG_HOME, and
// older files that already hold the block.
func TestPathFilesPerShell(t *testing.T) {
	for _, c := range []struct {
		goos, shell string
		env         map[string]string
		existing    []string // files under the home
		want        []string
	}{
		{"linux", "/bin/bash", nil, nil, []string{".bashrc", ".profile"}},
		{"linux", "/bin/bash", nil, []string{".bash_profile", ".profile"}, []string{".bashrc", ".bash_profile"}},
		{"linux", "/bin/bash", nil, []string{".bash_login", ".profile"}, []string{".bashrc", ".bash_login"}},
		{"darwin", "/bin/bash", nil, []string{".profile"}, []string{".bashrc", ".profile"}},
		{"linux", "/usr/bin/zsh", nil, nil, []string{".zshenv"}},
		{"darwin", "/bin/zsh", nil, nil, []string{".zshenv", ".zprofile"}},
		{"linux", "/usr/bin/zsh", map[string]string{"ZDOTDIR": "ZDOT"}, nil, []string{"zdot/.zshenv"}},
		{"linux", "/usr/bin/fish", nil, nil, []string{".config/fish/conf.d/godoctor.fish"}},
		{"linux", "/usr/bin/fish", map[string]string{"XDG_CONFIG_HOME": "XDG"}, nil, []string{"xdg/fish/conf.d/godoctor.fish"}},
		{"freebsd", "/bin/sh", nil, nil, []string{".profile"}},
		{"linux", "", nil, nil, []string{".profile"}},
	} {
		m := fakesys.New(t)
		m.Sys.GOOS = c.goos
		m.Setenv("SHELL", c.shell)
		for k, v := range c.env {
			m.Setenv(k, m.Home(strings.ToLower(v)))
		}
		for _, f := range c.existing {
			m.WriteFile(m.Home(f), "# mine\n")
		}
		var got []string
		for _, f := range pathFiles(m.Sys) {
			rel, _ := filepath.Rel(m.Sys.Home, f)
			got = append(got, filepath.ToSlash(rel))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s %s %v %v: %q, want %q", c.goos, c.shell, c.env, c.existing, got, c.want)
		}
	}
	// A block an older godoctor put in .zshrc is kept up to date.
	m := fakesys.New(t)
	m.Setenv("SHELL", "/bin/zsh")
	m.WriteFile(m.Home(".zshrc"), blockStart+"\n"+blockEnd+"\n")
	if got := pathFiles(m.Sys); !slices.Equal(got, []string{m.Home(".zshenv"), m.Home(".zshrc")}) {
		t.Errorf("with an old block in .zshrc: %q", got)
	}
}
