package system_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/system"
)

// TestPlatforms checks the per-system rules with GOOS injected: the PATH
// separator, the executable suffix, and finding go.exe on a Windows PATH.
func TestPlatforms(t *testing.T) {
	for _, c := range []struct {
		goos, sep, exe string
	}{{"linux", ":", ""}, {"darwin", ":", ""}, {"windows", ";", ".exe"}, {"plan9", "\x00", ""}} {
		sys := &system.System{GOOS: c.goos}
		if sys.ListSeparator() != c.sep || sys.ExeSuffix() != c.exe {
			t.Errorf("%s: separator %q suffix %q", c.goos, sys.ListSeparator(), sys.ExeSuffix())
		}
	}
	m := fakesys.New(t)
	m.Sys.GOOS = "windows"
	dir := m.Path("/Program Files/Go")
	os.MkdirAll(filepath.Join(dir, "pkg", "tool"), 0o755)
	m.WriteFile(filepath.Join(dir, "VERSION"), "go1.26.8\n")
	m.WriteFile(filepath.Join(dir, "bin", "go.exe"), "MZ") // no execute bit needed on Windows
	m.WriteFile(filepath.Join(m.Root, "other", "go"), "not a windows program")
	// Windows spells it Path; programs ask for PATH.
	delete(m.Sys.Env, "PATH")
	m.Sys.Env["Path"] = filepath.Join(m.Root, "other") + ";" + filepath.Join(dir, "bin")
	got := goenv.FindGo(m.Sys)
	if len(got) != 1 || got[0].Version != "go1.26.8" {
		t.Errorf("FindGo on windows = %+v", got)
	}
	if p := m.Sys.LookPath("go"); p != filepath.Join(dir, "bin", "go.exe") {
		t.Errorf("LookPath = %q", p)
	}
}
