// Package tui is godoctor's terminal interface. It only renders and
// dispatches: checks, the mirror benchmark and the installer run in their
// own packages, whose event streams the models subscribe to.
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"golang.org/x/mod/module"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/installer"
	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/report"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/mirrors"
)

// Config is what the TUI needs to run.
type Config struct {
	Sys     *system.System
	Checks  []*checks.Check
	Options checks.Options
	Version string
	NoColor bool
	// Out receives the summary printed after the TUI closes, so that the
	// findings stay in the scrollback.
	Out io.Writer
}

// screen is what the main area shows.
type screen int

const (
	screenChecks screen = iota
	screenMirrors
	screenInstall
	screenWhy
)

// Model is the root model: it routes keys and messages to the screens.
type Model struct {
	cfg      Config
	ctx      context.Context
	screen   screen
	confirm  *confirmation
	showHelp bool

	list    checkList
	run     int
	events  <-chan checks.Event
	mirrors mirrorView
	install installView
	why     whyView

	status    string
	statusBad bool
	// bodyY and bodyX scroll the body of the screens other than the
	// check list (which scrolls its details pane) and of a question.
	bodyY, bodyX int
	// next are the next steps that the summary left in the scrollback
	// repeats (an installed toolchain to make the default).
	next []string
	// fixing is the check whose fix is being applied; outcome what the
	// re-run of that check should say once it finishes.
	fixing  string
	outcome *fixOutcome
	// stopChecks and stopMirrors cancel the latest run of the checks and
	// of the benchmark: starting one again stops the one before.
	// stopInstall cancels the install being asked about or running: esc
	// on the install screen, while it runs, is that.
	stopChecks, stopMirrors, stopInstall context.CancelFunc
	// interrupted is set by Ctrl-C: godoctor ends as the command line does
	// when interrupted, work cancelled and cleaned up, exit 130.
	interrupted bool

	spinner spinner.Model
	help    help.Model
	keys    keyMap
	styles  Styles
	width   int
	height  int
}

// New returns the root model for a run whose first events arrive on
// events.
func New(ctx context.Context, cfg Config, events <-chan checks.Event) Model {
	sp := spinner.New(spinner.WithSpinner(spinner.MiniDot))
	styles := NewStyles(cfg.NoColor, true)
	return Model{
		cfg:     cfg,
		ctx:     ctx,
		events:  events,
		list:    newCheckList(cfg.Checks),
		install: newInstallView(),
		spinner: sp,
		help:    newHelp(styles),
		keys:    defaultKeys(i18n.Printer{Lang: cfg.Options.Lang}),
		styles:  styles,
		width:   80,
		height:  24,
	}
}

// newHelp is the footer's key help, in the styles.
func newHelp(st Styles) help.Model {
	h := help.New()
	key := st.Strong
	h.Styles = help.Styles{
		ShortKey: key, ShortDesc: st.Subtle, ShortSeparator: st.Subtle, Ellipsis: st.Subtle,
		FullKey: key, FullDesc: st.Subtle, FullSeparator: st.Subtle,
	}
	return h
}

// T translates a message into the run's language.
func (m Model) T(format string, args ...any) string { return m.pr().T(format, args...) }

func (m Model) pr() i18n.Printer { return i18n.Printer{Lang: m.cfg.Options.Lang} }

// Failed reports whether any check failed in the latest run, or, for a
// check the latest run has not finished, in the run before.
func (m Model) Failed() bool {
	for _, r := range m.list.rows {
		if r.state == rowDone && r.result.Status == checks.Fail || r.state != rowDone && r.previous != nil && r.previous.Status == checks.Fail {
			return true
		}
	}
	return false
}

// Init starts the spinner and the event stream, and asks the terminal for
// its background colour; the answer, when one comes, chooses the palette.
func (m Model) Init() tea.Cmd {
	return tea.Batch(m.spinner.Tick, waitForEvent(m.run, m.events), tea.RequestBackgroundColor)
}

// fixOutcome is a change made by a fix, waiting for its check's re-run.
type fixOutcome struct {
	check string
	// shellFiles are the files that only a new shell reads (profiles, the
	// user environment); this process still has the old values.
	shellFiles []string
}

