package goenv_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosandbox"
	"github.com/godoctorhq/godoctor/internal/system"
)

func TestLoadLayersAndSources(t *testing.T) {
	m := fakesys.New(t)
	bin := m.Toolchain(m.Path("/usr/local/go"), "go1.26.8", "GOPROXY=https://mirror.example,direct", "GOSUMDB=sum.golang.org", "GOTOOLCHAIN=auto")
	m.PrependPath(bin)
	m.UserEnvFile("GOPROXY=https://goproxy.cn,direct", "GOPRIVATE=corp.example", "GOPRIVATE=corp.example,git.example")
	m.Setenv("GOPROXY", "https://goproxy.io")
	m.Setenv("GOSUMDB", "") // empty counts as unset
	m.Setenv("GOFLAGS", "-mod=mod")

	snap := goenv.Load(context.Background(), m.Sys)
	want := map[string]struct {
		value  string
		source goenv.Source
	}{
		"GOPROXY":     {"https://goproxy.io", goenv.FromProcess},
		"GOSUMDB":     {"sum.golang.org", goenv.FromGOROOT},
		"GOPRIVATE":   {"corp.example,git.example", goenv.FromUserFile},
		"GOFLAGS":     {"-mod=mod", goenv.FromProcess},
		"GOTOOLCHAIN": {"auto", goenv.FromGOROOT},
		"GONOSUMDB":   {"corp.example,git.example", goenv.FromDefault}, // from GOPRIVATE
	}
	for name, w := range want {
		st := snap.Settings[name]
		if st.Value != w.value || st.Source != w.source {
			t.Errorf("%s = %q from %s, want %q from %s", name, st.Value, st.Source, w.value, w.source)
		}
	}
	if st := snap.Settings["GOPROXY"]; !st.InFile || st.File != "https://goproxy.cn,direct" || !st.InRoot {
		t.Errorf("GOPROXY layers = %+v", st)
	}
	if got := snap.UserFile.Lines["GOPRIVATE"]; got != 3 {
		t.Errorf("GOPRIVATE line = %d, want 3 (the last duplicate)", got)
	}
	if snap.GoVersion() != "go1.26.8" {
		t.Errorf("GoVersion = %q", snap.GoVersion())
	}
	if ran := m.Ran(); len(ran) != 1 || !strings.HasPrefix(ran[0], "go env -json GOVERSION GOMOD ") || strings.Contains(ran[0], "GOGCCFLAGS") {
		t.Errorf("ran %q, want go env -json once, for named variables without the costly ones", ran)
	}
}

func TestLoadWithoutGo(t *testing.T) {
	m := fakesys.New(t)
	m.UserEnvFile("GOPATH=/data/go")
	m.Setenv("GOPRIVATE", "corp.example")
	m.WriteFile(m.Home("src/app/go.mod"), "module example.com/app\n\ngo 1.30\n\ntoolchain go1.30.2\n")
	m.Sys.Dir = m.Home("src/app/internal")
	os.MkdirAll(m.Sys.Dir, 0o755)

	snap := goenv.Load(context.Background(), m.Sys)
	if snap.Go != nil || len(m.Ran()) != 0 {
		t.Fatalf("found a go command on an empty PATH: %+v, ran %q", snap.Go, m.Ran())
	}
	if got := snap.Value("GOMODCACHE"); got != "/data/go/pkg/mod" {
		t.Errorf("GOMODCACHE = %q, want it derived from GOPATH", got)
	}
	if got := snap.Value("GONOPROXY"); got != "corp.example" {
		t.Errorf("GONOPROXY = %q, want the GOPRIVATE default", got)
	}
	want := &goenv.Module{Path: "example.com/app", GoModFile: m.Home("src/app/go.mod"), Go: "1.30", Toolchain: "go1.30.2"}
	if !reflect.DeepEqual(snap.Module, want) {
		t.Errorf("Module = %+v, want %+v", snap.Module, want)
	}
}

func TestFindGo(t *testing.T) {
	m := fakesys.New(t)
	a := m.Toolchain(m.Path("/usr/local/go"), "go1.26.8")
	b := m.Toolchain(m.Home("sdk/go1.25.3"), "go1.25.3")
	link := m.Home("bin")
	os.MkdirAll(link, 0o755)
	if err := os.Symlink(filepath.Join(a, "go"), filepath.Join(link, "go")); err != nil {
		t.Fatal(err)
	}
	m.PrependPath(link, "relative/bin", b, a)
	got := goenv.FindGo(m.Sys)
	if len(got) != 3 {
		t.Fatalf("FindGo found %d, want 3: %+v", len(got), got)
	}
	if got[0].Path != filepath.Join(link, "go") || got[0].Resolved != filepath.Join(a, "go") || got[0].Version != "go1.26.8" {
		t.Errorf("first = %+v", got[0])
	}
	if got[1].Version != "go1.25.3" || got[1].GOROOT != m.Home("sdk/go1.25.3") {
		t.Errorf("second = %+v", got[1])
	}
}

