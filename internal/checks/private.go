package checks

import (
	"context"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"

	"golang.org/x/mod/module"

	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/redact"
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
	list, err := gosettings.ParseProxyList(env.Value("GOPROXY"))
	if err != nil || env.Module == nil || list[0].Kind != gosettings.ProxyURL || strings.HasPrefix(list[0].URL, "file:") {
		return "", nil
	}
	proxy = strings.TrimSuffix(list[0].URL, "/")
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
	esc, err := module.EscapePath(path)
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, p.Options.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, proxy+"/"+esc+"/@v/list", nil)
	if err != nil {
		return false
	}
	resp, err := p.Sys.HTTP.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone
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
