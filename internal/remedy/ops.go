package remedy

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/gocmd"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/project"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/mirrors"
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
	// Env are variables (NAME=VALUE) set for it over the machine's.
	Env []string
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

// OpFetch is the download that proves a change of how modules are found:
// a module the project still lacks, else one of its build list (into a
// scratch cache, so that the route is really taken), else, outside a
// project, the module the mirror benchmark probes.
func OpFetch(proj *project.Project, timeout time.Duration) Operation {
	if proj.In() {
		for _, list := range [][]gocmd.Module{proj.Missing(), proj.Modules} {
			for _, m := range list {
				if path, version := m.Fetched(); version != "" && !m.Local() {
					return OpDownload(proj.Dir, timeout, path+"@"+version)
				}
			}
		}
	}
	return OpDownload("", timeout, mirrors.DefaultProbe.String())
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
	inv := gocmd.Invocation{Args: args, Dir: dir, Timeout: o.Timeout, Env: o.Env}
	if o.Fetch {
		// The scratch cache's read-only directories are made writable
		// when it is removed; GOFLAGS stays the machine's own.
		inv.Env = append(inv.Env, "GOMODCACHE="+filepath.Join(s.Dir, "modcache"))
	}
	out, err := r.Run(ctx, inv)
	if err != nil && o.Fetch {
		// go mod download -json says why in its JSON, not on stderr.
		var ge *gocmd.Error
		if errors.As(err, &ge) && ge.Stderr == "" {
			if d := gocmd.FirstDownloadError(out); d != "" {
				// As go mod download without -json prints it.
				ge.Stderr = "go: " + d
			}
		}
	}
	return err
}

// Proposal is a fix's change with the operation that proves it (nil when
// there is none to run: a directory put on PATH), and the setting it is
// about.
type Proposal struct {
	Title   string
	Change  change.Action
	Op      *Operation
	Setting string
}

// Proves reports whether an operation's outcome proves the fix of a
// setting: it succeeded, or it failed for a cause that is not the
// setting's: the go command's words do not name it, and a download got
// nowhere near the network (a go.mod only a person can mend, say).
// Another fix, or a person, mends that cause; the setting's part is done.
func Proves(op Operation, err error, setting string) bool {
	if err == nil {
		return true
	}
	said := err.Error()
	var ge *gocmd.Error
	if errors.As(err, &ge) {
		said = ge.Said()
	}
	if setting == "" || strings.Contains(said, setting) {
		return false
	}
	if !op.Fetch {
		return true
	}
	for _, w := range []string{"http://", "https://", "dial ", "lookup ", "verifying", "404", "410", "x509", "tls:", "proxyconnect", "connection refused", "timeout", "no answer", "module lookup disabled", "git ", "unrecognized import path"} {
		if strings.Contains(said, w) {
			return false
		}
	}
	return true
}

// ProvePlan merges proposals into one plan (change.Merge) and proves it
// on the next shell: every proposal's operation must work there. When the
// whole does not, proposals are added one at a time and kept only while
// the plan with them still proves. It returns the plan and, by index, why
// each proposal left out was.
func ProvePlan(ctx context.Context, sys *system.System, env *goenv.Snapshot, props []Proposal) (change.Action, map[int]error) {
	if plan, left, err := tryPlan(ctx, sys, env, props, nil); err == nil && len(left) == 0 {
		return plan, nil
	}
	// One fix may need another before it proves (GOPROXY cannot be
	// proven while GOFLAGS stops every go command): the ones left out are
	// tried again while a pass keeps any.
	var kept []int
	out := map[int]error{}
	for i := range props {
		out[i] = nil
	}
	for progress := true; progress; {
		progress = false
		for i := range props {
			if _, pending := out[i]; !pending {
				continue
			}
			if _, left, err := tryPlan(ctx, sys, env, props, append(slices.Clone(kept), i)); err != nil || len(left) > 0 {
				if err == nil {
					err = fmt.Errorf("it conflicts with another fix")
				}
				out[i] = err
				continue
			}
			kept = append(kept, i)
			delete(out, i)
			progress = true
		}
	}
	plan, _, _ := tryPlan(ctx, sys, env, props, kept)
	if len(kept) == 0 {
		plan = change.Action{}
	}
	return plan, out
}

// tryPlan merges the proposals named by which (all when nil) and runs
// their operations, each once, on the next shell that the merge leaves.
func tryPlan(ctx context.Context, sys *system.System, env *goenv.Snapshot, props []Proposal, which []int) (change.Action, []int, error) {
	if which == nil {
		for i := range props {
			which = append(which, i)
		}
	}
	var actions []change.Action
	var ops []Operation
	settings := map[string][]string{} // by operation: the settings it proves
	for _, i := range which {
		actions = append(actions, props[i].Change)
		if op := props[i].Op; op != nil {
			key := op.Name + "\x00" + op.Dir
			if _, seen := settings[key]; !seen {
				ops = append(ops, *op)
			}
			settings[key] = append(settings[key], props[i].Setting)
		}
	}
	plan, left, err := change.Merge(actions...)
	if err != nil {
		return plan, left, nil
	}
	m, err := NextShell(ctx, sys, env, plan)
	if err != nil {
		return plan, nil, err
	}
	defer m.Remove()
	r := m.Runner()
	for _, op := range ops {
		err := op.Run(ctx, r)
		for _, setting := range settings[op.Name+"\x00"+op.Dir] {
			if !Proves(op, err, setting) {
				return plan, nil, err
			}
		}
	}
	return plan, nil, nil
}

// Reason says in a person's words why a download failed, from the go
// command's own: the name does not resolve, nothing listens, TLS, an HTTP
// status; "" when the words say nothing of the kind (the error itself
// says it best then).
func Reason(pr i18n.Printer, said string) string {
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(said, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("no such host", "server misbehaving"):
		return pr.T("its name does not resolve (DNS)")
	case has("connection refused"):
		return pr.T("it refuses connections")
	case has("i/o timeout", "no answer within"):
		return pr.T("it does not answer in time")
	case has("x509:"):
		return pr.T("its TLS certificate is not trusted here")
	case has("tls:"):
		return pr.T("its TLS handshake fails")
	case has("401 Unauthorized"):
		return pr.T("it asks for credentials (401)")
	case has("403 Forbidden"):
		return pr.T("it refuses access (403)")
	case has("407 Proxy Authentication Required"):
		return pr.T("the HTTP proxy asks for credentials (407)")
	case has("404 Not Found", "410 Gone"):
		return pr.T("it does not have the module (404 or 410)")
	case has("verifying"):
		return pr.T("its checksum database route fails")
	}
	return ""
}
