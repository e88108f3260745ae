package checks

import (
	"context"
	"errors"
	"fmt"
	"go/version"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/godoctorhq/godoctor/internal/checksumdb"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/web"
	"github.com/godoctorhq/godoctor/mirrors"
)

var netProxy = &Check{
	ID:      "net.proxy",
	Title:   "Module proxies answer",
	NeedsGo: true,
	Network: true,
	Run: func(ctx context.Context, p *Pass) Result {
		env := p.Env()
		list, err := gosettings.ParseProxyList(env.Value("GOPROXY"))
		if err != nil {
			return skip(p.T("GOPROXY is invalid (see env.goproxy)"))
		}
		res := ok("")
		for i, e := range list {
			switch e.Kind {
			case gosettings.ProxyDirect:
				setFirst(&res, worstSoFar(res), p.T("downloads go direct, from each module's version control repository"))
				return finishProxy(p, res, i)
			case gosettings.ProxyOff:
				setFirst(&res, Fail, p.T("GOPROXY ends in off: nothing is downloaded"))
				return res
			}
			if strings.HasPrefix(e.URL, "file:") {
				dir := strings.TrimPrefix(strings.TrimPrefix(e.URL, "file://"), "file:")
				if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
					res.Details = append(res.Details, p.T("%s: a directory on this machine", e))
					return finishProxy(p, res, i)
				}
				res.Details = append(res.Details, p.T("%s: the directory does not exist; the go command moves on as after a 404", e))
				continue
			}
			m := mirrors.Measure(ctx, p.Sys.HTTP, mirrors.Mirror{URL: e.URL}, mirrors.DefaultProbe,
				mirrors.ProbeOptions{Samples: 1, Timeout: p.Options.Timeout, NoZip: true})
			// A company proxy's own word on itself follows its line.
			company := companyProxy(ctx, p, e, m.Err)
			if m.Err == nil {
				res.Details = append(res.Details, p.T("%s answers the module proxy protocol; median time to first byte %s", e, m.Latency.Median.Round(1e6)))
				res.Details = append(res.Details, company...)
				if m.Warning != "" && i < len(list)-1 {
					res.worsen(Warn)
					res.Summary = p.T("%s answers, but not with 404 or 410 for modules it lacks, so later GOPROXY entries are never tried", e)
					res.Details = append(res.Details, p.T("%s answers a module it does not have with %s, not 404 or 410: the go command stops there instead of trying the next GOPROXY entry (direct)", e, m.NotFoundStatus))
				}
				if res.Summary == "" {
					res.Summary = p.T("%s answers (%s to first byte)", e, m.Latency.Median.Round(1e6))
				}
				return finishProxy(p, res, i)
			}
			if errors.Is(m.Err, fs.ErrNotExist) {
				// A proxy that lacks a module says 404 or 410, after which
				// the go command tries the next entry, whatever the
				// separator: this one works, for the modules it has.
				res.Details = append(res.Details, p.T("%s answers but does not have %s (%v): the go command tries the next entry for the modules it lacks", e, mirrors.DefaultProbe, m.Err))
				res.Details = append(res.Details, company...)
				continue
			}
			// The cause in a person's words first, then the error.
			if cause := web.Cause(i18n.Printer{Lang: p.Options.Lang}, m.Err); cause != "" {
				res.Details = append(res.Details, fmt.Sprintf("%s: %s", e, cause), "  "+m.Err.Error())
			} else {
				res.Details = append(res.Details, fmt.Sprintf("%s: %v", e, m.Err))
			}
			res.Details = append(res.Details, company...)
			if i == len(list)-1 {
				break
			}
			if !e.FallbackOnAnyError {
				res.worsen(Fail)
				res.Summary = p.T("%s does not answer, and the go command stops there (\",\" moves on only after 404 or 410)", e)
				res.addFix(fastestMirrorFix(p))
				return res
			}
			res.worsen(Warn)
			res.Details = append(res.Details, "  "+p.T(`"|" after it: the go command falls through to the next entry`))
		}
		setFirst(&res, Fail, p.T("no GOPROXY entry answers"))
		res.addFix(fastestMirrorFix(p))
		return res
	},
}

