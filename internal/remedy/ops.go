package remedy

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/internal/gocmd"
)

// Operation is something the user runs that the go command judges: a
// check runs it to tell whether a setting breaks it, and a fix is offered
// only once it works on the next shell (Prove). Operations that need no
// project run in a scratch module of one main package, so that they write
// nothing but the build cache; downloads go into a scratch module cache.
type Operation struct {
	// Name is how a report and the JSON's "verified" name it.
	Name string
	// Dir is the project directory it runs in; "" runs it in a scratch
	// module.
	Dir  string
	Args []string
	// Fetch gives it a scratch module cache: it downloads and verifies as
	// the go command would, and leaves the user's cache alone.
	Fetch bool
	// Timeout bounds it; 0 is the runner's default.
	Timeout time.Duration
	// Source is the main.go of the scratch module, "" for an empty main.
	Source string
}

// The operations that a setting of the go command can break for every
// program, run in a scratch module.
var (
	// OpList loads a package (go list -e -json): GOFLAGS, GOOS/GOARCH
	// pairs, GOCACHE, GOEXPERIMENT and the like are read here.
	OpList = Operation{Name: "go list", Args: []string{"list", "-e", "-json", "."}}
	// OpBuild compiles and links a program into the scratch directory.
	OpBuild = Operation{Name: "go build", Args: []string{"build", "-o", "{scratch}/probe", "."}}
	// OpRun builds a program and runs it on this machine: a GOOS or
	// GOARCH left set for another machine fails here (exec format error).
	OpRun = Operation{Name: "go run", Args: []string{"run", "."}}
	// OpInstall asks where go install would write (-n writes nothing).
	OpInstall = Operation{Name: "go install", Args: []string{"install", "-n", "."}}
	// OpGet changes a requirement, as go get does, without a lookup.
	OpGet = Operation{Name: "go get", Args: []string{"get", "godoctor.example/none@none"}}
	// OpBuildNet builds a program that imports net, which uses cgo (and so
	// the C compiler) where cgo is on.
	OpBuildNet = Operation{Name: "go build (net, cgo)", Args: []string{"build", "-o", "{scratch}/probe", "."}, Source: "package main\n\nimport _ \"net\"\n\nfunc main() {}\n"}
	// OpVersion runs the go that PATH finds.
	OpVersion = Operation{Name: "go version", Args: []string{"version"}}
)

// OpToolchain asks, in dir (a scratch module when ""), for the version of
// the toolchain that runs there: the go command first switches to, and
// downloads, the one GOTOOLCHAIN and the go and toolchain lines choose.
func OpToolchain(dir string) Operation {
	return Operation{Name: "go env GOVERSION (the toolchain that runs)", Dir: dir, Args: []string{"env", "GOVERSION"}, Fetch: true, Timeout: 2 * time.Minute}
}

// OpGraph loads the module graph of the project in dir, offline: what
// every go command there does first.
func OpGraph(dir string) Operation {
	return Operation{Name: "go list -m all", Dir: dir, Args: []string{"list", "-m", "all"}}
}

// OpDownload downloads and verifies module versions (path@version) from
// the project in dir (or a scratch module), as the next build would.
func OpDownload(dir string, timeout time.Duration, versions ...string) Operation {
	return Operation{Name: "go mod download " + strings.Join(versions, " "), Dir: dir, Args: append([]string{"mod", "download", "-json"}, versions...), Fetch: true, Timeout: timeout}
}

// Run runs the operation with r; nil when the go command succeeds.
func (o Operation) Run(ctx context.Context, r gocmd.Runner) error {
	s, err := gocmd.NewScratch()
	if err != nil {
		return err
	}
	defer s.Remove()
	dir := o.Dir
	if dir == "" {
		if dir, err = s.Module("1.21", o.Source); err != nil {
			return err
		}
	}
	args := make([]string, len(o.Args))
	for i, a := range o.Args {
		args[i] = strings.ReplaceAll(a, "{scratch}", s.Dir)
	}
	inv := gocmd.Invocation{Args: args, Dir: dir, Timeout: o.Timeout}
	if o.Fetch {
		// The scratch cache's read-only directories are made writable
		// when it is removed; GOFLAGS stays the machine's own.
		inv.Env = []string{"GOMODCACHE=" + filepath.Join(s.Dir, "modcache")}
	}
	out, err := r.Run(ctx, inv)
	if err != nil && o.Fetch {
		// go mod download -json says why in its JSON, not on stderr.
		var ge *gocmd.Error
		if errors.As(err, &ge) && ge.Stderr == "" {
			if d := gocmd.FirstDownloadError(out); d != "" {
				ge.Stderr = d
			}
		}
	}
	return err
}

// Prove makes the next shell that a change leaves (NextShell) and runs
// the operations there: nil when every one works.
func Prove(ctx context.Context, m *Machine, ops ...Operation) error {
	r := m.Runner()
	for _, op := range ops {
		if err := op.Run(ctx, r); err != nil {
			return err
		}
	}
	return nil
}
