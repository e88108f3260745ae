package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/module"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/internal/failure"
	"github.com/godoctorhq/godoctor/internal/gocmd"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/modcache"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/report"
)

const explainHelp = `Usage: godoctor explain [flags] [TEXT]
       go build 2>&1 | godoctor explain

Say what a go command's error output means on this machine. For every
failure godoctor knows: what it means, what can cause it, the settings
that can cause it with their values here; then the go command runs the
operation the line came from on this machine (confirmed here, not
reproduced here, or not checked with --offline) and the checks that tell
the causes apart run. Then the fix. TEXT, else standard input.

`

// maxExplainInput bounds what explain reads: a build log of a large
// project is a few MiB; more is a paste gone wrong.
const maxExplainInput = 16 << 20

// The verdicts of a finding on this machine.
const (
	verdictConfirmed     = "confirmed"      // the go command fails the same way here, or a check shows the cause
	verdictNotReproduced = "not-reproduced" // the operation works here, or fails otherwise
	verdictNotChecked    = "not-checked"    // the operation was not run (--offline, nothing to run it on)
)

// explained is one family of failures found, as --json prints it: the
// first line of the family, and every module version it names.
type explained struct {
	Family  string `json:"family"`
	Quote   string `json:"quote"`
	Line    int    `json:"line"`
	Module  string `json:"module,omitempty"`
	Version string `json:"version,omitempty"`
	// Lines counts the log's lines of this family; Modules lists every
	// module version they name, in order.
	Lines     int            `json:"lines"`
	Modules   []namedModule  `json:"modules,omitempty"`
	Cause     string         `json:"cause"`
	Causes    []string       `json:"causes"`
	Settings  []settingHere  `json:"settings"`
	Checks    []string       `json:"checks"`
	Verdict   string         `json:"verdict"`
	Confirmed bool           `json:"confirmed"`
	Operation *operationHere `json:"operation,omitempty"`
	Evidence  []report.Check `json:"evidence"`
	Advice    string         `json:"advice"`
	Fixes     []checks.Fix   `json:"fixes"`
	// Route is godoctor why for the module the failure names, when the
	// failure is about fetching it.
	Route *report.Why `json:"route,omitempty"`
}

// namedModule is a module version a line names.
type namedModule struct {
	Module  string `json:"module"`
	Version string `json:"version"`
	Line    int    `json:"line"`
}

// settingHere is a setting that can cause a failure, as it is here.
type settingHere struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

// operationHere is the operation that reproduces a failure, as it went
// on this machine.
type operationHere struct {
	Name    string `json:"name"`
	Command string `json:"command,omitempty"`
	// Ran is false when it was not run; Said is then why not.
	Ran bool `json:"ran"`
	// Failed: the go command failed; Same: with the same failure.
	Failed bool   `json:"failed"`
	Same   bool   `json:"same"`
	Said   string `json:"said,omitempty"`
}

// explainReport is explain's whole answer.
type explainReport struct {
	Findings []explained `json:"findings"`
	// Elsewhere says why the log looks made on another set-up.
	Elsewhere []string `json:"elsewhere,omitempty"`
	// Unknown are the go command's error lines no family matches, and
	// Failing the checks that fail or warn here when there are such lines.
	Unknown []failure.Line `json:"unknown,omitempty"`
	Failing []report.Check `json:"failing,omitempty"`
}

// maxTraces bounds the modules explain traces: a log of a broken set-up
// can name hundreds, and each trace asks the network; the first few tell
// the cause.
const maxTraces = 3

// localOpTimeout bounds an operation that needs no network: a build of
// the project can take a while, a hung go command must not hang explain.
const localOpTimeout = 2 * time.Minute

