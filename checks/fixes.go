package checks

import (
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/shell"
	"github.com/godoctorhq/godoctor/internal/system"
)

// fixSet offers the fix that gives a variable a new value where the go
// command will read it (change.SetAction).
func fixSet(res *Result, p *Pass, id, title, name, value string) {
	fixSetFrom(res, p, id, title, name, value, nil)
}

// fixSetFrom is fixSet for a value made from the current one. A value that
// holds credentials is never printed: the command a person sees computes
// it from the variable (derive, given the shell words that read the
// current value), so that it runs exactly as printed; godoctor applies the
// real value, which its previews mask.
func fixSetFrom(res *Result, p *Pass, id, title, name, value string, derive func(current string) string) {
	env := p.Env()
	f := Fix{ID: id, Title: title, Command: setCommand(p.Sys, env, name, value)}
	if redact.List(value) != value {
		if derive == nil {
			f.Command = ""
			res.Details = append(res.Details, p.T("%s: the new value holds credentials, which godoctor does not print; godoctor fix applies it", title))
		} else {
			f.Command = assignCommand(p.Sys, env, name, name+`="`+derive(currentValue(p.Sys, env, name))+`"`)
		}
	}
	if a, err := change.SetAction(p.Sys, env, map[string]string{name: value}); err == nil {
		if !confirmed(res, p, &f, *a, name) {
			return
		}
		f.Action = &remedy.Action{Change: a}
	}
	res.addFix(f)
}

// currentValue is the shell words that read a variable's current value
// where it is set (the environment, or the go env file), for use inside
// double quotes, in sh and in PowerShell alike.
func currentValue(sys *system.System, env *goenv.Snapshot, name string) string {
	switch {
	case env.Settings[name].Source != goenv.FromProcess:
		return "$(go env " + name + ")"
	case sys.GOOS == "windows":
		return "$env:" + name
	}
	return "$" + name
}

// confirmed asks the go command, on a scratch copy of the machine, whether
// a fix makes it work (remedy.Confirm): its operation succeeds after the
// change, or no longer fails over the variable. A fix it does not confirm
// is not proposed; the result says why.
func confirmed(res *Result, p *Pass, f *Fix, a change.Action, name string) bool {
	env := p.Env()
	op := []string{"list", "runtime"}
	if env.Module != nil {
		op = []string{"list", "-m"}
	}
	timeout := p.Options.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	if err := remedy.Confirm(p.context(), p.Sys, env, a, op, name, timeout); err != nil {
		res.Details = append(res.Details, p.T("not proposed: %s, after which the go command still fails: %s", f.Title, firstLine(err.Error())))
		return false
	}
	f.Verified = "go " + strings.Join(op, " ")
	return true
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
		if !confirmed(res, p, &f, *a, name) {
			return
		}
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
	return assignCommand(sys, env, name, quoteFor(sys, name+"="+value))
}

// assignCommand is setCommand for an assignment already in shell words
// (NAME="$(go env NAME),direct").
func assignCommand(sys *system.System, env *goenv.Snapshot, name, assignment string) string {
	switch {
	case env.Settings[name].Source != goenv.FromProcess:
		return "go env -w " + assignment
	case sys.GOOS == "windows":
		return removeUserVarCommand(name) + "; go env -w " + assignment
	}
	return "export " + assignment
}

// quoteFor quotes a word for the shell of the system: PowerShell on
// Windows (where a bare comma makes an array), sh elsewhere.
func quoteFor(sys *system.System, word string) string {
	q := shell.Quote(word)
	if sys.GOOS == "windows" && (q != word || strings.Contains(word, ",")) {
		return shell.PowerShellQuote(word)
	}
	return q
}

// removeUserVarCommand is the PowerShell line that removes a variable from
// the user environment, for new terminals.
func removeUserVarCommand(name string) string {
	return "[Environment]::SetEnvironmentVariable(" + shell.PowerShellQuote(name) + ", $null, 'User')"
}
