package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/module"

	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/modcache"
	"github.com/godoctorhq/godoctor/internal/remedy"
)

const cacheHelp = `Usage: godoctor cache [flags]
       godoctor cache clean [flags] [MODULE@VERSION...]

Verify the module cache (GOMODCACHE): every downloaded module version
against its own .ziphash, its extracted tree against its zip, against the
go.sum files of the current module and workspace, and against the checksum
database the go command uses. Unfinished downloads are found too.

cache clean removes the bad versions that cache finds (or the named ones):
their zip, .ziphash, .mod, .info and extracted tree, nothing else, after a
preview and a yes. The go command downloads them again when it needs them.

`

type cacheFlags struct {
	globals
	json, offline, dryRun, yes bool
	timeout                    time.Duration
}

func runCache(ctx context.Context, a *app, args []string) error {
	clean := len(args) > 0 && args[0] == "clean"
	if clean {
		args = args[1:]
	}
	var f cacheFlags
	fs := newFlagSet("cache", a.stderr, a.T(cacheHelp))
	f.globals.register(fs, a.pr)
	fs.BoolVar(&f.offline, "offline", false, a.T("no checksum database: the cache's own consistency only"))
	durationFlag(fs, a.pr, &f.timeout, "timeout", 10*time.Second, a.T("bound on each request to the checksum database"))
	if clean {
		fs.BoolVar(&f.dryRun, "dry-run", false, a.T("print every change, write nothing"))
		fs.BoolVar(&f.yes, "yes", false, a.T("no confirmation prompts"))
	} else {
		fs.BoolVar(&f.json, "json", false, a.T("print the report as JSON, nothing else on stdout"))
	}
	positional, helped, err := parseArgs(fs, args)
	if helped || err != nil {
		return err
	}
	if !clean && len(positional) > 0 {
		return usageError("%s", a.T("cache takes no arguments; did you mean cache clean %s?", strings.Join(positional, " ")))
	}
	named, err := moduleVersions(a, positional)
	if err != nil {
		return err
	}

	env := goenv.Load(ctx, a.sys)
	if clean && len(named) > 0 {
		return cleanCache(ctx, a, f, env.Value("GOMODCACHE"), named)
	}
	r, err := scanCache(ctx, a, env, f)
	if err != nil {
		return err
	}
	if clean {
		// The verdict first: what was found, and whether the database
		// could be asked; then what removing it means.
		printCache(a, r)
		var bad []module.Version
		seen := map[module.Version]bool{}
		for _, e := range r.Entries {
			mv := module.Version{Path: e.Module, Version: e.Version}
			if e.Bad() && !seen[mv] {
				seen[mv] = true
				bad = append(bad, mv)
			}
		}
		if len(bad) == 0 {
			return nil
		}
		return cleanCache(ctx, a, f, r.ModCache, bad)
	}
	if f.json {
		if err := writeJSON(a, r); err != nil {
			return err
		}
	} else {
		printCache(a, r)
	}
	if r.Bad() || r.DatabaseError != "" {
		return &exitError{code: exitFailed}
	}
	return nil
}

// moduleVersions parses MODULE@VERSION arguments.
// A version named twice is one version.
func moduleVersions(a *app, args []string) ([]module.Version, error) {
	var out []module.Version
	for _, arg := range args {
		path, vers, ok := strings.Cut(arg, "@")
		mv := module.Version{Path: path, Version: vers}
		if !ok || module.Check(path, vers) != nil {
			return nil, usageError("%s", a.T("%q is not MODULE@VERSION (for example golang.org/x/text@v0.14.0)", arg))
		}
		if !slices.Contains(out, mv) {
			out = append(out, mv)
		}
	}
	return out, nil
}

func scanCache(ctx context.Context, a *app, env *goenv.Snapshot, f cacheFlags) (*modcache.Report, error) {
	o, database, err := remedy.CacheOptions(ctx, a.sys, env, a.pr, f.offline, f.timeout)
	if err != nil {
		return nil, fmt.Errorf("%v\n%s", err, a.T("godoctor cache --offline checks the cache without it"))
	}
	r, err := modcache.Scan(ctx, o)
	if err != nil {
		return nil, err
	}
	r.Database = database
	return r, nil
}

