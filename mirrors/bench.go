package mirrors

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/godoctorhq/godoctor/internal/checksumdb"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/web"
)

// Status is a mirror's verdict.
type Status string

const (
	OK   Status = "ok"
	Slow Status = "slow"
	Fail Status = "fail"
)

// Result is one mirror's benchmark.
type Result struct {
	Mirror
	Measurement
	Status   Status
	Verified bool
	Error    string
}

// Options tune a benchmark.
type Options struct {
	Probe       Probe
	Samples     int
	Timeout     time.Duration
	Concurrency int // 0: all at once
	// SumDB is the checksum database that verifies what mirrors serve,
	// starting from what this machine knows of it (SumDBState); Proxies is
	// the GOPROXY list through which the go command reaches it.
	SumDB      gosettings.SumDB
	SumDBState checksumdb.State
	Proxies    []gosettings.ProxyEntry
	TempDir    string
}

// EventKind tells what an event reports.
type EventKind int

const (
	MirrorStarted  EventKind = iota
	MirrorMeasured           // a mirror's measurement, before verification
	SumDBChecked             // the checksum database's answer for the probe
	Done                     // the ranked report
)

// Event is one step of a benchmark.
type Event struct {
	Kind   EventKind
	Index  int    // of the mirror, for MirrorStarted and MirrorMeasured
	Result Result // MirrorMeasured
	SumDB  SumDBCheck
	Report Report // Done
}

// SumDBCheck is the checksum database's verified answer for the probe.
type SumDBCheck struct {
	Route   checksumdb.Route
	ZipHash string // h1: of the probe's zip
	ModHash string
	Err     error
}

// Report is the ranked benchmark.
type Report struct {
	Probe   Probe
	Mirrors []Result // fastest first, failures last
	Fastest string   // the fastest verified mirror, "" if none
	SumDB   SumDBCheck
	// Note explains how content was judged when no database answered.
	Note string
}

// Run benchmarks the mirrors concurrently and streams the results: each
// mirror's measurement as it arrives, the checksum database's answer, and
// the ranked report last. The channel is closed after Done.
func Run(ctx context.Context, client *http.Client, list []Mirror, opts Options) <-chan Event {
	events := make(chan Event, 2*len(list)+2)
	go func() {
		defer close(events)
		limit := opts.Concurrency
		if limit <= 0 || limit > len(list) {
			limit = max(len(list), 1)
		}
		sem := make(chan struct{}, limit)
		results := make([]Result, len(list))
		var wg sync.WaitGroup
		for i, m := range list {
			wg.Add(1)
			go func() {
				defer wg.Done()
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					results[i] = Result{Mirror: m, Measurement: Measurement{Err: ctx.Err()}}
					return
				}
				defer func() { <-sem }()
				events <- Event{Kind: MirrorStarted, Index: i}
				meas := Measure(ctx, client, m, opts.Probe, ProbeOptions{
					Samples: opts.Samples, Timeout: opts.Timeout, SumDB: opts.SumDB.Name, TempDir: opts.TempDir})
				results[i] = Result{Mirror: m, Measurement: meas}
				events <- Event{Kind: MirrorMeasured, Index: i, Result: results[i]}
			}()
		}
		// The database is asked while the mirrors are measured, along the
		// route the go command would take.
		db := make(chan SumDBCheck, 1)
		go func() { db <- lookupProbe(ctx, web.Client{HTTP: client, Idle: opts.Timeout}, opts) }()
		wg.Wait()
		check := <-db
		if check.Err != nil {
			// Mirrors that proxy the database are routes too: its answers
			// are verified by signature, whoever relays them.
			check = retryThroughMirrors(ctx, web.Client{HTTP: client, Idle: opts.Timeout}, opts, results, check)
		}
		events <- Event{Kind: SumDBChecked, SumDB: check}
		events <- Event{Kind: Done, Report: rank(opts.Probe, results, check)}
	}()
	return events
}

// lookupProbe asks the checksum database for the probe's hashes.
func lookupProbe(ctx context.Context, client web.Client, opts Options) SumDBCheck {
	ctx, cancel := context.WithTimeout(ctx, 4*opts.Timeout)
	defer cancel()
	route, err := checksumdb.Resolve(ctx, client, opts.SumDB, opts.Proxies)
	if err != nil {
		return SumDBCheck{Route: route, Err: err}
	}
	return lookupVia(ctx, client, opts, route)
}

