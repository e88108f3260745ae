package checks

import (
	"context"
	"debug/buildinfo"
	"slices"
	"sort"
	"strings"

	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/policy"
	"github.com/godoctorhq/godoctor/internal/remedy"
)

// Policy returns the checks of a team's policy, one per key it has, with
// the ids policy.<key>: each judges this machine as the go command will
// see it, and points at the file's line. ci takes the [ci] table's keys.
func Policy(pol *policy.Policy, ci bool) []*Check {
	if pol == nil {
		return nil
	}
	r := pol.For(ci)
	at := func(p *Pass, key string) string {
		return p.T("policy: %s", pol.Where(pol.Key(ci, key)))
	}
	var list []*Check
	add := func(c *Check, run func(p *Pass, res *Result)) {
		c.Run = func(ctx context.Context, p *Pass) Result {
			res := Result{Status: OK}
			run(p, &res)
			return res
		}
		list = append(list, c)
	}
	if min := pol.MinGodoctor(); min != "" {
		add(&Check{ID: "policy.godoctor", Title: "godoctor version (policy)"}, func(p *Pass, res *Result) {
			res.Details = append(res.Details, at(p, "min_godoctor"))
			v := strings.TrimPrefix(p.Options.Godoctor, "v")
			switch {
			case policy.Satisfies(">="+min, v):
				res.Summary = p.T("godoctor %[1]s is at least %[2]s", v, min)
			case !policy.Satisfies(">=0", v):
				setFirst(res, Warn, p.T("this godoctor (%[1]s) has no release version; the policy asks for %[2]s or newer", p.Options.Godoctor, min))
			default:
				setFirst(res, Fail, p.T("godoctor %[1]s is older than the %[2]s the policy asks for", v, min))
				res.Fixes = append(res.Fixes, Fix{ID: "update-godoctor", Title: p.T("Update godoctor"), Command: "go install github.com/godoctorhq/godoctor@latest"})
			}
		})
	}
	if g := r.Go; g != nil && (g.Version != nil || g.FromGomod != nil && *g.FromGomod) {
		add(&Check{ID: "policy.go.version", Title: "Go version (policy)"}, func(p *Pass, res *Result) { goVersionPolicy(p, res, pol, ci, g, at) })
	}
	if g := r.Go; g != nil && g.Gotoolchain != nil {
		add(&Check{ID: "policy.go.gotoolchain", Title: "GOTOOLCHAIN (policy)"}, func(p *Pass, res *Result) {
			res.Details = append(res.Details, at(p, "go.gotoolchain"))
			allowedValue(p, res, "GOTOOLCHAIN", g.Gotoolchain, func(a, b string) bool { return a == b }, remedy.OpToolchain(""))
		})
	}
	m := r.Modules
	if m == nil {
		m = &policy.ModuleRules{}
	}
	if m.Proxy != nil {
		add(&Check{ID: "policy.modules.proxy", Title: "Module proxy (policy)"}, func(p *Pass, res *Result) {
			res.Details = append(res.Details, at(p, "modules.proxy"))
			allowedValue(p, res, "GOPROXY", m.Proxy, sameProxyList, p.fetchOp())
		})
	}
	if m.Sumdb != nil {
		add(&Check{ID: "policy.modules.sumdb", Title: "Checksum database (policy)"}, func(p *Pass, res *Result) {
			res.Details = append(res.Details, at(p, "modules.sumdb"))
			allowedValue(p, res, "GOSUMDB", m.Sumdb, func(a, b string) bool { return strings.TrimSpace(a) == strings.TrimSpace(b) }, p.fetchOp())
		})
	}
	if m.Private != nil {
		add(&Check{ID: "policy.modules.private", Title: "Private modules (policy)"}, func(p *Pass, res *Result) { privatePolicy(p, res, m.Private, at) })
	}
	if m.Insecure != nil {
		add(&Check{ID: "policy.modules.insecure", Title: "GOINSECURE (policy)"}, func(p *Pass, res *Result) {
			res.Details = append(res.Details, at(p, "modules.insecure"))
			var extra []string
			for _, pat := range gosettings.ParsePatterns(p.Env().Value("GOINSECURE")) {
				if !slices.Contains(m.Insecure, pat.Raw) {
					extra = append(extra, pat.Raw)
				}
			}
			if len(extra) == 0 {
				res.Summary = p.T("GOINSECURE allows only what the policy does")
				return
			}
			setFirst(res, Fail, p.T("GOINSECURE has %s, which the policy does not allow: plain http and unverified certificates for those modules", strings.Join(extra, ",")))
			res.Fixes = append(res.Fixes, Fix{ID: "goinsecure", Title: p.T("Take them out of GOINSECURE"), Command: "go env -w GOINSECURE=" + strings.Join(without(gosettings.ParsePatterns(p.Env().Value("GOINSECURE")), extra), ",")})
		})
	}
	if m.Auth != nil {
		add(&Check{ID: "policy.modules.auth", Title: "GOAUTH (policy)"}, func(p *Pass, res *Result) {
			res.Details = append(res.Details, at(p, "modules.auth"))
			var bad []string
			for _, cmd := range strings.Split(p.Env().Value("GOAUTH"), ";") {
				method := strings.Fields(strings.TrimSpace(cmd))
				if len(method) == 0 {
					continue
				}
				if !slices.Contains(m.Auth, method[0]) {
					bad = append(bad, method[0])
				}
			}
			if len(bad) == 0 {
				res.Summary = p.T("GOAUTH uses only the methods the policy allows (%s)", strings.Join(m.Auth, ", "))
				return
			}
			// A command's arguments can hold a token: only its name.
			setFirst(res, Fail, p.T("GOAUTH uses %[1]s, which the policy does not allow (it allows %[2]s)", strings.Join(bad, ", "), strings.Join(m.Auth, ", ")))
		})
	}
	if m.Flags != nil {
		add(&Check{ID: "policy.modules.flags", Title: "GOFLAGS (policy)"}, func(p *Pass, res *Result) { flagsPolicy(p, res, m.Flags, at) })
	}
	if t := r.Tools; t != nil && len(t.Require) > 0 {
		add(&Check{ID: "policy.tools.require", Title: "Tools (policy)"}, func(p *Pass, res *Result) { toolsPolicy(p, res, t.Require, at) })
	}
	return list
}

