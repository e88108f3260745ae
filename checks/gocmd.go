package checks

import (
	"context"
	"errors"
	"fmt"
	"go/version"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/gocmd"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/redact"
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
			return goDoesNotRun(p, env)
		}
		res := ok(p.T("%s at %s", env.GoVersion(), env.Go.Path))
		if root := env.Value("GOROOT"); root != "" {
			res.Details = append(res.Details, p.T("GOROOT %s", root))
		}
		return res
	},
}

// goDoesNotRun reports a go command that fails before it does anything:
// the go command names the setting that stops it ("go: unknown
// GOEXPERIMENT bogus", "GOPATH entry is relative"), and that setting is
// the finding, with the fix that takes it back to its default. Other
// checks skip rather than guess from a half-known environment.
func goDoesNotRun(p *Pass, env *goenv.Snapshot) Result {
	msg := strings.TrimSpace(env.GoEnvErr.Error())
	if _, rest, ok := strings.Cut(msg, "exit status "); ok {
		if _, words, ok := strings.Cut(rest, ": "); ok {
			msg = words // the go command's own words
		}
	}
	res := Result{Status: Fail, Summary: p.T("%s does not run: %s", env.Go.Path, firstLine(msg)), Details: strings.Split(msg, "\n")[1:]}
	for _, name := range gosettings.KnownEnvNames() {
		st := env.Settings[name]
		if !strings.Contains(msg, name) || !st.InProcess && !st.InFile {
			continue
		}
		res.Details = append(res.Details, p.T("%s is set by %s", name, describeSource(p, st)))
		res.Details = append(res.Details, whereSet(p, st)...)
		restoreDefault(&res, p, name)
	}
	return res
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
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
		if !theGoThatRuns(ctx, &res, p, env, lv) {
			return res
		}
		if p.Options.Offline {
			res.Details = append(res.Details, p.T("not compared with the newest release (--offline)"))
			return res
		}
		releasesOf(ctx, p, env, &res, lv)
		return res
	},
}