func lookupVia(ctx context.Context, client web.Client, opts Options, route checksumdb.Route) SumDBCheck {
	c := SumDBCheck{Route: route}
	p := opts.Probe
	for _, v := range []struct {
		version string
		hash    *string
	}{{p.Version, &c.ZipHash}, {p.Version + "/go.mod", &c.ModHash}} {
		lines, err := checksumdb.Lookup(ctx, client, opts.SumDB, route, opts.SumDBState, p.Path, v.version)
		if err != nil {
			c.Err = err
			return c
		}
		for _, l := range lines {
			if h, ok := strings.CutPrefix(l, p.Path+" "+v.version+" "); ok {
				*v.hash = h
			}
		}
		if *v.hash == "" {
			c.Err = fmt.Errorf("the checksum database has no hash for %s %s", p.Path, v.version)
			return c
		}
	}
	return c
}

func retryThroughMirrors(ctx context.Context, client web.Client, opts Options, results []Result, first SumDBCheck) SumDBCheck {
	for _, r := range results {
		if r.SumDBProxied == nil || !*r.SumDBProxied || r.Err != nil {
			continue
		}
		base := strings.TrimSuffix(r.URL, "/")
		route := checksumdb.Route{Base: base + "/sumdb/" + opts.SumDB.Name, Proxy: r.URL,
			Notes: append(first.Route.Notes, "the go command's route failed: "+first.Err.Error())}
		lctx, cancel := context.WithTimeout(ctx, 4*opts.Timeout)
		c := lookupVia(lctx, client, opts, route)
		cancel()
		if c.Err == nil {
			return c
		}
	}
	return first
}

// slowFactor and slowFloor decide "slow": a median latency at least
// slowFactor times the fastest working mirror's and above slowFloor.
const (
	slowFactor = 3
	slowFloor  = 300 * time.Millisecond
)

// rank gives every mirror its verdict and sorts them fastest first.
func rank(p Probe, results []Result, db SumDBCheck) Report {
	rep := Report{Probe: p, SumDB: db}
	hashes := map[string]int{}
	for _, r := range results {
		if r.Err == nil {
			hashes[r.ZipHash+" "+r.ModHash]++
		}
	}
	if db.Err != nil {
		rep.Note = "no checksum database could be reached (" + db.Err.Error() + "); mirrors were compared with each other instead"
	}
	majority, count := "", 0
	for h, n := range hashes {
		if n > count || n == count && h < majority {
			majority, count = h, n
		}
	}
	for i := range results {
		r := &results[i]
		switch {
		case r.Err != nil:
			r.Status, r.Error = Fail, r.Err.Error()
		case db.Err == nil && r.ZipHash != db.ZipHash:
			r.Status = Fail
			r.Error = fmt.Sprintf("serves %s with hash %s, but the checksum database says %s: the content was altered", p, r.ZipHash, db.ZipHash)
		case db.Err == nil && db.ModHash != "" && r.ModHash != db.ModHash:
			r.Status = Fail
			r.Error = fmt.Sprintf("serves a go.mod of %s with hash %s, but the checksum database says %s", p, r.ModHash, db.ModHash)
		case db.Err == nil:
			r.Status, r.Verified = OK, true
			r.Error = r.Warning
		case len(hashes) > 1 && r.ZipHash+" "+r.ModHash != majority:
			r.Status = Fail
			r.Error = fmt.Sprintf("serves different content for %s than %d other mirrors", p, count)
		default:
			r.Status, r.Error = OK, r.Warning
		}
	}
	var best time.Duration
	for _, r := range results {
		if r.Status == OK && (best == 0 || r.Latency.Median < best) {
			best = r.Latency.Median
		}
	}
	for i := range results {
		if r := &results[i]; r.Status == OK && r.Latency.Median >= slowFactor*best && r.Latency.Median >= slowFloor {
			r.Status = Slow
		}
	}
	sort.SliceStable(results, func(i, j int) bool {
		a, b := results[i], results[j]
		if (a.Status == Fail) != (b.Status == Fail) {
			return b.Status == Fail
		}
		if a.Status == Fail {
			return false
		}
		return a.Latency.Median < b.Latency.Median
	})
	rep.Mirrors = results
	for _, r := range results {
		if r.Verified {
			rep.Fastest = r.Name
			break
		}
	}
	return rep
}
