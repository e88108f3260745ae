package checks

import (
	"context"
	"errors"
	"fmt"
	"go/version"
	"os"
	"strings"

	"github.com/godoctor/godoctor/change"
	"github.com/godoctor/godoctor/checksumdb"
	"github.com/godoctor/godoctor/goenv"
	"github.com/godoctor/godoctor/mirrors"
	"golang.org/x/mod/sumdb/tlog"
)

var netProxy = &Check{
	ID:       "net.proxy",
	Title:    "Module proxies answer",
	Network:  true,
	Requires: []string{"env.goproxy"},
	Run: func(ctx context.Context, p *Pass) Result {
		env := p.Env()
		list, err := goenv.ParseProxyList(env.Value("GOPROXY"))
		if err != nil {
			return skip("GOPROXY is invalid (see env.goproxy)")
		}
		res := ok("")
		for i, e := range list {
			switch e.Kind {
			case goenv.ProxyDirect:
				setFirst(&res, worstSoFar(res), "downloads go direct, from each module's version control repository")
				return finishProxy(res, i)
			case goenv.ProxyOff:
				setFirst(&res, Fail, "GOPROXY ends in off: nothing is downloaded")
				return res
			}
			if strings.HasPrefix(e.URL, "file:") {
				dir := strings.TrimPrefix(strings.TrimPrefix(e.URL, "file://"), "file:")
				if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
					res.Details = append(res.Details, e.String()+": a directory on this machine")
					return finishProxy(res, i)
				}
				res.Details = append(res.Details, e.String()+": the directory does not exist; the go command moves on as after a 404")
				continue
			}
			m := mirrors.Measure(ctx, p.Sys.HTTP, mirrors.Mirror{URL: e.URL}, mirrors.DefaultProbe,
				mirrors.ProbeOptions{Samples: 1, Timeout: p.Options.Timeout, NoZip: true})
			if m.Err == nil {
				res.Details = append(res.Details, fmt.Sprintf("%s answers the module proxy protocol; median time to first byte %s", e, m.Latency.Median.Round(1e6)))
				if m.Warning != "" && i < len(list)-1 {
					res.worsen(Warn)
					res.Summary = fmt.Sprintf("%s answers, but not with 404 or 410 for modules it lacks, so later GOPROXY entries are never tried", e)
					res.Details = append(res.Details, e.String()+" "+m.Warning)
				}
				if res.Summary == "" {
					res.Summary = fmt.Sprintf("%s answers (%s to first byte)", e, m.Latency.Median.Round(1e6))
				}
				return finishProxy(res, i)
			}
			res.Details = append(res.Details, fmt.Sprintf("%s: %v", e, m.Err))
			if i == len(list)-1 {
				break
			}
			if !e.FallbackOnAnyError {
				res.worsen(Fail)
				res.Summary = fmt.Sprintf("%s does not answer, and the go command stops there (\",\" moves on only after 404 or 410)", e)
				res.addFix(fastestMirrorFix)
				return res
			}
			res.worsen(Warn)
			res.Details = append(res.Details, `  "|" after it: the go command falls through to the next entry`)
		}
		setFirst(&res, Fail, "no GOPROXY entry answers")
		res.addFix(fastestMirrorFix)
		return res
	},
}

// fastestMirrorFix benchmarks the mirrors and makes the fastest verified
// one the module proxy.
var fastestMirrorFix = Fix{ID: "fastest-mirror", Title: "Use the fastest verified mirror", Command: "godoctor mirrors",
	Action: &change.Action{FastestMirror: true}}

// worstSoFar keeps a warning earned by entries that failed before.
func worstSoFar(r Result) Status {
	if r.Status == Warn {
		return Warn
	}
	return OK
}

// finishProxy closes the report when entry i serves downloads.
func finishProxy(res Result, i int) Result {
	if i > 0 && res.Status == Warn {
		res.Summary += fmt.Sprintf(" (after %d failing entr%s)", i, map[bool]string{true: "y", false: "ies"}[i == 1])
	}
	if res.Summary == "" {
		res.Summary = "downloads are served"
	}
	return res
}

var netSumdb = &Check{
	ID:       "net.sumdb",
	Title:    "Checksum database answers",
	Network:  true,
	Requires: []string{"env.gosumdb"},
	Run: func(ctx context.Context, p *Pass) Result {
		env := p.Env()
		db, err := goenv.ParseGOSUMDB(env.Value("GOSUMDB"))
		switch {
		case errors.Is(err, goenv.ErrSumDBOff):
			return skip("GOSUMDB=off: no database to reach (see env.gosumdb)")
		case err != nil:
			return skip("GOSUMDB is invalid (see env.gosumdb)")
		}
		proxies, _ := goenv.ParseProxyList(env.Value("GOPROXY"))
		ctx, cancel := context.WithTimeout(ctx, 2*p.Options.Timeout)
		defer cancel()
		route, err := checksumdb.Resolve(ctx, p.Sys.HTTP, db, proxies)
		res := Result{Details: route.Notes}
		if err == nil {
			var tree tlog.Tree
			if tree, err = checksumdb.Latest(ctx, p.Sys.HTTP, db, route); err == nil {
				res.Status = OK
				res.Summary = fmt.Sprintf("%s %s: signed tree head verified (%d records)", db.Name, route.Via(), tree.N)
				return res
			}
		}
		res.Status = Fail
		res.Summary = fmt.Sprintf("%s cannot be reached %s: every download not yet in go.sum fails verification", db.Name, route.Via())
		res.Details = append(res.Details, err.Error())
		if db.Name == "sum.golang.org" && route.Proxy == "" && db.URL == "" {
			res.Details = append(res.Details, "sum.golang.google.cn serves the same database and is reachable where sum.golang.org is blocked; a mirror that proxies the database also helps (godoctor mirrors).")
			fixSet(&res, p, "sumdb-cn", "Reach the database through sum.golang.google.cn", "GOSUMDB", "sum.golang.google.cn")
		}
		return res
	},
}

// compareWithReleases says whether local is supported (its minor is one of
// the two newest) and how many patches it is behind.
func compareWithReleases(res *Result, local string, releases []string) {
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
		return Fix{ID: "install-" + v, Title: "Install " + v, Command: "godoctor install " + strings.TrimPrefix(v, "go"),
			Action: &change.Action{Install: v}}
	}
	switch {
	case version.Compare(lang, second) < 0:
		setFirst(res, Fail, fmt.Sprintf("%s is no longer supported: security fixes go to %s and %s only (newest %s)", local, first, second, newest))
		res.addFix(install(newest))
	case behind > 0:
		setFirst(res, Warn, fmt.Sprintf("%s is %d patch release%s behind %s", local, behind, map[bool]string{true: "", false: "s"}[behind == 1], patchNewest))
		res.addFix(install(patchNewest))
	case local == newest:
		res.Details = append(res.Details, "the newest release")
	default:
		res.Details = append(res.Details, fmt.Sprintf("the newest patch of %s; the newest release is %s", lang, newest))
	}
}
