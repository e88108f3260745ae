package checks

import (
	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/shell"
	"github.com/godoctorhq/godoctor/internal/system"
)

// fixSet offers the fix that gives a variable a new value where the go
// command will read it (change.SetAction). A value with credentials is
// shown masked and left for a person to apply.
func fixSet(res *Result, p *Pass, id, title, name, value string) {
	env := p.Env()
	shown := redact.List(value)
	f := Fix{ID: id, Title: title, Command: setCommand(p.Sys, env, name, shown)}
	if shown == value {
		if a, err := change.SetAction(p.Sys, env, map[string]string{name: value}); err == nil {
			f.Action = &remedy.Action{Change: a}
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
	f := Fix{ID: id, Title: title, Command: cmd}
	if a, err := change.UnsetAction(p.Sys, env, name); err == nil {
		f.Action = &remedy.Action{Change: a}
	}
	res.addFix(f)
}

// setCommand is the shell command that gives a variable a new value where
// it is set now: go env -w for the go env file, export when an environment
// variable would override what go env -w writes. On Windows such a
// variable comes from the user environment, which a PowerShell line
// removes before go env -w.
func setCommand(sys *system.System, env *goenv.Snapshot, name, value string) string {
	switch {
	case env.Settings[name].Source != goenv.FromProcess:
		return "go env -w " + shell.Quote(name+"="+value)
	case sys.GOOS == "windows":
		return removeUserVarCommand(name) + "; go env -w " + shell.PowerShellQuote(name+"="+value)
	}
	return "export " + shell.Quote(name+"="+value)
}

// removeUserVarCommand is the PowerShell line that removes a variable from
// the user environment, for new terminals.
func removeUserVarCommand(name string) string {
	return "[Environment]::SetEnvironmentVariable(" + shell.PowerShellQuote(name) + ", $null, 'User')"
}
