package main

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/report"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/mirrors"
)

const mirrorsHelp = `Usage: godoctor mirrors [flags]

Benchmark module mirrors concurrently: time real module proxy requests
(@v/list, .info, .mod) to the first byte, download the probe module's zip
for throughput, and check that its hash matches the checksum database.
The candidates are the built-in catalog, the mirrors in the user config
directory's godoctor/mirrors.json, the entries of GOPROXY, the toolchain's
default, and --mirror.

`

// mirrorFlags are the flags of godoctor mirrors.
type mirrorFlags struct {
	globals
	json        bool
	samples     int
	timeout     time.Duration
	concurrency int
	added       []mirrors.Mirror
	only        string
}

// httpProxies names the HTTP proxies that requests to the mirrors go
// through, as net/http and the go command decide from the environment.
func httpProxies(sys *system.System, list []mirrors.Mirror) string {
	seen := map[string]bool{}
	var out []string
	for _, m := range list {
		u, err := url.Parse(m.URL)
		if err != nil {
			continue
		}
		if via, _ := sys.ProxyFor(u); via != nil && !seen[via.String()] {
			seen[via.String()] = true
			out = append(out, redact.URL(via.String()))
		}
	}
	return strings.Join(out, ", ")
}

func runMirrors(ctx context.Context, a *app, args []string) error {
	sys, pr, stdout := a.sys, a.pr, a.stdout
	var f mirrorFlags
	fs := newFlagSet("mirrors", a.stderr, pr.T(mirrorsHelp))
	f.globals.register(fs, pr)
	fs.BoolVar(&f.json, "json", false, pr.T("print the report as JSON, nothing else on stdout"))
	intFlag(fs, pr, &f.samples, "samples", 5, 1, 100, pr.T("rounds of small requests per mirror"))
	durationFlag(fs, pr, &f.timeout, "timeout", 5*time.Second, pr.T("bound on each request (the zip gets four times as long)"))
	intFlag(fs, pr, &f.concurrency, "concurrency", 0, 0, 64, pr.T("mirrors measured at once (0: all)"))
	fs.Func("mirror", pr.T("add a mirror, NAME=URL (repeatable)"), func(v string) error {
		m, err := mirrors.ParseFlag(v)
		f.added = append(f.added, m)
		return err
	})
	fs.StringVar(&f.only, "only", "", pr.T("benchmark just these mirrors, NAME[,NAME...]"))
	if helped, err := parse(fs, pr, args); helped || err != nil {
		return err
	}

	env := goenv.Load(ctx, sys)
	list, err := remedy.Mirrors(sys, env, f.added)
	if err != nil {
		return err
	}
	var only []string
	if f.only != "" {
		only = strings.Split(f.only, ",")
	}
	if list, err = mirrors.Select(list, only); err != nil {
		return usageError("%v", err)
	}
	_, note := remedy.VerifyingSumDB(env)
	opts := remedy.BenchOptions(sys, env, mirrors.Options{Samples: f.samples, Timeout: f.timeout, Concurrency: f.concurrency})
	var rep mirrors.Report
	for ev := range mirrors.Run(ctx, sys.HTTP, list, opts) {
		if ev.Kind == mirrors.Done {
			rep = ev.Report
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	out := report.NewMirrorsReport(rep, opts.SumDB.Name)
	if note != "" {
		out.Note = strings.TrimSpace(note + " " + out.Note)
	}
	if via := httpProxies(sys, list); via != "" {
		out.Note = strings.TrimSpace(out.Note + " " + pr.T("Requests went through the HTTP proxy %s (HTTPS_PROXY or HTTP_PROXY), as the go command's do.", via))
	}
	if f.json {
		err = report.WriteJSON(stdout, out)
	} else {
		err = report.WriteMirrorsText(stdout, out, pr.Lang)
	}
	if err != nil {
		return err
	}
	for _, m := range rep.Mirrors {
		if m.Status != mirrors.Fail {
			return nil
		}
	}
	return &exitError{code: exitFailed, err: errors.New(pr.T("no mirror answered with the right content"))}
}
