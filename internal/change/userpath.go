package change

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/godoctorhq/godoctor/internal/system"
)

// userPathVar is the user variable that Windows adds to the machine-wide
// PATH of every new program (variable names there ignore case).
const userPathVar = "Path"

var errNoUserEnv = errors.New("this system keeps no user environment outside files")

// readUserVar returns a user variable as userVarLines, nil when it is not
// set.
func readUserVar(env system.UserEnv, name string) ([]byte, fs.FileMode, error) {
	if env == nil {
		return nil, 0, errNoUserEnv
	}
	v, ok, err := env.Get(name)
	if err != nil || !ok {
		return nil, 0, err
	}
	if strings.Contains(v, "\n") {
		return nil, 0, fmt.Errorf("%s holds a line break; godoctor leaves it alone", displayName(true, name))
	}
	return userVarLines(v), 0, nil
}

func writeUserVar(env system.UserEnv, name string, lines []byte) error {
	if env == nil {
		return errNoUserEnv
	}
	return env.Set(name, userVarValue(lines))
}

// userVarLines holds a variable's ';'-separated entries one per line. It
// and userVarValue undo each other for any value without a line break.
func userVarLines(value string) []byte {
	return []byte(strings.ReplaceAll(value, ";", "\n") + "\n")
}

func userVarValue(lines []byte) string {
	return strings.ReplaceAll(strings.TrimSuffix(string(lines), "\n"), "\n", ";")
}

// userPathEdit plans the user PATH of Windows (HKCU\Environment) so that
// dirs come first. Earlier copies of dirs and the entries in drop are
// taken out; every other entry keeps its place and its spelling.
func userPathEdit(sys *system.System, dirs, drop []string) (Edit, error) {
	before, _, err := readUserVar(sys.UserEnv, userPathVar)
	if err != nil {
		return Edit{}, err
	}
	entries := append([]string(nil), dirs...)
	if old := userVarValue(before); old != "" {
		for _, e := range strings.Split(old, ";") {
			if !containsWindowsPath(dirs, e) && !containsWindowsPath(drop, e) {
				entries = append(entries, e)
			}
		}
	}
	return Edit{Path: userPathVar, UserVar: true, Before: before, After: userVarLines(strings.Join(entries, ";"))}, nil
}

// containsWindowsPath reports whether list names entry, as Windows
// compares paths: ignoring case, quotes and a trailing backslash.
func containsWindowsPath(list []string, entry string) bool {
	norm := func(p string) string { return strings.TrimRight(strings.Trim(p, `"`), `\`) }
	if norm(entry) == "" {
		return false
	}
	for _, d := range list {
		if strings.EqualFold(norm(d), norm(entry)) {
			return true
		}
	}
	return false
}

// OutsideUserPath returns those of dirs that the user PATH does not name.
// Windows gives every program the machine-wide PATH followed by the user
// PATH, so a directory on PATH but not in the user PATH comes from the
// machine-wide one (or was set in one terminal) and stays ahead of
// anything godoctor puts first in the user PATH. Entries are compared
// with their %VARIABLES% expanded.
func OutsideUserPath(sys *system.System, dirs []string) ([]string, error) {
	lines, _, err := readUserVar(sys.UserEnv, userPathVar)
	if err != nil {
		return nil, err
	}
	var user []string
	for _, e := range strings.Split(userVarValue(lines), ";") {
		user = append(user, expandWindows(e, sys.Getenv))
	}
	var out []string
	for _, d := range dirs {
		if !containsWindowsPath(user, d) {
			out = append(out, d)
		}
	}
	return out, nil
}

// expandWindows expands %NAME% as Windows does, leaving unknown names and
// a lone % as they are.
func expandWindows(s string, getenv func(string) string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "%")
		if i < 0 {
			break
		}
		j := strings.Index(s[i+1:], "%")
		if j < 0 {
			break
		}
		name := s[i+1 : i+1+j]
		if v := getenv(name); name != "" && v != "" {
			b.WriteString(s[:i] + v)
			s = s[i+2+j:]
			continue
		}
		b.WriteString(s[:i+1])
		s = s[i+1:]
	}
	return b.String() + s
}