// rerun starts the checks again, the cursor and the pane where they were.
func (m Model) rerun() (Model, tea.Cmd) {
	m.run++
	old := m.list
	m.list = newCheckList(m.cfg.Checks)
	m.list.cursor, m.list.expanded, m.list.moved = min(old.cursor, max(len(m.list.rows)-1, 0)), old.expanded, true
	for i := range m.list.rows {
		if i < len(old.rows) && old.rows[i].check == m.list.rows[i].check && old.rows[i].state == rowDone {
			res := old.rows[i].result
			m.list.rows[i].previous = &res
		}
	}
	if m.stopChecks != nil {
		m.stopChecks()
	}
	var ctx context.Context
	ctx, m.stopChecks = context.WithCancel(m.ctx)
	m.events = checks.Run(ctx, m.cfg.Checks, m.cfg.Sys, m.cfg.Options)
	return m, waitForEvent(m.run, m.events)
}

func (m Model) say(s string, bad bool) Model {
	m.status, m.statusBad = s, bad
	return m
}

func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.update(msg)
	n := next.(Model)
	if _, tick := msg.(spinner.TickMsg); tick {
		return n, cmd // ten times a second: nothing moved
	}
	_, listH, _ := n.checksHeights()
	n.list.top, _ = window(len(n.list.rows), n.list.cursor, listH, n.list.top)
	if n.screen != m.screen || n.confirm != m.confirm || n.showHelp != m.showHelp {
		// Another body: it starts at its top left, whatever the one
		// before was scrolled to.
		n.bodyY, n.bodyX = 0, 0
	}
	return n, cmd
}

func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		if msg.Width <= 0 || msg.Height <= 0 {
			return m, nil // a pty that reports 0x0: keep 80x24
		}
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.BackgroundColorMsg:
		m.styles = NewStyles(m.cfg.NoColor, msg.IsDark())
		width := m.help.Width()
		m.help = newHelp(m.styles)
		m.help.SetWidth(width)
		return m, nil
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case progress.FrameMsg:
		var cmd tea.Cmd
		m.install.progress, cmd = m.install.progress.Update(msg)
		return m, cmd

	case checkEventMsg:
		if msg.run != m.run {
			return m, nil
		}
		m.list = m.list.apply(msg.ev)
		if m.run == 0 {
			m.list = m.list.lead()
		}
		if o := m.outcome; o != nil && msg.ev.Kind == checks.Finished && msg.ev.Check.ID == o.check {
			m.outcome = nil
			m = m.sayOutcome(msg.ev, o)
		}
		return m, waitForEvent(m.run, m.events)
	case checksDoneMsg:
		return m, nil
	case whyMsg:
		if msg.id != m.why.id {
			return m, nil // a trace asked for before the one shown
		}
		m.why.running, m.why.lines, m.why.err = false, msg.lines, msg.err
		return m, nil

	case planMsg:
		switch {
		case msg.err != nil:
			return m.say(m.T("cannot plan the change: %v", msg.err), true), nil
		case msg.plan.Empty():
			return m.say(m.T("%s: nothing to change, already so", msg.plan.Title), false), nil
		}
		m.status = "" // the question replaces "planning…"
		m.confirm = &confirmation{title: msg.plan.Title, preview: msg.plan.Preview(m.pr()), onYes: applyCmd(m.cfg.Sys, msg.plan)}
		m.bodyY, m.bodyX = 0, 0
		return m, nil
	case appliedMsg:
		if msg.err != nil {
			return m.say(m.T("not changed: %v", msg.err), true), nil
		}
		m = m.say(m.T("changed %d file(s); godoctor undo puts them back. Re-running the checks.", len(msg.entry.Files)), false)
		m.screen = screenChecks
		if m.fixing != "" {
			m.outcome = &fixOutcome{check: m.fixing, shellFiles: shellFiles(m.cfg.Sys, msg.entry)}
		}
		m.fixing = ""
		return m.rerun()

	case mirrorsStartedMsg:
		m.mirrors = m.mirrors.started(msg)
		if msg.err != nil {
			return m, nil
		}
		return m, waitMirror(msg.events)
	case mirrorEventMsg:
		if msg.from != m.mirrors.events {
			return m, nil // a benchmark that was started again
		}
		m.mirrors = m.mirrors.apply(msg.ev)
		if msg.ev.Kind == mirrors.Done {
			if m.status == m.T("when the benchmark is done, enter uses the selected mirror") {
				m.status = "" // done: the screen says what enter does now
			}
			return m, nil
		}
		return m, waitMirror(m.mirrors.events)

	case versionsMsg:
		m.install.err = msg.err
		if msg.err == nil {
			m.install.choices, m.install.stage, m.install.cursor = msg.choices, installPicking, 0
		}
		return m, nil
	case installPlanMsg:
		if msg.err != nil {
			return m.say(m.T("cannot install: %v", msg.err), true), nil
		}
		if msg.plan.Installed() {
			return m.say(m.T("%s is already installed in %s", msg.plan.Version, msg.plan.Target), false), nil
		}
		preview := m.T("source %s: %s\ntarget %s\nverified against the checksum database %s before it becomes visible\n",
			msg.plan.Source, redact.URL(msg.plan.URL), msg.plan.Target, msg.opts.SumDB.Name)
		ctx, stop := context.WithCancel(m.ctx)
		m.stopInstall = stop
		m.confirm = &confirmation{title: m.T("Install %s", msg.plan.Version), preview: preview, onYes: startInstallCmd(ctx, msg.plan, msg.opts), onNo: stop}
		m.status = "" // the question replaces "resolving…"
		m.bodyY, m.bodyX = 0, 0
		return m, nil
	case installStartedMsg:
		m.install.stage, m.install.err, m.status = installRunning, nil, ""
		m.install.events, m.install.done, m.install.finished = msg.progress, msg.done, msg.finished
		return m, waitInstall(msg.progress, msg.done)
	case installProgressMsg:
		m.install.last = installer.Progress(msg)
		return m, waitInstall(m.install.events, m.install.done)
	case installDoneMsg:
		m.install.stage, m.status = installFinished, ""
		switch {
		case errors.Is(msg.err, context.Canceled) && m.ctx.Err() == nil:
			m.install.result = ""
			m.install.err = errors.New(m.T("Install cancelled: nothing was installed; what was downloaded is kept for the next try."))
		case msg.err == nil || errors.Is(msg.err, installer.ErrAlreadyInstalled):
			step := m.T("make it the go of your shells: godoctor install %s --default", strings.TrimPrefix(msg.plan.Version, "go"))
			m.install.result = m.T("Installed %[1]s in %[2]s. Next, %[3]s", msg.plan.Version, msg.plan.Target, step)
			if !slices.Contains(m.next, step) {
				m.next = append(m.next, step)
			}
			// The checks that named the release see it now.
			return m.rerun()
		default:
			m.install.result = ""
			m.install.err = errors.New(m.T("Install failed, nothing was installed: %v", msg.err))
		}
		return m, nil
	}
	return m, nil
}