// goVersionPolicy judges the go that runs (after GOTOOLCHAIN and go.mod
// chose it) against the policy's range and, with from_gomod, go.mod's go
// line; the fix installs a release in range.
func goVersionPolicy(p *Pass, res *Result, pol *policy.Policy, ci bool, g *policy.GoRules, at func(*Pass, string) string) {
	res.Details = append(res.Details, at(p, "go.version"))
	env := p.Env()
	running := strings.TrimPrefix(env.GoVersion(), "go")
	if running == "" {
		setFirst(res, Fail, p.T("no go runs here, and the policy asks for one"))
		return
	}
	var wants []string
	if g.Version != nil {
		wants = append(wants, *g.Version)
	}
	if g.FromGomod != nil && *g.FromGomod && env.Module != nil && env.Module.Go != "" {
		wants = append(wants, ">="+env.Module.Go)
	}
	if len(wants) == 0 {
		res.Summary = p.T("go%s runs; the policy's go.mod has no go line", running)
		return
	}
	want := strings.Join(wants, ", ")
	if policy.Satisfies(want, running) {
		res.Summary = p.T("go%[1]s runs, within %[2]s", running, want)
		return
	}
	setFirst(res, Fail, p.T("go%[1]s runs, and the policy asks for %[2]s", running, want))
	res.Fixes = append(res.Fixes, Fix{ID: "install-policy-go", Title: p.T("Install the newest Go within %s", want),
		Command: `godoctor install "` + want + `"`, Action: &remedy.Action{Install: want}})
}

