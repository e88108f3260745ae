package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/report"
	"github.com/godoctorhq/godoctor/internal/why"
)

const whyHelp = `Usage: godoctor why [flags] MODULE[@VERSION]

How the go command would fetch and verify MODULE from here, hop by hop:
which GOPRIVATE, GONOPROXY, GONOSUMDB or GOINSECURE pattern matches it,
each GOPROXY entry in order (probed as the go command probes it, stopping
where it stops), the repository of the direct hop (its git rewrites and
credentials, and git ls-remote), and the checksum database. Without
@VERSION: the version go.mod or go.work requires, else the newest.

Exit codes: 0 the go command can fetch and verify it, 1 it cannot.

`

func runWhy(ctx context.Context, a *app, args []string) error {
	var f checkFlags
	fs := newFlagSet("why", a.stderr, a.T(whyHelp))
	f.globals.register(fs, a.pr)
	fs.BoolVar(&f.json, "json", false, a.T("print the trace as JSON, nothing else on stdout"))
	fs.BoolVar(&f.offline, "offline", false, a.T("the rules and the route only, no request"))
	durationFlag(fs, a.pr, &f.timeout, "timeout", 5*time.Second, a.T("bound on each network operation"))
	pos, helped, err := parseArgs(fs, args)
	if helped || err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError("%s", a.T("why takes one MODULE or MODULE@VERSION"))
	}
	path, version, err := why.ParseArg(pos[0])
	if err != nil {
		return usageError("%v", err)
	}
	env := goenv.Load(ctx, a.sys)
	version, from := report.VersionToTrace(a.pr, env, path, version)
	t, confirmed := remedy.TraceModule(ctx, a.sys, env, path, version, from, f.offline, f.timeout)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	r := report.NewWhy(a.pr, t, confirmed)
	if f.json {
		if err := writeJSON(a, r); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(a.stdout, strings.Join(r.Lines(a.pr), "\n"))
	}
	if t.Probed && !t.Fetchable {
		return &exitError{code: exitFailed}
	}
	return nil
}
