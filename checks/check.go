// Package checks is godoctor's diagnosis engine: every check as data (an
// ID, a title, what it needs, and a Run function that reads the machine only
// through the injected System), and an engine that runs them concurrently
// and streams their results. It knows nothing of terminals.
package checks

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/godoctorhq/godoctor/internal/gocmd"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/project"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/internal/web"
)

// Status is a check's verdict.
type Status string

const (
	OK   Status = "ok"
	Warn Status = "warn"
	Fail Status = "fail"
	Skip Status = "skip"
)

// Fix is a remedy a check proposes: a verb-phrase title and the command
// that applies it.
type Fix struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Command string `json:"command"`
	// Action is what godoctor fix does; nil when the fix is for a person
	// to make (the command says what).
	Action *remedy.Action `json:"-"`
	// Verified is the go command operation that succeeded on the next
	// shell with the fix made (remedy.NextShell), "" when not tried.
	Verified string `json:"verified,omitempty"`
	// Op is that operation, for godoctor fix to prove its whole plan, and
	// Setting the variable the fix is about.
	Op      *remedy.Operation `json:"-"`
	Setting string            `json:"-"`
}

// Result is what a check found.
type Result struct {
	Status  Status
	Summary string   // one line a person reads first
	Details []string // further lines, optional
	Fixes   []Fix
}

// Check is one diagnosis.
type Check struct {
	ID    string
	Title string
	// NeedsGo checks read settings that only a go command that runs
	// reports whole: when go env fails, they skip and go.installed names
	// the cause.
	NeedsGo bool
	// Network checks are skipped under Options.Offline.
	Network bool
	Run     func(ctx context.Context, p *Pass) Result
}

// Options tune a run.
type Options struct {
	Offline bool
	// Timeout bounds each network operation.
	Timeout time.Duration
	// Concurrency bounds how many checks run at once; 0 means all.
	Concurrency int
	// Lang is the language of summaries, details and fix titles.
	Lang i18n.Lang
	// Env is the Go environment when the caller has loaded it already;
	// nil makes the run load it (once).
	Env *goenv.Snapshot
	// Godoctor is this godoctor's version, which a policy can ask of.
	Godoctor string
	// Severity is a policy's [severity]: by check id, fail makes a warning
	// a failure, warn a failure a warning, off skips the check.
	Severity map[string]string
}

// Pass is what a running check gets: the system, the options and the
// shared snapshot of the Go environment, project and operations.
type Pass struct {
	Sys      *system.System
	Options  Options
	snapshot func() *goenv.Snapshot
	shared   *shared
	// ctx is the run's: the work a check starts besides its own (a fix
	// confirmed with the go command) stops with it.
	ctx context.Context
}

// shared is what the checks of one run share: the project, loaded once,
// and the outcome of every operation run, by name, so that two checks that
// ask the same question of the go command run it once.
type shared struct {
	project func() *project.Project
	mu      sync.Mutex
	ops     map[string]*opResult
}

type opResult struct {
	once sync.Once
	err  error
}

func newShared(ctx context.Context, sys *system.System, snapshot func() *goenv.Snapshot) *shared {
	return &shared{
		project: sync.OnceValue(func() *project.Project {
			env := snapshot()
			if env.Go == nil || env.GoEnvErr != nil {
				return &project.Project{Dir: sys.Dir}
			}
			return project.Load(ctx, gocmd.Runner{Sys: sys, Go: env.Go.Path}, env)
		}),
		ops: map[string]*opResult{},
	}
}

// Project returns the working directory's module or workspace as the go
// command lists it, loaded once per run; empty outside one.
func (p *Pass) Project() *project.Project {
	if p.shared == nil {
		p.shared = newShared(p.context(), p.Sys, p.snapshot)
	}
	return p.shared.project()
}

// Fails runs an operation on this machine, once per run whichever check
// asks, and returns its error: nil when the go command succeeds.
func (p *Pass) Fails(op remedy.Operation) error {
	if p.shared == nil {
		p.shared = newShared(p.context(), p.Sys, p.snapshot)
	}
	key := op.Name + "\x00" + op.Dir
	p.shared.mu.Lock()
	r := p.shared.ops[key]
	if r == nil {
		r = &opResult{}
		p.shared.ops[key] = r
	}
	p.shared.mu.Unlock()
	r.once.Do(func() {
		env := p.Env()
		if env.Go == nil {
			r.err = errors.New("no go command on PATH")
			return
		}
		r.err = op.Run(p.context(), gocmd.Runner{Sys: p.Sys, Go: env.Go.Path})
	})
	return r.err
}

// T translates a message into the run's language (i18n.Printer.T).
func (p *Pass) T(format string, args ...any) string {
	return i18n.Printer{Lang: p.Options.Lang}.T(format, args...)
}

// web is the client of the check's requests: the run's timeout is the idle
// timeout of each.
func (p *Pass) web() web.Client { return web.Client{HTTP: p.Sys.HTTP, Idle: p.Options.Timeout} }

// context is the run's context (a Pass made by hand has none).
func (p *Pass) context() context.Context {
	if p.ctx == nil {
		return context.Background()
	}
	return p.ctx
}

// Env returns the Go environment, loading it on first use; every check of a
// run shares one snapshot, so the go command runs once.
func (p *Pass) Env() *goenv.Snapshot { return p.snapshot() }

// newSnapshot returns a loader that reads the environment once.
func newSnapshot(ctx context.Context, sys *system.System, loaded *goenv.Snapshot) func() *goenv.Snapshot {
	if loaded != nil {
		return func() *goenv.Snapshot { return loaded }
	}
	return sync.OnceValue(func() *goenv.Snapshot { return goenv.Load(ctx, sys) })
}

func ok(summary string, details ...string) Result {
	return Result{Status: OK, Summary: summary, Details: details}
}

func skip(reason string) Result { return Result{Status: Skip, Summary: reason} }

// worsen raises the result's status to s if s is worse.
func (r *Result) worsen(s Status) {
	if rank(s) > rank(r.Status) {
		r.Status = s
	}
}

// rank orders statuses from best to worst.
func rank(s Status) int {
	switch s {
	case OK:
		return 1
	case Warn:
		return 2
	case Fail:
		return 3
	}
	return 0
}

// addFix appends a fix unless one with the same ID is already there.
func (r *Result) addFix(f Fix) {
	for _, g := range r.Fixes {
		if g.ID == f.ID {
			return
		}
	}
	r.Fixes = append(r.Fixes, f)
}
