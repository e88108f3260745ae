// Package remedy is the one home of the changes that a fix or the TUI asks
// for: what a fix asks for (Action), planning a change against the machine
// as it is now, the change journal's place, the mirror candidates and the
// checksum database that judges them, the fastest verified mirror, and the
// installer's options. The command line and the TUI both go through it,
// so they cannot grow two versions of the same decision.
package remedy

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/installer"
	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/checksumdb"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/mirrors"
)

// Journal is the change journal under the user config directory.
func Journal(sys *system.System) (change.Journal, error) {
	dir, err := sys.UserConfigDir()
	if err != nil {
		return change.Journal{}, fmt.Errorf("no user config directory for the change journal: %w", err)
	}
	return change.Journal{Dir: filepath.Join(dir, "godoctor", "journal"), UserEnv: sys.UserEnv}, nil
}

// Action is what a fix asks for, as data: a change of files and variables,
// the fastest verified mirror as the module proxy (the benchmark picks it
// when the fix is applied), or a Go release to install. One is set.
type Action struct {
	Change        *change.Action
	FastestMirror bool
	Install       string // go1.26.11
}

// Plan plans a change against the machine as it is now, with the go
// command that runs editing the go env file.
func Plan(ctx context.Context, sys *system.System, env *goenv.Snapshot, title string, a change.Action) (change.Plan, error) {
	return change.Build(ctx, sys, goCommand(env), title, a)
}

// goCommand is the go that edits the go env file, "" when none runs.
func goCommand(env *goenv.Snapshot) string {
	if env.Go != nil && env.GoEnvErr == nil {
		return env.Go.Path
	}
	return ""
}

// Mirrors are the candidates of the mirror benchmark: the catalog, the
// user's mirrors.json, GOPROXY's entries, the toolchain's default, and
// extra (from --mirror).
func Mirrors(sys *system.System, env *goenv.Snapshot, extra []mirrors.Mirror) ([]mirrors.Mirror, error) {
	config, err := mirrors.ReadConfig(sys)
	if err != nil {
		return nil, err
	}
	return mirrors.Candidates(mirrors.Sources{
		Catalog:          mirrors.Catalog(),
		ToolchainDefault: env.RootFile.Values["GOPROXY"],
		GOPROXY:          env.Value("GOPROXY"),
		Config:           config,
		Flags:            extra,
	}), nil
}

// PublicMirror reports whether host serves a public mirror: one of the
// catalog, or the toolchain's default GOPROXY. A company proxy is neither:
// its name is private, and it may say what product it is.
func PublicMirror(env *goenv.Snapshot, host string) bool {
	urls := []string{}
	for _, m := range mirrors.Catalog() {
		urls = append(urls, m.URL)
	}
	if list, err := gosettings.ParseProxyList(env.RootFile.Values["GOPROXY"]); err == nil {
		for _, e := range list {
			urls = append(urls, e.URL)
		}
	}
	for _, raw := range urls {
		if u, err := url.Parse(raw); err == nil && u.Hostname() != "" && u.Hostname() == host {
			return true
		}
	}
	return false
}

// VerifyingSumDB is the database that judges mirrors and toolchains:
// GOSUMDB, or the toolchain's default when GOSUMDB is off or invalid (with
// a note saying so).
func VerifyingSumDB(env *goenv.Snapshot) (gosettings.SumDB, string) {
	if db, err := gosettings.ParseGOSUMDB(env.Value("GOSUMDB")); err == nil {
		return db, ""
	}
	for _, v := range []string{env.RootFile.Values["GOSUMDB"], "sum.golang.org"} {
		if db, err := gosettings.ParseGOSUMDB(v); err == nil {
			return db, "GOSUMDB is off or invalid here; " + db.Name + " was used to verify."
		}
	}
	return gosettings.SumDB{}, ""
}

// SumDBState is what the go command keeps of a database on this machine:
// the newest signed tree head it saw (GOPATH/pkg/sumdb/NAME/latest) and its
// cache of tiles and lookups (GOMODCACHE/cache/download/sumdb). Lookups
// that start from it find a database that forked its log since.
func SumDBState(sys *system.System, env *goenv.Snapshot, name string) checksumdb.State {
	var st checksumdb.State
	if gopath := system.SplitList(env.Value("GOPATH"), sys.ListSeparator()); len(gopath) > 0 && name != "" {
		st.Known, _ = system.ReadFile(filepath.Join(gopath[0], "pkg", "sumdb", name, "latest"), 64<<10)
	}
	if mc := env.Value("GOMODCACHE"); filepath.IsAbs(mc) {
		st.CacheDir = filepath.Join(mc, "cache", "download", "sumdb")
	}
	return st
}

