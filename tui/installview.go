package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/progress"

	"github.com/godoctorhq/godoctor/installer"
	"github.com/godoctorhq/godoctor/internal/i18n"
)

// versionChoice is one line of the install picker.
type versionChoice struct {
	Version string // go1.21.5
	Why     string // "newest release", "go.mod asks for it", "installed now"
}

// installStage is where the install screen is.
type installStage int

const (
	installLoading installStage = iota
	installPicking
	installRunning
	installFinished
)

// installView picks a version, then shows the installer's progress.
type installView struct {
	stage    installStage
	choices  []versionChoice
	cursor   int
	err      error
	progress progress.Model
	last     installer.Progress
	result   string
	events   chan installer.Progress
	finished chan struct{} // closed when the running install has cleaned up
	done     chan installDoneMsg
}

func newInstallView() installView {
	return installView{stage: installLoading, progress: progress.New(progress.WithoutPercentage(), progress.WithFillCharacters('█', '░'))}
}

func (v installView) move(d int) installView {
	if v.stage == installPicking {
		v.cursor = min(max(v.cursor+d, 0), max(len(v.choices)-1, 0))
	}
	return v
}

func (v installView) selected() (versionChoice, bool) {
	if v.stage != installPicking || v.cursor >= len(v.choices) {
		return versionChoice{}, false
	}
	return v.choices[v.cursor], true
}

func (v installView) view(st Styles, pr i18n.Printer, spinner string, width int) string {
	var b strings.Builder
	b.WriteString(st.Title.Render(pr.T("Install Go")) + st.Subtle.Render(pr.T(" · verified before it becomes visible")) + "\n\n")
	if v.err != nil {
		b.WriteString(st.Fail.Render(wrapped(v.err.Error(), width)) + "\n")
	}
	switch v.stage {
	case installLoading:
		b.WriteString(spinner + " " + pr.T("finding versions…") + "\n")
	case installPicking:
		for i, c := range v.choices {
			line := fmt.Sprintf("  %-10s %s", c.Version, st.Subtle.Render(c.Why))
			if i == v.cursor {
				line = st.Selected.Render("> "+fmt.Sprintf("%-10s ", c.Version)) + st.Subtle.Render(c.Why)
			}
			b.WriteString(line + "\n")
		}
		b.WriteString("\n" + st.Subtle.Render(pr.T("enter installs the selected version into ~/sdk")) + "\n")
	case installRunning:
		v.progress.SetWidth(max(min(width-4, 60), 10))
		frac := 0.0
		if v.last.Total > 0 {
			frac = float64(v.last.Done) / float64(v.last.Total)
		}
		b.WriteString(spinner + " " + pr.T(v.last.Phase) + "\n")
		b.WriteString(v.progress.ViewAs(frac) + "\n")
		line := fmt.Sprintf("%.1f / %.1f MiB", float64(v.last.Done)/(1<<20), float64(v.last.Total)/(1<<20))
		if v.last.Speed > 0 {
			line += pr.T(" · %.1f MiB/s", v.last.Speed/(1<<20))
		}
		if v.last.Remaining > 0 {
			line += pr.T(" · %s left", v.last.Remaining.Round(time.Second))
		}
		b.WriteString(st.Subtle.Render(line) + "\n")
	case installFinished:
		b.WriteString(st.OK.Render(wrapped(v.result, width)) + "\n")
	}
	return b.String()
}
