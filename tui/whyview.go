package tui

import (
	"context"
	"regexp"
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
	// No placeholder: textinput pads it by runes, which leaves NULs
	// after wide (Chinese) text and cuts it without a mark; the view
	// says what to type on a line of its own, wrapped.
	in := textinput.New()
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

// hop matches the start of a numbered hop of a route ("1. ✗ proxy").
var hop = regexp.MustCompile(`^\d+\. `)

func (v whyView) view(s Styles, pr i18n.Printer, spin string, width int) string {
	var b strings.Builder
	b.WriteString(s.Title.Render(pr.T("How the go command would fetch a module from here")) + "\n\n")
	b.WriteString(s.Subtle.Render(wrapped(pr.T("module path[@version], for example golang.org/x/text@v0.14.0"), width)) + "\n")
	in := v.input
	in.SetWidth(max(width-4, 10))
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
			text := strings.TrimLeft(l, " ")
			// A hop's continuation lines start under its kind, past
			// "1. ✗ ", where its detail lines start too.
			hang := 2
			if hop.MatchString(text) {
				hang = 5
			}
			for i, w := range strings.Split(wrapped(text, width-indent-hang), "\n") {
				pad := strings.Repeat(" ", indent)
				if i > 0 {
					pad += strings.Repeat(" ", hang)
				}
				b.WriteString(pad + w + "\n")
			}
		}
	}
	return b.String()
}