// BenchOptions are the mirror benchmark's options for this machine.
func BenchOptions(sys *system.System, env *goenv.Snapshot, o mirrors.Options) mirrors.Options {
	o.Probe = mirrors.DefaultProbe
	o.SumDB, _ = VerifyingSumDB(env)
	o.SumDBState = SumDBState(sys, env, o.SumDB.Name)
	o.Proxies, _ = gosettings.ParseProxyList(env.Value("GOPROXY"))
	return o
}

// UseMirror is the action that makes m the module proxy, GOPROXY=URL,direct,
// with GOSUMDB too when sumdb is set; a *change.OverriddenError when an
// export that godoctor cannot edit would keep overriding it.
// GOPROXY and GOSUMDB move together: a GOSUMDB that names the database's
// URL (sum.golang.google.cn, say) would keep reaching it around the new
// mirror, so it becomes the database's name alone, which the go command
// reaches through the first proxy that relays it.
//
// fallThrough is for a mirror that answers a module it does not have with
// another status than 404 or 410 (a 403, say): after a "," the go command
// would stop there, so the mirror and direct are joined by "|".
func UseMirror(sys *system.System, env *goenv.Snapshot, m mirrors.Mirror, sumdb string, fallThrough bool) (*change.Action, error) {
	sep := ","
	if fallThrough {
		sep = "|"
	}
	set := map[string]string{"GOPROXY": strings.TrimSuffix(m.URL, "/") + sep + "direct"}
	if db, err := gosettings.ParseGOSUMDB(env.Value("GOSUMDB")); sumdb == "" && err == nil && db.URL != "" {
		sumdb = db.Name
		if db.Key != gosettings.KnownSumDBKeys[db.Name] {
			sumdb = db.Key
		}
	}
	if sumdb != "" && sumdb != env.Value("GOSUMDB") {
		set["GOSUMDB"] = sumdb
	}
	return change.SetAction(sys, env, set)
}

// ErrNoVerifiedMirror is FastestMirror's answer when no mirror served
// content that the checksum database vouches for.
var ErrNoVerifiedMirror = errors.New("no mirror served content verified by the checksum database")

// FastestMirror benchmarks the candidates (samples rounds each, every
// request bounded by timeout) and returns the fastest mirror whose content
// the checksum database verified.
func FastestMirror(ctx context.Context, sys *system.System, env *goenv.Snapshot, samples int, timeout time.Duration) (mirrors.Result, error) {
	list, err := Mirrors(sys, env, nil)
	if err != nil {
		return mirrors.Result{}, err
	}
	var rep mirrors.Report
	for ev := range mirrors.Run(ctx, sys.HTTP, list, BenchOptions(sys, env, mirrors.Options{Samples: samples, Timeout: timeout})) {
		if ev.Kind == mirrors.Done {
			rep = ev.Report
		}
	}
	if err := ctx.Err(); err != nil {
		return mirrors.Result{}, err
	}
	for _, m := range rep.Mirrors {
		if m.Name == rep.Fastest {
			return m, nil
		}
	}
	return mirrors.Result{}, ErrNoVerifiedMirror
}

// InstallOptions are the installer's options for this machine: GOPROXY
// and the verifying database from the environment, toolchains under
// ~/sdk from the proxy unless o says otherwise.
func InstallOptions(sys *system.System, env *goenv.Snapshot, o installer.Options) installer.Options {
	o.SumDB, _ = VerifyingSumDB(env)
	o.SumDBState = SumDBState(sys, env, o.SumDB.Name)
	o.Proxies, _ = gosettings.ParseProxyList(env.Value("GOPROXY"))
	if o.Dir == "" {
		o.Dir = filepath.Join(sys.Home, "sdk")
	}
	if o.Source == "" {
		o.Source = "proxy"
	}
	o.GOOS, o.GOARCH, o.HTTP, o.FreeSpace = sys.GOOS, sys.GOARCH, sys.HTTP, sys.FreeSpace
	if cache, err := sys.UserCacheDir(); err == nil && o.LockDir == "" {
		o.LockDir = filepath.Join(cache, "godoctor")
	}
	return o
}
