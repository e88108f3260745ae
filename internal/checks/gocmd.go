package checks

import (
	"context"
	"fmt"
	"go/version"
	"path/filepath"
	"strings"

	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/shell"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/internal/toolchain"
	"github.com/godoctorhq/godoctor/internal/web"
)

var goInstalled = &Check{
	ID:    "go.installed",
	Title: "Go toolchain",
	Run: func(ctx context.Context, p *Pass) Result {
		env := p.Env()
		if env.Go == nil {
			return noGoOnPath(p)
		}
		if env.GoEnvErr != nil {
			return Result{Status: Fail,
				Summary: p.T("%s is on PATH but does not run", env.Go.Path),
				Details: []string{env.GoEnvErr.Error()}}
		}
		res := ok(p.T("%s at %s", env.GoVersion(), env.Go.Path))
		if root := env.Value("GOROOT"); root != "" {
			res.Details = append(res.Details, p.T("GOROOT %s", root))
		}
		return res
	},
}

// noGoOnPath looks for a toolchain in the usual places and offers to put
// the newest one found on PATH.
func noGoOnPath(p *Pass) Result {
	found := goenv.UsualGoInstalls(p.Sys)
	if len(found) == 0 {
		return Result{Status: Fail, Summary: p.T("no go command on PATH and no Go installation found"),
			Details: []string{p.T("Install Go from https://go.dev/doc/install, then open a new shell.")}}
	}
	best := found[0]
	for _, b := range found[1:] {
		if newerVersion(b.Version, best.Version) {
			best = b
		}
	}
	res := Result{Status: Fail,
		Summary: p.T("no go command on PATH, but %s is installed in %s", orUnknown(p, best.Version), best.GOROOT)}
	for _, b := range found {
		res.Details = append(res.Details, p.T("found %s at %s", orUnknown(p, b.Version), filepath.Dir(b.Path)))
	}
	res.addFix(pathFix("go-on-path", p.T("Put %s on PATH", orUnknown(p, best.Version)), filepath.Dir(best.Path), p.Sys))
	return res
}

var goVersion = &Check{
	ID:    "go.version",
	Title: "Go version",
	Run: func(ctx context.Context, p *Pass) Result {
		env := p.Env()
		if env.Go == nil || env.GoEnvErr != nil {
			return skip(p.T("no working go command"))
		}
		local := env.GoVersion()
		lv := toolchainVersion(local)
		if !version.IsValid(lv) {
			return ok(p.T("%s (a development build; not compared with releases)", local))
		}
		res := ok(p.T("%s is the go that runs", local))
		if env.Module != nil {
			moduleNeeds(&res, p, lv)
		}
		if p.Options.Offline {
			res.Details = append(res.Details, p.T("not compared with the newest release (--offline)"))
			return res
		}
		releasesOf(ctx, p, env, &res, lv)
		return res
	},
}

// moduleNeeds compares the running Go with what the current module asks
// for in its go and toolchain lines, under the GOTOOLCHAIN in force.
func moduleNeeds(res *Result, p *Pass, local string) {
	env := p.Env()
	m := env.Module
	need := ""
	if m.Go != "" {
		need = "go" + m.Go
	}
	if tv := toolchainVersion(m.Toolchain); version.IsValid(tv) && version.Compare(tv, need) > 0 {
		need = tv
	}
	if need == "" || version.Compare(need, local) <= 0 {
		if need != "" {
			res.Details = append(res.Details, p.T("%s asks for %s or newer: satisfied", m.GoModFile, need))
		}
		return
	}
	mode := env.Value("GOTOOLCHAIN")
	if mode == "local" || mode == "" {
		res.worsen(Fail)
		res.Summary = p.T("%s, but %s needs %s and GOTOOLCHAIN=%s forbids switching", local, moduleName(m), need, orEmpty(mode))
		res.Details = append(res.Details,
			fmt.Sprintf("go: go.mod requires go >= %s (running go %s; GOTOOLCHAIN=%s)", strings.TrimPrefix(need, "go"), strings.TrimPrefix(local, "go"), mode),
			p.T("Either let the go command fetch the newer toolchain (GOTOOLCHAIN=auto) or install it."))
		fixSet(res, p, "gotoolchain-auto", p.T("Let go switch toolchains"), "GOTOOLCHAIN", "auto")
		return
	}
	res.Details = append(res.Details, p.T("%s asks for %s: with GOTOOLCHAIN=%s the go command switches to it (downloading it once)", m.GoModFile, need, mode))
}

var goPath = &Check{
	ID:    "go.path",
	Title: "PATH setup",
	Run: func(ctx context.Context, p *Pass) Result {
		env := p.Env()
		res := ok("")
		distinct := distinctBinaries(env.Binaries)
		if len(distinct) > 1 {
			res.worsen(Warn)
			res.Details = append(res.Details, p.T("%d different go commands on PATH; the first one runs:", len(distinct)))
			for i, b := range distinct {
				mark := "  "
				if i == 0 {
					mark = "* "
				}
				res.Details = append(res.Details, fmt.Sprintf("%s%s (%s)", mark, b.Path, orUnknown(p, b.Version)))
			}
		}
		goroot(&res, p, env)
		binOnPath(&res, p, env)
		if res.Summary == "" {
			switch {
			case len(distinct) > 1:
				res.Summary = p.T("%d different go commands on PATH; %s wins", len(distinct), distinct[0].Path)
			case env.Go != nil:
				res.Summary = p.T("go and the directory of installed programs are on PATH")
			default:
				res.Summary = p.T("the directory of installed programs is on PATH")
			}
		}
		return res
	},
}

