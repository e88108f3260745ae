// Package project is the Go project of the working directory as the go
// command sees it: its main modules (one, or a workspace's), the go.mod
// and go.work in force, the build list with the selected version and
// replacement of every module, and which of them the next build must
// download. It is read from the go command itself (go list -m -e -json
// all, offline), never guessed from go.mod alone.
package project

import (
	"context"
	"errors"
	"go/version"
	"os"
	"path/filepath"
	"strings"

	"github.com/godoctorhq/godoctor/internal/gocmd"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
)

// Project is the working directory's module or workspace; the zero value
// (no main module) is "not in a project".
type Project struct {
	// Dir is where the go command runs.
	Dir string
	// GoMod and GoWork are the files in force, "" when none.
	GoMod, GoWork string
	// Main are the main modules; Modules the rest of the build list, in
	// the go command's order.
	Main, Modules []gocmd.Module
	// Err is why the go command could not list the build list at all
	// (errors parsing go.mod, GOFLAGS, GO111MODULE=off...), nil otherwise.
	Err error
	// Vendored: builds read ./vendor (-mod=vendor, or a vendor directory
	// the go line makes the default), so nothing is downloaded.
	Vendored bool
	// Unlisted: go.mod needs updates that the next build makes itself
	// (-mod=mod), which godoctor does not make to list the build list.
	Unlisted bool
}

// In reports whether the working directory is in a module or workspace.
func (p *Project) In() bool { return p != nil && (p.GoMod != "" || p.GoWork != "") }

// Load reads the project of the working directory with the go command,
// offline: it downloads nothing, and the modules whose go.mod it would
// have to download carry the error that says so.
func Load(ctx context.Context, r gocmd.Runner, env *goenv.Snapshot) *Project {
	p := &Project{Dir: r.Sys.Dir}
	if env.Module != nil {
		p.GoMod = env.Module.GoModFile
	}
	if env.Work != nil {
		p.GoWork = env.Work.File
	}
	if !p.In() || r.Go == "" {
		return p
	}
	mode := modFlag(env.Value("GOFLAGS"))
	if p.Vendored = vendored(env, mode); p.Vendored {
		return p
	}
	mods, err := r.Modules(ctx, p.Dir, true)
	var ge *gocmd.Error
	if err != nil && mode == "mod" && errors.As(err, &ge) && strings.Contains(ge.Stderr, "updates to go.mod needed") {
		p.Unlisted = true
		return p
	}
	if err != nil && len(mods) == 0 {
		p.Err = err
		return p
	}
	for _, m := range mods {
		if m.Main {
			p.Main = append(p.Main, m)
		} else {
			p.Modules = append(p.Modules, m)
		}
	}
	return p
}

// modFlag is the -mod of GOFLAGS, "" when none.
func modFlag(goflags string) string {
	flags, _ := gosettings.ParseGOFLAGS(goflags)
	mode := ""
	for _, f := range flags {
		if f.Name == "mod" {
			mode = f.Value
		}
	}
	return mode
}

// vendored reports builds that read ./vendor: -mod=vendor, or no -mod and
// a vendor/modules.txt in a main module whose go line is 1.14 or newer
// (outside a workspace), as the go command decides.
func vendored(env *goenv.Snapshot, mode string) bool {
	if mode != "" || env.Work != nil || env.Module == nil {
		return mode == "vendor"
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(env.Module.GoModFile), "vendor", "modules.txt")); err != nil {
		return false
	}
	return env.Module.Go != "" && version.Compare("go"+env.Module.Go, "go1.14") >= 0
}

// Missing are the modules of the build list whose code is not in the
// module cache, which a build that imports them downloads first: every
// module with no extracted directory, but those a replacement makes a
// directory of this machine (never fetched, and never "private").
func (p *Project) Missing() []gocmd.Module {
	var out []gocmd.Module
	for _, m := range p.Modules {
		if m.Local() || m.Dir != "" || m.Version == "" && m.Replace == nil {
			continue
		}
		out = append(out, m)
	}
	return out
}
