package checks

import (
	"context"
	"time"

	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/system"
)

// EventKind tells what happened to a check.
type EventKind int

const (
	Started EventKind = iota
	Finished
)

// Event is one step of a run.
type Event struct {
	Kind     EventKind
	Index    int // position of the check in the list given to Run
	Check    *Check
	Result   Result        // set when Finished
	Duration time.Duration // set when Finished
}

// Run runs the checks and streams their events. Every check gets a Started
// and a Finished event; the channel is closed when all have finished. Cancelling ctx finishes the checks not yet started as
// skipped and is passed to those running.
func Run(ctx context.Context, list []*Check, sys *system.System, opts Options) <-chan Event {
	// Buffered for every event, so a reader that stops early never blocks a
	// check goroutine.
	events := make(chan Event, 2*len(list))
	limit := opts.Concurrency
	if limit <= 0 || limit > len(list) {
		limit = len(list)
	}
	sem := make(chan struct{}, max(limit, 1))
	snapshot := newSnapshot(ctx, sys, opts.Env)
	shared := newShared(ctx, sys, snapshot)

	finished := make(chan struct{}, len(list))
	for i, c := range list {
		go func() {
			defer func() { finished <- struct{}{} }()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
			}
			if ctx.Err() != nil {
				res := skip(i18n.Printer{Lang: opts.Lang}.T("interrupted"))
				events <- Event{Kind: Started, Index: i, Check: c}
				events <- Event{Kind: Finished, Index: i, Check: c, Result: res}
				return
			}
			defer func() { <-sem }()
			events <- Event{Kind: Started, Index: i, Check: c}
			start := time.Now()
			res := runOne(ctx, c, &Pass{Sys: sys, Options: opts, snapshot: snapshot, shared: shared, ctx: ctx})
			events <- Event{Kind: Finished, Index: i, Check: c, Result: res, Duration: time.Since(start)}
		}()
	}
	go func() {
		for range list {
			<-finished
		}
		close(events)
	}()
	return events
}

// runOne runs a check, turning a panic into a failed result so that one
// broken check cannot take the report down.
func runOne(ctx context.Context, c *Check, p *Pass) (res Result) {
	if c.Network && p.Options.Offline {
		return skip(p.T("skipped: --offline"))
	}
	defer func() {
		if r := recover(); r != nil {
			res = Result{Status: Fail, Summary: p.T("internal error in check %s: %v", c.ID, r)}
		}
	}()
	if c.NeedsGo {
		if env := p.Env(); env.Go != nil && env.GoEnvErr != nil {
			return skip(p.T("the go command does not run (see go.installed)"))
		}
	}
	if p.Options.Severity[c.ID] == "off" {
		return skip(p.T("off: the policy's [severity]"))
	}
	res = c.Run(ctx, p)
	if res.Status == "" {
		res.Status = OK
	}
	switch sev := p.Options.Severity[c.ID]; {
	case sev == "warn" && res.Status == Fail:
		res.Status = Warn
		res.Details = append(res.Details, p.T("a warning here: the policy's [severity] says so"))
	case sev == "fail" && res.Status == Warn:
		res.Status = Fail
		res.Details = append(res.Details, p.T("a failure here: the policy's [severity] says so"))
	}
	return res
}
