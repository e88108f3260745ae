package checks

import (
	"context"
	"slices"
	"strings"

	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/modcache"
	"github.com/godoctorhq/godoctor/internal/remedy"
)

// cacheIntegrity hashes the cached code of the current module's build list
// as go mod verify does, and with the network also asks the checksum
// database about it; the whole cache is godoctor cache's.
var cacheIntegrity = &Check{
	ID:      "cache.integrity",
	Title:   "Module cache integrity",
	NeedsGo: true,
	Run: func(ctx context.Context, p *Pass) Result {
		env := p.Env()
		if (env.Module == nil || env.Module.GoModFile == "") && (env.Work == nil || env.Work.File == "") {
			return Result{Status: Skip, Summary: p.T("not in a module; godoctor cache checks the whole module cache")}
		}
		o, database, err := remedy.CacheOptions(ctx, p.Sys, env, i18n.Printer{Lang: p.Options.Lang}, p.Options.Offline, p.Options.Timeout)
		var unasked error
		if err != nil {
			unasked = err
			o, _, _ = remedy.CacheOptions(ctx, p.Sys, env, i18n.Printer{Lang: p.Options.Lang}, true, p.Options.Timeout)
		}
		o.Summed = true
		o.Stamps = remedy.IntegrityStamps(p.Sys, o.Root)
		r, err := modcache.Scan(ctx, o)
		if ctx.Err() != nil {
			return skip(p.T("interrupted"))
		}
		if err != nil {
			return Result{Status: Warn, Summary: p.T("the module cache cannot be read: %v", err)}
		}
		res := ok("")
		var bad []string
		for _, e := range r.Entries {
			line := e.Module + "@" + e.Version + ": " + string(e.Status) + ": " + e.Reason
			if e.Bad() {
				bad = append(bad, e.Module+"@"+e.Version)
				res.Details = append([]string{line}, res.Details...)
			} else {
				res.Details = append(res.Details, line)
			}
		}
		bad = slices.Compact(bad)
		switch {
		case len(bad) > 0:
			res.Status = Fail
			res.Summary = p.T("%d of %d cached module versions of the build list are damaged or disagree with their checksums", len(bad), r.Modules)
			res.Fixes = []Fix{{ID: "cache-clean", Title: p.T("Remove the damaged versions; the go command downloads them again"),
				Command: "godoctor cache clean " + strings.Join(bad, " ")}}
		case p.Options.Offline:
			res.Summary = p.T("%d cached module versions of the build list hash as their zips and go.sum say", r.Modules)
		case unasked != nil:
			res.Summary = p.T("%d cached module versions of the build list hash as their zips and go.sum say; the checksum database could not be asked", r.Modules)
			res.Details = append(res.Details, unasked.Error())
		case r.DatabaseError != "":
			res.Summary = p.T("%d cached module versions of the build list hash as their zips and go.sum say; the checksum database could not be asked", r.Modules)
			res.Details = append(res.Details, r.DatabaseError)
		case database == "":
			res.Summary = p.T("%d cached module versions of the build list hash as their zips and go.sum say", r.Modules)
		default:
			res.Summary = p.T("%d cached module versions of the build list match their checksums", r.Modules)
			res.Details = append(res.Details, p.T("checked against %s", database))
		}
		return res
	},
}
