// Package gosandbox gives tests an environment in which the real go
// command reads and writes only a temporary directory: its own home, config
// directory, go env file, caches and GOPATH, telemetry off, no toolchain
// switching and no proxy but what the test names.
package gosandbox

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Go returns the go command that runs the tests, skipping the test when
// there is none.
func Go(t testing.TB) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	return gobin
}

// Env returns the environment for the real go command under dir, with
// vars (KEY=VALUE) added last so that they win. GOPROXY is off unless vars
// set it.
func Env(t testing.TB, dir string, vars ...string) []string {
	t.Helper()
	// Telemetry in local mode writes counters from a child process that
	// can outlive the go command and race the test's clean-up.
	mode := filepath.Join(dir, ".config", "go", "telemetry", "mode")
	if err := os.MkdirAll(filepath.Dir(mode), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mode, []byte("off 2026-01-01"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"XDG_CONFIG_HOME=" + filepath.Join(dir, ".config"),
		"GOENV=" + filepath.Join(dir, "goenv"),
		"GOPATH=" + filepath.Join(dir, "gopath"),
		"GOMODCACHE=" + filepath.Join(dir, "modcache"),
		"GOCACHE=" + filepath.Join(dir, "gocache"),
		"GOFLAGS=-modcacherw",
		"GOTOOLCHAIN=local",
		"GOPROXY=off",
		"GONOPROXY=", "GONOSUMDB=", "GOPRIVATE=",
	}
	return append(env, vars...)
}

// LoopbackClient is an HTTP client that connects to loopback addresses
// only: a test that strays towards a real host (a catalog mirror, say)
// fails at once, without a DNS query.
func LoopbackClient() *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return nil, fmt.Errorf("test sandbox: %s is not a loopback address", host)
			}
			return dialer.DialContext(ctx, network, addr)
		},
	}}
}