// goroot flags a GOROOT, set by hand, that names another toolchain than the
// go that runs: that go then builds with another toolchain's library and
// tools, or fails outright.
func goroot(res *Result, p *Pass, env *goenv.Snapshot) {
	st := env.Settings["GOROOT"]
	if env.Go == nil || env.Go.GOROOT == "" || !(st.InProcess || st.InFile) {
		return
	}
	set := st.File
	if st.InProcess {
		set = st.Process
	}
	if sameDir(set, env.Go.GOROOT) {
		return
	}
	res.worsen(Fail)
	other := goenv.ReadVersionFile(set)
	res.Summary = p.T("GOROOT=%s (%s) is not the toolchain of the go that runs (%s)", set, orUnknown(p, other), env.Go.GOROOT)
	res.Details = append(res.Details, p.T("The go command found on PATH would use the library and tools of another toolchain; leave GOROOT unset so each go finds its own."))
	res.Details = append(res.Details, whereSet(p, st)...)
	fixUnset(res, p, "unset-goroot", p.T("Stop setting GOROOT"), "GOROOT")
}

// binOnPath checks that the programs go install writes can be run.
func binOnPath(res *Result, p *Pass, env *goenv.Snapshot) {
	bin := env.Value("GOBIN")
	which := "GOBIN"
	if bin == "" {
		gopath := system.SplitList(env.Value("GOPATH"), p.Sys.ListSeparator())
		if len(gopath) == 0 {
			return
		}
		bin, which = filepath.Join(gopath[0], "bin"), "GOPATH/bin"
	}
	for _, dir := range p.Sys.PathList() {
		if sameDir(dir, bin) {
			return
		}
	}
	res.worsen(Warn)
	if res.Summary == "" {
		res.Summary = p.T("%s (%s) is not on PATH: programs from go install will not be found", which, bin)
	} else {
		res.Details = append(res.Details, p.T("%s (%s) is not on PATH: programs from go install will not be found", which, bin))
	}
	res.addFix(pathFix("gobin-on-path", p.T("Put %s on PATH", which), bin, p.Sys))
}

// pathFix is the fix that puts a directory on PATH in the user's shell.
func pathFix(id, title, dir string, sys *system.System) Fix {
	cmd := fmt.Sprintf(`export PATH="%s:$PATH"`, dir)
	switch {
	case sys.GOOS == "windows":
		// Not `setx PATH "...;%PATH%"`, the usual advice: that copies the
		// machine's PATH into the user's and cuts it at 1024 characters.
		cmd = fmt.Sprintf(`[Environment]::SetEnvironmentVariable('Path', %s + [Environment]::GetEnvironmentVariable('Path', 'User'), 'User')`, shell.PowerShellQuote(dir+";"))
	case strings.HasSuffix(sys.Getenv("SHELL"), "/fish"):
		cmd = "fish_add_path " + dir
	}
	return Fix{ID: id, Title: title, Command: cmd, Action: &remedy.Action{Change: &change.Action{PathDirs: []string{dir}}}}
}

func distinctBinaries(bins []goenv.Binary) []goenv.Binary {
	var out []goenv.Binary
	seen := map[string]bool{}
	for _, b := range bins {
		if !seen[b.Resolved] {
			seen[b.Resolved] = true
			out = append(out, b)
		}
	}
	return out
}

func sameDir(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	return err1 == nil && err2 == nil && ra == rb
}

// toolchainVersion turns "go1.21.5", "go1.21.5 X:boringcrypto" or
// "go1.21.5-custom" into the form go/version compares ("go1.21.5").
func toolchainVersion(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, " \t"); i >= 0 {
		v = v[:i]
	}
	if !strings.HasPrefix(v, "go") {
		return ""
	}
	if i := strings.Index(v, "-"); i >= 0 {
		v = v[:i]
	}
	return v
}

func newerVersion(a, b string) bool {
	return version.Compare(toolchainVersion(a), toolchainVersion(b)) > 0
}

func orUnknown(p *Pass, v string) string {
	if v == "" {
		return p.T("unknown version")
	}
	return v
}

func orEmpty(v string) string {
	if v == "" {
		return `""`
	}
	return v
}

func moduleName(m *goenv.Module) string {
	if m.Path != "" {
		return m.Path
	}
	return m.GoModFile
}

// releasesOf compares the running Go with the releases that the first
// proxy of GOPROXY lists.
func releasesOf(ctx context.Context, p *Pass, env *goenv.Snapshot, res *Result, local string) {
	list, _ := gosettings.ParseProxyList(env.Value("GOPROXY"))
	proxy := web.FirstProxy(list)
	if proxy == "" {
		res.Details = append(res.Details, p.T("not compared with the newest release: no module proxy to ask"))
		return
	}
	ctx, cancel := context.WithTimeout(ctx, p.Options.Timeout)
	defer cancel()
	releases, err := toolchain.ProxyReleases(ctx, p.web(), proxy, p.Sys.GOOS, p.Sys.GOARCH)
	if err != nil {
		res.Details = append(res.Details, p.T("not compared with the newest release: %s", err.Error()))
		return
	}
	compareWithReleases(res, p, local, releases)
}
