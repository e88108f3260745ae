package goenv

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
)

// ProfileLine is a line of a shell start-up file.
type ProfileLine struct {
	File string
	Line int // 1-based
	Text string
}

// ShellProfiles returns the start-up files of the usual shells that exist,
// in the order a reader should look at them.
func (s *System) ShellProfiles() []string {
	if s.Home == "" {
		return nil
	}
	var out []string
	for _, name := range []string{
		".bashrc", ".bash_profile", ".bash_login", ".profile",
		".zshenv", ".zprofile", ".zshrc",
		filepath.Join(".config", "fish", "config.fish"),
	} {
		p := filepath.Join(s.Home, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			out = append(out, p)
		}
	}
	return out
}

// FindExports returns the lines of the shell profiles that set the
// variable: "export NAME=", "NAME=" and fish's "set -x NAME".
func (s *System) FindExports(name string) []ProfileLine {
	q := regexp.QuoteMeta(name)
	re := regexp.MustCompile(`^\s*(?:(?:export|declare\s+-x|typeset\s+-x)\s+` + q + `=|` + q + `=|set\s+(?:-[a-zA-Z]+\s+)*` + q + `(?:\s|$))`)
	var found []ProfileLine
	for _, p := range s.ShellProfiles() {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			if re.MatchString(sc.Text()) {
				found = append(found, ProfileLine{File: p, Line: n, Text: sc.Text()})
			}
		}
		f.Close()
	}
	return found
}
