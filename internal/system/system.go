// Package system is godoctor's one seam to the machine: the process
// environment, the home and working directories, a root for machine-wide
// paths, the program runner, the HTTP client (with the machine's HTTP
// proxies), free disk space, locks and the Windows user environment.
//
// Every side effect goes through a System value, so tests can describe a
// whole machine with a map and a few temporary directories.
package system

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// Runner runs a program and returns its standard output. A non-zero exit is
// an error that carries the program's standard error.
type Runner func(ctx context.Context, dir string, env []string, name string, args ...string) ([]byte, error)

// System is everything godoctor reads from or does to the machine.
type System struct {
	Env    map[string]string // the process environment
	GOOS   string
	GOARCH string
	Home   string // the user's home directory
	Dir    string // the working directory (where go.mod is looked for)
	// Root prefixes the machine-wide locations that are searched for a Go
	// install (/usr/local/go and friends); empty means the real root.
	Root string
	Run  Runner
	// FreeSpace reports the bytes available on the file system of a path.
	FreeSpace func(path string) (uint64, error)
	HTTP      *http.Client
	// UserEnv is the user's persistent environment outside files (the
	// Windows registry); nil on Unix.
	UserEnv UserEnv
}

// OS returns the System of the running process.
func OS() *System {
	env := make(map[string]string)
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			env[k] = v
		}
	}
	home, _ := os.UserHomeDir()
	dir, _ := os.Getwd()
	sys := &System{
		Env:       env,
		GOOS:      runtime.GOOS,
		GOARCH:    runtime.GOARCH,
		Home:      home,
		Dir:       dir,
		Run:       ExecRunner,
		FreeSpace: diskFree,
		HTTP:      nil, // set below: its proxies come from this System's environment
		UserEnv:   osUserEnv(),
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = func(req *http.Request) (*url.URL, error) { return sys.ProxyFor(req.URL) }
	sys.HTTP = &http.Client{Transport: t}
	return sys
}

// ProxyFor returns the HTTP proxy that a request to u goes through, as
// net/http's ProxyFromEnvironment (and so the go command) decides it from
// HTTPS_PROXY, HTTP_PROXY and NO_PROXY, in either case, of this System's
// environment; nil for none. Requests to localhost and loopback addresses
// never go through one.
func (s *System) ProxyFor(u *url.URL) (*url.URL, error) {
	cfg := httpproxy.Config{
		HTTPProxy:  s.either("HTTP_PROXY"),
		HTTPSProxy: s.either("HTTPS_PROXY"),
		NoProxy:    s.either("NO_PROXY"),
		CGI:        s.Getenv("REQUEST_METHOD") != "",
	}
	return cfg.ProxyFunc()(u)
}

// either is an environment variable read as net/http reads the proxy
// ones: the upper-case name, else the lower-case one.
func (s *System) either(name string) string {
	if v := s.Getenv(name); v != "" {
		return v
	}
	return s.Getenv(strings.ToLower(name))
}

// Bounds of every program godoctor runs: its output (a go list of a few
// thousand modules is a few MB), and how long the pipes of a killed
// program may stay open.
const (
	maxStdout = 64 << 20
	maxStderr = 1 << 20
	waitDelay = time.Second
)

// ExecRunner runs a program with os/exec, in a process group of its own
// that is killed as a whole when ctx ends (a deadline, Ctrl-C), with its
// output capped.
func ExecRunner(ctx context.Context, dir string, env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	ownGroup(cmd)
	cmd.WaitDelay = waitDelay
	stdout := &capped{max: maxStdout}
	stderr := &capped{max: maxStderr}
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	err := cmd.Run()
	if ctx.Err() != nil && err != nil {
		err = fmt.Errorf("%w (%w)", err, context.Cause(ctx))
	}
	for _, c := range []*capped{stdout, stderr} {
		if c.over && err == nil {
			err = fmt.Errorf("more than %d bytes of output", c.max)
		}
	}
	if err != nil {
		return stdout.Bytes(), &RunError{Name: name, Err: err, Stderr: strings.TrimSpace(stderr.String())}
	}
	return stdout.Bytes(), nil
}

// RunError is a program that failed: its exit status (or why it did not
// run) and what it wrote to its standard error.
type RunError struct {
	Name   string
	Err    error
	Stderr string
}

func (e *RunError) Error() string {
	if e.Stderr != "" {
		return fmt.Sprintf("%s: %v: %s", e.Name, e.Err, e.Stderr)
	}
	return fmt.Sprintf("%s: %v", e.Name, e.Err)
}

