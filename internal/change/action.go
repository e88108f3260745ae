package change

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/shell"
	"github.com/godoctorhq/godoctor/internal/system"
)

// Action is what a fix does, as data. Build turns it into a Plan.
type Action struct {
	Set   map[string]string // go env -w NAME=VALUE
	Unset []string          // go env -u NAME
	// PathDirs go first on PATH: in godoctor's block of the shell
	// profile, or on Windows in the user PATH.
	PathDirs []string
	// PathDrop are directories to take off PATH where godoctor put them
	// before (an earlier default toolchain).
	PathDrop []string
	// CommentOut are shell profile lines exporting a variable that would
	// override what go env -w writes.
	CommentOut []shell.Line
	// UnsetUserVars are variables of the user environment (Windows) that
	// would override what go env -w writes; they are removed.
	UnsetUserVars []string
	// Why is said next to every commented-out line.
	Why string
	// Link points a symbolic link (the toolchain directory's "go") at a
	// target, a change like the others: previewed, journaled, undone.
	Link *Link
}

// Link is a symbolic link and the target it should have.
type Link struct{ Path, Target string }

// OverriddenError names variables that are exported from somewhere godoctor
// does not edit (a system file, a CI configuration): whatever godoctor
// writes, the exported value keeps overriding it.
type OverriddenError struct{ Names []string }

func (e *OverriddenError) Error() string {
	return strings.Join(e.Names, ", ") + " is exported by something other than your shell profiles and would keep overriding the change"
}

// Build plans an action. gobin is the go command that edits the go env
// file ("" when there is none).
func Build(ctx context.Context, sys *system.System, gobin, title string, a Action) (Plan, error) {
	p := Plan{Title: title}
	if a.Link != nil {
		before, _, err := readLink(a.Link.Path)
		if err != nil {
			return p, err
		}
		p.Edits = append(p.Edits, Edit{Path: a.Link.Path, Link: true, Before: before, After: []byte(a.Link.Target)})
	}
	if len(a.Set)+len(a.Unset) > 0 {
		e, err := goEnvEdit(ctx, sys, gobin, a.Set, a.Unset)
		if err != nil {
			return p, err
		}
		p.Edits = append(p.Edits, e)
	}
	if len(a.PathDirs) > 0 && sys.GOOS == "windows" {
		e, err := userPathEdit(sys, a.PathDirs, a.PathDrop)
		if err != nil {
			return p, err
		}
		p.Edits = append(p.Edits, e)
		p.Notes = append(p.Notes, Note{Text: "open a new terminal for PATH to change; programs already running keep the old one"})
	} else if len(a.PathDirs) > 0 {
		edits, err := pathBlockEdits(sys, a.PathDirs, a.PathDrop)
		if err != nil {
			return p, err
		}
		p.Edits = append(p.Edits, edits...)
		p.Notes = append(p.Notes, Note{Text: "open a new shell for PATH to change (login shells, ssh and new terminals read the files above)"})
	}
	byFile := map[string][]int{}
	for _, l := range a.CommentOut {
		byFile[l.File] = append(byFile[l.File], l.Line)
	}
	files := make([]string, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		e, err := commentOutEdit(f, byFile[f], a.Why)
		if err != nil {
			return p, err
		}
		p.Edits = append(p.Edits, e)
	}
	if len(a.CommentOut) > 0 {
		p.Notes = append(p.Notes, Note{Text: "the variable stays set in shells already open: open a new shell, or run `unset %s` in each", Args: []any{strings.Join(exportedNames(a.CommentOut), " ")}})
	}
	for _, name := range a.UnsetUserVars {
		before, _, err := readUserVar(sys.UserEnv, name)
		if err != nil {
			return p, err
		}
		p.Edits = append(p.Edits, Edit{Path: name, UserVar: true, Before: before})
	}
	if len(a.UnsetUserVars) > 0 {
		p.Notes = append(p.Notes, Note{Text: "terminals already open keep the variable: open a new terminal"})
	}
	return p, nil
}