// companyProxy says what a company's module proxy is and what its own
// health check answers, as lines under the entry's: "up, but cannot serve
// the module" is the answer a platform team needs when the probe failed
// with an answer rather than a dead connection. Public mirrors (the
// catalog's, the toolchain's default) are not asked.
func companyProxy(ctx context.Context, p *Pass, e gosettings.ProxyEntry, probeErr error) []string {
	u, err := url.Parse(e.URL)
	if err != nil || remedy.PublicMirror(p.Env(), u.Hostname()) {
		return nil
	}
	// A health page that trickles is cut at the run's timeout, whole.
	c := p.web()
	c.Total = 2 * p.Options.Timeout
	prod, ok := mirrors.Identify(ctx, c, e.URL)
	if !ok {
		return nil
	}
	lines := []string{"  " + p.T("%[1]s is %[2]s; its health check: %[3]s", e, prod.Name, prod.Health)}
	var he *web.HTTPError
	switch {
	case !prod.Up:
		lines = append(lines, "  "+p.T("%[1]s says it is not ready: its administrators can tell why", prod.Name))
	case probeErr != nil && errors.As(probeErr, &he):
		lines = append(lines, "  "+p.T("%[1]s is up (its health check answers) but could not serve %[2]s: it cannot reach its upstream, or its storage fails; its administrators can tell which", prod.Name, mirrors.DefaultProbe))
	}
	return lines
}

// fastestMirrorFix benchmarks the mirrors and makes the fastest verified
// one the module proxy.
func fastestMirrorFix(p *Pass) Fix {
	return Fix{ID: "fastest-mirror", Title: p.T("Use the fastest verified mirror"), Command: "godoctor mirrors",
		Action: &remedy.Action{FastestMirror: true}}
}

// worstSoFar keeps a warning earned by entries that failed before.
func worstSoFar(r Result) Status {
	if r.Status == Warn {
		return Warn
	}
	return OK
}

// finishProxy closes the report when entry i serves downloads.
func finishProxy(p *Pass, res Result, i int) Result {
	switch {
	case i == 1 && res.Status == Warn:
		res.Summary += p.T(" (after 1 failing entry)")
	case i > 1 && res.Status == Warn:
		res.Summary += p.T(" (after %d failing entries)", i)
	}
	if res.Summary == "" {
		res.Summary = p.T("downloads are served")
	}
	return res
}

var netSumdb = &Check{
	ID:      "net.sumdb",
	Title:   "Checksum database answers",
	NeedsGo: true,
	Network: true,
	Run: func(ctx context.Context, p *Pass) Result {
		env := p.Env()
		db, err := gosettings.ParseGOSUMDB(env.Value("GOSUMDB"))
		switch {
		case errors.Is(err, gosettings.ErrSumDBOff):
			return skip(p.T("GOSUMDB=off: no database to reach (see env.gosumdb)"))
		case err != nil:
			return skip(p.T("GOSUMDB is invalid (see env.gosumdb)"))
		}
		proxies, _ := gosettings.ParseProxyList(env.Value("GOPROXY"))
		ctx, cancel := context.WithTimeout(ctx, 2*p.Options.Timeout)
		defer cancel()
		route, err := checksumdb.Resolve(ctx, p.web(), db, proxies)
		res := Result{Details: route.Notes}
		if u, perr := url.Parse(route.Base); perr == nil && route.Base != "" {
			if via, _ := p.Sys.ProxyFor(u); via != nil {
				res.Details = append(res.Details, p.T("reached through the HTTP proxy %s (HTTPS_PROXY or HTTP_PROXY)", redact.URL(via.String())))
			}
		}
		if err == nil {
			var tree tlog.Tree
			if tree, err = checksumdb.Latest(ctx, p.web(), db, route); err == nil {
				res.Status = OK
				res.Summary = p.T("%s %s: signed tree head verified (%d records)", db.Name, route.Via(i18n.Printer{Lang: p.Options.Lang}), tree.N)
				return res
			}
		}
		res.Status = Fail
		res.Summary = p.T("%s cannot be reached %s: every download not yet in go.sum fails verification", db.Name, route.Via(i18n.Printer{Lang: p.Options.Lang}))
		if cause := web.Cause(i18n.Printer{Lang: p.Options.Lang}, err); cause != "" {
			res.Details = append(res.Details, cause)
		}
		res.Details = append(res.Details, err.Error())
		if db.Name == "sum.golang.org" && route.Proxy == "" && db.URL == "" {
			sumdbAlias(ctx, &res, p, db)
		}
		return res
	},
}