func runExplain(ctx context.Context, a *app, args []string) error {
	var f checkFlags
	fs := newFlagSet("explain", a.stderr, a.T(explainHelp))
	f.globals.register(fs, a.pr)
	fs.BoolVar(&f.json, "json", false, a.T("print the findings as JSON, nothing else on stdout"))
	fs.BoolVar(&f.offline, "offline", false, a.T("skip the checks and operations that need the network"))
	durationFlag(fs, a.pr, &f.timeout, "timeout", 5*time.Second, a.T("bound on each network operation"))
	pos, helped, err := parseArgs(fs, args)
	if helped || err != nil {
		return err
	}
	text := strings.Join(pos, " ")
	cut := false
	if len(pos) == 0 {
		if a.term {
			fmt.Fprintln(a.stderr, a.T("Paste the go command's output, then press Ctrl-D."))
		}
		data, err := io.ReadAll(io.LimitReader(a.stdin, maxExplainInput+1))
		if err != nil && ctx.Err() == nil {
			return err
		}
		cut = len(data) > maxExplainInput
		text = string(data[:min(len(data), maxExplainInput)])
	}
	if strings.TrimSpace(text) == "" {
		return usageError("%s", a.T("nothing to explain: give the go command's output as an argument or on standard input"))
	}
	if cut {
		fmt.Fprintln(a.stderr, a.T("only the first %d MiB were read", maxExplainInput>>20))
	}

	log := failure.Read(text)
	if len(log.Groups) == 0 && len(log.Unknown) == 0 {
		if f.json {
			writeJSON(a, explainReport{Findings: []explained{}})
		} else {
			fmt.Fprintln(a.stdout, a.T("No error of the go command is in this text. godoctor check examines the whole set-up."))
		}
		return &exitError{code: exitFailed}
	}
	r := explainLog(ctx, a, log, f)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if f.json {
		writeJSON(a, r)
	} else {
		printExplained(a, r, f.offline)
	}
	if len(r.Findings) == 0 && len(r.Failing) == 0 {
		// Lines of the go command that godoctor does not know, on a
		// machine where every check passes: nothing can be said.
		return &exitError{code: exitFailed}
	}
	return nil
}

// explainLog runs the checks that the families name (every check when a
// line is unknown), once each, reproduces each family with the go
// command, and ties the results to each family.
func explainLog(ctx context.Context, a *app, log failure.Log, f checkFlags) explainReport {
	var list []*checks.Check
	for _, g := range log.Groups {
		for _, id := range g.Family.Checks {
			if c := checks.ByID(id); c != nil && !slices.Contains(list, c) {
				list = append(list, c)
			}
		}
	}
	if len(log.Unknown) > 0 {
		list = checks.All()
	}
	opts := f.options(a.pr)
	env := goenv.Load(ctx, a.sys)
	opts.Env = env
	results := runChecks(ctx, a.sys, list, opts)

	r := explainReport{Findings: []explained{}, Unknown: log.Unknown, Elsewhere: elsewhere(a, env, log)}
	if len(log.Unknown) > 0 {
		for _, c := range checks.All() {
			if res, ok := results[c.ID]; ok && atLeast(res.Status, checks.Warn) {
				r.Failing = append(r.Failing, res)
			}
		}
	}
	ops := map[string]*operationHere{}
	traced := 0
	for _, g := range log.Groups {
		h := g.Hits[0]
		e := explained{
			Family: g.Family.ID, Quote: h.Quote, Line: h.Line, Module: h.Module, Version: h.Version, Lines: g.Lines,
			Cause: a.T(g.Family.Means), Checks: g.Family.Checks, Advice: a.T(g.Family.Advice),
			Settings: settingsHere(a, env, g.Family.Settings), Evidence: []report.Check{}, Fixes: []checks.Fix{},
		}
		for _, hit := range g.Hits {
			if hit.Module != "" {
				e.Modules = append(e.Modules, namedModule{hit.Module, hit.Version, hit.Line})
			}
		}
		e.Advice = strings.ReplaceAll(e.Advice, "host/owner", privatePatterns(g))
		for _, c := range g.Family.Causes {
			e.Causes = append(e.Causes, a.T(c))
		}
		for _, id := range g.Family.Checks {
			if r, ok := results[id]; ok {
				e.Evidence = append(e.Evidence, r)
			}
		}
		byCheck := false
		for _, ev := range g.Family.Evidence {
			r, ok := results[ev.Check]
			if !ok || !atLeast(r.Status, checks.Status(ev.Status)) {
				continue
			}
			byCheck = true
			addFixes(&e, r.Fixes)
		}
		// A damaged copy in the module cache is what the go command read:
		// that decides, whatever a download from elsewhere does.
		inCache := g.Family.ID == "checksum-mismatch" && h.Module != "" && confirmInCache(ctx, a, env, f, h, &e)
		e.Operation = reproduce(ctx, a, env, f, g, ops)
		switch {
		case inCache, e.Operation != nil && e.Operation.Ran && e.Operation.Same:
			e.Verdict = verdictConfirmed
		case e.Operation != nil && e.Operation.Ran:
			e.Verdict = verdictNotReproduced
		case byCheck:
			e.Verdict = verdictConfirmed
		default:
			e.Verdict = verdictNotChecked
		}
		if g.Family.Fetch && h.Module != "" && module.Check(h.Module, h.Version) == nil {
			if traced < maxTraces {
				traceHit(ctx, a, env, f, h, &e)
				traced++
			} else {
				e.Advice += " " + a.T("(not traced here: godoctor why %s@%s traces it)", h.Module, h.Version)
			}
			if len(e.Modules) > 1 {
				e.Advice += " " + a.T("(godoctor why MODULE@VERSION traces each of the others)")
			}
		}
		e.Confirmed = e.Verdict == verdictConfirmed
		r.Findings = append(r.Findings, e)
	}
	return r
}

