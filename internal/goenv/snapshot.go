// Package goenv models the Go environment as the go command sees it: the go
// commands on PATH and which one runs, the settings layered as the go
// command layers them (process environment, the go env file,
// $GOROOT/go.env, built-in defaults) with where every value comes from,
// and the main module's go.mod. It runs the go command once, for
// `go env -json` of the variables it reads.
package goenv

import (
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/godoctorhq/godoctor/internal/gocmd"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/system"
)

// Source says where the effective value of a setting comes from.
type Source string

const (
	FromProcess  Source = "environment"   // a non-empty OS environment variable
	FromUserFile Source = "go env file"   // written by go env -w
	FromGOROOT   Source = "GOROOT/go.env" // the toolchain's shipped defaults
	FromDefault  Source = "built-in"      // compiled into the go command
)

// ModuleSettings are the variables that decide how modules are found,
// downloaded and verified, in the order reports list them.
var ModuleSettings = []string{
	"GOPROXY", "GOSUMDB", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE",
	"GOAUTH", "GOVCS", "GOFLAGS", "GO111MODULE", "GOTOOLCHAIN",
	"GOPATH", "GOMODCACHE", "GOCACHE", "GOBIN", "GOROOT",
}

// Setting is one variable with its value at each layer.
type Setting struct {
	Name   string
	Value  string // the effective value
	Source Source
	// The value in each layer that has one. Process is set only when the
	// OS variable is non-empty: the go command treats empty as unset.
	Process, File, Root       string
	InProcess, InFile, InRoot bool
}

// Binary is a go command found on PATH.
type Binary struct {
	Path     string // as found on PATH
	Resolved string // with symlinks resolved
	GOROOT   string // the toolchain it belongs to, "" if not a toolchain layout
	Version  string // from GOROOT/VERSION, "" if unknown
}

// Module is the main module of the working directory.
type Module struct {
	Path      string // module path
	GoModFile string
	Go        string // the go line, "" if absent
	Toolchain string // the toolchain line, "" if absent
	// Requires are the module paths the go.mod requires directly.
	Requires []string
	// ParseErr is why the go command refuses the file ("errors parsing
	// go.mod"); what could still be read is above.
	ParseErr error
}

// Workspace is the go.work file in force (GOWORK, or found above the
// working directory), whose go and toolchain lines take over from go.mod's.
type Workspace struct {
	File      string
	Go        string
	Toolchain string
	Uses      []string // the directories of its use lines, as written
}

// Snapshot is the Go environment as the go command sees it.
type Snapshot struct {
	Binaries []Binary // every go on PATH, in PATH order
	Go       *Binary  // the one that runs (Binaries[0]), nil if none
	// GoEnv is `go env -json` of the go that runs, nil if it did not run.
	GoEnv    map[string]string
	GoEnvErr error
	// UserFile is the go env file; UserFileOff is set by GOENV=off.
	UserFile    EnvFile
	UserFileOff bool
	UserFileErr error   // why the file's location is unknown
	RootFile    EnvFile // $GOROOT/go.env
	Settings    map[string]Setting
	Module      *Module
	ModuleErr   error
	Work        *Workspace // the go.work in force, nil outside a workspace
	WorkErr     error
	// Process holds every GO-prefixed and CGO_ variable of the process.
	Process map[string]string
}

// Value returns the effective value of a setting.
func (s *Snapshot) Value(name string) string { return s.Settings[name].Value }

// GoVersion returns the version of the go that runs, "" if unknown.
func (s *Snapshot) GoVersion() string {
	if v := s.GoEnv["GOVERSION"]; v != "" {
		return v
	}
	if s.Go != nil {
		return s.Go.Version
	}
	return ""
}

// goEnvTimeout bounds the one `go env -json` run; it normally takes tens of
// milliseconds, and a go command that hangs must not hang the doctor.
const goEnvTimeout = 20 * time.Second