// allowedValue judges a setting against the values a policy allows; the
// fix sets the first allowed value, once op proves it on the next shell.
func allowedValue(p *Pass, res *Result, name string, allowed []string, same func(a, b string) bool, op remedy.Operation) {
	st := p.Env().Settings[name]
	value := p.Env().Value(name)
	if slices.ContainsFunc(allowed, func(a string) bool { return same(a, value) }) {
		res.Summary = p.T("%[1]s=%[2]s, as the policy allows", name, value)
		return
	}
	setFirst(res, Fail, p.T("%[1]s=%[2]s (from %[3]s), and the policy allows %[4]s", name, value, describeSource(p, st), strings.Join(allowed, " or ")))
	fixSetProven(res, p, "policy-"+strings.ToLower(name), p.T("Set %[1]s=%[2]s, as the policy says", name, allowed[0]), name, allowed[0], op)
}

// sameProxyList compares two GOPROXY lists entry by entry, a trailing
// slash aside.
func sameProxyList(a, b string) bool {
	x, errx := gosettings.ParseProxyList(a)
	y, erry := gosettings.ParseProxyList(b)
	if errx != nil || erry != nil || len(x) != len(y) {
		return strings.TrimSpace(a) == strings.TrimSpace(b)
	}
	for i := range x {
		if x[i].Kind != y[i].Kind || strings.TrimSuffix(x[i].URL, "/") != strings.TrimSuffix(y[i].URL, "/") || x[i].FallbackOnAnyError != y[i].FallbackOnAnyError {
			return false
		}
	}
	return true
}

// privatePolicy requires each pattern to be covered by GOPRIVATE, or by
// GONOPROXY and GONOSUMDB together; the fix adds the missing ones to
// GOPRIVATE, keeping the user's own.
func privatePolicy(p *Pass, res *Result, want []string, at func(*Pass, string) string) {
	res.Details = append(res.Details, at(p, "modules.private"))
	env := p.Env()
	covers := func(list, pattern string) bool {
		for _, pat := range gosettings.ParsePatterns(list) {
			if pat.Raw == pattern || pat.Glob == strings.TrimSuffix(pattern, "/") {
				return true
			}
		}
		return !strings.ContainsAny(pattern, "*?[") && gosettings.MatchPatterns(list, pattern)
	}
	var missing []string
	for _, pattern := range want {
		if covers(env.Value("GOPRIVATE"), pattern) || covers(env.Value("GONOPROXY"), pattern) && covers(env.Value("GONOSUMDB"), pattern) {
			continue
		}
		missing = append(missing, pattern)
	}
	if len(missing) == 0 {
		res.Summary = p.T("GOPRIVATE covers %s", strings.Join(want, ","))
		return
	}
	setFirst(res, Fail, p.T("%s: not private here: they go to GOPROXY and the public checksum database, which cannot see them (410, 404, or their names leak)", strings.Join(missing, ",")))
	value := env.Value("GOPRIVATE")
	for _, m := range missing {
		if value != "" {
			value += ","
		}
		value += m
	}
	fixSet(res, p, "policy-goprivate", p.T("Add %s to GOPRIVATE, as the policy says", strings.Join(missing, ",")), "GOPRIVATE", value)
}

