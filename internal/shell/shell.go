// Package shell knows the user's shells as godoctor meets them: which
// shell the user runs, the start-up files that exist, the lines in them
// that export a variable, and how to quote a word for sh, fish and
// PowerShell so that a printed command runs as it reads.
package shell

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/godoctorhq/godoctor/internal/system"
)

// Kind is a shell whose start-up files godoctor reads and writes.
type Kind string

const (
	Bash Kind = "bash"
	Zsh  Kind = "zsh"
	Fish Kind = "fish"
	Sh   Kind = "sh"
)

// User is the user's shell, from $SHELL; POSIX sh when it is none of the
// others.
func User(sys *system.System) Kind {
	switch filepath.Base(sys.Getenv("SHELL")) {
	case "bash":
		return Bash
	case "zsh":
		return Zsh
	case "fish":
		return Fish
	}
	return Sh
}

// Line is a line of a shell start-up file.
type Line struct {
	File string
	Line int // 1-based
	Text string
}

// startupFiles returns the start-up files of the usual shells that exist,
// in the order a reader should look at them.
func startupFiles(sys *system.System) []string {
	if sys.Home == "" {
		return nil
	}
	var out []string
	for _, name := range []string{
		".bashrc", ".bash_profile", ".bash_login", ".profile",
		".zshenv", ".zprofile", ".zshrc",
		filepath.Join(".config", "fish", "config.fish"),
	} {
		p := filepath.Join(sys.Home, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			out = append(out, p)
		}
	}
	return out
}

// FindExports returns the lines of the start-up files that set the
// variable: "export NAME=", "NAME=" and fish's "set -x NAME".
func FindExports(sys *system.System, name string) []Line {
	q := regexp.QuoteMeta(name)
	re := regexp.MustCompile(`^\s*(?:(?:export|declare\s+-x|typeset\s+-x)\s+` + q + `=|` + q + `=|set\s+(?:-[a-zA-Z]+\s+)*` + q + `(?:\s|$))`)
	var found []Line
	for _, p := range startupFiles(sys) {
		// A profile that is a FIFO or huge is not read (nor, by the
		// change package, edited).
		data, err := system.ReadFile(p, system.MaxSettingsFile)
		if err != nil {
			continue
		}
		for n, text := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			if re.MatchString(text) {
				found = append(found, Line{File: p, Line: n + 1, Text: strings.TrimSuffix(text, "\r")})
			}
		}
	}
	return found
}

// exportLine matches a line that exports a variable, capturing its name.
var exportLine = regexp.MustCompile(`^\s*(?:(?:export|declare\s+-x|typeset\s+-x)\s+([A-Za-z_][A-Za-z0-9_]*)=|set\s+(?:-[a-zA-Z]+\s+)*([A-Za-z_][A-Za-z0-9_]*)(?:\s|$))`)

// Exports returns the lines of the start-up files that export a variable
// whose name keep accepts, by name, in file order: what a new shell adds
// to the environment it inherits.
func Exports(sys *system.System, keep func(name string) bool) map[string][]Line {
	out := map[string][]Line{}
	for _, p := range startupFiles(sys) {
		data, err := system.ReadFile(p, system.MaxSettingsFile)
		if err != nil {
			continue
		}
		for n, text := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			m := exportLine.FindStringSubmatch(text)
			if m == nil {
				continue
			}
			name := m[1] + m[2]
			if keep(name) {
				out[name] = append(out[name], Line{File: p, Line: n + 1, Text: strings.TrimSuffix(text, "\r")})
			}
		}
	}
	return out
}

// Value is the literal value that an export line gives a variable
// ("export NAME='a,b'", "NAME=x", fish's "set -gx NAME x"), and whether it
// has one: a value that expands anything ($, backquotes) or holds more
// than one word is not literal, and only a shell knows it.
func Value(l Line, name string) (string, bool) {
	t := strings.TrimSpace(l.Text)
	if i := strings.Index(t, name+"="); i >= 0 {
		t = t[i+len(name)+1:]
	} else if i := strings.Index(t, name+" "); i >= 0 {
		t = strings.TrimSpace(t[i+len(name):])
	} else {
		return "", false
	}
	if i := strings.Index(t, " #"); i >= 0 {
		t = strings.TrimSpace(t[:i])
	}
	switch {
	case len(t) >= 2 && t[0] == '\'' && t[len(t)-1] == '\'' && !strings.Contains(t[1:len(t)-1], "'"):
		return t[1 : len(t)-1], true
	case len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"' && !strings.ContainsAny(t[1:len(t)-1], "\"$`\\"):
		return t[1 : len(t)-1], true
	case !strings.ContainsAny(t, " \t'\"$`\\;&|()<>"):
		return t, true
	}
	return "", false
}

// Quote quotes a word for sh when it holds anything but plain characters
// ("|" in GOPROXY would otherwise start a pipeline).
func Quote(s string) string {
	plain := func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_=,./:@+-%", r)
	}
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !plain(r) }) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// PowerShellQuote quotes a word for PowerShell, where nothing but a
// doubled quote is special inside single quotes.
func PowerShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// DoubleQuoted escapes a path for the inside of "..." in sh, where $PATH
// must still expand.
func DoubleQuoted(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`").Replace(s)
}

// UndoDoubleQuoted reverses DoubleQuoted.
func UndoDoubleQuoted(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\$`, "$", "\\`", "`").Replace(s)
}

// FishQuote quotes a word for fish.
func FishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// FishUnquote reverses FishQuote.
func FishUnquote(s string) string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "'"), "'")
	return strings.NewReplacer(`\\`, `\`, `\'`, `'`).Replace(s)
}