// printCache writes the report for a person: what is bad, one line each;
// what nothing vouches for, counted apart; then the totals.
func printCache(a *app, r *modcache.Report) {
	out := a.stdout
	fmt.Fprintln(out, a.T("Module cache %s: %d module versions, %s", r.ModCache, r.Modules, modcache.HumanBytes(uint64(r.Bytes))))
	if r.Database != "" {
		fmt.Fprintln(out, a.T("checked against the checksum database %s", r.Database))
	} else {
		fmt.Fprintln(out, a.T("not checked against a checksum database (offline or GOSUMDB=off)"))
	}
	var bad, unverified []modcache.Entry
	for _, e := range r.Entries {
		if e.Bad() {
			bad = append(bad, e)
		} else {
			unverified = append(unverified, e)
		}
	}
	for _, e := range bad {
		fmt.Fprintf(out, "  ✗ %-10s %s@%s: %s\n", e.Status, e.Module, e.Version, e.Reason)
	}
	if len(unverified) > 0 {
		fmt.Fprintln(out, a.T("%d version(s) unverified, not bad: %s", len(unverified), unverified[0].Reason))
		for i, e := range unverified {
			if i == 5 {
				fmt.Fprintln(out, a.T("  … and %d more (--json lists them all)", len(unverified)-5))
				break
			}
			fmt.Fprintf(out, "  ? %s@%s\n", e.Module, e.Version)
		}
	}
	if len(r.Toolchains) > 0 {
		var parts []string
		for _, t := range r.Toolchains {
			parts = append(parts, fmt.Sprintf("%s (%s)", t.Version, modcache.HumanBytes(uint64(t.Bytes))))
		}
		fmt.Fprintln(out, a.T("toolchains cached: %s", strings.Join(parts, ", ")))
	}
	if r.DatabaseError != "" {
		fmt.Fprintln(out, a.T("not a clean bill of health: %s", r.DatabaseError))
		fmt.Fprintln(out, a.T("godoctor cache --offline checks the cache without it"))
	}
	if len(bad) > 0 {
		fmt.Fprintln(out, a.T("%d bad version(s): godoctor cache clean removes them, and the go command downloads them again", len(bad)))
	} else if r.DatabaseError == "" {
		fmt.Fprintln(out, a.T("nothing wrong"))
	}
}

// cleanCache previews what the cache holds of each version, asks, and
// removes it.
func cleanCache(ctx context.Context, a *app, f cacheFlags, root string, list []module.Version) error {
	if !filepath.IsAbs(root) {
		return fmt.Errorf("GOMODCACHE %q is not an absolute path: godoctor check says why", root)
	}
	var found []modcache.Held
	var total int64
	for _, mv := range list {
		h, err := modcache.Find(root, mv)
		if err != nil {
			return err
		}
		if h.Empty() {
			fmt.Fprintln(a.stdout, a.T("%s: not in the module cache", mv))
			continue
		}
		found = append(found, h)
		total += h.Bytes
		fmt.Fprintf(a.stdout, "%s (%s)\n", mv, modcache.HumanBytes(uint64(h.Bytes)))
		for _, p := range append(append([]string{}, h.Trees...), h.Files...) {
			fmt.Fprintf(a.stdout, "  - %s\n", p)
		}
	}
	if len(found) == 0 {
		return nil
	}
	if f.dryRun {
		fmt.Fprintln(a.stdout, a.T("dry run: nothing removed"))
		return nil
	}
	c := &changer{yes: f.yes, answers: lines(a.stdin), out: a.stdout, pr: a.pr}
	ok, err := c.confirm(ctx, a.T("Remove %d module version(s), %s, from the module cache?", len(found), modcache.HumanBytes(uint64(total))))
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(a.stdout, a.T("nothing removed"))
		return nil
	}
	for _, h := range found {
		if err := modcache.Remove(root, h); err != nil {
			return fmt.Errorf("%s: %w", h.Version, err)
		}
	}
	fmt.Fprintln(a.stdout, a.T("removed %d module version(s); the go command downloads and verifies them again when it needs them", len(found)))
	return nil
}
