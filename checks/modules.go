package checks

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/godoctorhq/godoctor/internal/gocmd"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/project"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/web"
)

// Bounds of the route probes: how many missing modules are asked of a
// proxy (by .info, small and concurrent), and how many of them one route
// downloads for real.
const (
	maxAsked         = 64
	askedAtOnce      = 8
	maxRepresentants = 8
)

// projectModules judges the project by what the go command does with it:
// it lists the build list (offline), and online it downloads, into a
// scratch module cache, representatives of every route that the modules
// the next build still lacks take (the proxy list or direct, the checksum
// database or not): one per host among those the first proxy does not
// have, and one it has. A module that fails fails the check, with the go
// command's words and the setting that chose its route.
var projectModules = &Check{
	ID:      "project.modules",
	Title:   "The project's modules",
	NeedsGo: true,
	Run: func(ctx context.Context, p *Pass) Result {
		proj := p.Project()
		if !proj.In() {
			return skip(p.T("not in a module or workspace"))
		}
		if proj.Err != nil {
			return Result{Status: Fail,
				Summary: p.T("the go command cannot list this project's modules: %s", said(proj.Err)),
				Details: []string{p.T("Every go command in %s fails the same way; the check that names the setting says how to mend it.", proj.Dir)}}
		}
		switch {
		case proj.Vendored:
			return ok(p.T("builds read ./vendor: nothing is downloaded"))
		case proj.Unlisted:
			return ok(p.T("go.mod needs updates that the next build makes (GOFLAGS=-mod=mod); the build list is known after it"))
		}
		missing := proj.Missing()
		res := ok(p.T("%d modules in the build list, all in the module cache", len(proj.Modules)))
		if len(missing) == 0 {
			return res
		}
		res.Summary = p.T("%[1]d of the %[2]d modules of the build list are not in the module cache; the next build downloads them", len(missing), len(proj.Modules))
		routes, order := groupRoutes(p.Env(), missing)
		for _, r := range order {
			res.Details = append(res.Details, p.T("%[1]d by %[2]s", len(routes[r]), describeRoute(p, r)))
		}
		if p.Options.Offline {
			res.Details = append(res.Details, p.T("whether they download is not checked (--offline)"))
			return res
		}
		failed := probeRoutes(ctx, p, proj, routes, order)
		var private []gocmd.Module
		direct := map[string][]gocmd.Module{}
		for _, f := range failed {
			res.worsen(Fail)
			switch {
			case f.route.ProxyRule == "" && notKnown(f.said):
				private = append(private, f.module)
				res.Details = append(res.Details, p.T("%[1]s: the proxy or the checksum database does not know it: %[2]s", modString(f.module), f.said))
			case f.route.ProxyRule != "":
				direct[f.route.ProxyRule] = append(direct[f.route.ProxyRule], f.module)
				res.Details = append(res.Details, p.T("%[1]s: sent directly to its repository by %[2]s: %[3]s", modString(f.module), f.route.ProxyRule, f.said))
			default:
				res.Summary = p.T("%[1]s cannot be downloaded by %[2]s", modString(f.module), describeRoute(p, f.route))
				res.Details = append(res.Details, f.said, p.T("godoctor why %s shows each hop of the route.", modString(f.module)))
			}
		}
		if len(private) > 0 {
			res.Summary = p.T("%s cannot be downloaded: the proxy or the checksum database does not know it, as a private module's", listModules(private))
			privateFix(&res, p, proj, private)
		}
		for _, rule := range sortedKeys(direct) {
			res.Summary = p.T("%[1]s sends %[2]s directly to its repository, where the go command cannot fetch it", rule, listModules(direct[rule]))
			narrowFix(&res, p, rule, downloadOf(p, proj, direct[rule]...))
		}
		return res
	},
}

// routeFailure is a module that a route's download did not bring.
type routeFailure struct {
	route  project.Route
	module gocmd.Module
	said   string
}

