package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/report"
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
	path, version, _ := strings.Cut(pos[0], "@")
	if err := module.CheckPath(path); err != nil {
		return usageError("%s", a.T("%q is not a module path: %v", path, err))
	}
	if version != "" && version != "latest" {
		if err := module.Check(path, version); err != nil {
			return usageError("%s", a.T("%q: give an exact version (v1.2.3), or latest: %v", pos[0], err))
		}
	}

	env := goenv.Load(ctx, a.sys)
	from := a.T("given")
	if version == "" {
		version, from = required(env, path)
		if version == "" {
			version, from = "latest", a.T("not required here: the newest")
		} else {
			from = a.T("required by %s", from)
		}
	}
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

// required is the version of path that the go.mod (or a go.work's
// modules) here requires, and the file that says so.
func required(env *goenv.Snapshot, path string) (version, file string) {
	var files []string
	if m := env.Module; m != nil && m.GoModFile != "" {
		files = append(files, m.GoModFile)
	}
	if w := env.Work; w != nil && w.File != "" {
		for _, u := range w.Uses {
			if !filepath.IsAbs(u) {
				u = filepath.Join(filepath.Dir(w.File), u)
			}
			files = append(files, filepath.Join(u, "go.mod"))
		}
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		mf, err := modfile.ParseLax(file, data, nil)
		if err != nil {
			continue
		}
		for _, r := range mf.Replace {
			if r.Old.Path == path {
				return "", "" // replaced: the go command does not fetch it as required
			}
		}
		for _, r := range mf.Require {
			if r.Mod.Path == path {
				return r.Mod.Version, file
			}
		}
	}
	return "", ""
}