// privatePatterns is the GOPRIVATE value that covers the modules a family
// names (github.com/acme), "host/owner" when it names none.
func privatePatterns(g failure.Group) string {
	var pats []string
	for _, h := range g.Hits {
		if p := gosettings.PrivatePattern(h.Module); p != "" && !slices.Contains(pats, p) {
			pats = append(pats, p)
		}
	}
	if len(pats) == 0 {
		return "host/owner"
	}
	return strings.Join(pats, ",")
}

func addFixes(e *explained, fixes []checks.Fix) {
	for _, fix := range fixes {
		if !slices.ContainsFunc(e.Fixes, func(x checks.Fix) bool { return x.Command == fix.Command && x.Title == fix.Title }) {
			e.Fixes = append(e.Fixes, fix)
		}
	}
}

// atLeast orders statuses by gravity: fail over warn over the rest.
func atLeast(s, min checks.Status) bool {
	rank := map[checks.Status]int{checks.Warn: 1, checks.Fail: 2}
	return rank[s] >= rank[min] && rank[s] > 0
}

// settingsHere are the values of the settings a family names, with where
// each comes from; a credential in one is masked.
func settingsHere(a *app, env *goenv.Snapshot, names []string) []settingHere {
	out := []settingHere{}
	for _, name := range names {
		out = append(out, settingValue(a, env, name))
	}
	return out
}

// settingValue is one setting's value here, masked, and where it comes
// from: the go command's layers for its own settings, the process for
// the others (HTTPS_PROXY, CGO_ENABLED), else what go env reports.
func settingValue(a *app, env *goenv.Snapshot, name string) settingHere {
	s := settingHere{Name: name}
	if set, ok := env.Settings[name]; ok {
		s.Value, s.Source = set.Value, a.T(string(set.Source))
	} else if v, ok := a.sys.Env[name]; ok && v != "" {
		s.Value, s.Source = v, a.T(string(goenv.FromProcess))
	} else if v, ok := env.GoEnv[name]; ok {
		s.Value, s.Source = v, a.T("go env")
	} else {
		s.Source = a.T("not set")
	}
	s.Value = redact.Setting(name, s.Value)
	return s
}

// reproduce runs the operation a family came from, on this machine, once
// per operation and module: nil when the family has none.
func reproduce(ctx context.Context, a *app, env *goenv.Snapshot, f checkFlags, g failure.Group, done map[string]*operationHere) *operationHere {
	h := g.Hits[0]
	op, network, why := operationFor(a, env, g.Family.Op, h, f.timeout)
	if why == "" && op.Name == "" {
		return nil
	}
	if why != "" {
		return &operationHere{Name: a.T("the go command"), Said: why}
	}
	if network && f.offline {
		return &operationHere{Name: op.Name, Said: a.T("not run: --offline, and it needs the network")}
	}
	key := op.Name + "\x00" + op.Dir
	if r, ok := done[key]; ok {
		c := *r
		c.Same = sameFailure(c.Said, g.Family)
		return &c
	}
	if f.offline {
		// Nothing of it may reach the network: a download it needs
		// fails, and says so, instead.
		op.Env = append(op.Env, "GOPROXY=off")
	}
	r := &operationHere{Name: op.Name, Ran: true}
	if env.Go == nil {
		return &operationHere{Name: op.Name, Said: a.T("no go command on PATH")}
	}
	err := op.Run(ctx, gocmd.Runner{Sys: a.sys, Go: env.Go.Path})
	var ge *gocmd.Error
	switch {
	case err == nil:
	case errors.As(err, &ge):
		r.Failed, r.Command, r.Said = true, ge.Command(), redact.Text(ge.Said())
	default:
		r.Failed, r.Said = true, redact.Text(err.Error())
	}
	if f.offline && r.Failed && !slices.Contains(g.Family.Settings, "GOPROXY") && strings.Contains(r.Said, "GOPROXY=off") {
		// It stopped where it needed the network.
		r.Ran, r.Said = false, a.T("not run through: --offline, and it needs the network here")
	}
	done[key] = r
	c := *r
	c.Same = c.Failed && sameFailure(c.Said, g.Family)
	return &c
}

