package checks

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/godoctorhq/godoctor/internal/fakesys"
)

// Every check gets Started then Finished, with its index in the list given,
// whatever order they finish in.
func TestEngineEvents(t *testing.T) {
	m := fakesys.New(t)
	slow := &Check{ID: "a", Title: "A", Run: func(ctx context.Context, p *Pass) Result {
		time.Sleep(20 * time.Millisecond)
		return Result{Status: Warn, Summary: "from a"}
	}}
	fast := &Check{ID: "b", Title: "B", Run: func(ctx context.Context, p *Pass) Result { return ok("from b") }}
	var got []Event
	for ev := range Run(context.Background(), []*Check{fast, slow}, m.Sys, Options{}) {
		got = append(got, ev)
	}
	if len(got) != 4 {
		t.Fatalf("%d events, want 4", len(got))
	}
	started := map[string]bool{}
	for _, ev := range got {
		switch ev.Kind {
		case Started:
			started[ev.Check.ID] = true
		case Finished:
			if !started[ev.Check.ID] {
				t.Errorf("%s finished before it started", ev.Check.ID)
			}
			if ev.Check.ID == "a" && (ev.Result.Summary != "from a" || ev.Index != 1) || ev.Check.ID == "b" && ev.Index != 0 {
				t.Errorf("%s = %+v", ev.Check.ID, ev)
			}
		}
	}
}

func TestEngineConcurrencyLimit(t *testing.T) {
	m := fakesys.New(t)
	var running, peak atomic.Int32
	var list []*Check
	for i := 0; i < 8; i++ {
		list = append(list, &Check{ID: string(rune('a' + i)), Run: func(ctx context.Context, p *Pass) Result {
			n := running.Add(1)
			for {
				old := peak.Load()
				if n <= old || peak.CompareAndSwap(old, n) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond)
			running.Add(-1)
			return ok("")
		}})
	}
	for range Run(context.Background(), list, m.Sys, Options{Concurrency: 2}) {
	}
	if p := peak.Load(); p > 2 || p == 0 {
		t.Errorf("peak concurrency %d, want 1..2", p)
	}
}

func TestEngineCancelAndPanic(t *testing.T) {
	m := fakesys.New(t)
	// Checks not started when the run is cancelled finish as interrupted
	// without running.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	never := &Check{ID: "never", Run: func(ctx context.Context, p *Pass) Result {
		t.Error("ran after cancellation")
		return ok("")
	}}
	for ev := range Run(ctx, []*Check{never, never}, m.Sys, Options{Concurrency: 1}) {
		if ev.Kind == Finished && ev.Result.Summary != "interrupted" {
			t.Errorf("never = %+v", ev.Result)
		}
	}
	// A running check sees the cancellation through its context.
	ctx, cancel = context.WithCancel(context.Background())
	running := &Check{ID: "running", Run: func(ctx context.Context, p *Pass) Result {
		cancel()
		<-ctx.Done()
		return Result{Status: Skip, Summary: ctx.Err().Error()}
	}}
	for ev := range Run(ctx, []*Check{running}, m.Sys, Options{}) {
		if ev.Kind == Finished && ev.Result.Summary != context.Canceled.Error() {
			t.Errorf("running = %+v", ev.Result)
		}
	}
	boom := &Check{ID: "boom", Run: func(ctx context.Context, p *Pass) Result { panic("kaput") }}
	for ev := range Run(context.Background(), []*Check{boom}, m.Sys, Options{}) {
		if ev.Kind == Finished && (ev.Result.Status != Fail || ev.Result.Summary != "internal error in check boom: kaput") {
			t.Errorf("boom = %+v", ev.Result)
		}
	}
}

func TestOfflineSkipsNetworkChecks(t *testing.T) {
	m := fakesys.New(t)
	called := false
	net := &Check{ID: "net.x", Network: true, Run: func(ctx context.Context, p *Pass) Result { called = true; return ok("") }}
	for ev := range Run(context.Background(), []*Check{net}, m.Sys, Options{Offline: true}) {
		if ev.Kind == Finished && (ev.Result.Status != Skip || ev.Result.Summary != "skipped: --offline") {
			t.Errorf("result = %+v", ev.Result)
		}
	}
	if called {
		t.Error("a network check ran offline")
	}
}