func TestUsualGoInstalls(t *testing.T) {
	m := fakesys.New(t)
	m.Toolchain(m.Path("/usr/local/go"), "go1.24.1")
	m.Toolchain(m.Home("sdk/go1.26.8"), "go1.26.8")
	m.Executable(m.Path("/usr/lib/go/bin/go")) // no toolchain around it
	var versions []string
	for _, b := range goenv.UsualGoInstalls(m.Sys) {
		versions = append(versions, b.Version)
	}
	if !reflect.DeepEqual(versions, []string{"go1.24.1", "go1.26.8"}) {
		t.Errorf("found %q", versions)
	}
}

func TestUserEnvFileLocation(t *testing.T) {
	tests := []struct {
		goos string
		env  map[string]string
		want string
		off  bool
	}{
		{"linux", map[string]string{}, "/h/.config/go/env", false},
		{"linux", map[string]string{"XDG_CONFIG_HOME": "/xdg"}, "/xdg/go/env", false},
		{"darwin", map[string]string{}, "/h/Library/Application Support/go/env", false},
		{"windows", map[string]string{"AppData": "/appdata"}, "/appdata/go/env", false},
		{"linux", map[string]string{"GOENV": "/custom/env"}, "/custom/env", false},
		{"linux", map[string]string{"GOENV": "off"}, "", true},
	}
	for _, tt := range tests {
		sys := &system.System{GOOS: tt.goos, Home: "/h", Env: tt.env}
		got, off, err := goenv.UserEnvFile(sys)
		if err != nil || got != filepath.FromSlash(tt.want) || off != tt.off {
			t.Errorf("%s %v: %q off=%v err=%v, want %q", tt.goos, tt.env, got, off, err, tt.want)
		}
	}
}

// TestSourcesAgreeWithGoEnvChanged uses the real go command as the oracle:
// every setting go env -changed lists must come from the environment or the
// go env file, and every such setting whose value differs from the
// toolchain's default must be listed.
func TestSourcesAgreeWithGoEnvChanged(t *testing.T) {
	gobin := gosandbox.Go(t)
	dir := t.TempDir()
	env := map[string]string{}
	for _, kv := range gosandbox.Env(t, dir, "GOSUMDB=off", "GOINSECURE=", "GOPROXY=", "GOFLAGS=") {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	os.WriteFile(env["GOENV"], []byte("GOPROXY=https://goproxy.cn,direct\nGOPRIVATE=corp.example\nGOFLAGS=-mod=mod\n"), 0o644)
	sys := &system.System{Env: env, GOOS: "linux", Home: dir, Dir: dir, Run: system.ExecRunner}
	snap := goenv.Load(context.Background(), sys)
	if snap.GoEnvErr != nil {
		t.Fatal(snap.GoEnvErr)
	}
	out, err := system.ExecRunner(context.Background(), dir, sys.Environ(), gobin, "env", "-changed", "-json")
	if err != nil {
		t.Fatal(err)
	}
	changed := map[string]string{}
	if err := json.Unmarshal(out, &changed); err != nil {
		t.Fatal(err)
	}
	for _, name := range goenv.ModuleSettings {
		st := snap.Settings[name]
		if st.Value != snap.GoEnv[name] && name != "GOTOOLCHAIN" {
			t.Errorf("%s = %q, go env says %q", name, st.Value, snap.GoEnv[name])
		}
		_, listed := changed[name]
		userSet := st.Source == goenv.FromProcess || st.Source == goenv.FromUserFile
		if listed && !userSet {
			t.Errorf("go env -changed lists %s, godoctor says it comes from %s", name, st.Source)
		}
		// go env -changed does not track GOPATH, GOCACHE and GOTOOLCHAIN.
		untracked := name == "GOPATH" || name == "GOCACHE" || name == "GOTOOLCHAIN"
		if userSet && st.Value != st.Root && !listed && !untracked {
			t.Errorf("%s=%q from %s, but go env -changed does not list it", name, st.Value, st.Source)
		}
	}
	for _, name := range []string{"GOPROXY", "GOPRIVATE", "GOFLAGS", "GOSUMDB"} {
		if _, ok := changed[name]; !ok {
			t.Errorf("go env -changed does not list %s; the oracle itself is off", name)
		}
	}

	// godoctor names the variables it asks for; the answers are those of
	// asking for everything.
	out, err = system.ExecRunner(context.Background(), dir, sys.Environ("GOTOOLCHAIN=local"), gobin, "env", "-json")
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{}
	if err := json.Unmarshal(out, &all); err != nil {
		t.Fatal(err)
	}
	for name, v := range snap.GoEnv {
		if want, ok := all[name]; ok && v != want {
			t.Errorf("go env -json %s = %q, but go env -json says %q", name, v, want)
		}
	}
	for _, name := range append(goenv.ModuleSettings, "GOVERSION", "GOMOD") {
		if _, ok := snap.GoEnv[name]; !ok {
			t.Errorf("godoctor did not ask go env for %s", name)
		}
	}
}