// theGoThatRuns judges the toolchain that every go command from here
// really runs, as cmd/go/internal/toolchain.Select chooses it from
// GOTOOLCHAIN and the go and toolchain lines of the go.work or go.mod in
// force: whether it can be chosen, whether it is on this machine or can be
// downloaded, and whether it accepts the module. It reports whether the
// local go is the one that runs (and so the one to compare with releases).
func theGoThatRuns(ctx context.Context, res *Result, p *Pass, env *goenv.Snapshot, local string) bool {
	if m := env.Module; m != nil && m.ParseErr != nil {
		setFirst(res, Fail, p.T("the go command cannot read %s: every command in this module fails", m.GoModFile))
		res.Details = append(res.Details, "go: errors parsing go.mod:", m.ParseErr.Error())
		return false
	}
	if w := env.Work; w != nil && env.WorkErr != nil {
		setFirst(res, Fail, p.T("the go command cannot read %s: every command in this workspace fails", w.File))
		res.Details = append(res.Details, env.WorkErr.Error())
		if env.Settings["GOWORK"].InProcess || env.Settings["GOWORK"].InFile {
			restoreDefault(res, p, "GOWORK")
		}
		return false
	}
	in := toolchain.Inputs{Local: local, GOTOOLCHAIN: env.Value("GOTOOLCHAIN"), ModulesOff: env.Value("GO111MODULE") == "off"}
	switch {
	case env.Work != nil && env.WorkErr == nil:
		in.File, in.GoLine, in.ToolchainLine = env.Work.File, env.Work.Go, env.Work.Toolchain
	case env.Module != nil:
		in.File, in.GoLine, in.ToolchainLine = env.Module.GoModFile, env.Module.Go, env.Module.Toolchain
	}
	sel := toolchain.Select(in)
	if sel.Err != nil {
		setFirst(res, Fail, p.T("no go command can run from here: %s", sel.Err.Error()))
		if strings.HasPrefix(sel.Err.Error(), "go: invalid GOTOOLCHAIN") {
			restoreDefault(res, p, "GOTOOLCHAIN")
		} else {
			res.Details = append(res.Details, p.T("Edit %s: remove its toolchain line, or name a release there (toolchain %s).", in.File, local))
		}
		return false
	}
	file := filepath.Base(in.File)
	if sel.Local {
		if in.GoLine != "" && toolchain.Compare(in.GoLine, strings.TrimPrefix(local, "go")) > 0 {
			setFirst(res, Fail, p.T("%s needs go %s, newer than %s, and GOTOOLCHAIN=%s does not let the go command switch", in.File, in.GoLine, local, orEmpty(in.GOTOOLCHAIN)))
			res.Details = append(res.Details, fmt.Sprintf("go: %s requires go >= %s (running go %s; GOTOOLCHAIN=%s)", file, in.GoLine, strings.TrimPrefix(local, "go"), in.GOTOOLCHAIN))
			res.Details = append(res.Details, p.T("Install go %s and run it (godoctor install %s --default), or let the go command fetch it: GOTOOLCHAIN=auto.", in.GoLine, in.GoLine))
			return false
		}
		if in.GoLine != "" {
			res.Details = append(res.Details, p.T("%s asks for go %s or newer: satisfied", in.File, in.GoLine))
		}
		if tc := toolchain.FromToolchain(in.ToolchainLine); tc != "" && toolchain.Compare(tc, strings.TrimPrefix(local, "go")) > 0 {
			res.Details = append(res.Details, p.T("its toolchain line suggests %s; with GOTOOLCHAIN=%s the go command keeps %s, which the go line allows", in.ToolchainLine, orEmpty(in.GOTOOLCHAIN), local))
		}
		return true
	}
	target := "go" + toolchain.FromToolchain(sel.Name)
	res.Summary = p.T("%s runs, chosen by %s (the local go is %s)", sel.Name, sel.Reason, local)
	fromSetting := strings.HasPrefix(sel.Reason, "GOTOOLCHAIN=")
	if in.GoLine != "" && toolchain.Compare(in.GoLine, strings.TrimPrefix(target, "go")) > 0 {
		setFirst(res, Fail, p.T("%s runs, but %s needs go %s: every go command fails", sel.Name, in.File, in.GoLine))
		res.Details = append(res.Details, fmt.Sprintf("go: %s requires go >= %s (running go %s; GOTOOLCHAIN=%s)", file, in.GoLine, strings.TrimPrefix(target, "go"), in.GOTOOLCHAIN))
		restoreDefault(res, p, "GOTOOLCHAIN")
		return false
	}
	if gobin := installedToolchain(p, env, sel.Name); gobin != "" {
		askToolchain(ctx, res, p, sel.Name, gobin)
		return false
	}
	if sel.Mode == "path" || strings.HasSuffix(in.GOTOOLCHAIN, "+path") {
		setFirst(res, Fail, fmt.Sprintf("go: cannot find %q in PATH", sel.Name))
		res.Details = append(res.Details, p.T("With GOTOOLCHAIN=%s the go command only runs toolchains it finds on PATH as %s; it never downloads one.", in.GOTOOLCHAIN, sel.Name))
		if fromSetting {
			restoreDefault(res, p, "GOTOOLCHAIN")
		}
		return false
	}
	if err := toolchainDownload(ctx, p, env, sel.Name); err != nil {
		setFirst(res, Fail, p.T("every go command first downloads %s, which fails from here: %v", sel.Name, err))
		if fromSetting {
			restoreDefault(res, p, "GOTOOLCHAIN")
		}
		return false
	} else if p.Options.Offline {
		setFirst(res, Warn, p.T("every go command first downloads %s (not on this machine); whether it can be is not checked (--offline)", sel.Name))
	} else {
		res.Details = append(res.Details, p.T("%s is not on this machine; the go command downloads it once, through GOPROXY", sel.Name))
	}
	return false
}

// next is the kind of the entry after e in a GOPROXY list, ProxyOff when
// e is the last.
func next(list []gosettings.ProxyEntry, e gosettings.ProxyEntry) gosettings.ProxyKind {
	for i := range list {
		if list[i] == e && i+1 < len(list) {
			return list[i+1].Kind
		}
	}
	return gosettings.ProxyOff
}

// installedToolchain is the go command that runs a toolchain without
// downloading it: NAME on PATH (golang.org/dl's go1.X.Y), or bin/go of the
// toolchain unpacked in the module cache; "" when it would be downloaded.
func installedToolchain(p *Pass, env *goenv.Snapshot, name string) string {
	if path := p.Sys.LookPath(name); path != "" {
		return path
	}
	gobin := filepath.Join(env.Value("GOMODCACHE"), "golang.org", "toolchain@"+toolchain.ModuleVersion(name, p.Sys.GOOS, p.Sys.GOARCH), "bin", "go"+p.Sys.ExeSuffix())
	if _, err := os.Stat(gobin); err == nil {
		return gobin
	}
	return ""
}

