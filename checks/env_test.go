package checks

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/system"
)

func TestGoproxy(t *testing.T) {
	tests := []machineCase{
		{name: "default", want: expect{status: OK, mention: []string{"https://mirror.example, then direct", `"," moves on only after 404 or 410`}}},
		{name: "inferred scheme and pipe", env: map[string]string{"GOPROXY": "goproxy.cn|goproxy.io,direct"},
			want: expect{status: OK, mention: []string{"https://goproxy.cn (https:// added by the go command)", `"|" falls through`}}},
		{name: "empty written by go env -w", file: []string{"GOPROXY="},
			want: expect{status: Fail, mention: []string{"hides the toolchain's default", "GOPROXY list is not the empty string"}, fixes: []string{"go env -u GOPROXY"}}},
		{name: "bare word", env: map[string]string{"GOPROXY": "goproxy"},
			want: expect{status: Fail, mention: []string{"go: invalid proxy URL missing scheme: goproxy"}, fixes: []string{"unset GOPROXY"}}},
		{name: "bad scheme from file", file: []string{"GOPROXY=ftp://mirror.example"},
			want: expect{status: Fail, mention: []string{"invalid proxy URL scheme"}, fixes: []string{"go env -u GOPROXY"}}},
		{name: "off", env: map[string]string{"GOPROXY": "off"},
			want: expect{status: Warn, mention: []string{"GOPROXY=off", "module lookup disabled by GOPROXY=off"}, fixes: []string{"unset GOPROXY"}}},
		{name: "no fallback", env: map[string]string{"GOPROXY": "https://goproxy.cn"},
			want: expect{status: Warn, mention: []string{"ends without direct"}, fixes: []string{"export GOPROXY=https://goproxy.cn,direct"}}},
		{name: "no fallback in the file, with a pipe", file: []string{"GOPROXY=https://goproxy.cn|https://goproxy.io"},
			want: expect{status: Warn, fixes: []string{"go env -w 'GOPROXY=https://goproxy.cn|https://goproxy.io,direct'"}}},
		{name: "plain http", env: map[string]string{"GOPROXY": "http://mirror.corp,direct"},
			// No https fix unless the host answers over https, which this
			// one (out of the sandbox's reach) does not.
			want: expect{status: Warn, mention: []string{"http://mirror.corp is plain http", "does not answer over https"}}},
		{name: "credentials over http", env: map[string]string{"GOPROXY": "http://bob:hunter2@mirror.corp,direct"},
			want: expect{status: Fail, mention: []string{"refusing to pass credentials to insecure URL: http://***@mirror.corp"}}},
		{name: "GONOPROXY", env: map[string]string{"GOPRIVATE": "corp.example"},
			want: expect{status: OK, mention: []string{"GONOPROXY=corp.example are fetched directly"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runCheck(t, tt.machine(t), "env.goproxy", Options{})
			tt.want.check(t, res)
			if text := strings.Join(append(res.Details, res.Summary), "\n"); strings.Contains(text, "hunter2") {
				t.Errorf("a credential is printed:\n%s", text)
			}
			for _, f := range res.Fixes {
				if strings.Contains(f.Command, "hunter2") {
					t.Errorf("a credential is printed in fix %q", f.Command)
				}
			}
		})
	}
}

func TestGosumdb(t *testing.T) {
	tests := []machineCase{
		{name: "default", want: expect{status: OK, mention: []string{"sum.golang.org (key built into the go command)"}}},
		{name: "china alias", env: map[string]string{"GOSUMDB": "sum.golang.google.cn"},
			want: expect{status: OK, mention: []string{"sum.golang.org (key built into the go command) at https://sum.golang.google.cn", "bypassing GOPROXY"}}},
		{name: "off in the file", file: []string{"GOSUMDB=off"},
			want: expect{status: Warn, mention: []string{"not checked against the checksum database", "checksum database disabled by GOSUMDB=off"}, fixes: []string{"go env -u GOSUMDB"}}},
		{name: "unknown name", env: map[string]string{"GOSUMDB": "sum.goproxy.cn"},
			want: expect{status: Fail, mention: []string{"go: invalid GOSUMDB: malformed verifier id", "must be given with its key"}, fixes: []string{"unset GOSUMDB"}}},
		{name: "empty written by go env -w", file: []string{"GOSUMDB="},
			want: expect{status: Fail, mention: []string{"go: missing GOSUMDB"}, fixes: []string{"go env -u GOSUMDB"}}},
		{name: "full key", env: map[string]string{"GOSUMDB": "gosum.io+ce6e7565+AY5qEHUk/qmHc5btzW45JVoENfazw8LielDsaI+lEbq6"},
			want: expect{status: OK, mention: []string{"gosum.io"}}},
	}
	runCases(t, "env.gosumdb", tests)
}

func TestPrivate(t *testing.T) {
	tests := []machineCase{
		{name: "none", want: expect{status: OK, mention: []string{"no private module patterns set"}}},
		{name: "specific", env: map[string]string{"GOPRIVATE": "corp.example,github.com/acme"}, want: expect{status: OK, mention: []string{"GOPRIVATE=corp.example,github.com/acme"}}},
		{name: "whole public host", env: map[string]string{"GOPRIVATE": "github.com"},
			want: expect{status: Warn, mention: []string{`GOPRIVATE: "github.com" covers every module on github.com`}}},
		{name: "owner wildcard", env: map[string]string{"GONOSUMDB": "github.com/*"},
			want: expect{status: Warn, mention: []string{`GONOSUMDB: "github.com/*" covers every module on github.com: all of them skip the checksum database`}}},
		{name: "star", env: map[string]string{"GOINSECURE": "*"},
			want: expect{status: Warn, mention: []string{`"*" covers every module on github.com, gitlab.com, bitbucket.org and other public hosts`}}},
		{name: "space after comma", env: map[string]string{"GOPRIVATE": "corp.example, git.example"},
			want: expect{status: Warn, mention: []string{`" git.example" has spaces around it`}}},
		{name: "nosumdb wider than private", env: map[string]string{"GOPRIVATE": "corp.example", "GONOSUMDB": "corp.example,other.example/*"},
			want: expect{status: Warn, mention: []string{`GONOSUMDB: "other.example/*" reaches beyond GOPRIVATE: modules such as other.example/x skip the checksum database`}}},
		{name: "nosumdb inside private", env: map[string]string{"GOPRIVATE": "*.corp.example", "GONOSUMDB": "git.corp.example/team"},
			want: expect{status: OK}},
		{name: "bad glob", env: map[string]string{"GONOPROXY": "corp.[example"},
			want: expect{status: Warn, mention: []string{"not a valid glob"}}},
	}
	runCases(t, "env.private", tests)
}

func TestSource(t *testing.T) {
	t.Run("override of go env -w", func(t *testing.T) {
		m := healthy(t)
		file := m.UserEnvFile("GOPROXY=https://goproxy.cn,direct")
		m.Setenv("GOPROXY", "https://user:s3cret@corp.example/proxy")
		m.WriteFile(m.Home(".bashrc"), "alias ll='ls -l'\nexport GOPROXY=https://user:s3cret@corp.example/proxy\n")
		res := runCheck(t, m, "env.source", Options{})
		expect{status: Warn, mention: []string{
			"the environment's GOPROXY=https://***@corp.example/proxy overrides GOPROXY=https://goproxy.cn,direct written by go env -w",
			".bashrc:2: export GOPROXY=https://***@corp.example/proxy",
		}, fixes: []string{"unset GOPROXY"}}.check(t, res)
		if strings.Contains(strings.Join(res.Details, "\n"), "s3cret") {
			t.Errorf("a credential is printed: %q", res.Details)
		}
		_ = file
	})
	t.Run("sources listed", func(t *testing.T) {
		m := healthy(t)
		file := m.UserEnvFile("GOPRIVATE=corp.example")
		m.Setenv("GOFLAGS", "-modcacherw")
		expect{status: OK, mention: []string{"1 from the environment, 1 from the go env file", "GOPRIVATE=corp.example  (" + file + ":1)", "GOFLAGS=-modcacherw  (environment)"}}.check(t, runCheck(t, m, "env.source", Options{}))
	})
	t.Run("unknown variables", func(t *testing.T) {
		m := healthy(t)
		m.Setenv("GONOSUMCHECK", "1")
		m.Setenv("GOPROXI", "https://goproxy.cn")
		m.Setenv("GOOGLE_CLOUD_PROJECT", "x")
		expect{status: Warn, mention: []string{"set but ignored by the go command: GONOSUMCHECK, GOPROXI", "meant GONOSUMDB?", "meant GOPROXY?"}}.check(t, runCheck(t, m, "env.source", Options{}))
	})
	t.Run("windows line endings", func(t *testing.T) {
		m := healthy(t)
		// The go command trims GOPROXY's entries: no harm there.
		m.UserEnvFile("GOPROXY=https://goproxy.cn,direct\r")
		expect{status: OK, mention: []string{"which the go command trims"}}.check(t, runCheck(t, m, "env.source", Options{}))
		// It keeps GOTOOLCHAIN's: every go command fails.
		m.UserEnvFile("GOTOOLCHAIN=local\r")
		expect{status: Fail, mention: []string{"the go command keeps it as part of the value"}}.check(t, runCheck(t, m, "env.source", Options{}))
	})
}

func TestFlags(t *testing.T) {
	tests := []machineCase{
		{name: "ok", env: map[string]string{"GOFLAGS": "-modcacherw -trimpath"}, want: expect{status: OK}},
		{name: "vendor", env: map[string]string{"GOFLAGS": "-mod=vendor"}, want: expect{status: Warn, mention: []string{"every build uses ./vendor"}, fixes: []string{"unset GOFLAGS"}}},
		{name: "mod", env: map[string]string{"GOFLAGS": "-mod=mod"}, want: expect{status: Warn, mention: []string{"may rewrite go.mod"}}},
		{name: "unknown flag", env: map[string]string{"GOFLAGS": "-mod=mod -bogus"}, want: expect{status: Fail, mention: []string{"GOFLAGS breaks every go command: go: parsing $GOFLAGS: unknown flag -bogus"}}},
		{name: "GO111MODULE off", env: map[string]string{"GO111MODULE": "off"}, want: expect{status: Warn, mention: []string{"GOPATH mode"}}},
		{name: "GO111MODULE bad", env: map[string]string{"GO111MODULE": "yes"}, want: expect{status: Fail, mention: []string{"go: unknown environment setting GO111MODULE=yes"}}},
		{name: "GOTOOLCHAIN bad", env: map[string]string{"GOTOOLCHAIN": "bogus"}, want: expect{status: Fail, mention: []string{`go: invalid GOTOOLCHAIN "bogus"`}, fixes: []string{"unset GOTOOLCHAIN"}}},
		{name: "GOTOOLCHAIN bad suffix", env: map[string]string{"GOTOOLCHAIN": "go1.25.0+always"}, want: expect{status: Fail, mention: []string{"only version suffixes are +auto and +path"}}},
		{name: "GOTOOLCHAIN language version", env: map[string]string{"GOTOOLCHAIN": "go1.22"}, want: expect{status: Fail, mention: []string{"names a language version"}}},
		{name: "GOTOOLCHAIN pinned", env: map[string]string{"GOTOOLCHAIN": "go1.25.4"}, want: expect{status: Warn, mention: []string{"every go command runs go1.25.4 instead of the installed go1.26.8"}}},
		{name: "GOTOOLCHAIN minimum", env: map[string]string{"GOTOOLCHAIN": "go1.25.4+auto"}, want: expect{status: OK}},
	}
	runCases(t, "env.flags", tests)
}

// TestFixCommandsOnWindows: a variable set in the environment is removed
// from the user environment with PowerShell, not with export or unset.
func TestFixCommandsOnWindows(t *testing.T) {
	sys := &system.System{GOOS: "windows"}
	snap := &goenv.Snapshot{Settings: map[string]goenv.Setting{
		"GOPROXY": {Name: "GOPROXY", Source: goenv.FromProcess},
		"GOSUMDB": {Name: "GOSUMDB", Source: goenv.FromUserFile},
	}}
	tests := []struct{ name, value, want string }{
		{"GOPROXY", "https://goproxy.cn,direct", `[Environment]::SetEnvironmentVariable('GOPROXY', $null, 'User'); go env -w 'GOPROXY=https://goproxy.cn,direct'`},
		{"GOPROXY", "https://it's.example", `[Environment]::SetEnvironmentVariable('GOPROXY', $null, 'User'); go env -w 'GOPROXY=https://it''s.example'`},
		{"GOSUMDB", "sum.golang.org", "go env -w GOSUMDB=sum.golang.org"},
	}
	for _, tt := range tests {
		if got := setCommand(sys, snap, tt.name, tt.value); got != tt.want {
			t.Errorf("setCommand(%s=%s) =\n%s\nwant\n%s", tt.name, tt.value, got, tt.want)
		}
	}
}

// The HTTP proxy on the way to GOPROXY's proxies is named; one that does
// not take connections fails as itself, offline too, with its export to
// undo. Loopback hosts and NO_PROXY go around it, as in net/http.
func TestHTTPProxies(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	alive := ln.Addr().String()
	defer ln.Close()
	dl, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := dl.Addr().String()
	dl.Close()
	for _, c := range []struct {
		name string
		env  map[string]string
		want expect
	}{
		{"dead HTTPS_PROXY", map[string]string{"GOPROXY": "https://proxy.example,direct", "HTTPS_PROXY": "http://alice:S3CRET@" + dead},
			expect{status: Fail, mention: []string{"https://proxy.example is reached through HTTPS_PROXY=http://***@" + dead + ", which does not answer"}, fixes: []string{"unset HTTPS_PROXY"}}},
		{"dead lower-case https_proxy", map[string]string{"GOPROXY": "https://proxy.example,direct", "https_proxy": "http://" + dead},
			expect{status: Fail, mention: []string{"through https_proxy=http://" + dead}, fixes: []string{"unset https_proxy"}}},
		{"live HTTPS_PROXY", map[string]string{"GOPROXY": "https://proxy.example,direct", "HTTPS_PROXY": "http://" + alive},
			expect{status: OK, mention: []string{"reached through HTTPS_PROXY=http://" + alive + ", which takes connections"}}},
		{"NO_PROXY goes around it", map[string]string{"GOPROXY": "https://proxy.example,direct", "HTTPS_PROXY": "http://" + dead, "NO_PROXY": "proxy.example"},
			expect{status: OK}},
		{"loopback goes around it", map[string]string{"GOPROXY": "http://127.0.0.1:9,direct", "HTTP_PROXY": "http://" + dead},
			expect{status: Warn}}, // plain http, but no proxy finding
	} {
		t.Run(c.name, func(t *testing.T) {
			m := healthy(t)
			var bashrc strings.Builder
			for k, v := range c.env {
				m.Setenv(k, v)
				bashrc.WriteString("export " + k + "=" + v + "\n")
			}
			m.WriteFile(m.Home(".bashrc"), bashrc.String())
			res := runCheck(t, m, "env.goproxy", Options{Offline: true})
			c.want.check(t, res)
			if strings.Contains(fmt.Sprint(res), "S3CRET") {
				t.Errorf("the proxy's password is in the result")
			}
		})
	}
}
