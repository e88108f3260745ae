// Package gocmd is godoctor's one way to run the go command, as gopls's
// gocommand is its own: an Invocation (arguments, directory, environment on
// top of the machine's, whether the local go must answer itself, a
// timeout) run by a Runner over a machine (a system.System, real or the
// next shell's), and typed results read from the go command's -json output:
// the environment, packages, the module graph, downloads, the toolchain
// that runs. The error of a failed run keeps the go command's own words.
// Nothing else in godoctor executes the go command.
package gocmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/internal/system"
)

// DefaultTimeout bounds an invocation that does not say: the go command
// answers most questions in tens of milliseconds, and one that hangs must
// not hang the doctor.
const DefaultTimeout = 20 * time.Second

// Runner runs the go command on a machine.
type Runner struct {
	Sys *system.System
	// Go is the go command to run: a path, normally the first go on the
	// machine's PATH.
	Go string
}

// Invocation is one run of the go command.
type Invocation struct {
	Args []string
	// Dir is where it runs; "" is the machine's working directory.
	Dir string
	// Env are KEY=VALUE settings on top of the machine's environment.
	Env []string
	// Local makes the go on PATH answer itself (GOTOOLCHAIN=local): it
	// never switches to, or downloads, another toolchain.
	Local   bool
	Timeout time.Duration
}

// Error is a run of the go command that failed.
type Error struct {
	Args   []string
	Stderr string
	Err    error
}