// askToolchain asks the chosen toolchain itself, as the go command would
// run it, for its version and GOROOT: a golang.org/dl wrapper that was
// never downloaded, or a damaged toolchain, fails here as every go command
// would.
func askToolchain(ctx context.Context, res *Result, p *Pass, name, gobin string) {
	ctx, cancel := context.WithTimeout(ctx, max(p.Options.Timeout, 5*time.Second))
	defer cancel()
	info, err := gocmd.Runner{Sys: p.Sys, Go: gobin}.Env(ctx, "GOVERSION", "GOROOT")
	if err != nil {
		setFirst(res, Fail, p.T("%s, the toolchain every go command runs from here, does not run: %s", name, firstLine(err.Error())))
		if strings.HasSuffix(filepath.Base(gobin), name+p.Sys.ExeSuffix()) {
			res.Details = append(res.Details, p.T("A golang.org/dl wrapper runs only once its toolchain is downloaded: %s download", name))
		}
		return
	}
	res.Details = append(res.Details, p.T("%s is on this machine (%s) and answers: %s, GOROOT %s", name, gobin, info["GOVERSION"], info["GOROOT"]))
}

// toolchainDownload checks, as far as it can be from here, that the go
// command can download a toolchain: GOPROXY lets it, the checksum
// database it always needs is on, and (with the network) the first proxy
// that answers has it. nil means it can, or that it cannot be told.
func toolchainDownload(ctx context.Context, p *Pass, env *goenv.Snapshot, name string) error {
	list, err := gosettings.ParseProxyList(env.Value("GOPROXY"))
	if err != nil {
		return err
	}
	onlyFile := len(list) == 1 && strings.HasPrefix(list[0].URL, "file:")
	if _, err := gosettings.ParseGOSUMDB(env.Value("GOSUMDB")); err != nil && !onlyFile {
		return fmt.Errorf("the checksum database that every toolchain download needs: %w", err)
	}
	mod := toolchain.ModuleVersion(name, p.Sys.GOOS, p.Sys.GOARCH)
	for _, e := range list {
		switch {
		case e.Kind == gosettings.ProxyOff:
			return errors.New("module lookup disabled by GOPROXY=off")
		case e.Kind == gosettings.ProxyDirect, p.Options.Offline:
			return nil // go.dev's module server, or not asked: cannot be told
		case strings.HasPrefix(e.URL, "file:"):
			continue
		}
		u, err := web.VersionURL(e.URL, toolchain.Module, mod, ".info")
		if err != nil {
			return err
		}
		rctx, cancel := context.WithTimeout(ctx, p.Options.Timeout)
		_, err = p.web().Get(rctx, u, web.SmallLimit)
		cancel()
		switch {
		case err == nil:
			return nil
		case errors.Is(err, fs.ErrNotExist) && next(list, e) == gosettings.ProxyDirect:
			// The go command would ask go.dev next, which has every
			// release; one that GOPROXY's proxy lacks is most likely none.
			return fmt.Errorf("download %s for %s/%s: toolchain not available (%s has no %s; go.dev is asked next, which serves every release)", name, p.Sys.GOOS, p.Sys.GOARCH, redact.URL(e.URL), name)
		case errors.Is(err, fs.ErrNotExist):
			continue // the next entry is tried
		case e.FallbackOnAnyError:
			continue
		}
		return err
	}
	return fmt.Errorf("download %s for %s/%s: toolchain not available", name, p.Sys.GOOS, p.Sys.GOARCH)
}

var goPath = &Check{
	ID:      "go.path",
	Title:   "PATH setup",
	NeedsGo: true,
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
	if !filepath.IsAbs(bin) {
		if which == "GOBIN" {
			breaks(res, p, "GOBIN", remedy.OpInstall, p.T("GOBIN=%s is not an absolute path: every go install fails", bin))
		}
		return // a relative GOPATH: the go command refuses it (cache.modcache)
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
		// Not a ✓: whether this Go is supported and current is unknown.
		setFirst(res, Warn, p.T("%s runs; whether it is still supported could not be checked: the proxy's list of releases could not be read (%s)", local, err.Error()))
		return
	}
	compareWithReleases(res, p, local, releases)
}
