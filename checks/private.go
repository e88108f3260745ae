package checks

import (
	"context"
	"errors"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/web"
)

// maxPrivateLookups bounds how many of go.mod's requirements are asked
// about, and how many at once.
const (
	maxPrivateLookups    = 64
	privateLookupsAtOnce = 8
)

// unservedModules asks the first public proxy of GOPROXY for each module
// the current go.mod requires directly and GOPRIVATE does not cover, and
// returns those it does not have (404 or 410): private modules, which the
// go command will only fetch directly once GOPRIVATE names them.
func unservedModules(ctx context.Context, p *Pass, env *goenv.Snapshot) (proxy string, paths []string) {
	list, _ := gosettings.ParseProxyList(env.Value("GOPROXY"))
	proxy = web.FirstProxy(list)
	if proxy == "" || env.Module == nil {
		return "", nil
	}
	var ask []string
	for _, path := range env.Module.Requires {
		if !gosettings.MatchPatterns(env.Value("GONOPROXY"), path) && len(ask) < maxPrivateLookups {
			ask = append(ask, path)
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, privateLookupsAtOnce)
	for _, path := range ask {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if missing(ctx, p, proxy, path) {
				mu.Lock()
				paths = append(paths, path)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Strings(paths)
	return proxy, paths
}

// missing reports whether a proxy answers 404 or 410 for a module.
func missing(ctx context.Context, p *Pass, proxy, path string) bool {
	ctx, cancel := context.WithTimeout(ctx, p.Options.Timeout)
	defer cancel()
	_, err := p.web().List(ctx, proxy, path)
	return errors.Is(err, fs.ErrNotExist)
}

// privatePattern is the GOPRIVATE glob for a module: its host and owner on
// the big code hosts (github.com/acme), its host elsewhere.
func privatePattern(path string) string {
	parts := strings.Split(path, "/")
	for _, h := range gosettings.PublicHosts {
		if parts[0] == h && len(parts) > 1 {
			return parts[0] + "/" + parts[1]
		}
	}
	return parts[0]
}

// suggestPrivate adds the finding and the GOPRIVATE fix for modules that
// the public proxy does not serve.
func suggestPrivate(res *Result, p *Pass, env *goenv.Snapshot, proxy string, paths []string) {
	if len(paths) == 0 {
		return
	}
	seen := map[string]bool{}
	var patterns []string
	for _, pat := range gosettings.ParsePatterns(env.Value("GOPRIVATE")) {
		seen[pat.Glob] = true
		patterns = append(patterns, pat.Raw)
	}
	var added []string
	for _, path := range paths {
		if pat := privatePattern(path); !seen[pat] {
			seen[pat] = true
			added = append(added, pat)
		}
	}
	setFirst(res, Warn, p.T("%s does not serve %d of the modules go.mod requires: private modules need GOPRIVATE=%s", redact.URL(proxy), len(paths), strings.Join(added, ",")))
	for _, path := range paths {
		res.Details = append(res.Details, p.T("not on the proxy: %s", path))
	}
	fixSet(res, p, "goprivate", p.T("Fetch the private modules directly"), "GOPRIVATE", strings.Join(append(patterns, added...), ","))
}
