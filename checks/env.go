package checks

import (
	"context"
	"errors"
	"fmt"
	"go/version"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/shell"
)

var envGosumdb = &Check{
	ID:      "env.gosumdb",
	Title:   "Checksum database (GOSUMDB)",
	NeedsGo: true,
	Run: func(ctx context.Context, p *Pass) Result {
		env := p.Env()
		st := env.Settings["GOSUMDB"]
		db, err := gosettings.ParseGOSUMDB(st.Value)
		switch {
		case errors.Is(err, gosettings.ErrSumDBOff):
			res := Result{Status: Warn,
				Summary: p.T("GOSUMDB=off: downloaded modules are not checked against the checksum database"),
				Details: []string{
					p.T("A proxy or network path that alters module contents goes unnoticed for every module not yet in a go.sum."),
					p.T("Toolchain downloads (GOTOOLCHAIN switching) always need the database and fail: %v", err),
					p.T("For private modules set GOPRIVATE or GONOSUMDB instead of turning verification off."),
					p.T("set by: %s", describeSource(p, st))}}
			res.Details = append(res.Details, whereSet(p, st)...)
			restoreDefault(&res, p, "GOSUMDB")
			return res
		case err != nil:
			res := Result{Status: Fail,
				Summary: p.T("GOSUMDB is invalid; every download that needs verification fails"),
				Details: []string{"go: " + err.Error(), p.T("set by: %s", describeSource(p, st))}}
			var keyErr *gosettings.KeyError
			if errors.As(err, &keyErr) {
				res.Details = append(res.Details, p.T("%q is not a database the go command knows; any other database must be given with its key: name+hash+key [URL].", st.Value))
			}
			res.Details = append(res.Details, whereSet(p, st)...)
			restoreDefault(&res, p, "GOSUMDB")
			return res
		}
		res := ok(db.Name)
		if _, builtin := gosettings.KnownSumDBKeys[db.Name]; builtin && db.Key == gosettings.KnownSumDBKeys[db.Name] {
			res.Summary = p.T("%s (key built into the go command)", res.Summary)
		}
		if db.URL != "" {
			res.Summary = p.T("%s at %s", res.Summary, redact.URL(db.URL))
			res.Details = append(res.Details, p.T("An explicit URL is used directly, bypassing GOPROXY."))
		} else {
			res.Details = append(res.Details, p.T("Reached through the first GOPROXY entry that proxies it, else at https://%s/.", db.Name))
		}
		res.Details = append(res.Details, p.T("set by: %s", describeSource(p, st)))
		return res
	},
}

// privateVars are the pattern lists that take modules out of the proxy,
// the checksum database or TLS.
var privateVars = []string{"GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE"}

// privateEffect says what a variable's pattern does to the modules it
// matches.
func privateEffect(p *Pass, name string) string {
	switch name {
	case "GOPRIVATE":
		return p.T("skip the proxy and the checksum database")
	case "GONOPROXY":
		return p.T("skip the proxy")
	case "GONOSUMDB":
		return p.T("skip the checksum database")
	}
	return p.T("may be fetched over plain http or unverified TLS")
}

// patternProblem translates a goenv pattern problem.
func patternProblem(p *Pass, problem string) string {
	switch problem {
	case gosettings.ProblemSpaces:
		return p.T("has spaces around it, which the go command keeps, so it matches no module path")
	case gosettings.ProblemScheme:
		return p.T("is a URL; the go command matches module paths, which have no scheme")
	case gosettings.ProblemUpper:
		return p.T("has upper case in its host, which no module path has: the match is case-sensitive")
	case gosettings.ProblemSemicolon:
		return p.T("joins patterns with \";\"; the go command separates them with \",\" only, so this is one pattern that matches nothing")
	case gosettings.ProblemCR:
		return p.T("ends in a carriage return (a file saved with Windows line endings), which the go command keeps")
	}
	return p.T("is not a valid glob (path.Match syntax), so the go command ignores it")
}

