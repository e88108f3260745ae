package checks

import (
	"os"
	"testing"
)

func TestCache(t *testing.T) {
	t.Run("created on demand", func(t *testing.T) {
		m := healthy(t)
		m.GoEnv["GOMODCACHE"] = m.Home("go/pkg/mod")
		m.GoEnv["GOCACHE"] = m.Home(".cache/go-build")
		expect{status: OK, mention: []string{"does not exist yet; the go command will create it"}}.check(t, runCheck(t, m, "cache.modcache", Options{}))
	})
	t.Run("not writable", func(t *testing.T) {
		m := healthy(t)
		os.MkdirAll(m.Home("ro"), 0o555)
		m.GoEnv["GOMODCACHE"] = m.Home("ro/mod")
		if os.Geteuid() == 0 {
			// Permission bits do not stop root; /proc refuses new files
			// to everyone, and is only looked at here.
			if _, err := os.Stat("/proc/self"); err != nil {
				t.Skip("running as root without /proc")
			}
			m.GoEnv["GOMODCACHE"] = "/proc/godoctor-test/mod"
		}
		expect{status: Fail, mention: []string{"cannot be created"}}.check(t, runCheck(t, m, "cache.modcache", Options{}))
	})
	t.Run("a file in the way", func(t *testing.T) {
		m := healthy(t)
		m.WriteFile(m.Home("go"), "not a directory")
		m.GoEnv["GOMODCACHE"] = m.Home("go/pkg/mod")
		expect{status: Fail, mention: []string{"is not a directory"}}.check(t, runCheck(t, m, "cache.modcache", Options{}))
	})
	t.Run("relative and tilde GOPATH", func(t *testing.T) {
		m := healthy(t)
		m.Setenv("GOPATH", "~/go:rel/go")
		expect{status: Fail, mention: []string{"GOPATH entry cannot start with shell metacharacter '~'", "GOPATH entry is relative"}}.check(t, runCheck(t, m, "cache.modcache", Options{}))
	})
	t.Run("cache off", func(t *testing.T) {
		m := healthy(t)
		m.GoEnv["GOCACHE"] = "off"
		expect{status: Warn, mention: []string{"GOCACHE=off"}}.check(t, runCheck(t, m, "cache.modcache", Options{}))
	})
}

func TestVCS(t *testing.T) {
	t.Run("missing", func(t *testing.T) {
		m := healthy(t)
		os.Remove(m.Path("/usr/bin/git"))
		expect{status: Warn, mention: []string{"git is not on PATH"}}.check(t, runCheck(t, m, "tools.vcs", Options{}))
		m.Setenv("GOPRIVATE", "corp.example")
		expect{status: Fail, mention: []string{"GOPRIVATE modules are fetched with it"}}.check(t, runCheck(t, m, "tools.vcs", Options{}))
	})
	t.Run("present", func(t *testing.T) {
		expect{status: OK, mention: []string{"git version 2.39.5"}}.check(t, runCheck(t, healthy(t), "tools.vcs", Options{}))
	})
}

func TestCacheDiskSpace(t *testing.T) {
	for _, tt := range []struct {
		free uint64
		want Status
	}{{100 << 30, OK}, {1 << 30, Warn}, {100 << 20, Fail}} {
		m := healthy(t)
		m.Sys.FreeSpace = func(string) (uint64, error) { return tt.free, nil }
		expect{status: tt.want}.check(t, runCheck(t, m, "cache.modcache", Options{}))
	}
}