// sameFailure reports whether the go command's words are the family's.
func sameFailure(said string, f *failure.Family) bool {
	return slices.ContainsFunc(failure.Read(said).Groups, func(g failure.Group) bool { return g.Family == f })
}

// operationFor is the operation of a family's kind for the hit, whether
// it needs the network, and why there is none to run ("" when there is).
func operationFor(a *app, env *goenv.Snapshot, kind string, h failure.Hit, timeout time.Duration) (op remedy.Operation, network bool, whyNot string) {
	project := ""
	if env.Module != nil || env.Work != nil {
		project = a.sys.Dir
	}
	switch kind {
	case failure.OpDownload:
		if h.Module == "" || module.Check(h.Module, strings.TrimSuffix(h.Version, "/go.mod")) != nil {
			return op, false, a.T("the line names no module version to download")
		}
		return remedy.OpDownload(project, timeout, h.Module+"@"+strings.TrimSuffix(h.Version, "/go.mod")), true, ""
	case failure.OpToolchain:
		return remedy.OpToolchain(project), true, ""
	case failure.OpBuild:
		return remedy.OpBuild, false, ""
	case failure.OpBuildCgo:
		return remedy.OpBuildNet, false, ""
	case failure.OpRun:
		return remedy.OpRun, false, ""
	case failure.OpInstall:
		return remedy.OpInstall, false, ""
	case failure.OpGet:
		return remedy.OpGet, false, ""
	case failure.OpHere, failure.OpProject, failure.OpProjectBuild:
		switch {
		case project == "" && kind == failure.OpHere:
			return remedy.OpList, false, ""
		case project == "":
			return op, false, a.T("no module or workspace here to run it in")
		case kind == failure.OpProjectBuild:
			return remedy.Operation{Name: "go build ./...", Dir: project, Args: []string{"build", "./..."}, Timeout: localOpTimeout}, false, ""
		}
		return remedy.Operation{Name: "go list ./...", Dir: project, Args: []string{"list", "./..."}, Timeout: localOpTimeout}, false, ""
	}
	return op, false, ""
}

// elsewhere says why a log looks made on another set-up than this one: a
// module proxy or checksum database that the settings here do not name,
// another go command.
func elsewhere(a *app, env *goenv.Snapshot, log failure.Log) []string {
	var notes []string
	note := func(s string) {
		if !slices.Contains(notes, s) {
			notes = append(notes, s)
		}
	}
	goproxy := env.Value("GOPROXY")
	entries, _ := gosettings.ParseProxyList(goproxy)
	proxied := func(base string) bool {
		return slices.ContainsFunc(entries, func(e gosettings.ProxyEntry) bool {
			return e.URL != "" && strings.TrimSuffix(e.URL, "/") == strings.TrimSuffix(base, "/")
		})
	}
	db, dbErr := gosettings.ParseGOSUMDB(env.Value("GOSUMDB"))
	for _, g := range log.Groups {
		for _, h := range g.Hits {
			kind, base := failure.Where(h.URL, h.Module)
			switch {
			case (kind == failure.AtProxy || kind == failure.AtProxySumDB) && !proxied(base):
				note(a.T("This log came from a GOPROXY with %[1]s; here GOPROXY is %[2]s: another shell, CI or an old setting?", redact.Text(base), redact.Setting("GOPROXY", goproxy)))
			case kind == failure.AtSumDB && dbErr == nil && base != db.URL && base != "https://"+db.Name:
				note(a.T("This log asked the checksum database at %[1]s; here GOSUMDB is %[2]s: another shell, CI or an old setting?", redact.Text(base), env.Value("GOSUMDB")))
			}
		}
	}
	if here := strings.TrimPrefix(env.GoVersion(), "go"); log.Running != "" && here != "" && here != log.Running && !strings.HasPrefix(here, log.Running+".") {
		note(a.T("This log came from go %[1]s; here the go command is go%[2]s: another shell, CI or another PATH?", log.Running, here))
	}
	if here := env.GoEnv["GOROOT"]; log.GOROOT != "" && here != "" && filepath.Clean(log.GOROOT) != filepath.Clean(here) {
		note(a.T("This log came from a go in %[1]s; here GOROOT is %[2]s: another shell, CI or another installation?", redact.Text(log.GOROOT), here))
	}
	if here := env.GoEnv["GOOS"] + "/" + env.GoEnv["GOARCH"]; log.Target != "" && here != "/" && log.Target != here {
		note(a.T("This log came from GOOS/GOARCH=%[1]s; here they are %[2]s: another shell, CI or a variable set since?", redact.Text(log.Target), here))
	}
	return notes
}

