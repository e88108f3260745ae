// Package report turns the engine's event stream into the check report:
// the JSON document of the product contract and the plain text a person
// reads in a pipe, over ssh or in CI. Writers are plain functions of the
// events, so the TUI, the text and the JSON front ends agree.
package report

import (
	"encoding/json"
	"io"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/internal/i18n"
)

// Check is one check's entry in the report.
type Check struct {
	ID         string        `json:"id"`
	Title      string        `json:"title"`
	Status     checks.Status `json:"status"`
	Summary    string        `json:"summary"`
	Details    []string      `json:"details"`
	Fixes      []checks.Fix  `json:"fixes"`
	DurationMS int64         `json:"duration_ms"`
}

// Summary counts the checks by status.
type Summary struct {
	OK   int `json:"ok"`
	Warn int `json:"warn"`
	Fail int `json:"fail"`
	Skip int `json:"skip"`
}

// Report is the whole check report.
type Report struct {
	Version string  `json:"version"`
	Checks  []Check `json:"checks"`
	Summary Summary `json:"summary"`
	// Policy is the team's policy that judged, when there is one.
	Policy *Policy `json:"policy,omitempty"`
}

// Policy says which policy file judged a report: its path, the hash of
// its bytes, and the ids of its checks.
type Policy struct {
	File    string   `json:"file"`
	SHA256  string   `json:"sha256"`
	Results []string `json:"results"`
}

// entry converts a finished event; the title is translated (the results
// are already in the run's language).
func entry(ev checks.Event, pr i18n.Printer) Check {
	c := Check{
		ID:         ev.Check.ID,
		Title:      pr.T(ev.Check.Title),
		Status:     ev.Result.Status,
		Summary:    ev.Result.Summary,
		Details:    ev.Result.Details,
		Fixes:      ev.Result.Fixes,
		DurationMS: ev.Duration.Milliseconds(),
	}
	// Empty lists, not null, so that scripts can iterate without a guard.
	if c.Details == nil {
		c.Details = []string{}
	}
	if c.Fixes == nil {
		c.Fixes = []checks.Fix{}
	}
	return c
}

// Collect drains the events into a report, the checks in list order,
// titles in lang.
func Collect(version string, list []*checks.Check, events <-chan checks.Event, lang i18n.Lang) Report {
	r := Report{Version: version, Checks: make([]Check, len(list))}
	for ev := range events {
		if ev.Kind == checks.Finished {
			r.Checks[ev.Index] = entry(ev, i18n.Printer{Lang: lang})
		}
	}
	r.count()
	return r
}

func (r *Report) count() {
	r.Summary = Summary{}
	for _, c := range r.Checks {
		switch c.Status {
		case checks.OK:
			r.Summary.OK++
		case checks.Warn:
			r.Summary.Warn++
		case checks.Fail:
			r.Summary.Fail++
		default:
			r.Summary.Skip++
		}
	}
}

// WriteJSON writes a report as one indented JSON object.
func WriteJSON(w io.Writer, r any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// Failed reports whether the report should give exit code 1: a failed
// check, or with strict any warning.
func (r Report) Failed(strict bool) bool {
	return r.Summary.Fail > 0 || strict && r.Summary.Warn > 0
}
