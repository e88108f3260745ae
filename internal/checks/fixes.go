package checks

import (
	"strings"

	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/goenv"
)

// fixSet offers the fix that gives a variable a new value where the go
// command will read it (change.SetAction). A value with credentials is
// shown masked and left for a person to apply.
func fixSet(res *Result, p *Pass, id, title, name, value string) {
	env := p.Env()
	shown := maskValue(value)
	f := Fix{ID: id, Title: title, Command: setCommand(p.Sys, env, name, shown)}
	if shown == value {
		if a, unreachable := change.SetAction(p.Sys, env, map[string]string{name: value}); len(unreachable) == 0 {
			f.Action = a
		}
	}
	res.addFix(f)
}

// fixUnset offers the fix that takes a variable back to the toolchain's
// default (change.UnsetAction).
func fixUnset(res *Result, p *Pass, id, title, name string) {
	env := p.Env()
	st := env.Settings[name]
	if !st.InProcess && !st.InFile {
		return
	}
	cmd := "go env -u " + name
	switch {
	case st.InProcess && p.Sys.GOOS == "windows":
		cmd = removeUserVarCommand(name)
	case st.InProcess:
		cmd = "unset " + name
	}
	a, unreachable := change.UnsetAction(p.Sys, env, name)
	if unreachable {
		a = nil
	}
	res.addFix(Fix{ID: id, Title: title, Command: cmd, Action: a})
}

// setCommand is the shell command that gives a variable a new value where
// it is set now: go env -w for the go env file, export when an environment
// variable would override what go env -w writes. On Windows such a
// variable comes from the user environment, which a PowerShell line
// removes before go env -w.
func setCommand(sys *goenv.System, env *goenv.Snapshot, name, value string) string {
	switch {
	case env.Settings[name].Source != goenv.FromProcess:
		return "go env -w " + shellQuote(name+"="+value)
	case sys.GOOS == "windows":
		return removeUserVarCommand(name) + "; go env -w " + powerShellQuote(name+"="+value)
	}
	return "export " + shellQuote(name+"="+value)
}

// removeUserVarCommand is the PowerShell line that removes a variable from
// the user environment, for new terminals.
func removeUserVarCommand(name string) string {
	return "[Environment]::SetEnvironmentVariable(" + powerShellQuote(name) + ", $null, 'User')"
}

// powerShellQuote quotes a word for PowerShell, where nothing but a
// doubled quote is special inside single quotes.
func powerShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
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