var envPrivate = &Check{
	ID:      "env.private",
	Title:   "Private modules (GOPRIVATE)",
	NeedsGo: true,
	Run: func(ctx context.Context, p *Pass) Result {
		env := p.Env()
		res := ok("")
		private := env.Value("GOPRIVATE")
		var set []string
		for _, name := range privateVars {
			st := env.Settings[name]
			// GONOPROXY and GONOSUMDB default to GOPRIVATE; only a value set
			// on its own says something new.
			if st.Value == "" || name != "GOPRIVATE" && st.Source == goenv.FromDefault {
				continue
			}
			set = append(set, name+"="+st.Value)
			for _, pat := range gosettings.ParsePatterns(st.Value) {
				if pat.Problem != "" {
					res.worsen(Warn)
					res.Details = append(res.Details, p.T("%s: %q %s", name, pat.Raw, patternProblem(p, pat.Problem)))
					continue
				}
				if hosts := gosettings.CoveredHosts(pat.Glob); len(hosts) > 0 {
					res.worsen(Warn)
					res.Details = append(res.Details, p.T("%s: %q covers every module on %s: all of them %s", name, pat.Glob, listHosts(p, hosts), privateEffect(p, name)))
					continue
				}
				if name != "GONOSUMDB" && name != "GOINSECURE" {
					continue
				}
				if sample, ok := gosettings.Sample(pat.Glob); ok && !gosettings.MatchPatterns(private, sample) {
					res.worsen(Warn)
					res.Details = append(res.Details, p.T("%s: %q reaches beyond GOPRIVATE: modules such as %s %s although they are not private", name, pat.Glob, sample, privateEffect(p, name)))
				}
			}
		}
		switch {
		case res.Summary != "":
		case len(set) == 0:
			res.Summary = p.T("no private module patterns set")
		case res.Status == Warn:
			res.Summary = p.T("private module patterns that do not do what they seem to: %s", strings.Join(set, " "))
		default:
			res.Summary = strings.Join(set, " ")
		}
		return res
	},
}

func listHosts(p *Pass, hosts []string) string {
	if len(hosts) > 3 {
		return p.T("%s and other public hosts", strings.Join(hosts[:3], ", "))
	}
	return strings.Join(hosts, ", ")
}

var envSource = &Check{
	ID:      "env.source",
	Title:   "Where settings come from",
	NeedsGo: true,
	Run: func(ctx context.Context, p *Pass) Result {
		env := p.Env()
		res := ok("")
		counts := map[goenv.Source]int{}
		for _, name := range goenv.ModuleSettings {
			st := env.Settings[name]
			if st.Source == goenv.FromDefault || st.Source == goenv.FromGOROOT && name != "GOPROXY" && name != "GOSUMDB" && name != "GOTOOLCHAIN" {
				continue
			}
			counts[st.Source]++
			res.Details = append(res.Details, fmt.Sprintf("%s=%s  (%s)", name, redact.Setting(name, st.Value), sourceAt(p, env, st)))
			if st.InProcess && st.InFile && st.Process != st.File {
				res.worsen(Warn)
				res.Details = append(res.Details, p.T("  the environment's %s=%s overrides %s=%s written by go env -w", name, redact.Setting(name, st.Process), name, redact.Setting(name, st.File)))
				res.Details = append(res.Details, whereSet(p, st)...)
				fixUnset(&res, p, "unset-"+strings.ToLower(name), p.T("Let the go env file's %s take effect", name), name)
			}
		}
		switch {
		case env.UserFileOff:
			res.Details = append(res.Details, p.T("GOENV=off: the go env file is not read"))
		case env.UserFileErr != nil:
			res.worsen(Warn)
			res.Details = append(res.Details, p.T("the go env file cannot be located: %s", env.UserFileErr.Error()))
		case env.UserFile.Err != nil:
			res.worsen(Warn)
			res.Details = append(res.Details, p.T("the go env file cannot be read: %s", env.UserFile.Err.Error()))
		}
		for _, k := range sortedKeys(env.UserFile.Values) {
			if !strings.ContainsRune(env.UserFile.Values[k], '\r') {
				continue
			}
			switch k {
			case "GOPROXY", "GOSUMDB", "GOFLAGS":
				// The go command trims or splits these at white space.
				res.Details = append(res.Details, p.T("%s:%d: %s ends in a carriage return (Windows line endings), which the go command trims from this one", env.UserFile.Path, env.UserFile.Lines[k], k))
			case "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE", "GOVCS":
				res.worsen(Warn)
				res.Details = append(res.Details, p.T("%s:%d: %s ends in a carriage return (Windows line endings), which the go command keeps: its last pattern matches no module path", env.UserFile.Path, env.UserFile.Lines[k], k))
			default:
				res.worsen(Fail)
				res.Details = append(res.Details, p.T("%s:%d: %s ends in a carriage return (the file was saved with Windows line endings); the go command keeps it as part of the value", env.UserFile.Path, env.UserFile.Lines[k], k))
			}
		}
		var unknown []string
		for _, k := range sortedKeys(env.Process) {
			if meant, bad := gosettings.UnknownGoVar(k); bad {
				unknown = append(unknown, k)
				res.worsen(Warn)
				res.Details = append(res.Details, p.T("%s is set, but no go command reads it (meant %s?)", k, meant))
				res.Details = append(res.Details, whereSet(p, goenv.Setting{Name: k, InProcess: true})...)
			}
		}
		switch {
		case res.Status == Fail:
			res.Summary = p.T("the go env file has values the go command misreads")
		case len(unknown) > 0:
			res.Summary = p.T("set but ignored by the go command: %s", strings.Join(unknown, ", "))
		case res.Status == Warn:
			res.Summary = p.T("environment variables override values written by go env -w")
		case len(counts) == 0:
			res.Summary = p.T("every module setting is the toolchain's default")
		default:
			res.Summary = p.T("%d from the environment, %d from the go env file, the rest defaults", counts[goenv.FromProcess], counts[goenv.FromUserFile])
		}
		return res
	},
}