// key handles a key press: the confirmation first, then the global keys,
// then the screen's own.
func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, m.keys.Interrupt) {
		m.interrupted = true
		return m, tea.Quit
	}
	if m.confirm != nil {
		// Only y changes anything and only n or esc declines; the keys that
		// scroll scroll the preview, and any other key waits for an answer.
		switch {
		case key.Matches(msg, m.keys.Yes):
			cmd := m.confirm.onYes
			m.confirm = nil
			return m.say(m.T("working…"), false), cmd
		case key.Matches(msg, m.keys.NoKeys):
			if m.confirm.onNo != nil {
				m.confirm.onNo()
			}
			m.confirm = nil
			return m.say(m.T("not changed"), false), nil
		}
		return m.scrollBody(msg), nil
	}
	if m.showHelp {
		// The list of keys scrolls; ? or esc closes it.
		switch {
		case key.Matches(msg, m.keys.CloseHelp):
			m.showHelp = false
			return m, nil
		case key.Matches(msg, m.keys.Quit):
			return m, tea.Quit
		}
		return m.scrollBody(msg), nil
	}
	if m.screen == screenWhy {
		// Every key but esc and enter is text for the module path.
		return m.whyKey(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m, tea.Quit
	case key.Matches(msg, m.keys.Help):
		m.showHelp = !m.showHelp
		return m, nil
	case key.Matches(msg, m.keys.Back) && m.screen == screenInstall && m.install.stage == installRunning:
		// esc while it runs cancels it: the installer removes what it
		// staged, and its outcome comes on this screen.
		m.stopInstall()
		return m.say(m.T("cancelling the install…"), false), nil
	case key.Matches(msg, m.keys.Back):
		m.screen, m.status = screenChecks, ""
		m.bodyY, m.bodyX = 0, 0
		return m, nil
	}
	if m.screen != screenChecks && key.Matches(msg, m.keys.ScrollUp, m.keys.ScrollDown, m.keys.Left, m.keys.Right) {
		return m.scrollBody(msg), nil
	}
	switch m.screen {
	case screenMirrors:
		return m.mirrorKey(msg)
	case screenInstall:
		return m.installKey(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Up):
		m.list = m.list.move(-1)
	case key.Matches(msg, m.keys.Down):
		m.list = m.list.move(1)
	case key.Matches(msg, m.keys.First):
		m.list = m.list.move(-len(m.list.rows))
	case key.Matches(msg, m.keys.Last):
		m.list = m.list.move(len(m.list.rows))
	case key.Matches(msg, m.keys.NextProblem):
		m.list = m.list.nextProblem(1)
	case key.Matches(msg, m.keys.PrevProblem):
		m.list = m.list.nextProblem(-1)
	case key.Matches(msg, m.keys.Details):
		m.list = m.list.toggle()
	case key.Matches(msg, m.keys.ScrollUp, m.keys.ScrollDown, m.keys.Left, m.keys.Right):
		m.list = m.scrollDetails(msg)
	case key.Matches(msg, m.keys.Copy):
		return m.copyFix()
	case key.Matches(msg, m.keys.Rerun):
		m.status = ""
		return m.rerun()
	case key.Matches(msg, m.keys.Mirrors):
		return m.openMirrors()
	case key.Matches(msg, m.keys.Install):
		return m.openInstall(nil)
	case key.Matches(msg, m.keys.Fix):
		return m.fix()
	case key.Matches(msg, m.keys.Why):
		return m.openWhy()
	}
	return m, nil
}