// Load reads the whole Go environment. It runs the go command once.
func Load(ctx context.Context, sys *system.System) *Snapshot {
	snap := &Snapshot{Binaries: FindGo(sys), Process: map[string]string{}}
	for k, v := range sys.Env {
		if strings.HasPrefix(k, "GO") || strings.HasPrefix(k, "CGO_") {
			snap.Process[k] = v
		}
	}
	path, off, err := UserEnvFile(sys)
	snap.UserFileOff, snap.UserFileErr = off, err
	snap.UserFile = readEnvFile(path)
	if len(snap.Binaries) > 0 {
		snap.Go = &snap.Binaries[0]
		var notRegular *system.NotRegularError
		var tooLarge *system.TooLargeError
		if errors.As(snap.UserFile.Err, &notRegular) || errors.As(snap.UserFile.Err, &tooLarge) {
			// Every go command reads the go env file whole before anything
			// else: a FIFO blocks it, a device never ends, a huge file
			// costs its size in memory. Asking it would hang until the
			// timeout and prove nothing more.
			snap.GoEnvErr = fmt.Errorf("the go env file: %v: every go command reads it whole first, and would wait on it forever or take its size in memory", snap.UserFile.Err)
		} else {
			snap.GoEnv, snap.GoEnvErr = goEnv(ctx, sys, snap.Go.Path)
		}
	}
	snap.RootFile = readEnvFile(snap.rootEnvFile(sys))
	snap.Settings = snap.resolve(sys)
	snap.Module, snap.ModuleErr = snap.findModule(sys)
	snap.Work, snap.WorkErr = snap.findWork(sys)
	return snap
}

// goEnvArgs ask `go env -json` for the variables the go command reads,
// and GOVERSION and GOMOD, by name: asked for everything, the go command
// also works out CGO_CFLAGS, GOGCCFLAGS and the like by running the C
// compiler, 70 ms in a fresh GOCACHE, for values godoctor does not use.
var goEnvNames = func() []string {
	costly := map[string]bool{"CGO_CFLAGS": true, "CGO_CPPFLAGS": true, "CGO_CXXFLAGS": true,
		"CGO_FFLAGS": true, "CGO_LDFLAGS": true, "PKG_CONFIG": true, "GOGCCFLAGS": true}
	names := []string{"GOVERSION", "GOMOD"}
	for _, name := range gosettings.KnownEnvNames() {
		if !costly[name] {
			names = append(names, name)
		}
	}
	return names
}()

// goEnv runs `go env -json`. GOTOOLCHAIN=local keeps the go command from
// switching to (and downloading) another toolchain, and lets it answer even
// when GOTOOLCHAIN itself is invalid; GOTOOLCHAIN is resolved from the
// layers instead.
func goEnv(ctx context.Context, s *system.System, gobin string) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, goEnvTimeout)
	defer cancel()
	env, err := gocmd.Runner{Sys: s, Go: gobin}.Env(ctx, goEnvNames...)
	if err != nil {
		return nil, fmt.Errorf("go env -json: %w", err)
	}
	return env, nil
}

// rootEnvFile finds $GOROOT/go.env the way the go command finds GOROOT.
func (snap *Snapshot) rootEnvFile(sys *system.System) string {
	root := snap.GoEnv["GOROOT"]
	if root == "" {
		root = sys.Getenv("GOROOT")
	}
	if root == "" {
		root = snap.UserFile.Values["GOROOT"]
	}
	if root == "" && snap.Go != nil {
		root = snap.Go.GOROOT
	}
	if root == "" {
		return ""
	}
	return filepath.Join(root, "go.env")
}

// resolve layers every known setting, taking the effective value from the
// go command where it ran (it knows its compiled defaults) and computing it
// from the layers where it did not.
func (snap *Snapshot) resolve(sys *system.System) map[string]Setting {
	names := map[string]bool{}
	for _, n := range ModuleSettings {
		names[n] = true
	}
	for _, n := range gosettings.KnownEnvNames() {
		names[n] = true
	}
	for n := range snap.UserFile.Values {
		names[n] = true
	}
	for n := range snap.RootFile.Values {
		names[n] = true
	}
	settings := make(map[string]Setting, len(names))
	for name := range names {
		st := Setting{Name: name}
		st.Process = sys.Getenv(name)
		st.InProcess = st.Process != ""
		st.File, st.InFile = snap.UserFile.Values[name]
		st.Root, st.InRoot = snap.RootFile.Values[name]
		switch {
		case st.InProcess:
			st.Source, st.Value = FromProcess, st.Process
		case st.InFile:
			st.Source, st.Value = FromUserFile, st.File
		case st.InRoot:
			st.Source, st.Value = FromGOROOT, st.Root
		default:
			st.Source, st.Value = FromDefault, snap.builtinDefault(sys, name)
		}
		// go env was run with GOTOOLCHAIN=local, so its GOTOOLCHAIN is ours.
		if v, ok := snap.GoEnv[name]; ok && name != "GOTOOLCHAIN" {
			st.Value = v
		}
		settings[name] = st
	}
	// Defaults derived from other settings, for when go did not run.
	derive := func(name, value string) {
		if st := settings[name]; st.Source == FromDefault && snap.GoEnv[name] == "" {
			st.Value = value
			settings[name] = st
		}
	}
	derive("GONOPROXY", settings["GOPRIVATE"].Value)
	derive("GONOSUMDB", settings["GOPRIVATE"].Value)
	if gopath := system.SplitList(settings["GOPATH"].Value, sys.ListSeparator()); len(gopath) > 0 {
		derive("GOMODCACHE", filepath.Join(gopath[0], "pkg", "mod"))
	}
	return settings
}

