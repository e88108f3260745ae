package installer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/module"

	"github.com/godoctorhq/godoctor/internal/checksumdb"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/internal/toolchain"
	"github.com/godoctorhq/godoctor/internal/web"
)

// OfficialList is where the official release list is read.
const OfficialList = "https://go.dev/dl/"

// directToolchainURL is where the go command fetches golang.org/toolchain
// for GOPROXY=direct (the module's go-import tag).
const directToolchainURL = "https://go.dev/dl/mod"

// Options configure an install.
type Options struct {
	Dir    string // toolchains land in Dir/go1.X.Y
	Source string // "proxy" or "dl"
	// Proxies is GOPROXY; SumDB verifies what they serve, starting from
	// what this machine knows of it.
	Proxies    []gosettings.ProxyEntry
	SumDB      gosettings.SumDB
	SumDBState checksumdb.State
	// ListURL is the official release list (dl); DLURL the archive site or
	// a mirror of it (default: ListURL).
	ListURL, DLURL string
	GOOS, GOARCH   string
	HTTP           *http.Client
	Timeout        time.Duration // for small requests
	Progress       func(Progress)
	FreeSpace      func(string) (uint64, error)
	// LockDir holds the lock of each Dir (the user cache directory's
	// godoctor folder); empty puts it in Dir.
	LockDir string
}

// Plan is a resolved install.
type Plan struct {
	Version string // go1.21.5
	Source  string
	URL     string // first URL tried
	Target  string
	// archive is the official list's entry, with its sha256 and size (dl).
	archive File
}

// Marker is written into a toolchain last, before it is renamed into
// place: its presence means the install completed and was verified.
const Marker = ".godoctor-installed"

// Installed reports whether the plan's toolchain is already there.
func (p Plan) Installed() bool { return installedAt(p.Target) }

// installedAt reports whether dir holds a toolchain that godoctor finished
// installing.
func installedAt(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, Marker))
	return err == nil
}