// sayOutcome tells what a fix changed once its check ran again: fixed;
// written for new shells (this process keeps its environment); or still
// not right, and what the check finds now.
func (m Model) sayOutcome(ev checks.Event, o *fixOutcome) Model {
	title := m.T(ev.Check.Title)
	switch {
	case ev.Result.Status == checks.OK:
		return m.say(m.T("%s: fixed", title), false)
	case len(o.shellFiles) > 0:
		return m.say(m.T("%s: written to %s; takes effect in a new shell: open one, then run godoctor again", title, strings.Join(o.shellFiles, ", ")), false)
	}
	return m.say(m.T("%s: changed, but the check still finds: %s", title, ev.Result.Summary), true)
}

// shellFiles are the files of a change that only new shells read: every
// file but the go env file, which the go command reads on each run.
func shellFiles(sys *system.System, e change.Entry) []string {
	envFile, _, _ := goenv.UserEnvFile(sys)
	var out []string
	for _, f := range e.Files {
		if f.Path != envFile {
			out = append(out, f.Path)
		}
	}
	return out
}

// scrollDetails pages the details pane up or down, or moves it sideways,
// within what it holds.
func (m Model) scrollDetails(msg tea.KeyPressMsg) checkList {
	_, _, pane := m.checksHeights()
	l := m.list
	_, l.scroll, l.xscroll = l.detailPane(m.styles, m.pr(), m.width, pane)
	page := max(pane-1, 1)
	switch {
	case key.Matches(msg, m.keys.ScrollUp):
		l.scroll -= page
	case key.Matches(msg, m.keys.ScrollDown):
		l.scroll += page
	case key.Matches(msg, m.keys.Left):
		l.xscroll -= max(m.width/2, 8)
	case key.Matches(msg, m.keys.Right):
		l.xscroll += max(m.width/2, 8)
	}
	_, l.scroll, l.xscroll = l.detailPane(m.styles, m.pr(), m.width, pane) // clamped
	return l
}

// copyFix puts the selected finding's first fix command on the clipboard,
// with OSC 52, which terminals and tmux pass to the system's clipboard.
func (m Model) copyFix() (tea.Model, tea.Cmd) {
	row := m.list.rows[m.list.cursor]
	for _, f := range row.result.Fixes {
		if f.Command != "" {
			return m.say(m.T("copied to the clipboard (OSC 52): %s", f.Command), false), tea.SetClipboard(f.Command)
		}
	}
	return m.say(m.T("%s proposes no command to copy", m.T(row.check.Title)), false), nil
}