// builtinDefault is the compiled-in default of the go command for the few
// settings whose default matters when go itself cannot be run.
func (snap *Snapshot) builtinDefault(sys *system.System, name string) string {
	switch name {
	case "GOPATH":
		if sys.Home == "" {
			return ""
		}
		return filepath.Join(sys.Home, "go")
	case "GOROOT":
		if snap.Go != nil {
			return snap.Go.GOROOT
		}
	}
	return ""
}

// FindGo returns every go command on PATH, in the order the shell tries them.
func FindGo(s *system.System) []Binary {
	var found []Binary
	for _, dir := range s.PathList() {
		if !filepath.IsAbs(dir) {
			continue // the go command refuses relative PATH entries too
		}
		if b, ok := inspectGo(s, filepath.Join(dir, "go"+s.ExeSuffix())); ok {
			found = append(found, b)
		}
	}
	return found
}

// inspectGo describes the go binary at path, if it is one.
func inspectGo(s *system.System, path string) (Binary, bool) {
	if !s.Executable(path) {
		return Binary{}, false
	}
	b := Binary{Path: path, Resolved: path}
	if r, err := filepath.EvalSymlinks(path); err == nil {
		b.Resolved = r
	}
	root := filepath.Dir(filepath.Dir(b.Resolved))
	if fi, err := os.Stat(filepath.Join(root, "pkg", "tool")); err == nil && fi.IsDir() {
		b.GOROOT = root
		b.Version = ReadVersionFile(root)
	}
	return b, true
}

// ReadVersionFile returns the first line of GOROOT/VERSION ("go1.21.5"),
// "" when there is none. Reading it is much cheaper than running go.
func ReadVersionFile(goroot string) string {
	data, err := system.ReadFile(filepath.Join(goroot, "VERSION"), 64<<10)
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(line)
}

// UsualGoInstalls returns go binaries in the places Go is usually installed,
// for when none is on PATH: GOROOT, the official installers' locations,
// package managers, golang.org/dl's ~/sdk and toolchains downloaded into the
// module cache.
func UsualGoInstalls(s *system.System) []Binary {
	exe := "go" + s.ExeSuffix()
	var candidates []string
	if root := s.Getenv("GOROOT"); root != "" {
		candidates = append(candidates, filepath.Join(root, "bin", exe))
	}
	if s.GOOS == "windows" {
		candidates = append(candidates, s.Rooted(`C:\Program Files\Go\bin\go.exe`))
	} else {
		for _, p := range []string{
			"/usr/local/go/bin/go", "/usr/lib/go/bin/go", "/usr/local/opt/go/libexec/bin/go",
			"/opt/homebrew/opt/go/libexec/bin/go", "/snap/go/current/bin/go", "/opt/go/bin/go",
		} {
			candidates = append(candidates, s.Rooted(p))
		}
	}
	if s.Home != "" {
		candidates = append(candidates,
			filepath.Join(s.Home, "go", "bin", exe),
			filepath.Join(s.Home, ".go", "bin", exe),
			filepath.Join(s.Home, ".local", "go", "bin", exe))
		sdks, _ := filepath.Glob(filepath.Join(s.Home, "sdk", "go*", "bin", exe))
		toolchains, _ := filepath.Glob(filepath.Join(s.Home, "go", "pkg", "mod", "golang.org", "toolchain@*", "bin", exe))
		// Newest first: glob order is lexical, good enough to offer one.
		sort.Sort(sort.Reverse(sort.StringSlice(sdks)))
		sort.Sort(sort.Reverse(sort.StringSlice(toolchains)))
		candidates = append(candidates, sdks...)
		candidates = append(candidates, toolchains...)
	}
	var found []Binary
	seen := map[string]bool{}
	for _, c := range candidates {
		if b, ok := inspectGo(s, c); ok && b.GOROOT != "" && !seen[b.Resolved] {
			seen[b.Resolved] = true
			found = append(found, b)
		}
	}
	return found
}