// probeRoutes downloads representatives of every route, all routes at
// once, into one scratch module cache, and returns the modules that
// failed.
func probeRoutes(ctx context.Context, p *Pass, proj *project.Project, routes map[project.Route][]gocmd.Module, order []project.Route) []routeFailure {
	scratch, err := gocmd.NewScratch()
	if err != nil {
		return nil
	}
	defer scratch.Remove()
	runner := gocmd.Runner{Sys: p.Sys, Go: p.Env().Go.Path}
	out := make([][]routeFailure, len(order))
	var wg sync.WaitGroup
	for i, r := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reps := representatives(ctx, p, r, routes[r])
			var versions []string
			for _, m := range reps {
				versions = append(versions, modString(m))
			}
			// One cache per route, so that one route's download never
			// serves another's.
			cache := filepath.Join(scratch.Dir, fmt.Sprintf("cache-%d", i))
			downloads, err := runner.Download(ctx, proj.Dir, cache, 4*p.timeout(), versions...)
			saidOf := map[string]string{}
			for _, d := range downloads {
				if d.Error != "" {
					saidOf[d.Path+"@"+d.Version] = d.Error
				}
			}
			for _, m := range reps {
				if s, ok := saidOf[modString(m)]; ok {
					out[i] = append(out[i], routeFailure{r, m, s})
				} else if err != nil && len(saidOf) == 0 {
					out[i] = append(out[i], routeFailure{r, m, said(err)})
				}
			}
		}()
	}
	wg.Wait()
	var all []routeFailure
	for _, f := range out {
		all = append(all, f...)
	}
	return all
}

