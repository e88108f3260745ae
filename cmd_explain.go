package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/module"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/internal/failure"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/modcache"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/report"
)

const explainHelp = `Usage: godoctor explain [flags] [TEXT]
       go build 2>&1 | godoctor explain

Say what a go command's error output means on this machine: for every
failure godoctor knows, what it means and what can cause it; then the
checks that tell those causes apart run here, and a cause is confirmed
only when a check shows it. Then the fix. TEXT, else standard input.

`

// maxExplainInput bounds what explain reads: a build log of a large
// project is a few MiB; more is a paste gone wrong.
const maxExplainInput = 16 << 20

// explained is one recognised failure, as --json prints it.
type explained struct {
	Family    string         `json:"family"`
	Quote     string         `json:"quote"`
	Line      int            `json:"line"`
	Module    string         `json:"module,omitempty"`
	Version   string         `json:"version,omitempty"`
	Cause     string         `json:"cause"`
	Causes    []string       `json:"causes"`
	Checks    []string       `json:"checks"`
	Confirmed bool           `json:"confirmed"`
	Evidence  []report.Check `json:"evidence"`
	Advice    string         `json:"advice"`
	Fixes     []checks.Fix   `json:"fixes"`
	// Route is godoctor why for the module the failure names, when the
	// failure is about fetching it.
	Route *report.Why `json:"route,omitempty"`
}

// maxTraces bounds the modules explain traces: a log of a broken set-up
// can name hundreds, and each trace asks the network; the first few tell
// the cause.
const maxTraces = 3

func runExplain(ctx context.Context, a *app, args []string) error {
	var f checkFlags
	fs := newFlagSet("explain", a.stderr, a.T(explainHelp))
	f.globals.register(fs, a.pr)
	fs.BoolVar(&f.json, "json", false, a.T("print the findings as JSON, nothing else on stdout"))
	fs.BoolVar(&f.offline, "offline", false, a.T("skip the checks that need the network"))
	durationFlag(fs, a.pr, &f.timeout, "timeout", 5*time.Second, a.T("bound on each network operation"))
	pos, helped, err := parseArgs(fs, args)
	if helped || err != nil {
		return err
	}
	text := strings.Join(pos, " ")
	cut := false
	if len(pos) == 0 {
		if a.term {
			fmt.Fprintln(a.stderr, a.T("Paste the go command's output, then press Ctrl-D."))
		}
		data, err := io.ReadAll(io.LimitReader(a.stdin, maxExplainInput+1))
		if err != nil && ctx.Err() == nil {
			return err
		}
		cut = len(data) > maxExplainInput
		text = string(data[:min(len(data), maxExplainInput)])
	}
	if strings.TrimSpace(text) == "" {
		return usageError("%s", a.T("nothing to explain: give the go command's output as an argument or on standard input"))
	}
	if cut {
		fmt.Fprintln(a.stderr, a.T("only the first %d MiB were read", maxExplainInput>>20))
	}

	hits := failure.Recognise(text)
	if len(hits) == 0 {
		if f.json {
			writeJSON(a, map[string]any{"findings": []explained{}})
		} else {
			fmt.Fprintln(a.stdout, a.T("No go command failure that godoctor knows is in this text. godoctor check examines the whole set-up."))
		}
		return &exitError{code: exitFailed}
	}

	found := explainHits(ctx, a, hits, f)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if f.json {
		return writeJSON(a, map[string]any{"findings": found})
	}
	printExplained(a, found)
	return nil
}

// explainHits runs the checks that the families name, once each, and ties
// their results to each hit.
func explainHits(ctx context.Context, a *app, hits []failure.Hit, f checkFlags) []explained {
	var list []*checks.Check
	for _, h := range hits {
		for _, id := range h.Family.Checks {
			if c := checks.ByID(id); c != nil && !slices.Contains(list, c) {
				list = append(list, c)
			}
		}
	}
	opts := f.options(a.pr)
	env := goenv.Load(ctx, a.sys)
	opts.Env = env
	results := runChecks(ctx, a.sys, list, opts)

	var out []explained
	traced := 0
	for _, h := range hits {
		e := explained{
			Family: h.Family.ID, Quote: h.Quote, Line: h.Line, Module: h.Module, Version: h.Version,
			Cause: a.T(h.Family.Means), Checks: h.Family.Checks, Advice: a.T(h.Family.Advice),
			Evidence: []report.Check{}, Fixes: []checks.Fix{},
		}
		for _, c := range h.Family.Causes {
			e.Causes = append(e.Causes, a.T(c))
		}
		for _, id := range h.Family.Checks {
			if r, ok := results[id]; ok {
				e.Evidence = append(e.Evidence, r)
			}
		}
		for _, ev := range h.Family.Evidence {
			r, ok := results[ev.Check]
			if !ok || !atLeast(r.Status, checks.Status(ev.Status)) {
				continue
			}
			e.Confirmed = true
			for _, fix := range r.Fixes {
				if !slices.ContainsFunc(e.Fixes, func(x checks.Fix) bool { return x.Command == fix.Command }) {
					e.Fixes = append(e.Fixes, fix)
				}
			}
		}
		if h.Family.ID == "checksum-mismatch" && !e.Confirmed && h.Module != "" {
			confirmInCache(ctx, a, env, f, h, &e)
		}
		if h.Family.Fetch && h.Module != "" && module.Check(h.Module, h.Version) == nil {
			if traced < maxTraces {
				traceHit(ctx, a, env, f, h, &e)
				traced++
			} else {
				e.Advice += " " + a.T("(not traced here: godoctor why %s@%s traces it)", h.Module, h.Version)
			}
		}
		out = append(out, e)
	}
	return out
}