// sourceAt names a setting's source with the file and line where known.
func sourceAt(p *Pass, env *goenv.Snapshot, st goenv.Setting) string {
	switch st.Source {
	case goenv.FromUserFile:
		return fmt.Sprintf("%s:%d", env.UserFile.Path, env.UserFile.Lines[st.Name])
	case goenv.FromGOROOT:
		return fmt.Sprintf("%s:%d", env.RootFile.Path, env.RootFile.Lines[st.Name])
	case goenv.FromProcess:
		return p.T("environment")
	}
	return p.T("built-in")
}

// whereSet lists the shell profile lines that export a variable set in
// the process environment.
func whereSet(p *Pass, st goenv.Setting) []string {
	if !st.InProcess {
		return nil
	}
	var out []string
	for _, l := range shell.FindExports(p.Sys, st.Name) {
		out = append(out, p.T("  exported at %s:%d: %s", l.File, l.Line, redact.ExportLine(strings.TrimSpace(l.Text))))
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var envFlags = &Check{
	ID:      "env.flags",
	Title:   "Build-wide settings",
	NeedsGo: true,
	Run: func(ctx context.Context, p *Pass) Result {
		env := p.Env()
		res := ok("")
		goflags(&res, p, env)
		go111module(&res, p, env)
		target(&res, p, env)
		gotoolchain(&res, p, env)
		workDir(&res, p, env)
		cCompiler(&res, p, env)
		if res.Summary == "" {
			res.Summary = p.T("nothing that changes every build: GOFLAGS=%s GO111MODULE=%s GOTOOLCHAIN=%s", orEmpty(env.Value("GOFLAGS")), orEmpty(env.Value("GO111MODULE")), orEmpty(env.Value("GOTOOLCHAIN")))
		}
		return res
	},
}

// target checks a GOOS or GOARCH that someone set (in a profile, the go
// env file) for another machine than this one: every go build makes
// programs for that machine, and every go run and go test, which run what
// they build here, fails (exec format error), unless this machine can run
// them after all (386 on amd64, an emulator).
func target(res *Result, p *Pass, env *goenv.Snapshot) {
	for _, name := range []string{"GOOS", "GOARCH"} {
		st := env.Settings[name]
		host := map[string]string{"GOOS": p.Sys.GOOS, "GOARCH": p.Sys.GOARCH}[name]
		if !(st.InProcess || st.InFile) || layered(st) == host {
			continue
		}
		if breaks(res, p, name, remedy.OpRun, p.T("%[1]s=%[2]s is set for another machine than this %[3]s one: every go run and go test fails", name, layered(st), host)) {
			continue
		}
		setFirst(res, Warn, p.T("%[1]s=%[2]s is set: every build makes programs for %[3]s/%[4]s, not for this machine", name, layered(st), env.Value("GOOS"), env.Value("GOARCH")))
		res.Details = append(res.Details, whereSet(p, st)...)
	}
}

// setFirst reports a finding, making it the summary if it is the worst so far.
func setFirst(res *Result, s Status, summary string) {
	if rank(s) > rank(res.Status) || res.Summary == "" {
		res.Summary = summary
	} else {
		res.Details = append(res.Details, summary)
	}
	res.worsen(s)
}

func goflags(res *Result, p *Pass, env *goenv.Snapshot) {
	st := env.Settings["GOFLAGS"]
	flags, err := gosettings.ParseGOFLAGS(st.Value)
	if err != nil {
		setFirst(res, Fail, p.T("GOFLAGS breaks every go command: %s", err.Error()))
		res.Details = append(res.Details, p.T("set by: %s", describeSource(p, st)))
		res.Details = append(res.Details, whereSet(p, st)...)
		restoreDefault(res, p, "GOFLAGS")
		return
	}
	for _, f := range flags {
		switch {
		case f.Name == "mod" && f.Value != "mod" && f.Value != "readonly" && f.Value != "vendor" && f.Value != "":
			setFirst(res, Fail, fmt.Sprintf("-mod=%s not supported (can be '', 'mod', 'readonly', or 'vendor')", f.Value))
			res.Details = append(res.Details, p.T("GOFLAGS=%s: every go command that loads modules fails with this", st.Value))
		case f.Name == "modfile" && f.Value != "" && !fileExists(p, f.Value):
			setFirst(res, Fail, fmt.Sprintf("go: open %s: no such file or directory", f.Value))
			res.Details = append(res.Details, p.T("GOFLAGS=%s names a go.mod that is not there: every go command in a module fails", st.Value))
		case f.Name == "race" && f.Value != "false" && env.Value("CGO_ENABLED") == "0":
			setFirst(res, Fail, "go: -race requires cgo; enable cgo by setting CGO_ENABLED=1")
			res.Details = append(res.Details, p.T("GOFLAGS=%s with CGO_ENABLED=0: every build and test fails", st.Value))
		case f.Name == "mod" && f.Value == "vendor":
			setFirst(res, Warn, p.T("GOFLAGS=-mod=vendor: every build uses ./vendor and fails in modules without one"))
		case f.Name == "mod" && f.Value == "mod":
			setFirst(res, Warn, p.T("GOFLAGS=-mod=mod: every build may rewrite go.mod and go.sum instead of reporting them out of date"))
		case f.Name == "mod" && f.Value == "readonly":
		case f.Name == "modfile":
			setFirst(res, Warn, p.T("GOFLAGS=%s: every build reads another go.mod than the module's own", f.Word))
		case f.Name == "insecure":
			if !breaks(res, p, "GOFLAGS", remedy.OpGet, p.T("GOFLAGS=-insecure: every go get fails (the go command no longer has the flag; GOINSECURE names the hosts that need it)")) {
				setFirst(res, Warn, p.T("GOFLAGS=-insecure: downloads may skip TLS and checksum checks (use GOINSECURE for just the hosts that need it)"))
				restoreDefault(res, p, "GOFLAGS")
			}
			continue
		default:
			continue
		}
		restoreDefault(res, p, "GOFLAGS")
	}
}

// fileExists reports whether a path, relative to the working directory
// when it is not absolute, names a file.
func fileExists(p *Pass, path string) bool {
	if !filepath.IsAbs(path) {
		path = filepath.Join(p.Sys.Dir, path)
	}
	_, err := os.Stat(path)
	return err == nil
}

// cCompiler checks the C compiler when cgo is on: without it every program
// that uses cgo, and so net and os/user, fails to build.
func cCompiler(res *Result, p *Pass, env *goenv.Snapshot) {
	if env.Value("CGO_ENABLED") != "1" {
		return
	}
	cc := strings.Fields(env.Value("CC") + " ")[0]
	if cc == "" {
		cc = "gcc"
	}
	if filepath.IsAbs(cc) && fileExists(p, cc) || p.Sys.LookPath(cc) != "" {
		return
	}
	setFirst(res, Fail, fmt.Sprintf("cgo: C compiler %q not found: exec: %q: executable file not found in $PATH", cc, cc))
	res.Details = append(res.Details, p.T("cgo is on: every program that uses it (net and os/user do) fails to build; install a C compiler, point CC at one, or turn cgo off (CGO_ENABLED=0)"))
	if st := env.Settings["CC"]; st.InProcess || st.InFile {
		restoreDefault(res, p, "CC")
	}
}

// workDir checks where the go command makes its temporary work directory:
// GOTMPDIR, else TMPDIR, else /tmp. Every build and test fails without it.
func workDir(res *Result, p *Pass, env *goenv.Snapshot) {
	dir, name := env.Value("GOTMPDIR"), "GOTMPDIR"
	if dir == "" {
		dir, name = p.Sys.Getenv("TMPDIR"), "TMPDIR"
	}
	if dir == "" {
		return
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		setFirst(res, Fail, fmt.Sprintf("go: creating work dir: stat %s: no such file or directory", dir))
		res.Details = append(res.Details, p.T("%s=%s is not a directory: every build and test fails", name, dir))
		if name == "GOTMPDIR" {
			restoreDefault(res, p, name)
		} else {
			res.Details = append(res.Details, whereSet(p, goenv.Setting{Name: name, InProcess: true})...)
		}
	}
}

func go111module(res *Result, p *Pass, env *goenv.Snapshot) {
	st := env.Settings["GO111MODULE"]
	switch st.Value {
	case "", "on", "auto":
	case "off":
		if !breaks(res, p, "GO111MODULE", remedy.OpGet, p.T("GO111MODULE=off: go get, go mod and go install PKG@VERSION fail, go.mod files are ignored and toolchain switching is off")) {
			setFirst(res, Warn, p.T("GO111MODULE=off: GOPATH mode, go.mod files are ignored and toolchain switching is off"))
			res.Details = append(res.Details, whereSet(p, st)...)
			restoreDefault(res, p, "GO111MODULE")
		}
	default:
		setFirst(res, Fail, fmt.Sprintf("go: unknown environment setting GO111MODULE=%s", st.Value))
		res.Details = append(res.Details, whereSet(p, st)...)
		restoreDefault(res, p, "GO111MODULE")
	}
}

// gotoolchain checks GOTOOLCHAIN as cmd/go/internal/toolchain.Select does.
func gotoolchain(res *Result, p *Pass, env *goenv.Snapshot) {
	st := env.Settings["GOTOOLCHAIN"]
	v := st.Value
	if v == "" || v == "auto" || v == "path" || v == "local" {
		return
	}
	min, suffix, plus := strings.Cut(v, "+")
	if min != "local" {
		tv := toolchainVersion(min)
		if tv == "" || !version.IsValid(tv) || strings.ContainsAny(min, `\/`) {
			if plus {
				setFirst(res, Fail, fmt.Sprintf("go: invalid GOTOOLCHAIN %q: invalid minimum toolchain %q", v, min))
			} else {
				setFirst(res, Fail, fmt.Sprintf("go: invalid GOTOOLCHAIN %q", v))
			}
			restoreDefault(res, p, "GOTOOLCHAIN")
			return
		}
		if version.Lang(tv) == tv && version.Compare(tv, "go1.21") >= 0 {
			setFirst(res, Fail, p.T("GOTOOLCHAIN=%s names a language version, not a release (%s.x); the download fails", v, tv))
			restoreDefault(res, p, "GOTOOLCHAIN")
			return
		}
		if local := toolchainVersion(env.GoVersion()); !plus && local != "" && tv != local {
			setFirst(res, Warn, p.T("GOTOOLCHAIN=%s: every go command runs %s instead of the installed %s", v, min, local))
		}
	}
	if plus && suffix != "auto" && suffix != "path" {
		setFirst(res, Fail, fmt.Sprintf("go: invalid GOTOOLCHAIN %q: only version suffixes are +auto and +path", v))
		restoreDefault(res, p, "GOTOOLCHAIN")
	}
}