// checksHeights divides the checks screen: the lines for the body, the
// list and the details pane.
//
// The heights depend on the terminal and the number of checks only, never
// on the selected finding: moving the cursor never makes the list jump;
// a long finding scrolls inside its pane.
func (m Model) checksHeights() (room, list, pane int) {
	room = m.room()
	list = min(len(m.list.rows), room)
	if !m.list.expanded {
		return room, list, 0
	}
	list = min(len(m.list.rows), max(3, room-1-max(room*2/5, 3)))
	return room, list, max(room-list-1, 0)
}

// room is the body's height: the frame less the header, the status line
// and the footer, which are always there.
func (m Model) room() int {
	return max(m.height-2-lipglossHeight(m.foot())-1, 3)
}

// foot is the status line and the footer of the screen shown.
func (m Model) foot() string {
	return m.statusLine() + "\n" + m.shortHelp()
}

// shortHelp is the footer's line of keys: as many of the screen's keys as
// fit, most used first, and ? and q always, so that the way to every key
// and the way out are never cut.
func (m Model) shortHelp() string {
	st := footState{confirming: m.confirm != nil, installing: m.install.stage == installRunning, installed: m.install.stage == installFinished}
	if len(m.list.rows) > 0 {
		row := m.list.rows[m.list.cursor]
		st.route, st.fixable = moduleChecks[row.check.ID], len(row.result.Fixes) > 0
	}
	all := m.keys.short(m.screen, st)
	if m.showHelp {
		all = []key.Binding{m.keys.Scroll, m.keys.CloseHelp, m.keys.Quit}
	}
	keep := m.keys.always(m.screen)
	var always, rest []key.Binding
	for _, b := range all {
		if slices.ContainsFunc(keep, func(k key.Binding) bool { return k.Help().Key == b.Help().Key }) {
			always = append(always, b)
		} else {
			rest = append(rest, b)
		}
	}
	h := m.help
	h.SetWidth(0) // measured here, not cut by the help
	line := h.ShortHelpView(always)
	for n := len(rest); n >= 0; n-- {
		line = h.ShortHelpView(append(append([]key.Binding(nil), rest[:n]...), always...))
		if ansi.StringWidth(line) <= m.width {
			break
		}
	}
	return line
}

// openWhy asks for a module to trace, from a check about fetching modules.
func (m Model) openWhy() (tea.Model, tea.Cmd) {
	row := m.list.rows[m.list.cursor]
	if !moduleChecks[row.check.ID] {
		return m.say(m.T("w traces a module from the checks about fetching modules (proxy, checksum database, private modules, cache)"), false), nil
	}
	if m.screen = screenWhy; m.why.input.CharLimit == 0 {
		m.why = newWhyView(m.pr())
	}
	// A new question: the last route stays shown until it is asked.
	m.why.input.SetValue("")
	m.status = ""
	return m, textinput.Blink
}

func (m Model) whyKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.ScrollUp, m.keys.ScrollDown):
		// The route scrolls; every other key is text for the module.
		return m.scrollBody(msg), nil
	case key.Matches(msg, m.keys.Back):
		m.screen, m.status = screenChecks, ""
		return m, nil
	case key.Matches(msg, m.keys.Details):
		arg := strings.TrimSpace(m.why.input.Value())
		if arg == "" {
			return m, nil
		}
		m.why.id++
		m.why.running, m.why.asked, m.why.err = true, arg, nil
		return m, traceCmd(m.ctx, m.cfg.Sys, m.pr(), m.cfg.Options.Offline, m.cfg.Options.Timeout, m.why.id, arg)
	}
	var cmd tea.Cmd
	m.why.input, cmd = m.why.input.Update(msg)
	return m, cmd
}

