package tui

import "github.com/godoctor/godoctor/checks"

// checkEventMsg carries one event of the check engine.
type checkEventMsg checks.Event

// checksDoneMsg says the engine's stream is closed.
type checksDoneMsg struct{}