// representatives are the modules of a route that are downloaded for
// real: on a route through a proxy, one module per host among those the
// first proxy does not have (asked by .info: private modules show there),
// and one it has; on a direct route, one per host.
func representatives(ctx context.Context, p *Pass, r project.Route, mods []gocmd.Module) []gocmd.Module {
	list, _ := gosettings.ParseProxyList(r.Proxies)
	first := web.FirstProxy(list)
	unserved := map[string]bool{}
	if first != "" {
		var mu sync.Mutex
		var wg sync.WaitGroup
		sem := make(chan struct{}, askedAtOnce)
		for _, m := range mods[:min(len(mods), maxAsked)] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				path, version := m.Fetched()
				u, err := web.VersionURL(first, path, version, ".info")
				if err != nil {
					return
				}
				actx, cancel := context.WithTimeout(ctx, p.timeout())
				_, err = p.web().Get(actx, u, web.SmallLimit)
				cancel()
				if errors.Is(err, fs.ErrNotExist) {
					mu.Lock()
					unserved[modString(m)] = true
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}
	var reps []gocmd.Module
	hosts := map[string]bool{}
	servedOne := false
	for _, m := range mods {
		path, _ := m.Fetched()
		host, _, _ := strings.Cut(path, "/")
		switch {
		case len(reps) == maxRepresentants:
		case first != "" && !unserved[modString(m)] && !servedOne:
			servedOne = true
			reps = append(reps, m)
		case (first == "" || unserved[modString(m)]) && !hosts[host]:
			hosts[host] = true
			reps = append(reps, m)
		}
	}
	return reps
}

// downloadOf is the download of modules of the build list, as the next
// build would fetch them.
func downloadOf(p *Pass, proj *project.Project, mods ...gocmd.Module) remedy.Operation {
	var versions []string
	for _, m := range mods {
		versions = append(versions, modString(m))
	}
	return remedy.OpDownload(proj.Dir, 4*p.timeout(), versions...)
}

func modString(m gocmd.Module) string {
	path, version := m.Fetched()
	return path + "@" + version
}

// listModules names modules for a person: the first few, and how many
// more.
func listModules(mods []gocmd.Module) string {
	var names []string
	for _, m := range mods[:min(len(mods), 3)] {
		names = append(names, modString(m))
	}
	s := strings.Join(names, ", ")
	if len(mods) > 3 {
		s += " …"
	}
	return s
}

// groupRoutes sorts modules by the route the go command takes for each.
func groupRoutes(env *goenv.Snapshot, mods []gocmd.Module) (map[project.Route][]gocmd.Module, []project.Route) {
	routes := map[project.Route][]gocmd.Module{}
	var order []project.Route
	for _, m := range mods {
		path, _ := m.Fetched()
		r := project.RouteOf(env, path)
		if _, seen := routes[r]; !seen {
			order = append(order, r)
		}
		routes[r] = append(routes[r], m)
	}
	return routes, order
}

// describeRoute says a route for a person.
func describeRoute(p *Pass, r project.Route) string {
	fetch := "GOPROXY=" + r.Proxies
	if r.ProxyRule != "" {
		fetch = p.T("direct (%s)", r.ProxyRule)
	}
	check := "GOSUMDB=" + r.SumDB
	if r.SumRule != "" {
		check = p.T("no checksum database (%s)", r.SumRule)
	}
	return fetch + ", " + check
}

// notKnown reports the go command's words for a proxy or a checksum
// database that does not have a module: 404 or 410.
func notKnown(said string) bool {
	return strings.Contains(said, "404 Not Found") || strings.Contains(said, "410 Gone")
}

// privateFix explains why no GOPRIVATE pattern covers the modules that the
// proxy or the checksum database does not know, and proposes the patterns
// that would, mending those that were meant to; proven by downloading them
// on the next shell.
func privateFix(res *Result, p *Pass, proj *project.Project, mods []gocmd.Module) {
	env := p.Env()
	var value []string
	for _, pat := range gosettings.ParsePatterns(env.Value("GOPRIVATE")) {
		value = append(value, pat.Meant()...)
	}
	for _, name := range []string{"GOPRIVATE", "GONOPROXY", "GONOSUMDB"} {
		st := env.Settings[name]
		if name != "GOPRIVATE" && (st.Source == goenv.FromDefault || st.Value == env.Value("GOPRIVATE")) {
			continue
		}
		for _, pat := range gosettings.ParsePatterns(st.Value) {
			meant := pat.Meant()
			if pat.Problem != "" && slices.ContainsFunc(mods, func(m gocmd.Module) bool { return gosettings.MatchPatterns(strings.Join(meant, ","), m.Path) }) {
				res.Details = append(res.Details, p.T("%[1]s: %[2]q %[3]s (meant %[4]s, which would cover it)", name, pat.Raw, patternProblem(p, pat.Problem), strings.Join(meant, ",")))
			}
		}
	}
	if env.Value("GOPRIVATE") == "" {
		res.Details = append(res.Details, p.T("no GOPRIVATE pattern is set: every module goes through GOPROXY and GOSUMDB"))
	}
	for _, m := range mods {
		if pat := gosettings.PrivatePattern(m.Path); pat != "" && !gosettings.MatchPatterns(strings.Join(value, ","), m.Path) {
			value = append(value, pat)
		}
	}
	value = slices.Compact(value)
	fixSetProven(res, p, "goprivate", p.T("Fetch %s directly, as private modules", strings.Join(value, ",")), "GOPRIVATE", strings.Join(value, ","), downloadOf(p, proj, mods...))
}

// narrowFix proposes taking out of a list the pattern that sends a public
// module direct.
func narrowFix(res *Result, p *Pass, rule string, op remedy.Operation) {
	name, pattern, _ := strings.Cut(rule, "=")
	var kept []string
	for _, pat := range gosettings.ParsePatterns(p.Env().Value(name)) {
		if pat.Raw != pattern {
			kept = append(kept, pat.Raw)
		}
	}
	title := p.T("Stop sending modules that match %s directly", pattern)
	if len(kept) == 0 {
		fixUnsetProven(res, p, "narrow-"+strings.ToLower(name), title, name, op)
		return
	}
	fixSetProven(res, p, "narrow-"+strings.ToLower(name), title, name, strings.Join(kept, ","), op)
}