// sumdbAlias proposes sum.golang.google.cn, which serves sum.golang.org's
// signed tree, only when it answers from here with a tree head that
// sum.golang.org's key verifies: where the failure is this machine's (a
// dead HTTPS_PROXY, a TLS inspection, a 403 of a company proxy) it fails
// the same way, and the fix would only hide the cause.
func sumdbAlias(ctx context.Context, res *Result, p *Pass, db gosettings.SumDB) {
	const alias = "sum.golang.google.cn"
	ctx, cancel := context.WithTimeout(ctx, p.Options.Timeout)
	defer cancel()
	if _, err := checksumdb.Latest(ctx, p.web(), db, checksumdb.Route{Base: "https://" + alias}); err != nil {
		res.Details = append(res.Details, p.T("%s, which serves the same database, does not answer from here either (%v): the cause is on this machine's way out, not the database's host", alias, err))
		return
	}
	res.Details = append(res.Details, p.T("%s serves the same database and answers from here with a tree head that %s's key verifies.", alias, db.Name))
	fixSet(res, p, "sumdb-cn", p.T("Reach the database through sum.golang.google.cn"), "GOSUMDB", alias)
}

// compareWithReleases says whether local is supported (its minor is one of
// the two newest) and how many patches it is behind.
func compareWithReleases(res *Result, p *Pass, local string, releases []string) {
	newest := releases[0]
	minors := map[string]bool{}
	for _, v := range releases {
		if version.Compare(v, newest) > 0 {
			newest = v
		}
		minors[version.Lang(v)] = true
	}
	var langs []string
	for l := range minors {
		langs = append(langs, l)
	}
	// the two newest minors
	first, second := "", ""
	for _, l := range langs {
		switch {
		case first == "" || version.Compare(l, first) > 0:
			first, second = l, first
		case second == "" || version.Compare(l, second) > 0:
			second = l
		}
	}
	lang := version.Lang(local)
	patchNewest, behind := local, 0
	for _, v := range releases {
		if version.Lang(v) == lang && version.Compare(v, local) > 0 {
			behind++
			if version.Compare(v, patchNewest) > 0 {
				patchNewest = v
			}
		}
	}
	install := func(v string) Fix {
		return Fix{ID: "install-" + v, Title: p.T("Install %s", v), Command: "godoctor install " + strings.TrimPrefix(v, "go"),
			Action: &remedy.Action{Install: v}}
	}
	switch {
	case version.Compare(lang, second) < 0:
		setFirst(res, Fail, p.T("%s is no longer supported: security fixes go to %s and %s only (newest %s)", local, first, second, newest))
		res.addFix(install(newest))
	case behind > 0:
		msg := p.T("%s is %d patch releases behind %s", local, behind, patchNewest)
		if behind == 1 {
			msg = p.T("%s is 1 patch release behind %s", local, patchNewest)
		}
		setFirst(res, Warn, msg)
		res.addFix(install(patchNewest))
	case local == newest:
		res.Details = append(res.Details, p.T("the newest release"))
	default:
		res.Details = append(res.Details, p.T("the newest patch of %s; the newest release is %s", lang, newest))
	}
}
