package remedy

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/gocmd"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/shell"
	"github.com/godoctorhq/godoctor/internal/system"
)

// Machine is a copy of the machine on which the go command runs without
// touching the user's files: its environment, and its go env file in a
// scratch directory. Remove it when done.
type Machine struct {
	Sys     *system.System
	scratch *gocmd.Scratch
}

// Runner runs the go that the machine's PATH finds.
func (m *Machine) Runner() gocmd.Runner {
	return gocmd.Runner{Sys: m.Sys, Go: m.Sys.LookPath("go")}
}

// Remove removes the scratch directory.
func (m *Machine) Remove() { m.scratch.Remove() }

// shellVariable reports the variables a shell profile exports that change
// what the go command does: its own settings, cgo's, and the HTTP proxy
// and certificate settings that net/http and crypto/x509 read.
func shellVariable(name string) bool {
	upper := strings.ToUpper(name)
	return strings.HasPrefix(name, "GO") || strings.HasPrefix(name, "CGO_") ||
		upper == "HTTP_PROXY" || upper == "HTTPS_PROXY" || upper == "NO_PROXY" ||
		name == "SSL_CERT_FILE" || name == "SSL_CERT_DIR"
}

// NewShell is the machine as a new shell sees it: the process environment
// with the variables that the start-up files export and this process
// lacks (godoctor may run from an IDE, cron or a login shell that skipped
// ~/.bashrc), without those in gone (exports a change took out).
func NewShell(sys *system.System, gone []string) *system.System {
	vars := make(map[string]string, len(sys.Env)+4)
	for k, v := range sys.Env {
		vars[k] = v
	}
	for name, lines := range shell.Exports(sys, shellVariable) {
		if _, ok := vars[name]; ok {
			continue
		}
		if v, ok := shell.Value(lines[len(lines)-1], name); ok {
			vars[name] = v
		}
	}
	for _, name := range gone {
		delete(vars, name)
	}
	next := *sys
	next.Env = vars
	return &next
}

// NextShell is the machine as a new shell will see it once action is
// made: the process environment with the variables that the start-up
// files export and this process lacks (godoctor may run from an IDE, cron
// or a login shell that skipped ~/.bashrc), without the exports the action
// comments out and the user variables it removes, with the directories it
// puts first on PATH; and the go env file as the action leaves it. Nothing
// of the user's is written.
func NextShell(ctx context.Context, sys *system.System, env *goenv.Snapshot, a change.Action) (*Machine, error) {
	// The go env file's copy is written by godoctor's own writer, whose
	// lines the go command reads as the values meant (FuzzUpdateEnvFile
	// holds what it writes to what its reader, the go command's, reads):
	// one run of the go command less per proof.
	plan, err := change.Build(ctx, sys, "", "next shell", a)
	if err != nil {
		return nil, err
	}
	scratch, err := gocmd.NewScratch()
	if err != nil {
		return nil, err
	}
	vars := NewShell(sys, a.Exported()).Env
	if path, off, err := goenv.UserEnvFile(sys); err == nil && !off {
		content, _ := system.ReadFile(path, system.MaxSettingsFile)
		for _, e := range plan.Edits {
			if e.Path == path && !e.UserVar {
				content = e.After
			}
		}
		file := filepath.Join(scratch.Dir, "env")
		if err := os.WriteFile(file, content, 0o600); err != nil {
			scratch.Remove()
			return nil, err
		}
		vars["GOENV"] = file
	}
	if len(a.PathDirs)+len(a.PathDrop) > 0 {
		var path []string
		path = append(path, a.PathDirs...)
		for _, dir := range sys.PathList() {
			if !slices.Contains(a.PathDrop, dir) && !slices.Contains(a.PathDirs, dir) {
				path = append(path, dir)
			}
		}
		vars["PATH"] = strings.Join(path, sys.ListSeparator())
	}
	next := *sys
	next.Env = vars
	return &Machine{Sys: &next, scratch: scratch}, nil
}
