package remedy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/godoctorhq/godoctor/internal/checksumdb"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/modcache"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/internal/web"
)

// CacheOptions are the module cache scan's options for this machine: the
// go.sum files of the current module and workspace, and, unless offline,
// the checksum database the go command would use, reached the way it
// would reach it. database describes the database and its route; a
// database that cannot be reached is err, and offline scans need none.
func CacheOptions(ctx context.Context, sys *system.System, env *goenv.Snapshot, pr i18n.Printer, offline bool, timeout time.Duration) (o modcache.Options, database string, err error) {
	o.Root = env.Value("GOMODCACHE")
	o.GoSums = goSums(env)
	if offline {
		return o, "", nil
	}
	db, err := gosettings.ParseGOSUMDB(env.Value("GOSUMDB"))
	if errors.Is(err, gosettings.ErrSumDBOff) {
		o.Unchecked = func(string) string { return "GOSUMDB=off" }
		return o, "", nil
	}
	if err != nil {
		return o, "", err
	}
	nosum := env.Value("GONOSUMDB")
	o.Unchecked = func(path string) string {
		if gosettings.MatchPatterns(nosum, path) {
			return "GONOSUMDB=" + nosum
		}
		return ""
	}
	client := web.Client{HTTP: sys.HTTP, Idle: timeout, Total: timeout}
	proxies, _ := gosettings.ParseProxyList(env.Value("GOPROXY"))
	resolveCtx, cancel := context.WithTimeout(ctx, 4*timeout)
	defer cancel()
	route, err := checksumdb.Resolve(resolveCtx, client, db, proxies)
	if err != nil {
		return o, "", fmt.Errorf("checksum database %s: %w", db.Name, err)
	}
	session := checksumdb.Client{Web: client, DB: db, Route: route, State: SumDBState(sys, env, db.Name)}.Session(ctx)
	o.Lookup = session.Lookup
	return o, db.Name + " " + route.Via(pr), nil
}

// IntegrityStamps are the stamps of the versions that cache.integrity
// verified whole in the module cache at root (modcache.Stamps), kept in
// godoctor's directory of the user cache; nil when there is none, and the
// check then hashes everything.
func IntegrityStamps(sys *system.System, root string) *modcache.Stamps {
	dir, err := sys.UserCacheDir()
	if err != nil || !filepath.IsAbs(root) {
		return nil
	}
	sum := sha256.Sum256([]byte(root))
	return modcache.LoadStamps(filepath.Join(dir, "godoctor", "verified", hex.EncodeToString(sum[:8])+".json"))
}

// goSums are the go.sum files the go command reads here: the main
// module's, and in a workspace go.work.sum and each used module's.
func goSums(env *goenv.Snapshot) []string {
	var files []string
	if m := env.Module; m != nil && m.GoModFile != "" {
		files = append(files, filepath.Join(filepath.Dir(m.GoModFile), "go.sum"))
	}
	if w := env.Work; w != nil && w.File != "" {
		dir := filepath.Dir(w.File)
		files = append(files, w.File+".sum")
		for _, u := range w.Uses {
			if !filepath.IsAbs(u) {
				u = filepath.Join(dir, u)
			}
			files = append(files, filepath.Join(u, "go.sum"))
		}
	}
	return files
}
