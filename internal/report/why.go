package report

import (
	"fmt"
	"strings"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/why"
)

// Why is a module's route as godoctor why prints it.
type Why struct {
	*why.Trace
	Fixes []checks.Fix `json:"fixes"`
}

// NewWhy makes the report of a trace and the settings the go command
// confirmed for it.
func NewWhy(pr i18n.Printer, t *why.Trace, confirmed []remedy.Confirmed) Why {
	r := Why{Trace: t, Fixes: []checks.Fix{}}
	for _, c := range confirmed {
		r.Fixes = append(r.Fixes, checks.Fix{ID: "set-" + strings.ToLower(c.Name), Title: pr.T("Set %s=%s: %s", c.Name, c.Value, pr.T(c.Why)),
			Command: c.Command, Verified: c.Verified})
	}
	return r
}

// Lines renders the route for a person, one line each.
func (r Why) Lines(pr i18n.Printer) []string {
	t := r.Trace
	lines := []string{fmt.Sprintf("%s@%s (%s)", t.Module, t.Version, t.VersionFrom)}
	if t.Resolved != "" {
		lines = append(lines, pr.T("latest is %s", t.Resolved))
	}
	lines = append(lines, pr.T("Route:"))
	for i, h := range t.Route {
		mark := map[string]string{why.OK: Marks[checks.OK], why.Fail: Marks[checks.Fail], why.Skip: "-", why.Unused: " "}[h.Status]
		line := fmt.Sprintf("  %d. %s %-7s", i+1, mark, h.Kind)
		if h.URL != "" {
			line += " " + h.URL
		}
		if h.Rule != "" {
			line += "  [" + h.Rule + "]"
		}
		if h.MS > 0 {
			line += fmt.Sprintf("  %d ms", h.MS)
		}
		lines = append(lines, line)
		if h.Detail != "" {
			lines = append(lines, "       "+h.Detail)
		}
	}
	switch {
	case !t.Probed:
		lines = append(lines, pr.T("Not probed (--offline): the rules and the route only."))
	case t.Fetchable:
		lines = append(lines, Marks[checks.OK]+" "+pr.T("The go command can fetch and verify it: %s", t.Reason))
	default:
		lines = append(lines, Marks[checks.Fail]+" "+pr.T("The go command cannot fetch it: %s", t.Reason))
	}
	for _, fix := range r.Fixes {
		lines = append(lines, pr.T("Fix:"), "  "+fix.Title, "  "+fix.Command)
	}
	return lines
}

// VersionToTrace is the version why traces, and where it comes from: the
// one given, else the one required here, else the newest.
func VersionToTrace(pr i18n.Printer, env *goenv.Snapshot, path, version string) (string, string) {
	if version != "" {
		return version, pr.T("given")
	}
	if v, file := why.Required(env, path); v != "" {
		return v, pr.T("required by %s", file)
	}
	return "latest", pr.T("not required here: the newest")
}