func (e *Error) Error() string {
	msg := e.Command() + ": " + e.Err.Error()
	if s := strings.TrimSpace(e.Stderr); s != "" {
		msg += ": " + s
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Command is the command line, shortened after a few arguments.
func (e *Error) Command() string {
	args := e.Args
	if len(args) > 4 {
		args = append(args[:3:3], "…")
	}
	return strings.Join(append([]string{"go"}, args...), " ")
}

// Said is what the go command said: its first line of error output that
// reads as an error ("go: ..."), else its first line, else the process's
// own failure (a timeout, a missing binary).
func (e *Error) Said() string { return Said(e.Stderr, e.Err) }

// Said picks the go command's own words out of its error output.
func Said(stderr string, fallback error) string {
	var first string
	for _, l := range strings.Split(stderr, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || strings.HasPrefix(l, "go: downloading ") || strings.HasPrefix(l, "go: finding ") || strings.HasPrefix(l, "go: extracting "):
			continue
		case first == "":
			first = l
		}
		if strings.HasPrefix(l, "go: ") || strings.Contains(l, ": ") && !strings.HasPrefix(l, "#") {
			return l
		}
	}
	if first != "" {
		return first
	}
	if fallback != nil {
		return fallback.Error()
	}
	return ""
}

// Run runs inv and returns its standard output; a failure is an *Error.
func (r Runner) Run(ctx context.Context, inv Invocation) ([]byte, error) {
	if r.Go == "" {
		return nil, &Error{Args: inv.Args, Err: errors.New("no go command on PATH")}
	}
	timeout := inv.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	env := inv.Env
	if inv.Local {
		env = append(append([]string(nil), env...), "GOTOOLCHAIN=local")
	}
	dir := inv.Dir
	if dir == "" {
		dir = r.Sys.Dir
	}
	out, err := r.Sys.Run(ctx, dir, r.Sys.Environ(env...), r.Go, inv.Args...)
	if err != nil {
		e := &Error{Args: inv.Args, Err: err}
		var re *system.RunError
		if errors.As(err, &re) {
			e.Err, e.Stderr = re.Err, re.Stderr
		}
		if ctx.Err() != nil {
			e.Err = fmt.Errorf("no answer within %s: %w", timeout, ctx.Err())
		}
		return out, e
	}
	return out, nil
}

// Env runs go env -json for names, as the local go answers it.
func (r Runner) Env(ctx context.Context, names ...string) (map[string]string, error) {
	out, err := r.Run(ctx, Invocation{Args: append([]string{"env", "-json"}, names...), Local: true})
	if err != nil {
		return nil, err
	}
	env := map[string]string{}
	if err := json.Unmarshal(out, &env); err != nil {
		return nil, fmt.Errorf("go env -json: %w", err)
	}
	return env, nil
}

// WriteEnv runs go env -w for set and go env -u for unset against the go
// env file at file (GOENV=file), as the local go writes it.
func (r Runner) WriteEnv(ctx context.Context, file string, set map[string]string, names, unset []string) error {
	env := []string{"GOENV=" + file}
	dir := filepath.Dir(file)
	if len(names) > 0 {
		args := []string{"env", "-w"}
		for _, k := range names {
			args = append(args, k+"="+set[k])
		}
		if _, err := r.Run(ctx, Invocation{Args: args, Dir: dir, Env: env, Local: true}); err != nil {
			return err
		}
	}
	if len(unset) > 0 {
		if _, err := r.Run(ctx, Invocation{Args: append([]string{"env", "-u"}, unset...), Dir: dir, Env: env, Local: true}); err != nil {
			return err
		}
	}
	return nil
}

// Module is a module of the graph, as go list -m -json prints it.
type Module struct {
	Path      string
	Version   string
	Replace   *Module
	Main      bool
	Indirect  bool
	Dir       string
	GoMod     string
	GoVersion string
	Error     *ModuleError
}

// ModuleError is the error of one module of go list -m -e.
type ModuleError struct{ Err string }

// Local reports whether a replacement makes the module a directory on
// this machine, which the go command never fetches.
func (m Module) Local() bool {
	return m.Replace != nil && m.Replace.Version == ""
}

// Fetched is the module version the go command downloads for m: the
// replacement's when a replacement names a version, else m's own.
func (m Module) Fetched() (path, version string) {
	if m.Replace != nil && m.Replace.Version != "" {
		return m.Replace.Path, m.Replace.Version
	}
	return m.Path, m.Version
}

// Modules runs go list -m -mod=readonly -e -json all in dir: the build list, each
// module with where its code is (Dir, when it is in the module cache) and
// its error. Offline, GOPROXY=off keeps the go command from downloading
// what the graph lacks; those modules then carry the error.
func (r Runner) Modules(ctx context.Context, dir string, offline bool) ([]Module, error) {
	// -mod=readonly: whatever GOFLAGS says, listing never rewrites go.mod.
	inv := Invocation{Args: []string{"list", "-m", "-mod=readonly", "-e", "-json", "all"}, Dir: dir}
	if offline {
		inv.Env = []string{"GOPROXY=off"}
	}
	out, err := r.Run(ctx, inv)
	mods, derr := decodeAll[Module](out)
	if err != nil && len(mods) == 0 {
		return nil, err
	}
	return mods, derr
}

// Download is one module of go mod download -json.
type Download struct {
	Path, Version string
	Error         string
	Info, GoMod   string
	Zip, Dir      string
	Sum, GoModSum string
}

// Download runs go mod download -json for the module versions (path@v) in
// dir, into modcache when it is not "" (a scratch module cache, which
// Scratch.Remove can remove), the way the go command fetches and verifies
// them: every route, the checksum database and go.sum included. The error
// is that of the whole run; each Download says its own.
func (r Runner) Download(ctx context.Context, dir, modcache string, timeout time.Duration, versions ...string) ([]Download, error) {
	inv := Invocation{Args: append([]string{"mod", "download", "-json"}, versions...), Dir: dir, Timeout: timeout}
	if modcache != "" {
		inv.Env = []string{"GOMODCACHE=" + modcache}
	}
	out, err := r.Run(ctx, inv)
	downloads, derr := decodeAll[Download](out)
	if derr != nil && err == nil {
		err = derr
	}
	return downloads, err
}

// FirstDownloadError is the error of the first module that go mod
// download -json could not download, "" when none says one.
func FirstDownloadError(out []byte) string {
	downloads, _ := decodeAll[Download](out)
	for _, d := range downloads {
		if d.Error != "" {
			return d.Error
		}
	}
	return ""
}

// Version is the version of the toolchain that every go command run in
// dir uses: the go on PATH, or the one GOTOOLCHAIN and the go and
// toolchain lines of go.mod or go.work make it switch to (which the go
// command downloads first when it is not on this machine).
func (r Runner) Version(ctx context.Context, dir string, timeout time.Duration) (string, error) {
	out, err := r.Run(ctx, Invocation{Args: []string{"env", "GOVERSION"}, Dir: dir, Timeout: timeout})
	return strings.TrimSpace(string(out)), err
}

// decodeAll reads a stream of JSON values, as go list -json and go mod
// download -json print them.
func decodeAll[T any](out []byte) ([]T, error) {
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var all []T
	for {
		var v T
		err := dec.Decode(&v)
		if err == io.EOF {
			return all, nil
		}
		if err != nil {
			return all, fmt.Errorf("reading the go command's JSON: %w", err)
		}
		all = append(all, v)
	}
}

// Scratch is a temporary directory for runs that must not touch the
// user's files: a module of its own, a module cache, a go env file.
type Scratch struct{ Dir string }

// NewScratch makes one; Remove removes it, with the read-only files a
// module cache holds.
func NewScratch() (*Scratch, error) {
	dir, err := os.MkdirTemp("", "godoctor-go-")
	if err != nil {
		return nil, err
	}
	return &Scratch{Dir: dir}, nil
}

// Remove removes the scratch directory.
func (s *Scratch) Remove() {
	filepath.WalkDir(s.Dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
	os.RemoveAll(s.Dir)
}

// Module writes a module of one main package (source, else an empty main)
// into the scratch directory and returns its directory: where godoctor runs go build, go run or go
// install to see what the machine does to any program.
func (s *Scratch) Module(goLine, source string) (string, error) {
	dir := filepath.Join(s.Dir, "m")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module godoctor.example/probe\n\ngo "+goLine+"\n"), 0o644); err != nil {
		return "", err
	}
	if source == "" {
		source = "package main\n\nfunc main() {}\n"
	}
	return dir, os.WriteFile(filepath.Join(dir, "main.go"), []byte(source), 0o644)
}
