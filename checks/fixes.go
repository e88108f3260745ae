package checks

import (
	"errors"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/gocmd"
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

// fixSetProven is fixSet proven by a given operation rather than the one
// the setting breaks for every program (opFor): the download of the very
// module that failed.
func fixSetProven(res *Result, p *Pass, id, title, name, value string, op remedy.Operation) {
	fixSetOp(res, p, id, title, name, value, nil, &op)
}

// fixSetFrom is fixSet for a value made from the current one. A value that
// holds credentials is never printed: the command a person sees computes
// it from the variable (derive, given the shell words that read the
// current value), so that it runs exactly as printed; godoctor applies the
// real value, which its previews mask.
func fixSetFrom(res *Result, p *Pass, id, title, name, value string, derive func(current string) string) {
	fixSetOp(res, p, id, title, name, value, derive, nil)
}

// fixSetOp is fixSetFrom proven by op, or by opFor(name) when op is nil.
func fixSetOp(res *Result, p *Pass, id, title, name, value string, derive func(current string) string, op *remedy.Operation) {
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
		if !confirmed(res, p, &f, *a, name, op) {
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

// confirmed proves a fix before it is proposed: the next shell that the
// change leaves (remedy.NextShell) runs the operation the setting breaks
// (opFor). It is proposed when the operation succeeds there, or, for an
// operation that needs no network, when it no longer fails over the
// variable (another setting may still stop it; godoctor fix proves its
// whole plan). A fix it does not prove is not proposed; the result says
// why. Offline, a fix whose operation is a download is not proposed.
func confirmed(res *Result, p *Pass, f *Fix, a change.Action, name string, given *remedy.Operation) bool {
	op := p.opFor(name)
	if given != nil {
		op = *given
	}
	if op.Fetch && p.Options.Offline {
		res.Details = append(res.Details, p.T("not proposed offline: %s is offered only once a download proves it (run godoctor check or godoctor fix with the network)", f.Title))
		return false
	}
	m, err := remedy.NextShell(p.context(), p.Sys, p.Env(), a)
	if err != nil {
		res.Details = append(res.Details, p.T("not proposed: %s: %v", f.Title, err))
		return false
	}
	defer m.Remove()
	err = op.Run(p.context(), m.Runner())
	if !remedy.Proves(op, err, name) {
		res.Details = append(res.Details, p.T("not proposed: %[1]s, after which %[2]s still fails: %[3]s", f.Title, op.Name, said(err)))
		return false
	}
	if err != nil {
		// Something else stops the go command first (another setting,
		// which godoctor fix mends in the same plan, or a file only a
		// person can mend): this setting no longer does.
		res.Details = append(res.Details, p.T("%[1]s is proven as far as the go command gets: %[2]s stops it first", f.Title, said(err)))
	}
	f.Verified, f.Op, f.Setting = op.Name, &op, name
	return true
}

// said is the go command's own words in an operation's error.
func said(err error) string {
	var ge *gocmd.Error
	if errors.As(err, &ge) {
		return ge.Said()
	}
	return firstLine(err.Error())
}

// opFor is the operation a setting can break, the one that proves its
// fix: a download for what routes modules, the toolchain switch for
// GOTOOLCHAIN, a build, a run or an install for the settings only those
// read, else the module graph of the project (outside one, a package
// load).
func (p *Pass) opFor(name string) remedy.Operation {
	dir := p.Project().Dir
	if !p.Project().In() {
		dir = ""
	}
	switch upper := strings.ToUpper(name); {
	case name == "GOPROXY", name == "GOSUMDB", name == "GOPRIVATE", name == "GONOPROXY", name == "GONOSUMDB",
		name == "GOINSECURE", name == "GOAUTH", upper == "HTTP_PROXY", upper == "HTTPS_PROXY", upper == "NO_PROXY",
		name == "SSL_CERT_FILE", name == "SSL_CERT_DIR":
		return p.fetchOp()
	case name == "GOTOOLCHAIN":
		return remedy.OpToolchain(dir)
	case name == "GO111MODULE":
		return remedy.OpGet
	case name == "GOCACHE", name == "GOTMPDIR":
		return remedy.OpBuild
	case name == "CC", name == "CXX", strings.HasPrefix(name, "CGO_"):
		return remedy.OpBuildNet
	case name == "GOBIN":
		return remedy.OpInstall
	case name == "GOOS", name == "GOARCH", name == "GOEXPERIMENT":
		return remedy.OpRun
	case name == "PATH":
		return remedy.OpVersion
	case dir != "":
		return remedy.OpGraph(dir)
	}
	return remedy.OpList
}

// fetchOp is the download that proves a change of how modules are found
// (remedy.OpFetch).
func (p *Pass) fetchOp() remedy.Operation { return remedy.OpFetch(p.Project(), 4*p.timeout()) }

// timeout is the bound of one network operation.
func (p *Pass) timeout() time.Duration {
	if p.Options.Timeout > 0 {
		return p.Options.Timeout
	}
	return 5 * time.Second
}

// fixUnset offers the fix that takes a variable back to the toolchain's
// default (change.UnsetAction).
func fixUnset(res *Result, p *Pass, id, title, name string) {
	fixUnsetOp(res, p, id, title, name, nil)
}

// fixUnsetProven is fixUnset proven by a given operation (fixSetProven).
func fixUnsetProven(res *Result, p *Pass, id, title, name string, op remedy.Operation) {
	fixUnsetOp(res, p, id, title, name, &op)
}

func fixUnsetOp(res *Result, p *Pass, id, title, name string, op *remedy.Operation) {
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
		if !confirmed(res, p, &f, *a, name, op) {
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
