package tui

import "errors"

// ErrChecksFailed is returned by Run when a check failed.
var ErrChecksFailed = errors.New("a check failed")

// ErrInterrupted is returned by Run after Ctrl-C or a signal, once the
// work it cancelled has cleaned up.
var ErrInterrupted = errors.New("interrupted")