// InstalledVersions lists the toolchains that godoctor installed in dir
// (go1.21.5, ...), in directory order.
func InstalledVersions(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "go1") && installedAt(filepath.Join(dir, e.Name())) {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// Resolve turns a version request into a plan without downloading.
func Resolve(ctx context.Context, spec Spec, o Options) (Plan, error) {
	p := Plan{Source: o.Source}
	ctx, cancel := context.WithTimeout(ctx, 4*o.Timeout)
	defer cancel()
	switch o.Source {
	case "proxy":
		v, exact := spec.Exact()
		if !exact {
			proxy := web.FirstProxy(o.Proxies)
			if proxy == "" {
				return p, errors.New("GOPROXY names no proxy to list Go releases from; give an exact version (1.21.5)")
			}
			versions, err := toolchain.ProxyReleases(ctx, o.web(), proxy, o.GOOS, o.GOARCH)
			if err != nil {
				return p, err
			}
			if v, err = spec.Pick(versions); err != nil {
				return p, err
			}
		}
		p.Version = v
		p.URL = zipURL(firstBase(o.Proxies), toolchain.ModuleVersion(v, o.GOOS, o.GOARCH))
	case "dl":
		rs, err := dLReleases(ctx, o.web(), o.listURL())
		if err != nil {
			return p, err
		}
		v, exact := spec.Exact()
		if !exact {
			if v, err = spec.Pick(stableVersions(rs, o.GOOS, o.GOARCH)); err != nil {
				return p, err
			}
		}
		if p.archive, err = archiveFor(rs, v, o.GOOS, o.GOARCH); err != nil {
			return p, err
		}
		p.Version = v
		p.URL = strings.TrimSuffix(o.dlURL(), "/") + "/" + p.archive.Filename
	default:
		return p, fmt.Errorf("unknown source %q (proxy or dl)", o.Source)
	}
	p.Target = filepath.Join(o.Dir, p.Version)
	return p, nil
}

// web is the client of every request the installer makes: an idle
// timeout of Timeout between any two reads, and a context.
func (o Options) web() web.Client { return web.Client{HTTP: o.HTTP, Idle: o.Timeout} }

// maxModuleZip is the go command's own cap on a module zip (a variable
// only so that a test can flood a smaller one).
var maxModuleZip int64 = 500 << 20

// unpackedPerByte is how much a toolchain grows when unpacked: go1.21.5's
// 67 MiB zip holds 189 MiB of files.
const unpackedPerByte = 3

// room checks that the disk holds the rest of a download of total bytes,
// of which have are there, and the toolchain unpacked from it.
func (o Options) room(total, have int64) error {
	if o.FreeSpace == nil {
		return nil
	}
	need := uint64(total - have + unpackedPerByte*total)
	free, err := o.FreeSpace(o.Dir)
	if err != nil || free >= need {
		return nil
	}
	return fmt.Errorf("only %d MiB free in %s; this toolchain needs about %d MiB (the download and the unpacked files)", free>>20, o.Dir, need>>20)
}

func (o Options) listURL() string {
	if o.ListURL != "" {
		return o.ListURL
	}
	return OfficialList
}

func (o Options) dlURL() string {
	if o.DLURL != "" {
		return o.DLURL
	}
	return o.listURL()
}

// firstBase is where the first download is tried.
func firstBase(list []gosettings.ProxyEntry) string {
	for _, e := range list {
		switch {
		case e.Kind == gosettings.ProxyDirect:
			return directToolchainURL
		case e.Kind == gosettings.ProxyURL && !strings.HasPrefix(e.URL, "file:"):
			return e.URL
		}
	}
	return ""
}

func zipURL(base, modVersion string) string {
	return strings.TrimSuffix(base, "/") + "/golang.org/toolchain/@v/" + modVersion + ".zip"
}

// ErrAlreadyInstalled is returned when the toolchain is there already.
var ErrAlreadyInstalled = errors.New("already installed")

var errLocked = errors.New("another godoctor install is running in this directory")

// Install carries out a plan. On any failure or cancellation the staging
// directory is removed and an earlier install is left as it was; a partial
// download is kept, so the next attempt resumes it.
func Install(ctx context.Context, p Plan, o Options) (err error) {
	lock, err := system.LockFile(o.lockPath(), 0)
	if errors.Is(err, system.ErrLocked) {
		return errLocked
	}
	if err != nil {
		return err
	}
	defer lock.Close()
	// Under the lock, everything of godoctor's in Dir is this install's to
	// keep or to clear.
	if _, statErr := os.Stat(o.Dir); errors.Is(statErr, fs.ErrNotExist) {
		// A refused or failed install into a new directory leaves none,
		// unless a partial download in it can be resumed.
		defer func() {
			if _, statErr := os.Stat(filepath.Join(o.Dir, downloadsDir)); err != nil && statErr != nil {
				os.RemoveAll(o.Dir)
			}
		}()
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return err
	}
	removeDeadStaging(o.Dir)
	if p.Installed() {
		return ErrAlreadyInstalled
	}
	if _, err := os.Lstat(p.Target); err == nil {
		return fmt.Errorf("%s exists but is not a complete godoctor install; move it away first", p.Target)
	}
	if p.archive.Size > 0 {
		// The official list gives the size: no download starts that
		// cannot end. A module zip's size is known from its answer.
		if err := o.room(p.archive.Size, 0); err != nil {
			return err
		}
	}
	downloads := filepath.Join(o.Dir, downloadsDir)
	if err := os.MkdirAll(downloads, 0o755); err != nil {
		return err
	}
	defer os.Remove(downloads) // when no partial download is kept in it
	staging, err := os.MkdirTemp(o.Dir, stagingPrefix+p.Version+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(staging) // after the rename there is nothing left here

	var hash string
	switch p.Source {
	case "proxy":
		hash, err = installFromProxy(ctx, p, o, downloads, staging)
	default:
		hash, err = installFromArchive(ctx, p, o, downloads, staging)
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(GoCommand(staging, o.GOOS)); err != nil {
		return fmt.Errorf("the toolchain has no bin/go")
	}
	marker, _ := json.MarshalIndent(map[string]string{
		"version": p.Version, "source": p.Source, "url": redact.URL(p.URL), "hash": hash, "time": time.Now().UTC().Format(time.RFC3339),
	}, "", "  ")
	if err := os.WriteFile(filepath.Join(staging, Marker), marker, 0o644); err != nil {
		return err
	}
	// MkdirTemp made the staging directory private; a toolchain is not.
	if err := os.Chmod(staging, 0o755); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return os.Rename(staging, p.Target)
}

// The names godoctor gives its own working files in Dir.
const (
	downloadsDir  = ".godoctor-downloads"
	stagingPrefix = ".godoctor-staging-"
)

// removeDeadStaging removes the staging trees that earlier installs into
// dir left when they died (killed, the terminal closed): the caller holds
// dir's lock, so no install that is still running owns one.
func removeDeadStaging(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), stagingPrefix) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// lockPath is the lock that serialises installs into Dir: under LockDir,
// named after Dir, so that a refused install leaves nothing in Dir.
func (o Options) lockPath() string {
	if o.LockDir == "" {
		return filepath.Join(o.Dir, ".godoctor-install.lock")
	}
	abs, _ := filepath.Abs(o.Dir)
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(o.LockDir, "install-"+hex.EncodeToString(sum[:8])+".lock")
}

// GoCommand is the go command of the toolchain in dir.
func GoCommand(dir, goos string) string {
	if goos == "windows" {
		return filepath.Join(dir, "bin", "go.exe")
	}
	return filepath.Join(dir, "bin", "go")
}

// installFromProxy fetches the toolchain module, unpacks it and checks its
// h1: hash against the checksum database: the go command's own trust.
func installFromProxy(ctx context.Context, p Plan, o Options, downloads, staging string) (string, error) {
	mv := module.Version{Path: toolchain.Module, Version: toolchain.ModuleVersion(p.Version, o.GOOS, o.GOARCH)}
	want, err := verifiedHash(ctx, o, mv)
	if err != nil {
		return "", err
	}
	zipPath := filepath.Join(downloads, mv.Version+".zip")
	if err := fetchFromProxies(ctx, o, mv, zipPath); err != nil {
		return "", err
	}
	got, err := unpackModuleZip(ctx, zipPath, mv, staging, o.Progress)
	if err != nil {
		if ctx.Err() == nil && !isWriteError(err) {
			os.Remove(zipPath) // a bad zip is not worth resuming
		}
		return "", err
	}
	if got != want {
		os.Remove(zipPath)
		return "", fmt.Errorf("SECURITY ERROR: %s@%s has hash %s, but the checksum database says %s; nothing was installed", mv.Path, mv.Version, got, want)
	}
	if err := restoreGoMods(staging); err != nil {
		return "", err
	}
	os.Remove(zipPath)
	return got, nil
}

// verifiedHash asks the checksum database for the toolchain's hash.
func verifiedHash(ctx context.Context, o Options, mv module.Version) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 4*o.Timeout)
	defer cancel()
	route, err := checksumdb.Resolve(ctx, o.web(), o.SumDB, o.Proxies)
	if err != nil {
		return "", err
	}
	lines, err := checksumdb.Lookup(ctx, o.web(), o.SumDB, route, o.SumDBState, mv.Path, mv.Version)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("download %s for %s/%s: toolchain not available (%v)", strings.TrimPrefix(mv.Version, "v0.0.1-"), o.GOOS, o.GOARCH, err)
		}
		return "", err
	}
	for _, l := range lines {
		if h, ok := strings.CutPrefix(l, mv.Path+" "+mv.Version+" "); ok {
			return h, nil
		}
	}
	return "", fmt.Errorf("the checksum database has no hash for %s@%s", mv.Path, mv.Version)
}