// flagsPolicy requires and forbids GOFLAGS flags; the fix writes GOFLAGS
// without the forbidden ones and with the required ones, proven by a
// build.
func flagsPolicy(p *Pass, res *Result, fl *policy.FlagRules, at func(*Pass, string) string) {
	res.Details = append(res.Details, at(p, "modules.flags"))
	flags, err := gosettings.ParseGOFLAGS(p.Env().Value("GOFLAGS"))
	if err != nil {
		setFirst(res, Fail, err.Error())
		return
	}
	var words []string
	for _, f := range flags {
		words = append(words, f.Word)
	}
	has := func(flag string) bool {
		name, _, _ := strings.Cut(strings.TrimLeft(flag, "-"), "=")
		return slices.ContainsFunc(flags, func(f gosettings.GoFlag) bool {
			return f.Word == flag || !strings.Contains(flag, "=") && f.Name == name
		})
	}
	var missing, forbidden []string
	for _, f := range fl.Require {
		if !has(f) {
			missing = append(missing, f)
		}
	}
	for _, f := range fl.Forbid {
		if has(f) {
			forbidden = append(forbidden, f)
		}
	}
	if len(missing)+len(forbidden) == 0 {
		res.Summary = p.T("GOFLAGS=%s, as the policy asks", strings.Join(words, " "))
		return
	}
	if len(missing) > 0 {
		setFirst(res, Fail, p.T("GOFLAGS lacks %s, which the policy requires", strings.Join(missing, " ")))
	}
	if len(forbidden) > 0 {
		setFirst(res, Fail, p.T("GOFLAGS has %s, which the policy forbids", strings.Join(forbidden, " ")))
	}
	var next []string
	for _, f := range flags {
		if !slices.ContainsFunc(fl.Forbid, func(x string) bool {
			name, _, _ := strings.Cut(strings.TrimLeft(x, "-"), "=")
			return f.Word == x || !strings.Contains(x, "=") && f.Name == name
		}) {
			next = append(next, f.Word)
		}
	}
	next = append(next, missing...)
	title := p.T("Set GOFLAGS=%s, as the policy says", strings.Join(next, " "))
	if len(next) == 0 {
		title = p.T("Unset GOFLAGS, as the policy says")
	}
	fixSetProven(res, p, "policy-goflags", title, "GOFLAGS", strings.Join(next, " "), remedy.OpBuild)
}

// toolsPolicy finds each program on PATH and reads the version of the
// module it was built from in its build information.
func toolsPolicy(p *Pass, res *Result, require map[string]string, at func(*Pass, string) string) {
	res.Details = append(res.Details, at(p, "tools.require"))
	names := make([]string, 0, len(require))
	for n := range require {
		names = append(names, n)
	}
	sort.Strings(names)
	var ok []string
	for _, name := range names {
		want := require[name]
		path := p.Sys.LookPath(name)
		if path == "" {
			setFirst(res, Fail, p.T("%s is not on PATH, and the policy requires it", name))
			res.Details = append(res.Details, p.T("%s: not on PATH", name))
			continue
		}
		info, err := buildinfo.ReadFile(path)
		if err != nil {
			if want != "" {
				setFirst(res, Warn, p.T("%[1]s at %[2]s has no Go build information: its version cannot be checked against %[3]s", name, path, want))
			}
			res.Details = append(res.Details, p.T("%[1]s: %[2]s, no Go build information", name, path))
			continue
		}
		v := info.Main.Version
		res.Details = append(res.Details, p.T("%[1]s: %[2]s, %[3]s %[4]s", name, path, info.Main.Path, v))
		if want != "" && !policy.Satisfies(want, v) {
			setFirst(res, Fail, p.T("%[1]s is %[2]s, and the policy asks for %[3]s", name, v, want))
			if info.Main.Path != "" {
				res.Fixes = append(res.Fixes, Fix{ID: "install-" + name, Title: p.T("Install %[1]s %[2]s", name, want), Command: "go install " + info.Path + "@latest"})
			}
			continue
		}
		ok = append(ok, name)
	}
	if res.Status == OK {
		res.Summary = p.T("%s on PATH, as the policy asks", strings.Join(ok, ", "))
	}
}

// without is the raw patterns of list, less those in drop.
func without(list []gosettings.Pattern, drop []string) []string {
	var out []string
	for _, p := range list {
		if !slices.Contains(drop, p.Raw) {
			out = append(out, p.Raw)
		}
	}
	return out
}