// atLeast orders statuses by gravity: fail over warn over the rest.
func atLeast(s, min checks.Status) bool {
	rank := map[checks.Status]int{checks.Warn: 1, checks.Fail: 2}
	return rank[s] >= rank[min] && rank[s] > 0
}

// confirmInCache scans the one version a checksum mismatch names, where
// the build list's check cannot see it (another module's dependency, or a
// go get of something new).
func confirmInCache(ctx context.Context, a *app, env *goenv.Snapshot, f checkFlags, h failure.Hit, e *explained) {
	mv := module.Version{Path: h.Module, Version: strings.TrimSuffix(h.Version, "/go.mod")}
	o, _, err := remedy.CacheOptions(ctx, a.sys, env, a.pr, f.offline, f.timeout)
	if err != nil {
		o, _, _ = remedy.CacheOptions(ctx, a.sys, env, a.pr, true, f.timeout)
	}
	o.Only = []module.Version{mv}
	r, err := modcache.Scan(ctx, o)
	if err != nil {
		return
	}
	for _, entry := range r.Entries {
		if entry.Bad() {
			e.Confirmed = true
			e.Evidence = append(e.Evidence, report.Check{ID: "cache", Title: a.T("Module cache"), Status: checks.Fail,
				Summary: entry.Module + "@" + entry.Version + ": " + string(entry.Status) + ": " + entry.Reason})
			e.Fixes = append(e.Fixes, checks.Fix{ID: "cache-clean", Title: a.T("Remove the damaged versions; the go command downloads them again"),
				Command: "godoctor cache clean " + mv.String()})
			return
		}
	}
}

// traceHit runs why for the module a fetch failure names: the hop that
// fails now confirms the failure, and the settings the go command
// confirmed are fixes.
func traceHit(ctx context.Context, a *app, env *goenv.Snapshot, f checkFlags, h failure.Hit, e *explained) {
	t, confirmed := remedy.TraceNamed(ctx, a.sys, env, h.Module, h.Version, a.T("named in the error"), f.offline, f.timeout)
	r := report.NewWhy(a.pr, t, confirmed)
	e.Route = &r
	if !r.Probed || r.Fetchable || r.Decider < 0 {
		return
	}
	hop := r.Route[r.Decider]
	e.Confirmed = true
	e.Evidence = append(e.Evidence, report.Check{ID: "why", Title: "godoctor why " + h.Module + "@" + h.Version, Status: checks.Fail,
		Summary: strings.TrimSpace(hop.Kind + " " + hop.URL + ": " + hop.Detail)})
	for _, fix := range r.Fixes {
		if !slices.ContainsFunc(e.Fixes, func(x checks.Fix) bool { return x.Command == fix.Command }) {
			e.Fixes = append(e.Fixes, fix)
		}
	}
}

// printExplained writes the findings for a person.
func printExplained(a *app, found []explained) {
	out := a.stdout
	for i, e := range found {
		if i > 0 {
			fmt.Fprintln(out)
		}
		verdict := a.T("not confirmed here")
		mark := "?"
		if e.Confirmed {
			verdict, mark = a.T("confirmed here"), report.Marks[checks.Fail]
		}
		fmt.Fprintf(out, "%s %s (%s, %s)\n", mark, e.Family, a.T("line %d", e.Line), verdict)
		fmt.Fprintf(out, "  %s\n", e.Quote)
		fmt.Fprintf(out, "  %s\n", e.Cause)
		fmt.Fprintln(out, "  "+a.T("What can cause it:"))
		for _, c := range e.Causes {
			fmt.Fprintf(out, "    - %s\n", c)
		}
		fmt.Fprintln(out, "  "+a.T("On this machine:"))
		for _, r := range e.Evidence {
			fmt.Fprintf(out, "    %s %-16s %s\n", report.Marks[r.Status], r.ID, r.Summary)
		}
		if len(e.Fixes) > 0 {
			fmt.Fprintln(out, "  "+a.T("Fix:"))
			for _, fix := range e.Fixes {
				if fix.Command == "" {
					fmt.Fprintf(out, "    %s (godoctor fix)\n", fix.Title)
					continue
				}
				fmt.Fprintf(out, "    %s\n      %s\n", fix.Title, fix.Command)
			}
		} else {
			fmt.Fprintln(out, "  "+a.T("What to do:")+" "+e.Advice)
		}
	}
}

// writeJSON prints v indented on stdout.
func writeJSON(a *app, v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
