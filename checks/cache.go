package checks

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/modcache"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/system"
)

// Free-space thresholds for the caches: a toolchain is over 200 MiB
// unpacked, and a cold module cache for a mid-sized project is about 1 GiB.
const (
	lowDiskWarn = 2 << 30
	lowDiskFail = 256 << 20
)

var cacheModcache = &Check{
	ID:      "cache.modcache",
	Title:   "Module and build caches",
	NeedsGo: true,
	Run: func(ctx context.Context, p *Pass) Result {
		env := p.Env()
		res := ok("")
		gopathOK(&res, p, env)
		for _, c := range []struct{ name, what string }{
			{"GOMODCACHE", p.T("module cache")},
			{"GOCACHE", p.T("build cache")},
		} {
			dir := env.Value(c.name)
			if st := env.Settings[c.name]; (st.InProcess || st.InFile) && !filepath.IsAbs(layered(st)) && layered(st) != "off" {
				// go env reports a relative GOCACHE as "off"; the setting
				// is what is wrong.
				dir = layered(st)
			}
			if c.name == "GOCACHE" && dir == "off" {
				if !breaks(&res, p, "GOCACHE", remedy.OpBuild, p.T("GOCACHE=off: go build, go test and go list refuse to run")) {
					setFirst(&res, Warn, p.T("GOCACHE=off: nothing is cached"))
				}
				continue
			}
			if dir == "" {
				if c.name == "GOCACHE" {
					continue // no home directory; go reports it when building
				}
				setFirst(&res, Fail, p.T("GOMODCACHE is empty: GOPATH is not set and there is no home directory"))
				continue
			}
			if !filepath.IsAbs(dir) {
				if c.name == "GOCACHE" {
					setFirst(&res, Fail, "build cache is required, but could not be located: GOCACHE is not an absolute path")
				} else {
					setFirst(&res, Fail, fmt.Sprintf("go: GOMODCACHE entry is relative; must be absolute path: %q.", dir))
				}
				res.Details = append(res.Details, p.T("%s=%s is not an absolute path", c.name, dir))
				restoreDefault(&res, p, c.name)
				continue
			}
			cacheDir(&res, p, c.name, c.what, dir)
		}
		if res.Summary == "" {
			res.Summary = p.T("%s and %s are writable", env.Value("GOMODCACHE"), env.Value("GOCACHE"))
		}
		return res
	},
}

// layered is a setting's value as the user set it, before the go command
// read it.
func layered(st goenv.Setting) string {
	if st.InProcess {
		return st.Process
	}
	return st.File
}

// gopathOK applies the go command's GOPATH rules (cmd/go/main.go).
func gopathOK(res *Result, p *Pass, env *goenv.Snapshot) {
	for _, entry := range system.SplitList(env.Value("GOPATH"), p.Sys.ListSeparator()) {
		switch {
		case strings.HasPrefix(entry, "~"):
			setFirst(res, Fail, fmt.Sprintf("go: GOPATH entry cannot start with shell metacharacter '~': %q", entry))
			restoreDefault(res, p, "GOPATH")
		case !filepath.IsAbs(entry):
			setFirst(res, Fail, fmt.Sprintf("go: GOPATH entry is relative; must be absolute path: %q", entry))
			restoreDefault(res, p, "GOPATH")
		case env.Go != nil && sameDir(entry, env.Value("GOROOT")):
			setFirst(res, Warn, p.T("GOPATH and GOROOT are the same directory: %s", entry))
		}
	}
}

// cacheDir checks that a cache directory exists or can be created, can be
// written, and has room.
func cacheDir(res *Result, p *Pass, name, what, dir string) {
	existing := dir
	for {
		fi, err := os.Stat(existing)
		if err == nil {
			if !fi.IsDir() {
				setFirst(res, Fail, p.T("%s=%s: %s is not a directory", name, dir, existing))
				return
			}
			break
		}
		// ENOTDIR: a file stands where a parent directory should be; walk
		// up to it and report it below.
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			setFirst(res, Fail, p.T("the %s %s cannot be read: %v", what, dir, err))
			return
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			break
		}
		existing = parent
	}
	if err := writable(existing); err != nil {
		if existing == dir {
			setFirst(res, Fail, p.T("the %s %s is not writable: %v", what, dir, err))
		} else {
			setFirst(res, Fail, p.T("the %s %s cannot be created: %s is not writable", what, dir, existing))
		}
		return
	}
	if existing != dir {
		res.Details = append(res.Details, p.T("%s %s does not exist yet; the go command will create it", name, dir))
	}
	free, err := p.Sys.FreeSpace(existing)
	switch {
	case err != nil:
		res.Details = append(res.Details, p.T("free space for %s unknown: %v", dir, err))
	case free < lowDiskFail:
		setFirst(res, Fail, p.T("only %s free for the %s %s", modcache.HumanBytes(free), what, dir))
	case free < lowDiskWarn:
		setFirst(res, Warn, p.T("only %s free for the %s %s", modcache.HumanBytes(free), what, dir))
	default:
		res.Details = append(res.Details, p.T("%s %s: %s free", name, dir, modcache.HumanBytes(free)))
	}
}

// writable proves a directory writable by creating and removing a file:
// permission bits alone say nothing about read-only mounts or ACLs.
func writable(dir string) error {
	f, err := os.CreateTemp(dir, ".godoctor-write-test-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}
