package failure

import (
	"fmt"
	"strings"

	"github.com/godoctorhq/godoctor/internal/i18n"
)

// Reference is the families as a document, in pr's language: what each
// means, an example of the go command's own words, what can cause it,
// the settings and checks godoctor explain looks at, and what to do.
// docs/failures.md and docs/failures.zh-CN.md are this text.
func Reference(pr i18n.Printer) string {
	var b strings.Builder
	b.WriteString(pr.T("# The go command's failures that godoctor explain knows") + "\n\n")
	b.WriteString(pr.T("Made from the table in internal/failure (go test ./internal/failure -update); each example is what the go command printed on a machine set up to fail that way, and a test holds the table to it.") + "\n")
	for _, f := range Families {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n```\n%s\n```\n\n", f.ID, pr.T(f.Means), f.Example)
		fmt.Fprintf(&b, "%s %s\n\n", pr.T("Printed by:"), f.Source)
		b.WriteString(pr.T("What can cause it:") + "\n\n")
		for _, c := range f.Causes {
			fmt.Fprintf(&b, "- %s\n", pr.T(c))
		}
		fmt.Fprintf(&b, "\n%s `%s`\n\n", pr.T("Settings shown with their values:"), strings.Join(f.Settings, "`, `"))
		fmt.Fprintf(&b, "%s `%s`; %s\n\n", pr.T("Checks run:"), strings.Join(f.Checks, "`, `"), opWords(pr, f.Op))
		fmt.Fprintf(&b, "%s %s\n", pr.T("What to do:"), pr.T(f.Advice))
	}
	return b.String()
}

// opWords says what explain runs to reproduce a family.
func opWords(pr i18n.Printer, op string) string {
	switch op {
	case OpDownload:
		return pr.T("reproduced by downloading the module version the line names into a scratch module cache")
	case OpToolchain:
		return pr.T("reproduced by asking the project (or a scratch module) for the go version that runs, which switches toolchains")
	case OpBuild:
		return pr.T("reproduced by building a scratch program")
	case OpBuildCgo:
		return pr.T("reproduced by building a scratch program that uses cgo")
	case OpRun:
		return pr.T("reproduced by running a scratch program")
	case OpInstall:
		return pr.T("reproduced by asking where go install would write (go install -n)")
	case OpGet:
		return pr.T("reproduced by a go get in a scratch module")
	case OpProject:
		return pr.T("reproduced by loading the packages of the module or workspace here (go list ./...)")
	case OpProjectBuild:
		return pr.T("reproduced by building the module or workspace here (go build ./...)")
	case OpHere:
		return pr.T("reproduced by loading the packages here (go list ./...), or of a scratch module outside one")
	}
	return ""
}