// exportedNames returns the variable names that profile lines export.
func exportedNames(lines []shell.Line) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lines {
		t := strings.TrimSpace(l.Text)
		for _, prefix := range []string{"export ", "declare -x ", "typeset -x "} {
			t = strings.TrimPrefix(t, prefix)
		}
		fields := strings.Fields(t)
		if len(fields) > 1 && fields[0] == "set" {
			for _, f := range fields[1:] {
				if !strings.HasPrefix(f, "-") {
					t = f
					break
				}
			}
		}
		name, _, _ := strings.Cut(t, "=")
		if name = strings.Fields(name + " ")[0]; !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// SetAction is the action that makes the go command read the values in
// set: go env -w, and for each variable also exported in the environment
// (which would override the go env file) commenting out the shell profile
// lines that export it. A variable exported from somewhere godoctor does
// not edit makes it an *OverriddenError.
func SetAction(sys *system.System, snap *goenv.Snapshot, set map[string]string) (*Action, error) {
	a := &Action{Set: maps.Clone(set)}
	var names, unreachable []string
	for _, name := range sortedKeys(set) {
		// What overrides the go env file is what a new shell exports, not
		// only what this process was started with: godoctor may run from
		// an IDE, cron or a login shell that skips .bashrc.
		if inUserEnv(sys, name) {
			a.UnsetUserVars = append(a.UnsetUserVars, name)
			continue
		}
		lines := shell.FindExports(sys, name)
		if len(lines) == 0 {
			if snap.Settings[name].InProcess {
				unreachable = append(unreachable, name)
			}
			continue
		}
		a.CommentOut = append(a.CommentOut, lines...)
		names = append(names, name)
	}
	if len(unreachable) > 0 {
		return nil, &OverriddenError{Names: unreachable}
	}
	names = append(names, keepPair(sys, snap, a)...)
	if len(names) > 0 {
		a.Why = strings.Join(names, ", ") + " now left to go env"
	}
	return a, nil
}

// pairs are settings that a profile exports together: a mirror and the
// checksum database that is reached through it. Moving one out of the
// profile and leaving the other splits them, and the next shell meets a
// database its proxy no longer serves.
var pairs = map[string]string{"GOPROXY": "GOSUMDB", "GOSUMDB": "GOPROXY"}

// keepPair moves the partner of every variable the action takes out of a
// profile along with it, when the same file exports it: the partner's
// export is commented out too, and its value goes to the go env file (or,
// when the go command would refuse it, the toolchain's default). It
// returns the partners moved.
func keepPair(sys *system.System, snap *goenv.Snapshot, a *Action) []string {
	files := map[string]bool{}
	moving := map[string]bool{}
	for _, l := range a.CommentOut {
		files[l.File] = true
	}
	for _, n := range exportedNames(a.CommentOut) {
		moving[n] = true
	}
	var moved []string
	for _, name := range sortedKeys(map[string]string(pairsOf(moving))) {
		partner := pairs[name]
		if moving[partner] || a.Set[partner] != "" || slices.Contains(a.Unset, partner) {
			continue
		}
		var same []shell.Line
		for _, l := range shell.FindExports(sys, partner) {
			if files[l.File] {
				same = append(same, l)
			}
		}
		if len(same) == 0 {
			continue
		}
		// The value a new shell would have: this process's, or, when it was
		// not started from such a shell, the literal value of the line.
		value, known := snap.Settings[partner].Process, snap.Settings[partner].InProcess
		if !known {
			value, known = shell.Value(same[len(same)-1], partner)
		}
		if !known {
			continue
		}
		a.CommentOut = append(a.CommentOut, same...)
		if checkValues(map[string]string{partner: value}) == nil {
			if a.Set == nil {
				a.Set = map[string]string{}
			}
			a.Set[partner] = value
		} else if snap.Settings[partner].InFile {
			a.Unset = append(a.Unset, partner)
		}
		moving[partner] = true
		moved = append(moved, partner)
	}
	return moved
}

// pairsOf keeps the names that have a partner.
func pairsOf(names map[string]bool) map[string]string {
	out := map[string]string{}
	for n := range names {
		if p, ok := pairs[n]; ok {
			out[n] = p
		}
	}
	return out
}

// UnsetAction is the action that takes a variable back to the
// toolchain's default: go env -u for the go env file, and commenting out
// the profile lines that export it; an *OverriddenError when it is exported
// from somewhere godoctor does not edit.
func UnsetAction(sys *system.System, snap *goenv.Snapshot, name string) (*Action, error) {
	st := snap.Settings[name]
	a := &Action{}
	if st.InFile {
		a.Unset = []string{name}
	}
	if inUserEnv(sys, name) {
		a.UnsetUserVars = []string{name}
		return a, nil
	}
	lines := shell.FindExports(sys, name)
	switch {
	case len(lines) > 0:
		a.CommentOut = lines
		a.Why = strings.Join(append([]string{name}, keepPair(sys, snap, a)...), ", ") + " now left to go env"
	case st.InProcess:
		return nil, &OverriddenError{Names: []string{name}}
	}
	return a, nil
}

// inUserEnv reports whether a variable is set in the user environment
// (Windows), where new terminals take it from.
func inUserEnv(sys *system.System, name string) bool {
	if sys.UserEnv == nil {
		return false
	}
	_, ok, err := sys.UserEnv.Get(name)
	return ok && err == nil
}

// Exported returns the variables that the action takes out of new shells:
// exports it comments out and user variables it removes.
func (a *Action) Exported() []string {
	names := append(exportedNames(a.CommentOut), a.UnsetUserVars...)
	sort.Strings(names)
	return names
}

// Merge makes one action of several, as one plan: every setting, export
// and PATH directory of each, once. Two actions that give one variable
// different values, or set one that another unsets, conflict: the later
// one is left out, and the error names the variable.
func Merge(actions ...Action) (Action, []int, error) {
	var m Action
	var skipped []int
	var conflicts []string
	whys := map[string]bool{}
	lines := map[string]bool{}
	for i, a := range actions {
		clash := ""
		for k, v := range a.Set {
			if old, ok := m.Set[k]; ok && old != v || slices.Contains(m.Unset, k) {
				clash = k
			}
		}
		for _, k := range a.Unset {
			if _, ok := m.Set[k]; ok {
				clash = k
			}
		}
		if a.Link != nil && m.Link != nil && *a.Link != *m.Link {
			clash = a.Link.Path
		}
		if clash != "" {
			skipped = append(skipped, i)
			conflicts = append(conflicts, clash)
			continue
		}
		for k, v := range a.Set {
			if m.Set == nil {
				m.Set = map[string]string{}
			}
			m.Set[k] = v
		}
		m.Unset = appendNew(m.Unset, a.Unset...)
		m.PathDirs = appendNew(m.PathDirs, a.PathDirs...)
		m.PathDrop = appendNew(m.PathDrop, a.PathDrop...)
		m.UnsetUserVars = appendNew(m.UnsetUserVars, a.UnsetUserVars...)
		if a.Link != nil {
			m.Link = a.Link
		}
		for _, l := range a.CommentOut {
			key := fmt.Sprintf("%s:%d", l.File, l.Line)
			if !lines[key] {
				lines[key] = true
				m.CommentOut = append(m.CommentOut, l)
			}
		}
		if a.Why != "" && !whys[a.Why] {
			whys[a.Why] = true
			m.Why = strings.TrimPrefix(m.Why+"; "+a.Why, "; ")
		}
	}
	if len(conflicts) > 0 {
		return m, skipped, fmt.Errorf("two fixes set %s differently; the later one is left out", strings.Join(conflicts, ", "))
	}
	return m, nil, nil
}

// appendNew appends the elements of more that list lacks.
func appendNew(list []string, more ...string) []string {
	for _, s := range more {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}
