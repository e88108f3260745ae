package tui

import (
	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/installer"
	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/mirrors"
)

// checkEventMsg carries one event of the check engine.
type checkEventMsg struct {
	run int // which run of the checks it belongs to
	ev  checks.Event
}

// checksDoneMsg says a run's stream is closed.
type checksDoneMsg struct{ run int }

// planMsg carries a planned change, ready for confirmation.
type planMsg struct {
	plan change.Plan
	err  error
}

// appliedMsg says a change was made (or why not).
type appliedMsg struct {
	entry change.Entry
	err   error
}

// mirrorsStartedMsg carries a started benchmark.
type mirrorsStartedMsg struct {
	list   []mirrors.Mirror
	events <-chan mirrors.Event
	err    error
}

// mirrorEventMsg carries one benchmark event, and the stream it came from:
// a benchmark run again (r) drops the late events of the one before.
type mirrorEventMsg struct {
	ev   mirrors.Event
	from <-chan mirrors.Event
}

// versionsMsg carries the versions the install picker offers.
type versionsMsg struct {
	choices []versionChoice
	err     error
}

// installPlanMsg carries a resolved install, ready for confirmation.
type installPlanMsg struct {
	plan installer.Plan
	opts installer.Options
	err  error
}

// installProgressMsg is the installer's progress.
type installProgressMsg installer.Progress

// installDoneMsg says the install ended.
type installDoneMsg struct {
	plan installer.Plan
	err  error
}
