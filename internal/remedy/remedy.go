// Package remedy holds what the command line and the TUI share when they
// change the machine: the change journal's place, the mirror candidates,
// the checksum database that judges mirrors, and turning a chosen mirror
// into an action. It keeps the two front ends from growing two versions
// of the same decisions.
package remedy

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/installer"
	"github.com/godoctorhq/godoctor/internal/mirrors"
	"github.com/godoctorhq/godoctor/internal/system"
)

// Journal is the change journal under the user config directory.
func Journal(sys *system.System) (change.Journal, error) {
	dir, err := sys.UserConfigDir()
	if err != nil {
		return change.Journal{}, fmt.Errorf("no user config directory for the change journal: %w", err)
	}
	return change.Journal{Dir: filepath.Join(dir, "godoctor", "journal"), UserEnv: sys.UserEnv}, nil
}

// GoCommand is the go that edits the go env file, "" when none runs.
func GoCommand(env *goenv.Snapshot) string {
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

// BenchOptions are the mirror benchmark's options for this machine.
func BenchOptions(env *goenv.Snapshot, o mirrors.Options) mirrors.Options {
	o.Probe = mirrors.DefaultProbe
	o.SumDB, _ = VerifyingSumDB(env)
	o.Proxies, _ = gosettings.ParseProxyList(env.Value("GOPROXY"))
	return o
}

// UseMirror is the action that makes m the module proxy, GOPROXY=URL,direct,
// with GOSUMDB too when sumdb is set; unreachable names variables that an
// export godoctor cannot edit keeps overriding.
func UseMirror(sys *system.System, env *goenv.Snapshot, m mirrors.Mirror, sumdb string) (*change.Action, []string) {
	set := map[string]string{"GOPROXY": strings.TrimSuffix(m.URL, "/") + ",direct"}
	if sumdb != "" {
		set["GOSUMDB"] = sumdb
	}
	return change.SetAction(sys, env, set)
}

// InstallOptions are the installer's options for this machine: GOPROXY
// and the verifying database from the environment, toolchains under
// ~/sdk from the proxy unless o says otherwise.
func InstallOptions(sys *system.System, env *goenv.Snapshot, o installer.Options) installer.Options {
	o.SumDB, _ = VerifyingSumDB(env)
	o.Proxies, _ = gosettings.ParseProxyList(env.Value("GOPROXY"))
	if o.Dir == "" {
		o.Dir = filepath.Join(sys.Home, "sdk")
	}
	if o.Source == "" {
		o.Source = "proxy"
	}
	o.GOOS, o.GOARCH, o.HTTP, o.FreeSpace = sys.GOOS, sys.GOARCH, sys.HTTP, sys.FreeSpace
	return o
}
