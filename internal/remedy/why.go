package remedy

import (
	"context"
	"path/filepath"
	"time"

	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/internal/web"
	"github.com/godoctorhq/godoctor/internal/why"
)

// Confirmed is a setting a trace suggested that the go command then
// confirmed: with it written, the go command resolved the module.
type Confirmed struct {
	why.Setting
	// Value is the whole new value (the current one with the suggestion
	// added); Command sets it; Verified is the go command that succeeded.
	Value, Command, Verified string
}

// TraceModule traces a module version from this machine (why.Run, with
// git run as the go command runs it) and confirms, with the go command,
// the settings the trace suggests.
func TraceModule(ctx context.Context, sys *system.System, env *goenv.Snapshot, path, version, from string, offline bool, timeout time.Duration) (*why.Trace, []Confirmed) {
	return traceModule(ctx, sys, env, path, version, from, why.Options{Offline: offline}, timeout)
}

// TraceNamed is TraceModule for a module that a pasted text names: unless
// the current go.mod or go.work requires it, only the hosts the user
// configured are asked (why.Options.ConfiguredOnly), never the host the
// text names.
func TraceNamed(ctx context.Context, sys *system.System, env *goenv.Snapshot, path, version, from string, offline bool, timeout time.Duration) (*why.Trace, []Confirmed) {
	required, _ := why.Required(env, path)
	return traceModule(ctx, sys, env, path, version, from, why.Options{Offline: offline, ConfiguredOnly: required == ""}, timeout)
}

func traceModule(ctx context.Context, sys *system.System, env *goenv.Snapshot, path, version, from string, o why.Options, timeout time.Duration) (*why.Trace, []Confirmed) {
	o.Env, o.Web, o.Netrc = env, web.Client{HTTP: sys.HTTP, Idle: timeout, Total: timeout}, netrc(sys)
	if db, err := gosettings.ParseGOSUMDB(env.Value("GOSUMDB")); err == nil {
		o.SumDB = SumDBState(sys, env, db.Name)
	}
	if git := sys.LookPath("git"); git != "" {
		env := gitEnv(sys)
		o.Git = func(ctx context.Context, args ...string) ([]byte, error) {
			ctx, cancel := context.WithTimeout(ctx, 4*timeout)
			defer cancel()
			// The transport that runs a program (ext::) is off whatever
			// the configuration says: no module is fetched through it.
			return sys.Run(ctx, sys.Dir, env, git, append([]string{"-c", "protocol.ext.allow=never"}, args...)...)
		}
	}
	t := why.Run(ctx, o, path, version, from)
	var confirmed []Confirmed
	for _, s := range t.Try {
		if o.ConfiguredOnly {
			// Confirming it would make the go command fetch the module
			// from the host the text names.
			t.Reason += "; " + s.Name + "=" + s.Value + " may help: godoctor why " + path + " confirms it with the go command"
			continue
		}
		c, err := confirmSetting(ctx, sys, env, s, t, timeout)
		if err != nil {
			t.Reason += "; " + s.Name + "=" + s.Value + " would not help: " + err.Error()
			continue
		}
		confirmed = append(confirmed, c)
	}
	return t, confirmed
}

// confirmSetting asks the go command, on a scratch copy of the machine
// with the setting written, to resolve the module version.
func confirmSetting(ctx context.Context, sys *system.System, env *goenv.Snapshot, s why.Setting, t *why.Trace, timeout time.Duration) (Confirmed, error) {
	value := s.Value
	if cur := env.Value(s.Name); cur != "" {
		value = cur + "," + s.Value
	}
	act, err := change.SetAction(sys, env, map[string]string{s.Name: value})
	if err != nil {
		return Confirmed{}, err
	}
	version := t.Version
	if t.Resolved != "" {
		version = t.Resolved
	}
	m, err := NextShell(ctx, sys, env, *act)
	if err != nil {
		return Confirmed{}, err
	}
	defer m.Remove()
	op := OpDownload("", 4*timeout, t.Module+"@"+version)
	if err := op.Run(ctx, m.Runner()); err != nil {
		return Confirmed{}, err
	}
	return Confirmed{Setting: s, Value: value, Command: "go env -w " + s.Name + "=" + value, Verified: op.Name}, nil
}

// netrc is the user's .netrc, as the go command finds it: $NETRC, else
// ~/.netrc (~/_netrc on Windows).
func netrc(sys *system.System) string {
	file := sys.Getenv("NETRC")
	if file == "" && sys.Home != "" {
		name := ".netrc"
		if sys.GOOS == "windows" {
			name = "_netrc"
		}
		file = filepath.Join(sys.Home, name)
	}
	data, _ := system.ReadFile(file, system.MaxSettingsFile)
	return string(data)
}

// gitEnv is the environment git runs in, as the go command sets it up
// (modload.Init): no prompt may wait for a person (GIT_TERMINAL_PROMPT=0,
// GCM_INTERACTIVE=never), and ssh asks nothing (BatchMode) unless the user
// chose their own ssh command. The user's own url.insteadOf rewrites (to a
// mirror on disk, say) work as they do for the go command; a repository
// root from a meta tag was held to the go command's schemes before.
func gitEnv(sys *system.System) []string {
	vars := []string{"GIT_TERMINAL_PROMPT=0", "GCM_INTERACTIVE=never"}
	if v := sys.Getenv("GIT_TERMINAL_PROMPT"); v != "" {
		vars[0] = "GIT_TERMINAL_PROMPT=" + v // the go command keeps an explicit 1
	}
	if sys.Getenv("GIT_SSH") == "" && sys.Getenv("GIT_SSH_COMMAND") == "" {
		vars = append(vars, "GIT_SSH_COMMAND=ssh -o ControlMaster=no -o BatchMode=yes")
	}
	return sys.Environ(vars...)
}
