package change

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/i18n"
)

const userPathBefore = `%USERPROFILE%\AppData\Local\Microsoft\WindowsApps;C:\Tools;c:\users\me\go\bin\;C:\Users\me\sdk\go1.21.5\bin`

// TestUserPathOnWindows makes a toolchain the default on Windows: the
// user PATH in the registry names it first, the earlier toolchain is taken
// out, the other entries stay as they were, and undo puts the value back.
func TestUserPathOnWindows(t *testing.T) {
	m := fakesys.New(t)
	u := m.Windows()
	u.Set("PATH", userPathBefore)
	u.Announced = 0
	j := Journal{Dir: m.Home("AppData/godoctor/journal"), UserEnv: u}
	action := Action{
		PathDirs: []string{`C:\Users\me\sdk\go1.22.0\bin`, `C:\Users\me\go\bin`},
		PathDrop: []string{`C:\Users\me\sdk\go1.21.5\bin`},
	}
	plan, err := Build(context.Background(), m.Sys, "", "default go1.22.0", action)
	if err != nil {
		t.Fatal(err)
	}
	preview := plan.Preview(i18n.Printer{})
	for _, want := range []string{
		`--- HKCU\Environment\Path`,
		`+ C:\Users\me\sdk\go1.22.0\bin`,
		`- C:\Users\me\sdk\go1.21.5\bin`,
		`- c:\users\me\go\bin\`,
		"note: open a new terminal for PATH to change",
	} {
		if !strings.Contains(preview, want) {
			t.Errorf("preview lacks %q:\n%s", want, preview)
		}
	}
	if _, err := j.Apply(plan); err != nil {
		t.Fatal(err)
	}
	got, _, _ := u.Get("Path")
	want := `C:\Users\me\sdk\go1.22.0\bin;C:\Users\me\go\bin;%USERPROFILE%\AppData\Local\Microsoft\WindowsApps;C:\Tools`
	if got != want {
		t.Errorf("user PATH =\n%s\nwant\n%s", got, want)
	}
	if u.Announced != 1 {
		t.Errorf("the change was announced %d times, want once", u.Announced)
	}
	if _, err := os.Stat(m.Home(".profile")); !os.IsNotExist(err) {
		t.Errorf("a shell profile was written on Windows: %v", err)
	}
	if again, _ := Build(context.Background(), m.Sys, "", "again", action); !again.Empty() {
		t.Errorf("doing it again changes something:\n%s", again.Preview(i18n.Printer{}))
	}
	if _, err := j.Undo(false); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := u.Get("Path"); got != userPathBefore {
		t.Errorf("after undo:\n%s\nwant\n%s", got, userPathBefore)
	}
}

func TestUserPathNewAndHandEdited(t *testing.T) {
	m := fakesys.New(t)
	u := m.Windows()
	j := Journal{Dir: m.Home("journal"), UserEnv: u}
	plan, err := Build(context.Background(), m.Sys, "", "t", Action{PathDirs: []string{`C:\sdk\go1.22.0\bin`}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan.Preview(i18n.Printer{}), `--- HKCU\Environment\Path (new variable)`) {
		t.Errorf("preview:\n%s", plan.Preview(i18n.Printer{}))
	}
	if _, err := j.Apply(plan); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := u.Get("PATH"); got != `C:\sdk\go1.22.0\bin` {
		t.Errorf("user PATH = %q", got)
	}
	u.Set("Path", `C:\sdk\go1.22.0\bin;D:\mine`)
	var changed *ChangedSinceError
	if _, err := j.Undo(false); !errors.As(err, &changed) || changed.Paths[0] != `HKCU\Environment\Path` {
		t.Fatalf("undo over a hand edit: %v", err)
	}
	if _, err := j.Undo(true); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := u.Get("Path"); ok {
		t.Error("undo left the variable that godoctor created")
	}
}

func TestUserPathRefusals(t *testing.T) {
	m := fakesys.New(t)
	u := m.Windows()
	j := Journal{Dir: m.Home("journal"), UserEnv: u}
	u.Set("Path", "C:\\a\nC:\\b")
	if _, err := userPathEdit(m.Sys, []string{`C:\go\bin`}, nil); err == nil || !strings.Contains(err.Error(), "line break") {
		t.Errorf("a value with a line break: %v", err)
	}

	u.Set("Path", `C:\a`)
	plan, _ := Build(context.Background(), m.Sys, "", "t", Action{PathDirs: []string{`C:\go\bin`}})
	u.Fail = errors.New("access denied")
	if _, err := j.Apply(plan); err == nil || !strings.Contains(err.Error(), "access denied") {
		t.Errorf("a failed registry write: %v", err)
	}
	if _, err := j.Undo(true); !errors.Is(err, ErrNothingToUndo) {
		t.Errorf("a failed change left a journal entry: %v", err)
	}
	u.Fail = nil
	if got, _, _ := u.Get("Path"); got != `C:\a` {
		t.Errorf("user PATH after a failed write = %q", got)
	}

	m.Sys.UserEnv = nil
	if _, err := userPathEdit(m.Sys, []string{`C:\go\bin`}, nil); err == nil {
		t.Error("no user environment: no error")
	}
}

// FuzzUserPathEdit feeds the registry's PATH value, which anyone may have
// written, through the edit: the value survives its line form unchanged,
// the new directories come first, and every other entry keeps its order.
func FuzzUserPathEdit(f *testing.F) {
	f.Add(userPathBefore)
	f.Add("")
	f.Add(";;")
	f.Add(`"C:\Program Files\x;y";C:\go\bin\`)
	f.Fuzz(func(t *testing.T, value string) {
		if strings.Contains(value, "\n") {
			return
		}
		if got := userVarValue(userVarLines(value)); got != value {
			t.Fatalf("round trip of %q gave %q", value, got)
		}
		m := fakesys.New(t)
		u := m.Windows()
		u.Set("Path", value)
		dirs := []string{`C:\sdk\go1.22.0\bin`}
		e, err := userPathEdit(m.Sys, dirs, []string{`C:\old\bin`})
		if err != nil {
			t.Fatal(err)
		}
		after := strings.Split(userVarValue(e.After), ";")
		if after[0] != dirs[0] {
			t.Fatalf("%q: the new directory is not first: %q", value, after)
		}
		var kept []string
		if value != "" {
			for _, entry := range strings.Split(value, ";") {
				if !containsWindowsPath(dirs, entry) && !containsWindowsPath([]string{`C:\old\bin`}, entry) {
					kept = append(kept, entry)
				}
			}
		}
		if strings.Join(after[1:], ";") != strings.Join(kept, ";") {
			t.Fatalf("%q: the other entries became %q, want %q", value, after[1:], kept)
		}
	})
}

// TestUserVarOverridesOnWindows sets GOPROXY with go env -w where the
// user environment also sets it: the user variable, which would override
// the go env file in every new terminal, is removed, and undo brings it
// back.
func TestUserVarOverridesOnWindows(t *testing.T) {
	m := fakesys.New(t)
	u := m.Windows()
	m.Setenv("AppData", m.Home("AppData/Roaming"))
	u.Set("GOPROXY", "https://bad.example")
	m.Setenv("GOPROXY", "https://bad.example")
	m.Setenv("GOSUMDB", "off") // set for this terminal only
	snap := goenv.Load(context.Background(), m.Sys)

	_, err := SetAction(m.Sys, snap, map[string]string{"GOPROXY": "https://goproxy.cn,direct", "GOSUMDB": "sum.golang.org"})
	var over *OverriddenError
	if !errors.As(err, &over) || !slices.Equal(over.Names, []string{"GOSUMDB"}) {
		t.Fatalf("GOSUMDB set in this terminal only: %v", err)
	}
	a, err := SetAction(m.Sys, snap, map[string]string{"GOPROXY": "https://goproxy.cn,direct"})
	if err != nil || !slices.Equal(a.UnsetUserVars, []string{"GOPROXY"}) {
		t.Fatalf("user vars %+v, %v", a, err)
	}
	if !slices.Equal(a.Exported(), []string{"GOPROXY"}) {
		t.Errorf("Exported = %q", a.Exported())
	}
	plan, err := Build(context.Background(), m.Sys, "", "use goproxy.cn", *a)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`+++ HKCU\Environment\GOPROXY (removed)`, "- https://bad.example", "GOPROXY=https://goproxy.cn,direct", "open a new terminal"} {
		if !strings.Contains(plan.Preview(i18n.Printer{}), want) {
			t.Errorf("preview lacks %q:\n%s", want, plan.Preview(i18n.Printer{}))
		}
	}
	j := Journal{Dir: m.Home("AppData/Roaming/godoctor/journal"), UserEnv: u}
	if _, err := j.Apply(plan); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := u.Get("GOPROXY"); ok {
		t.Error("GOPROXY is still in the user environment")
	}
	if _, err := j.Undo(false); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := u.Get("GOPROXY"); v != "https://bad.example" {
		t.Errorf("after undo GOPROXY = %q", v)
	}

	u.Set("GOFLAGS", "-mod=vendor")
	m.Setenv("GOFLAGS", "-mod=vendor")
	snap = goenv.Load(context.Background(), m.Sys)
	if a, err := UnsetAction(m.Sys, snap, "GOFLAGS"); err != nil || !slices.Equal(a.UnsetUserVars, []string{"GOFLAGS"}) {
		t.Errorf("unset GOFLAGS: %+v, %v", a, err)
	}
}

func TestExpandWindows(t *testing.T) {
	env := map[string]string{"USERPROFILE": `C:\Users\me`, "A": "x"}
	for in, want := range map[string]string{
		`%USERPROFILE%\go\bin`: `C:\Users\me\go\bin`,
		`%A%%A%`:               "xx",
		`%NOPE%\bin`:           `%NOPE%\bin`,
		`100%`:                 `100%`,
		`%%A%`:                 `%x`,
		`%`:                    `%`,
	} {
		if got := expandWindows(in, func(n string) string { return env[n] }); got != want {
			t.Errorf("expandWindows(%q) = %q, want %q", in, got, want)
		}
	}
}