// confirmInCache scans the one version a checksum mismatch names, where
// the build list's check cannot see it (another module's dependency, or a
// go get of something new); true when it is damaged in the cache.
func confirmInCache(ctx context.Context, a *app, env *goenv.Snapshot, f checkFlags, h failure.Hit, e *explained) bool {
	mv := module.Version{Path: h.Module, Version: strings.TrimSuffix(h.Version, "/go.mod")}
	o, _, err := remedy.CacheOptions(ctx, a.sys, env, a.pr, f.offline, f.timeout)
	if err != nil {
		o, _, _ = remedy.CacheOptions(ctx, a.sys, env, a.pr, true, f.timeout)
	}
	o.Only = []module.Version{mv}
	r, err := modcache.Scan(ctx, o)
	if err != nil {
		return false
	}
	for _, entry := range r.Entries {
		if entry.Bad() {
			if !slices.ContainsFunc(e.Evidence, func(c report.Check) bool { return c.ID == "cache.integrity" && c.Status == checks.Fail }) {
				e.Evidence = append(e.Evidence, report.Check{ID: "cache", Title: a.T("Module cache"), Status: checks.Fail,
					Summary: entry.Module + "@" + entry.Version + ": " + string(entry.Status) + ": " + entry.Reason})
			}
			addFixes(e, []checks.Fix{{ID: "cache-clean", Title: a.T("Remove the damaged versions; the go command downloads them again"),
				Command: "godoctor cache clean " + mv.String()}})
			return true
		}
	}
	return false
}

// traceHit runs why for the module a fetch failure names: the hop that
// fails now confirms the failure, and the settings the go command
// confirmed are fixes.
func traceHit(ctx context.Context, a *app, env *goenv.Snapshot, f checkFlags, h failure.Hit, e *explained) {
	t, confirmed := remedy.TraceNamed(ctx, a.sys, env, h.Module, h.Version, a.T("named in the error"), f.offline, f.timeout)
	r := report.NewWhy(a.pr, t, confirmed)
	e.Route = &r
	if !r.Probed || r.Fetchable || r.Decider < 0 {
		return
	}
	hop := r.Route[r.Decider]
	if e.Verdict == verdictNotChecked {
		e.Verdict = verdictConfirmed
	}
	e.Evidence = append(e.Evidence, report.Check{ID: "why", Title: "godoctor why " + h.Module + "@" + h.Version, Status: checks.Fail,
		Summary: strings.TrimSpace(hop.Kind + " " + hop.URL + ": " + hop.Detail)})
	addFixes(e, r.Fixes)
}

// maxListed bounds the modules listed under a family's heading.
const maxListed = 10

