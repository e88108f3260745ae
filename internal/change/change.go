// Package change makes every change godoctor makes to a user's files: it
// plans edits as whole-file before and after contents, shows them as a
// diff, backs each file up into a journal, writes atomically (a temporary
// file in the same directory, then a rename) keeping the file's mode, and
// undoes the newest change from its backups.
package change

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"

	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/system"
)

// Edit is one file's change, or one user environment variable's.
type Edit struct {
	Path string
	// UserVar says that Path names a variable of the user environment
	// (system.UserEnv, the Windows registry) instead of a file. Its content
	// is held one list entry per line (see userVarLines), so that a
	// preview shows which PATH entries come and go.
	UserVar bool
	// Link says that Path is a symbolic link, whose content is its target.
	Link   bool
	Before []byte      // nil when the file does not exist
	After  []byte      // nil removes a user variable
	Mode   fs.FileMode // of a new file; an existing file keeps its own
}

func (e Edit) where() place { return place{e.Path, e.UserVar, e.Link} }

// Name is how the edited file or variable is shown to a person.
func (e Edit) Name() string { return displayName(e.UserVar, e.Path) }

func displayName(userVar bool, path string) string {
	if userVar {
		return system.UserEnvLocation + `\` + path
	}
	return path
}

// Changed reports whether the edit changes anything.
func (e Edit) Changed() bool {
	if e.Before == nil {
		return e.After != nil // creating a file
	}
	return !bytes.Equal(e.Before, e.After)
}

// Plan is a change to make: what it is for, the edits, and what a person
// should know (for example that a new shell is needed).
type Plan struct {
	Title string
	Edits []Edit
	Notes []Note
}

// Note is something a person should know about a plan, said in the
// language of the preview: Text is the English format of its words.
type Note struct {
	Text string
	Args []any
}

// Empty reports whether the plan changes no file.
func (p Plan) Empty() bool {
	for _, e := range p.Edits {
		if e.Changed() {
			return false
		}
	}
	return true
}

// Preview returns the exact lines that change, file by file, and the
// notes, in pr's language.
func (p Plan) Preview(pr i18n.Printer) string {
	var b strings.Builder
	for _, e := range p.Edits {
		if !e.Changed() {
			continue
		}
		if e.Link {
			fmt.Fprintf(&b, "--- %s %s\n+++ %s %s\n", e.Name(), pr.T("(link)"), e.Name(), pr.T("(link)"))
			if e.Before != nil {
				fmt.Fprintf(&b, "- -> %s\n", e.Before)
			}
			fmt.Fprintf(&b, "+ -> %s\n", e.After)
			continue
		}
		switch {
		case e.Before == nil && e.UserVar:
			fmt.Fprintf(&b, "--- %s %s\n+++ %s\n", e.Name(), pr.T("(new variable)"), e.Name())
		case e.Before == nil:
			fmt.Fprintf(&b, "--- %s %s\n+++ %s\n", e.Name(), pr.T("(new file)"), e.Name())
		case e.After == nil && e.UserVar:
			fmt.Fprintf(&b, "--- %s\n+++ %s %s\n", e.Name(), e.Name(), pr.T("(removed)"))
		default:
			fmt.Fprintf(&b, "--- %s\n+++ %s\n", e.Name(), e.Name())
		}
		for _, l := range diff(string(e.Before), string(e.After)) {
			// A line of the user's file may set a credential (a GOAUTH
			// command with its token): masked like every shown value.
			b.WriteString(l[:2] + redact.ExportLine(l[2:]) + "\n")
		}
	}
	for _, n := range p.Notes {
		b.WriteString(pr.T("note: %s", pr.T(n.Text, n.Args...)) + "\n")
	}
	return b.String()
}

// diff returns a line diff of a and b: unchanged lines with "  ", removed
// with "- ", added with "+ ", keeping only the changed lines and one line
// of context around them.
func diff(a, b string) []string {
	x, y := splitLines(a), splitLines(b)
	// Longest common subsequence; files here are a few hundred lines.
	n, m := len(x), len(y)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var all []string
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && x[i] == y[j]:
			all = append(all, "  "+x[i])
			i, j = i+1, j+1
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			all = append(all, "- "+x[i])
			i++
		default:
			all = append(all, "+ "+y[j])
			j++
		}
	}
	keep := make([]bool, len(all))
	for k, l := range all {
		if !strings.HasPrefix(l, "  ") {
			for c := max(k-1, 0); c <= min(k+1, len(all)-1); c++ {
				keep[c] = true
			}
		}
	}
	var out []string
	for k, l := range all {
		if keep[k] {
			out = append(out, l)
		} else if k > 0 && keep[k-1] {
			out = append(out, "  …")
		}
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
