package change

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/godoctor/godoctor/goenv"
)

// userPathVar is the user variable that Windows adds to the machine-wide
// PATH of every new program (variable names there ignore case).
const userPathVar = "Path"

var errNoUserEnv = errors.New("this system keeps no user environment outside files")

// readUserVar returns a user variable as userVarLines, nil when it is not
// set.
func readUserVar(env goenv.UserEnv, name string) ([]byte, fs.FileMode, error) {
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

func writeUserVar(env goenv.UserEnv, name string, lines []byte) error {
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

// UserPathEdit plans the user PATH of Windows (HKCU\Environment) so that
// dirs come first. Earlier copies of dirs and the entries in drop are
// taken out; every other entry keeps its place and its spelling.
func UserPathEdit(sys *goenv.System, dirs, drop []string) (Edit, error) {
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
