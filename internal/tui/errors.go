package tui

import "errors"

// ErrChecksFailed is returned by Run when a check failed.
var ErrChecksFailed = errors.New("a check failed")