// fix applies the selected check's first fix that godoctor can make.
func (m Model) fix() (tea.Model, tea.Cmd) {
	row := m.list.rows[m.list.cursor]
	if row.state != rowDone {
		return m.say(m.T("%s is still running", m.T(row.check.Title)), false), nil
	}
	for _, f := range row.result.Fixes {
		if f.Action == nil {
			continue
		}
		switch {
		case f.Action.Install != "":
			return m.openInstall([]versionChoice{{Version: f.Action.Install, Why: f.Title}})
		case f.Action.FastestMirror:
			next, cmd := m.openMirrors()
			return next.(Model).say(m.T("when the benchmark is done, enter uses the selected mirror"), false), cmd
		}
		m.fixing = row.check.ID
		return m.say(m.T("planning: %s", f.Title), false), planCmd(m.ctx, m.cfg.Sys, f.Title, *f.Action.Change)
	}
	if len(row.result.Fixes) > 0 {
		return m.say(m.T("no automatic fix; by hand: %s", row.result.Fixes[0].Command), false), nil
	}
	return m.say(m.T("%s proposes no fix", m.T(row.check.Title)), false), nil
}

func (m Model) openMirrors() (tea.Model, tea.Cmd) {
	m.screen, m.status = screenMirrors, ""
	if m.mirrors.list != nil && m.mirrors.report == nil && m.mirrors.err == nil {
		return m, nil // already running
	}
	return m.startMirrors()
}

// startMirrors starts the benchmark, stopping one still running.
func (m Model) startMirrors() (tea.Model, tea.Cmd) {
	if m.stopMirrors != nil {
		m.stopMirrors()
	}
	var ctx context.Context
	ctx, m.stopMirrors = context.WithCancel(m.ctx)
	m.mirrors = mirrorView{}
	return m, startMirrorsCmd(ctx, m.cfg.Sys, m.cfg.Options.Timeout)
}

func (m Model) openInstall(preset []versionChoice) (tea.Model, tea.Cmd) {
	m.screen, m.status = screenInstall, ""
	if m.install.stage == installRunning {
		return m, nil
	}
	m.install = newInstallView()
	if preset != nil {
		m.install.choices, m.install.stage = preset, installPicking
		return m, nil
	}
	return m, versionsCmd(m.ctx, m.cfg.Sys, m.pr(), m.cfg.Options.Timeout)
}

func (m Model) mirrorKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Up, m.keys.Down):
		d := 1
		if key.Matches(msg, m.keys.Up) {
			d = -1
		}
		m.mirrors = m.mirrors.move(d)
		m.status = "" // it was about the row left
		return m.showCursor(), nil
	case key.Matches(msg, m.keys.Rerun):
		return m.startMirrors()
	case key.Matches(msg, m.keys.Details):
		r, ok := m.mirrors.selected()
		switch {
		case ok:
			// The check that says whether the mirror works is env.goproxy's
			// re-run: its outcome is the answer.
			m.fixing = "env.goproxy"
			return m.say(m.T("planning: use %s", r.Name), false), useMirrorCmd(m.ctx, m.cfg.Sys, m.pr(), r)
		case m.mirrors.report == nil:
			return m.say(m.T("still measuring; enter uses a mirror once they are ranked"), false), nil
		case r.Name != "":
			return m.say(m.T("%[1]s cannot be used: %[2]s", r.Name, mirrorCause(m.pr(), r)), true), nil
		}
	}
	return m, nil
}

func (m Model) installKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Up):
		m.install = m.install.move(-1)
		return m.showCursor(), nil
	case key.Matches(msg, m.keys.Down):
		m.install = m.install.move(1)
		return m.showCursor(), nil
	case key.Matches(msg, m.keys.Details):
		if c, ok := m.install.selected(); ok {
			return m.say(m.T("resolving %s", c.Version), false), installPlanCmd(m.ctx, m.cfg.Sys, c.Version, m.cfg.Options.Timeout)
		}
	}
	return m, nil
}

// View is the frame, on the alternate screen.
func (m Model) View() tea.View {
	v := tea.NewView(m.frame())
	v.AltScreen = true
	return v
}

// bodyLines are the lines of the body of a question or of a screen other
// than the check list, whole: the frame shows what fits (pane), and the
// scrolling keys move over the rest. nil on the check list.
func (m Model) bodyLines() []string {
	var s string
	switch {
	case m.showHelp:
		return helpLines(m.styles, m.keys.sections(m.pr()))
	case m.confirm != nil:
		return m.confirm.lines(m.styles, m.pr())
	case m.screen == screenMirrors:
		s = m.mirrors.view(m.styles, m.pr(), m.spinner.View(), m.width)
	case m.screen == screenInstall:
		s = m.install.view(m.styles, m.pr(), m.spinner.View(), m.width)
	case m.screen == screenWhy:
		s = m.why.view(m.styles, m.pr(), m.spinner.View(), m.width)
	default:
		return nil
	}
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}