// fetchFromProxies downloads the zip following GOPROXY's rules: after a
// "," only a 404 or 410 moves on, after a "|" any error does.
func fetchFromProxies(ctx context.Context, o Options, mv module.Version, zipPath string) error {
	var last error
	for _, e := range o.Proxies {
		var base string
		switch {
		case e.Kind == gosettings.ProxyOff:
			return fmt.Errorf("GOPROXY=off: toolchain download disabled (%v)", last)
		case e.Kind == gosettings.ProxyDirect:
			base = directToolchainURL
		case strings.HasPrefix(e.URL, "file:"):
			continue
		default:
			base = e.URL
		}
		_, err := download(ctx, o.web(), zipURL(base, mv.Version), zipPath, 0, maxModuleZip, o.Progress, o.room)
		if err == nil || ctx.Err() != nil {
			return err
		}
		last = err
		if !errors.Is(err, fs.ErrNotExist) && !e.FallbackOnAnyError {
			return err
		}
	}
	if last == nil {
		last = errors.New("GOPROXY names no proxy")
	}
	return last
}

// installFromArchive downloads an official archive, checks its sha256
// against the official list and unpacks it.
func installFromArchive(ctx context.Context, p Plan, o Options, downloads, staging string) (string, error) {
	archive := filepath.Join(downloads, path.Base(p.archive.Filename))
	if _, err := download(ctx, o.web(), p.URL, archive, p.archive.Size, p.archive.Size, o.Progress, o.room); err != nil {
		return "", err
	}
	sum, err := sha256File(archive)
	if err != nil {
		return "", err
	}
	if sum != p.archive.SHA256 {
		os.Remove(archive)
		return "", fmt.Errorf("SECURITY ERROR: %s has sha256 %s, but the official list says %s; nothing was installed", p.archive.Filename, sum, p.archive.SHA256)
	}
	if strings.HasSuffix(archive, ".zip") {
		err = unpackArchiveZip(ctx, archive, staging, o.Progress)
	} else {
		err = unpackTarGz(ctx, archive, staging, o.Progress)
	}
	if err != nil {
		return "", err
	}
	os.Remove(archive)
	return "sha256:" + sum, nil
}

func sha256File(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
