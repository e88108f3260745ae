package tui

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/report"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/internal/why"
)

// moduleChecks are the checks whose findings concern fetching modules:
// on them, w asks for a module and shows its route.
var moduleChecks = map[string]bool{
	"env.goproxy": true, "env.gosumdb": true, "env.private": true, "env.source": true,
	"net.proxy": true, "net.sumdb": true, "cache.integrity": true,
}

// whyView asks for a module path and shows how the go command would fetch
// it from here (godoctor why).
type whyView struct {
	input   textinput.Model
	running bool
	asked   string // the module of the route shown or being traced
	lines   []string
	err     error
	id      int // the trace in flight; a later one drops the earlier's answer
}

// whyMsg carries a finished trace.
type whyMsg struct {
	id    int
	lines []string
	err   error
}

func newWhyView(pr i18n.Printer) whyView {
	in := textinput.New()
	in.Placeholder = pr.T("module path[@version], for example golang.org/x/text@v0.14.0")
	in.CharLimit = 300
	in.Focus()
	return whyView{input: in}
}

// traceCmd traces a module off the UI goroutine, as godoctor why does.
func traceCmd(ctx context.Context, sys *system.System, pr i18n.Printer, offline bool, timeout time.Duration, id int, arg string) tea.Cmd {
	return func() tea.Msg {
		path, version, err := why.ParseArg(arg)
		if err != nil {
			return whyMsg{id: id, err: err}
		}
		env := goenv.Load(ctx, sys)
		version, from := report.VersionToTrace(pr, env, path, version)
		t, confirmed := remedy.TraceModule(ctx, sys, env, path, version, from, offline, timeout)
		return whyMsg{id: id, lines: report.NewWhy(pr, t, confirmed).Lines(pr)}
	}
}

func (v whyView) view(s Styles, pr i18n.Printer, spin string, width int) string {
	var b strings.Builder
	b.WriteString(s.Title.Render(pr.T("How the go command would fetch a module from here")) + "\n\n")
	in := v.input
	in.SetWidth(max(width-4, 20)) // the placeholder whole, not one letter
	b.WriteString(in.View() + "\n\n")
	switch {
	case v.running:
		b.WriteString(spin + " " + pr.T("tracing %s…", v.asked) + "\n")
	case v.err != nil:
		b.WriteString(s.Fail.Render(wrapped(v.err.Error(), width)) + "\n")
	default:
		// Every hop and the verdict, wrapped: the cause of a failure ends
		// its line.
		for _, l := range v.lines {
			indent := len(l) - len(strings.TrimLeft(l, " "))
			for i, w := range strings.Split(wrapped(strings.TrimLeft(l, " "), width-indent-2), "\n") {
				pad := strings.Repeat(" ", indent)
				if i > 0 {
					pad += "  "
				}
				b.WriteString(pad + w + "\n")
			}
		}
	}
	return b.String()
}