// scrollBody pages the body up or down (up and down move a line in a
// question), or moves it sideways, within what it holds.
func (m Model) scrollBody(msg tea.KeyPressMsg) Model {
	page := max(m.room()-1, 1)
	switch {
	case key.Matches(msg, m.keys.ScrollUp):
		m.bodyY -= page
	case key.Matches(msg, m.keys.ScrollDown):
		m.bodyY += page
	case key.Matches(msg, m.keys.Up):
		m.bodyY--
	case key.Matches(msg, m.keys.Down):
		m.bodyY++
	case key.Matches(msg, m.keys.Left):
		m.bodyX -= max(m.width/2, 8)
	case key.Matches(msg, m.keys.Right):
		m.bodyX += max(m.width/2, 8)
	}
	_, m.bodyY, m.bodyX = pane(m.styles, m.pr(), m.bodyLines(), m.width, m.room(), m.bodyY, m.bodyX, "") // clamped
	return m
}

// showCursor scrolls the body so that its selected row (the line that
// starts with "> ") is in view, after the cursor moved or the body was
// paged away from it.
func (m Model) showCursor() Model {
	lines := m.bodyLines()
	at := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(ansi.Strip(l), "> ") })
	if at < 0 {
		return m
	}
	h := max(m.room()-1, 1)
	switch {
	case at < m.bodyY:
		m.bodyY = at
	case at >= m.bodyY+h:
		m.bodyY = at - h + 1
	}
	_, m.bodyY, m.bodyX = pane(m.styles, m.pr(), lines, m.width, m.room(), m.bodyY, m.bodyX, "") // clamped
	return m
}

// frame renders the screen.
func (m Model) frame() string {
	header := m.styles.Title.Render("godoctor "+shortVersion(m.cfg.Version)) + m.styles.Subtle.Render(m.T(" · this machine's Go set-up"))
	foot := m.foot()
	room := m.room()
	var body string
	if lines := m.bodyLines(); lines != nil {
		shown, _, _ := pane(m.styles, m.pr(), lines, m.width, room, m.bodyY, m.bodyX, m.T("←/→ sideways"))
		body = strings.Join(shown, "\n")
	} else {
		_, listH, paneH := m.checksHeights()
		body = m.list.view(m.styles, m.pr(), m.spinner.View(), m.width, listH)
		if pane, _, _ := m.list.detailPane(m.styles, m.pr(), m.width, paneH); len(pane) > 0 {
			body += "\n" + strings.Join(pane, "\n") + "\n"
		}
	}
	body = cutLines(strings.TrimRight(body, "\n"), room)
	// The status line and the footer keep their place at the bottom,
	// however long the body is.
	if n := strings.Count(body, "\n") + 1; n < room {
		body += strings.Repeat("\n", room-n)
	}
	// Every frame passes the output layer, whatever a finding, a server or
	// a file holds: credentials masked, control characters shown as
	// escapes (only lipgloss's colours are kept), before lines are cut to
	// the width.
	return fitWidth(redact.Escape(redact.Text(header+"\n\n"+body+"\n\n"+foot), redact.AnySGR), m.width)
}

func lipglossHeight(s string) int { return strings.Count(s, "\n") + 1 }

// shortVersion is a version for the title: a pseudo-version, 38
// characters long, as its commit (devel 93379eb); others as they are.
func shortVersion(v string) string {
	if module.IsPseudoVersion(v) {
		if rev, err := module.PseudoVersionRev(v); err == nil && len(rev) >= 7 {
			return "devel " + rev[:7]
		}
	}
	return v
}

// cutLines keeps the first n lines.
func cutLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

