package tui

import (
	"context"
	"errors"
	"go/version"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/installer"
	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/internal/toolchain"
	"github.com/godoctorhq/godoctor/internal/web"
	"github.com/godoctorhq/godoctor/mirrors"
)

// Every command below captures the values it needs; none reads the model.

// waitForEvent reads the next check event of a run; it re-arms after each.
func waitForEvent(run int, events <-chan checks.Event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-events
		if !ok {
			return checksDoneMsg{run: run}
		}
		return checkEventMsg{run: run, ev: ev}
	}
}

// planCmd plans an action against the machine as it is now.
func planCmd(ctx context.Context, sys *system.System, title string, a change.Action) tea.Cmd {
	return func() tea.Msg {
		p, err := remedy.Plan(ctx, sys, goenv.Load(ctx, sys), title, a)
		return planMsg{plan: p, err: err}
	}
}

// useMirrorCmd plans making a mirror the module proxy.
func useMirrorCmd(ctx context.Context, sys *system.System, pr i18n.Printer, r mirrors.Result) tea.Cmd {
	m := r.Mirror
	return func() tea.Msg {
		env := goenv.Load(ctx, sys)
		a, err := remedy.UseMirror(sys, env, m, "", r.NotFoundStatus != "")
		var over *change.OverriddenError
		if errors.As(err, &over) {
			return planMsg{err: errors.New(pr.T("%s is exported by something other than your shell profiles and would keep overriding the change", strings.Join(over.Names, ", ")))}
		}
		if err != nil {
			return planMsg{err: err}
		}
		p, err := remedy.Plan(ctx, sys, env, pr.T("Use %s as the module proxy", m.Name), *a)
		return planMsg{plan: p, err: err}
	}
}

// applyCmd makes a confirmed change.
func applyCmd(sys *system.System, p change.Plan) tea.Cmd {
	return func() tea.Msg {
		j, err := remedy.Journal(sys)
		if err != nil {
			return appliedMsg{err: err}
		}
		e, err := j.Apply(p)
		return appliedMsg{entry: e, err: err}
	}
}

// startMirrorsCmd starts the mirror benchmark.
func startMirrorsCmd(ctx context.Context, sys *system.System, timeout time.Duration) tea.Cmd {
	return func() tea.Msg {
		env := goenv.Load(ctx, sys)
		list, err := remedy.Mirrors(sys, env, nil)
		if err != nil {
			return mirrorsStartedMsg{err: err}
		}
		opts := remedy.BenchOptions(sys, env, mirrors.Options{Samples: 3, Timeout: timeout})
		return mirrorsStartedMsg{list: list, events: mirrors.Run(ctx, sys.HTTP, list, opts)}
	}
}

// waitMirror reads the next benchmark event.
func waitMirror(events <-chan mirrors.Event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-events
		if !ok {
			return nil
		}
		return mirrorEventMsg{ev: ev, from: events}
	}
}

// versionsCmd finds what the install picker offers: the newest release,
// what go.mod asks for, and newer patches of the installed Go.
func versionsCmd(ctx context.Context, sys *system.System, pr i18n.Printer, timeout time.Duration) tea.Cmd {
	return func() tea.Msg {
		env := goenv.Load(ctx, sys)
		var choices []versionChoice
		var errs []error
		list, _ := gosettings.ParseProxyList(env.Value("GOPROXY"))
		if proxy := web.FirstProxy(list); proxy != "" {
			lctx, cancel := context.WithTimeout(ctx, timeout)
			releases, err := toolchain.ProxyReleases(lctx, web.Client{HTTP: sys.HTTP, Idle: timeout}, proxy, sys.GOOS, sys.GOARCH)
			cancel()
			if err != nil {
				errs = append(errs, err)
			} else {
				choices = append(choices, versionChoice{Version: releases[0], Why: pr.T("the newest release")})
				if local := env.GoVersion(); version.IsValid(local) {
					for _, v := range releases {
						if version.Lang(v) == version.Lang(local) && version.Compare(v, local) > 0 {
							choices = append(choices, versionChoice{Version: v, Why: pr.T("the newest patch of the installed %s", local)})
							break
						}
					}
				}
			}
		}
		if m := env.Module; m != nil && m.Go != "" {
			v := "go" + m.Go
			if version.Lang(v) == v && version.Compare(v, "go1.21") >= 0 {
				v += ".0"
			}
			choices = append(choices, versionChoice{Version: v, Why: pr.T("%s/go.mod asks for it", filepath.Base(filepath.Dir(m.GoModFile)))})
		}
		if local := env.GoVersion(); local != "" {
			choices = append(choices, versionChoice{Version: strings.Fields(local)[0], Why: pr.T("installed now (reinstall into ~/sdk)")})
		}
		if len(choices) == 0 {
			return versionsMsg{err: errors.Join(append(errs, errors.New(pr.T("no version to offer")))...)}
		}
		return versionsMsg{choices: choices}
	}
}

// installPlanCmd resolves an install for confirmation.
func installPlanCmd(ctx context.Context, sys *system.System, v string, timeout time.Duration) tea.Cmd {
	return func() tea.Msg {
		env := goenv.Load(ctx, sys)
		o := remedy.InstallOptions(sys, env, installer.Options{Timeout: timeout})
		spec, err := installer.ParseSpec(v)
		if err != nil {
			return installPlanMsg{err: err}
		}
		p, err := installer.Resolve(ctx, spec, o)
		return installPlanMsg{plan: p, opts: o, err: err}
	}
}

// installStartedMsg carries a running install's channels.
type installStartedMsg struct {
	progress chan installer.Progress
	done     chan installDoneMsg
	// finished is closed when the installer has returned, its clean-up
	// done: Run waits for it before godoctor exits.
	finished chan struct{}
}

// startInstallCmd runs the installer in the background; its progress
// arrives on a channel that drops reports the screen has no time for.
func startInstallCmd(ctx context.Context, p installer.Plan, o installer.Options) tea.Cmd {
	return func() tea.Msg {
		progress := make(chan installer.Progress, 1)
		done := make(chan installDoneMsg, 1)
		o.Progress = func(pr installer.Progress) {
			select {
			case progress <- pr:
			default:
			}
		}
		finished := make(chan struct{})
		go func() {
			err := installer.Install(ctx, p, o)
			close(finished)
			done <- installDoneMsg{plan: p, err: err}
		}()
		return installStartedMsg{progress: progress, done: done, finished: finished}
	}
}

// waitInstall waits for the next progress report or the end.
func waitInstall(progress chan installer.Progress, done chan installDoneMsg) tea.Cmd {
	return func() tea.Msg {
		select {
		case p := <-progress:
			return installProgressMsg(p)
		case d := <-done:
			return d
		}
	}
}
