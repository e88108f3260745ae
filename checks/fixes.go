package checks

import (
	"strings"

	"github.com/godoctor/godoctor/change"
	"github.com/godoctor/godoctor/goenv"
)

// fixSet offers the fix that gives a variable a new value where the go
// command will read it (change.SetAction). A value with credentials is
// shown masked and left for a person to apply.
func fixSet(res *Result, p *Pass, id, title, name, value string) {
	env := p.Env()
	shown := maskValue(value)
	f := Fix{ID: id, Title: title, Command: setCommand(env, name, shown)}
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
	if st.InProcess {
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
