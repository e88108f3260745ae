package checks

import (
	"strings"

	"github.com/godoctor/godoctor/goenv"
)

// setCommand is the shell command that gives a variable a new value where
// it is set now: go env -w for the go env file, export when an environment
// variable would override what go env -w writes.
func setCommand(env *goenv.Snapshot, name, value string) string {
	if env.Settings[name].Source == goenv.FromProcess {
		return "export " + shellQuote(name+"="+value)
	}
	return "go env -w " + shellQuote(name+"="+value)
}

// shellQuote quotes a word for sh when it holds anything but plain
// characters ("|" in GOPROXY would otherwise start a pipeline).
func shellQuote(s string) string {
	plain := func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_=,./:@+-%", r)
	}
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !plain(r) }) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