// printExplained writes the findings for a person.
func printExplained(a *app, r explainReport, offline bool) {
	out := a.stdout
	for _, note := range r.Elsewhere {
		fmt.Fprintln(out, "! "+note)
	}
	if len(r.Elsewhere) > 0 {
		fmt.Fprintln(out)
	}
	for i, e := range r.Findings {
		if i > 0 {
			fmt.Fprintln(out)
		}
		mark := map[string]string{verdictConfirmed: report.Marks[checks.Fail], verdictNotReproduced: "~", verdictNotChecked: "?"}[e.Verdict]
		where := a.T("line %d", e.Line)
		if e.Lines > 1 {
			where = a.T("%[1]d lines, first at line %[2]d", e.Lines, e.Line)
		}
		fmt.Fprintln(out, a.T("%[1]s %[2]s (%[3]s, %[4]s)", mark, e.Family, where, verdictText(a, e, offline)))
		fmt.Fprintf(out, "  %s\n", e.Quote)
		if len(e.Modules) > 1 {
			var names []string
			for _, m := range e.Modules[:min(len(e.Modules), maxListed)] {
				names = append(names, m.Module+"@"+m.Version)
			}
			more := ""
			if len(e.Modules) > maxListed {
				more = " " + a.T("and %d more", len(e.Modules)-maxListed)
			}
			fmt.Fprintf(out, "  %s %s%s\n", a.T("Modules:"), strings.Join(names, ", "), more)
		}
		fmt.Fprintf(out, "  %s\n", e.Cause)
		fmt.Fprintln(out, "  "+a.T("What can cause it:"))
		for _, c := range e.Causes {
			fmt.Fprintf(out, "    - %s\n", c)
		}
		if len(e.Settings) > 0 {
			fmt.Fprintln(out, "  "+a.T("Settings that can cause it, here:"))
			for _, s := range e.Settings {
				value := s.Value
				if value == "" {
					value = a.T("(empty)")
				}
				fmt.Fprintln(out, "    "+a.T("%[1]s=%[2]s  (%[3]s)", s.Name, value, s.Source))
			}
		}
		if op := e.Operation; op != nil && op.Ran {
			fmt.Fprintln(out, "  "+a.T("The go command here:"))
			switch {
			case op.Same:
				fmt.Fprintf(out, "    %s: %s\n", op.Name, a.T("fails the same way"))
			case op.Failed:
				fmt.Fprintf(out, "    %s: %s\n", op.Name, a.T("fails otherwise"))
			default:
				fmt.Fprintf(out, "    %s: %s\n", op.Name, a.T("works"))
			}
			if op.Failed {
				for _, line := range strings.Split(strings.TrimSpace(op.Said), "\n")[:min(3, strings.Count(strings.TrimSpace(op.Said), "\n")+1)] {
					fmt.Fprintf(out, "      %s\n", line)
				}
			}
		}
		fmt.Fprintln(out, "  "+a.T("On this machine:"))
		for _, r := range e.Evidence {
			fmt.Fprintf(out, "    %s %-16s %s\n", report.Marks[r.Status], r.ID, r.Summary)
		}
		if len(e.Fixes) > 0 {
			fmt.Fprintln(out, "  "+a.T("Fix:"))
			for _, fix := range e.Fixes {
				if fix.Command == "" {
					fmt.Fprintf(out, "    %s (godoctor fix)\n", fix.Title)
					continue
				}
				fmt.Fprintf(out, "    %s\n      %s\n", fix.Title, fix.Command)
			}
		} else {
			fmt.Fprintln(out, "  "+a.T("What to do: %s", e.Advice))
		}
	}
	if len(r.Unknown) == 0 {
		return
	}
	if len(r.Findings) > 0 {
		fmt.Fprintln(out)
	}
	fmt.Fprintln(out, a.T("Errors of the go command that godoctor does not know:"))
	for _, l := range r.Unknown {
		fmt.Fprintf(out, "  %s: %s\n", a.T("line %d", l.N), l.Text)
	}
	if len(r.Failing) == 0 {
		fmt.Fprintln(out, a.T("Every check passes here; the cause is not in this machine's set-up that godoctor can see."))
		return
	}
	fmt.Fprintln(out, a.T("Checks that fail or warn here:"))
	for _, c := range r.Failing {
		fmt.Fprintf(out, "  %s %-16s %s\n", report.Marks[c.Status], c.ID, c.Summary)
		for _, fix := range c.Fixes {
			if fix.Command != "" {
				fmt.Fprintf(out, "      %s\n", fix.Command)
			}
		}
	}
}

// verdictText says a finding's verdict in words.
func verdictText(a *app, e explained, offline bool) string {
	op := e.Operation
	switch {
	case e.Verdict == verdictConfirmed && op != nil && op.Same:
		return a.T("confirmed here: %s fails the same way", op.Name)
	case e.Verdict == verdictConfirmed:
		return a.T("confirmed here by the checks")
	case e.Verdict == verdictNotReproduced && op.Failed:
		return a.T("not reproduced here: %s fails otherwise", op.Name)
	case e.Verdict == verdictNotReproduced:
		return a.T("not reproduced here: %s works", op.Name)
	case offline:
		return a.T("not checked (--offline)")
	}
	return a.T("not checked")
}

// writeJSON prints v indented on stdout.
func writeJSON(a *app, v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