func (e *RunError) Unwrap() error { return e.Err }

// capped is a buffer that keeps at most max bytes and notes what it drops.
type capped struct {
	bytes.Buffer
	max  int
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.Len(); len(p) > room {
		c.over = true
		c.Buffer.Write(p[:max(room, 0)])
		return len(p), nil // keep reading, so that the program is not stopped by a full pipe
	}
	return c.Buffer.Write(p)
}

// Getenv returns the value of an environment variable, "" if unset. On
// Windows names ignore case, as there the process environment says "Path"
// where programs ask for PATH.
func (s *System) Getenv(name string) string {
	if v, ok := s.Env[name]; ok || s.GOOS != "windows" {
		return v
	}
	for k, v := range s.Env {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// Environ returns the environment as a sorted KEY=VALUE list, with the
// overrides applied, ready for a child process.
func (s *System) Environ(overrides ...string) []string {
	merged := make(map[string]string, len(s.Env)+len(overrides))
	for k, v := range s.Env {
		merged[k] = v
	}
	for _, kv := range overrides {
		if k, v, ok := strings.Cut(kv, "="); ok {
			merged[k] = v
		}
	}
	list := make([]string, 0, len(merged))
	for k, v := range merged {
		list = append(list, k+"="+v)
	}
	sort.Strings(list)
	return list
}

// ListSeparator is the PATH list separator of the system's GOOS.
func (s *System) ListSeparator() string {
	switch s.GOOS {
	case "windows":
		return ";"
	case "plan9":
		return "\x00"
	}
	return ":"
}

// PathList returns the entries of PATH in order (path on Plan 9).
func (s *System) PathList() []string {
	name := "PATH"
	if s.GOOS == "plan9" {
		name = "path"
	}
	return SplitList(s.Getenv(name), s.ListSeparator())
}

// SplitList splits a PATH-style list, dropping empty entries.
func SplitList(list, sep string) []string {
	var out []string
	for _, p := range strings.Split(list, sep) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ExeSuffix is ".exe" on Windows and "" elsewhere.
func (s *System) ExeSuffix() string {
	if s.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

// UserConfigDir is os.UserConfigDir for the system's GOOS and environment.
func (s *System) UserConfigDir() (string, error) {
	return s.userDir("AppData", "Library/Application Support", "lib", "XDG_CONFIG_HOME", ".config")
}

// UserCacheDir is os.UserCacheDir for the system's GOOS and environment.
func (s *System) UserCacheDir() (string, error) {
	return s.userDir("LocalAppData", "Library/Caches", "lib/cache", "XDG_CACHE_HOME", ".cache")
}

// userDir is a per-user directory as the os package finds it: a variable
// on Windows, a place under the home on macOS and Plan 9, the XDG variable
// (absolute) or a place under the home elsewhere.
func (s *System) userDir(windows, darwin, plan9, xdg, unix string) (string, error) {
	under := func(rel string) (string, error) {
		if s.Home == "" {
			return "", fmt.Errorf("$HOME is not defined")
		}
		return filepath.Join(s.Home, filepath.FromSlash(rel)), nil
	}
	switch s.GOOS {
	case "windows":
		if dir := s.Getenv(windows); dir != "" {
			return dir, nil
		}
		return "", fmt.Errorf("%%%s%% is not defined", windows)
	case "darwin", "ios":
		return under(darwin)
	case "plan9":
		return under(plan9)
	}
	if dir := s.Getenv(xdg); dir != "" {
		if !filepath.IsAbs(dir) {
			return "", fmt.Errorf("path in $%s is relative", xdg)
		}
		return dir, nil
	}
	if s.Home == "" {
		return "", fmt.Errorf("neither $%s nor $HOME are defined", xdg)
	}
	return under(unix)
}

// Rooted returns a machine-wide path under the system's Root.
func (s *System) Rooted(path string) string {
	if s.Root == "" {
		return path
	}
	return filepath.Join(s.Root, path)
}

// Executable reports whether path is a regular file the user may run.
func (s *System) Executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && (s.GOOS == "windows" || fi.Mode()&0o111 != 0)
}

// LookPath returns the first executable called name on PATH, "" if none.
func (s *System) LookPath(name string) string {
	for _, dir := range s.PathList() {
		if p := filepath.Join(dir, name+s.ExeSuffix()); filepath.IsAbs(dir) && s.Executable(p) {
			return p
		}
	}
	return ""
}