// findModule locates and reads the main module's go.mod: from go env GOMOD
// when go ran, else by walking up from the working directory.
func (snap *Snapshot) findModule(sys *system.System) (*Module, error) {
	gomod := snap.GoEnv["GOMOD"]
	if snap.GoEnv == nil {
		if snap.Value("GO111MODULE") == "off" {
			return nil, nil
		}
		gomod = findUp(sys.Dir, "go.mod")
	}
	if gomod == "" || gomod == os.DevNull {
		return nil, nil
	}
	data, err := system.ReadFile(gomod, system.MaxModFile)
	if err != nil {
		return nil, err
	}
	// The main module's file is parsed strictly, as the go command does (the
	// lax parser skips main-module-only lines such as toolchain); a file
	// that does not parse is still read laxly for its go line.
	f, strictErr := modfile.Parse(gomod, data, nil)
	if strictErr != nil {
		if f, err = modfile.ParseLax(gomod, data, nil); err != nil {
			return &Module{GoModFile: gomod, ParseErr: strictErr}, nil
		}
	}
	m := &Module{GoModFile: gomod, ParseErr: strictErr}
	if f.Module != nil {
		m.Path = f.Module.Mod.Path
	}
	if f.Go != nil {
		m.Go = f.Go.Version
	}
	if f.Toolchain != nil {
		m.Toolchain = f.Toolchain.Name
	}
	for _, r := range f.Require {
		if !r.Indirect {
			m.Requires = append(m.Requires, r.Mod.Path)
		}
	}
	return m, nil
}

// findWork reads the go.work in force: go env GOWORK when go ran (the go
// command answers it without switching toolchains), else GOWORK or the
// first go.work above the working directory.
func (snap *Snapshot) findWork(sys *system.System) (*Workspace, error) {
	if snap.Value("GO111MODULE") == "off" {
		return nil, nil
	}
	// A GOWORK that names a missing file gets no path from go env; the
	// setting itself is what the go command will fail to read.
	file := snap.GoEnv["GOWORK"]
	if set := snap.Settings["GOWORK"]; file == "" && (set.InProcess || set.InFile) {
		file = set.Value
	}
	if _, asked := snap.GoEnv["GOWORK"]; file == "" && !asked {
		file = findUp(sys.Dir, "go.work")
	}
	if file == "" || file == "off" {
		return nil, nil
	}
	data, err := system.ReadFile(file, system.MaxModFile)
	if err != nil {
		return &Workspace{File: file}, err
	}
	f, err := modfile.ParseWork(file, data, nil)
	if err != nil {
		return &Workspace{File: file}, err
	}
	w := &Workspace{File: file}
	if f.Go != nil {
		w.Go = f.Go.Version
	}
	if f.Toolchain != nil {
		w.Toolchain = f.Toolchain.Name
	}
	for _, u := range f.Use {
		w.Uses = append(w.Uses, u.Path)
		dir := u.Path
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(filepath.Dir(file), dir)
		}
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
			return w, fmt.Errorf("go: cannot load module %s listed in go.work file: open %s: no such file or directory", u.Path, filepath.Join(u.Path, "go.mod"))
		}
	}
	return w, nil
}

// findUp returns the first dir/name found walking up from dir, or "".
func findUp(dir, name string) string {
	for dir != "" {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	return ""
}

// ModulePathOf returns the main module a Go program was built from (its
// build information, as `go version -m` reads it), "" when the file is
// not a Go program or says nothing.
func ModulePathOf(path string) string {
	info, err := buildinfo.ReadFile(path)
	if err != nil {
		return ""
	}
	return info.Main.Path
}