func (m Model) statusLine() string {
	if m.status != "" {
		// Wrapped, every line of it: the part to act on (a cause, the next
		// step) is often at the end.
		style := m.styles.Subtle
		if m.statusBad {
			style = m.styles.Fail
		}
		var lines []string
		for _, l := range strings.Split(wrapped(m.status, m.width), "\n") {
			lines = append(lines, style.Render(l))
		}
		return strings.Join(lines, "\n")
	}
	c := m.list.counts()
	words := report.Tally(m.pr(), report.Summary{OK: c[checks.OK], Warn: c[checks.Warn], Fail: c[checks.Fail], Skip: c[checks.Skip]})
	for i, st := range []checks.Status{checks.OK, checks.Warn, checks.Fail, checks.Skip} {
		style := m.styles.Subtle
		if c[st] > 0 && (st == checks.Warn || st == checks.Fail) {
			style = statusStyle(m.styles, st)
		}
		words[i] = style.Render(words[i])
	}
	s := strings.Join(words, m.styles.Subtle.Render(" · "))
	if m.list.finished() && m.screen == screenChecks && len(m.list.rows) > 0 && len(m.list.rows[m.list.cursor].result.Fixes) > 0 {
		// What to do next, where the selected finding has a fix, when it
		// fits beside the tally (the footer names f too).
		if hint := m.styles.Subtle.Render(" · ") + m.styles.Strong.Render(m.T("f fixes the selected finding")); ansi.StringWidth(s+hint) <= m.width {
			s += hint
		}
	}
	if !m.list.finished() {
		s = m.styles.Subtle.Render(m.T("checking…")+" ") + s
	}
	// Wrapped, not cut, on a narrow terminal.
	return wrapped(s, m.width)
}

// fitWidth cuts every line to the terminal's width, so that nothing wraps
// and the frame keeps its height.
func fitWidth(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, width, "…")
	}
	return strings.Join(lines, "\n")
}

// summary is what stays in the scrollback: each check's mark, title and
// summary from the latest run, with every fix command of a finding that is
// not ok in full; a check the run did not finish says so.
func (m Model) summary() string {
	var b strings.Builder
	for _, r := range m.list.rows {
		if r.state != rowDone {
			fmt.Fprintf(&b, "· %s: %s", m.T(r.check.Title), m.T("not finished"))
			if p := r.previous; p != nil {
				fmt.Fprintf(&b, " (%s %s)", m.T("the run before:"), report.Marks[p.Status]+" "+p.Summary)
			}
			b.WriteString("\n")
			continue
		}
		fmt.Fprintf(&b, "%s %s: %s\n", report.Marks[r.result.Status], m.T(r.check.Title), r.result.Summary)
		if r.result.Status == checks.Warn || r.result.Status == checks.Fail {
			for _, f := range r.result.Fixes {
				fmt.Fprintf(&b, "    %s\n", m.T("fix: %s", f.Title))
				if f.Command != "" {
					fmt.Fprintf(&b, "      %s\n", f.Command)
				}
			}
		}
	}
	for _, step := range m.next {
		fmt.Fprintf(&b, "%s %s\n", m.T("next:"), step)
	}
	return redact.Display(b.String())
}

// Run starts the engine and the TUI and returns when the user quits.
// The context is cancelled on the way out, which stops running work.
func Run(ctx context.Context, cfg Config) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if cfg.Options.Timeout == 0 {
		cfg.Options.Timeout = 5 * time.Second
	}
	// The first run has its own context too, so that r stops it.
	firstCtx, stopFirst := context.WithCancel(ctx)
	m := New(ctx, cfg, checks.Run(firstCtx, cfg.Checks, cfg.Sys, cfg.Options))
	m.stopChecks = stopFirst
	final, err := tea.NewProgram(m, tea.WithContext(ctx)).Run()
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		return err
	}
	last, ok := final.(Model)
	if !ok {
		return nil
	}
	return last.finish(cancel, cfg.Out, errors.Is(err, tea.ErrProgramKilled))
}

// cleanupWait bounds how long the way out waits for running work to clean
// up after it was cancelled.
const cleanupWait = 30 * time.Second

// finish ends a run: the work still running is cancelled and, for an
// install, waited for until its clean-up is done (its staging directory
// removed, its partial download kept), as the command line does; then the
// summary, and the outcome: ErrInterrupted after Ctrl-C or a signal.
func (m Model) finish(cancel context.CancelFunc, out io.Writer, killed bool) error {
	cancel()
	if m.install.stage == installRunning && m.install.finished != nil {
		select {
		case <-m.install.finished:
		case <-time.After(cleanupWait):
		}
	}
	if out != nil {
		io.WriteString(out, m.summary())
	}
	switch {
	case m.interrupted || killed:
		return ErrInterrupted
	case m.Failed():
		return ErrChecksFailed
	}
	return nil
}
