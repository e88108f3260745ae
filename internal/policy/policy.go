// Package policy reads a team's .godoctor.toml: the Go versions, module
// proxies, private-module patterns, checksum settings, GOFLAGS and tools
// every machine of the team should have. The file is data: it is decoded
// strictly (an unknown key is an error), nothing in it is run or
// expanded, and a value that could make godoctor act for an attacker (a
// credential, a GOAUTH command, a $) refuses the whole file, with the
// line to look at.
package policy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	version "github.com/hashicorp/go-version"
	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/system"
)

// FileName is the policy's name in a repository.
const FileName = ".godoctor.toml"

// Schema is the version of the format this godoctor reads.
const Schema = 1

// Policy is a decoded, accepted policy file.
type Policy struct {
	// File is where it was read from; SHA256 the hash of its bytes, so
	// that a report says which version of it judged.
	File   string
	SHA256 string
	Rules
	// CI are the rules that replace these in CI mode (a [ci] table).
	CI Rules
	// lines are the line of each key, by its dotted name (go.version).
	lines       map[string]int
	minGodoctor string
}

// Rules are the judged keys of a policy, or of its [ci] table; an absent
// key is nil or empty and judges nothing.
type Rules struct {
	Go       *GoRules          `toml:"go"`
	Modules  *ModuleRules      `toml:"modules"`
	Tools    *ToolRules        `toml:"tools"`
	Severity map[string]string `toml:"severity"`
}

// GoRules are about the toolchain.
type GoRules struct {
	// Version is a constraint (">=1.24.3, <1.27") on the go that runs once
	// GOTOOLCHAIN and go.mod have chosen it.
	Version *string `toml:"version"`
	// FromGomod also requires the go line of the project's go.mod.
	FromGomod *bool `toml:"from_gomod"`
	// Gotoolchain are the GOTOOLCHAIN values allowed.
	Gotoolchain []string `toml:"gotoolchain"`
}

// ModuleRules are about how modules are found and verified.
type ModuleRules struct {
	// Proxy are the GOPROXY values allowed, each a whole list.
	Proxy []string `toml:"proxy"`
	// Private are patterns that GOPRIVATE, or GONOPROXY and GONOSUMDB
	// together, must cover.
	Private []string `toml:"private"`
	// Sumdb are the GOSUMDB values allowed; off only when listed.
	Sumdb []string `toml:"sumdb"`
	// Insecure are the GOINSECURE patterns allowed; nothing else may be.
	Insecure []string `toml:"insecure"`
	// Auth are the GOAUTH methods allowed: netrc, git, off.
	Auth []string `toml:"auth"`
	// Flags are GOFLAGS flags that must be set, or must not.
	Flags *FlagRules `toml:"flags"`
}

// FlagRules are GOFLAGS flags required or forbidden (-mod=readonly, -insecure).
type FlagRules struct {
	Require []string `toml:"require"`
	Forbid  []string `toml:"forbid"`
}

// ToolRules are programs that must be on PATH.
type ToolRules struct {
	// Require maps a program's name to a version constraint on the
	// module it was built from ("" for any version).
	Require map[string]string `toml:"require"`
}

// file is the whole document as decoded.
type file struct {
	Schema      *int    `toml:"schema"`
	MinGodoctor *string `toml:"min_godoctor"`
	Rules
	CI *Rules `toml:"ci"`
}

// MinGodoctor is the oldest godoctor the file asks for, "" when it does
// not say; kept apart from the rules: it is about godoctor itself.
func (p *Policy) MinGodoctor() string { return p.minGodoctor }

// Error is a refused file: every reason, each at its line.
type Error struct {
	File     string
	Problems []Problem
}

// Problem is one reason to refuse a file, at a line (0 when the whole
// file).
type Problem struct {
	Line int
	Why  string
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("\n")
		}
		if p.Line > 0 {
			fmt.Fprintf(&b, "%s:%d: %s", e.File, p.Line, p.Why)
		} else {
			fmt.Fprintf(&b, "%s: %s", e.File, p.Why)
		}
	}
	return b.String()
}

// Line is the line of a key (go.version, modules.proxy), 0 when the file
// does not have it.
func (p *Policy) Line(key string) int { return p.lines[key] }

// Where is FILE:LINE of a key, for a check's details.
func (p *Policy) Where(key string) string {
	if l := p.lines[key]; l > 0 {
		return fmt.Sprintf("%s:%d", p.File, l)
	}
	return p.File
}

// ErrOff is Find's answer when GODOCTOR_POLICY=off.
var ErrOff = errors.New("GODOCTOR_POLICY=off")

// Find locates the policy for dir: GODOCTOR_POLICY (a file, or off),
// else .godoctor.toml in dir or the nearest parent, stopping at the
// directory that holds .git or go.work, and at home. "" when there is
// none.
func Find(env map[string]string, dir, home string) (string, error) {
	switch v := env["GODOCTOR_POLICY"]; v {
	case "":
	case "off":
		return "", ErrOff
	default:
		return v, nil
	}
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		f := filepath.Join(d, FileName)
		if st, err := os.Lstat(f); err == nil && st.Mode().IsRegular() {
			return f, nil
		}
		if exists(filepath.Join(d, ".git")) || exists(filepath.Join(d, "go.work")) || d == filepath.Clean(home) || filepath.Dir(d) == d {
			return "", nil
		}
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// MaxFile bounds a policy file: a few hundred lines at most.
const MaxFile = 256 << 10

// Load reads and judges a policy file; an *Error says why it is refused.
func Load(path string) (*Policy, error) {
	data, err := system.ReadFile(path, MaxFile)
	if err != nil {
		return nil, &Error{File: path, Problems: []Problem{{0, err.Error()}}}
	}
	return Parse(path, data)
}

// Parse judges the bytes of a policy file read from path.
func Parse(path string, data []byte) (*Policy, error) {
	refuse := &Error{File: path}
	var f file
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		var strict *toml.StrictMissingError
		var de *toml.DecodeError
		switch {
		case errors.As(err, &strict):
			for _, e := range strict.Errors {
				line, _ := e.Position()
				refuse.Problems = append(refuse.Problems, Problem{line, fmt.Sprintf("unknown key %s", strings.Join(e.Key(), "."))})
			}
		case errors.As(err, &de):
			line, _ := de.Position()
			refuse.Problems = append(refuse.Problems, Problem{line, de.Error()})
		default:
			refuse.Problems = append(refuse.Problems, Problem{0, err.Error()})
		}
		return nil, refuse
	}
	sum := sha256.Sum256(data)
	p := &Policy{File: path, SHA256: hex.EncodeToString(sum[:]), lines: keyLines(data)}
	for key, value := range stringValues(data) {
		if strings.Contains(value.text, "$") {
			refuse.add(value.line, "%s: a $ in a value: godoctor expands no variables, and a policy is data", key)
		}
		if redact.HasCredentials(value.text) {
			refuse.add(value.line, "%s: a credential in a URL: a repository's file must not carry one (use .netrc or GOAUTH on each machine)", key)
		}
	}
	switch {
	case f.Schema == nil:
		refuse.add(1, "schema = %d is required, to say which format the file is written in", Schema)
	case *f.Schema > Schema:
		refuse.add(p.lines["schema"], "schema %d is newer than this godoctor reads (%d): update godoctor", *f.Schema, Schema)
	case *f.Schema < 1:
		refuse.add(p.lines["schema"], "schema %d is not a format version", *f.Schema)
	}
	if f.MinGodoctor != nil {
		if _, err := version.NewVersion(*f.MinGodoctor); err != nil {
			refuse.add(p.lines["min_godoctor"], "min_godoctor %q is not a version", *f.MinGodoctor)
		}
		p.minGodoctor = *f.MinGodoctor
	}
	p.Rules = f.Rules
	p.check(refuse, "", f.Rules)
	if f.CI != nil {
		p.CI = *f.CI
		p.check(refuse, "ci.", *f.CI)
	}
	if len(refuse.Problems) > 0 {
		sort.SliceStable(refuse.Problems, func(i, j int) bool { return refuse.Problems[i].Line < refuse.Problems[j].Line })
		return nil, refuse
	}
	return p, nil
}

func (e *Error) add(line int, format string, args ...any) {
	e.Problems = append(e.Problems, Problem{line, fmt.Sprintf(format, args...)})
}

// gotoolchainValue is the go command's grammar of GOTOOLCHAIN
// (cmd/go/internal/toolchain/select.go: auto, local, path, a toolchain
// name, or one with +auto or +path).
var gotoolchainValue = regexp.MustCompile(`^(auto|local|path|go1(\.\d+){1,2}((rc|beta)\d+)?(\+(auto|path))?)$`)

// Severities are the values [severity] takes.
var Severities = []string{"fail", "warn", "off"}

// AuthMethods are the GOAUTH methods a policy may allow: never a
// command, which a file of a repository would make every machine run.
var AuthMethods = []string{"netrc", "git", "off"}

// check refuses the rules' values that do not hold, with their lines.
func (p *Policy) check(refuse *Error, prefix string, r Rules) {
	// line is the line of the most precise key the file has of keys.
	line := func(keys ...string) int {
		for _, k := range keys {
			if l := p.lines[prefix+k]; l > 0 {
				return l
			}
		}
		return 0
	}
	if g := r.Go; g != nil {
		if g.Version != nil {
			if err := checkConstraint(*g.Version); err != nil {
				refuse.add(line("go.version"), "go.version %q: %v", *g.Version, err)
			}
		}
		for _, v := range g.Gotoolchain {
			if !gotoolchainValue.MatchString(v) {
				refuse.add(line("go.gotoolchain"), "go.gotoolchain %q is not a GOTOOLCHAIN value (auto, local, path, go1.N.P, go1.N.P+auto, go1.N.P+path)", v)
			}
		}
	}
	if m := r.Modules; m != nil {
		for _, v := range m.Proxy {
			if _, err := gosettings.ParseProxyList(v); err != nil || strings.TrimSpace(v) == "" {
				refuse.add(line("modules.proxy"), "modules.proxy %q is not a GOPROXY the go command takes: %v", v, err)
			}
		}
		for _, key := range []string{"private", "insecure"} {
			list := m.Private
			if key == "insecure" {
				list = m.Insecure
			}
			for _, v := range list {
				for _, pat := range gosettings.ParsePatterns(v) {
					if pat.Problem != "" {
						refuse.add(line("modules."+key), "modules.%s %q: %s", key, pat.Raw, pat.Problem)
					}
				}
			}
		}
		for _, v := range m.Sumdb {
			if _, err := gosettings.ParseGOSUMDB(v); err != nil && !errors.Is(err, gosettings.ErrSumDBOff) {
				refuse.add(line("modules.sumdb"), "modules.sumdb %q: %v", v, err)
			}
		}
		for _, v := range m.Auth {
			if !slices.Contains(AuthMethods, v) {
				refuse.add(line("modules.auth"), "modules.auth %q: a policy allows GOAUTH methods (netrc, git, off), never a command that every machine would run", v)
			}
		}
		if fl := m.Flags; fl != nil {
			for key, list := range map[string][]string{"require": fl.Require, "forbid": fl.Forbid} {
				for _, v := range list {
					if !strings.HasPrefix(v, "-") || strings.ContainsAny(v, " \t") {
						refuse.add(line("modules.flags."+key, "modules.flags"), "modules.flags %q is not one flag (-name or -name=value)", v)
					}
				}
			}
		}
	}
	if t := r.Tools; t != nil {
		for name, c := range t.Require {
			at := line("tools.require."+name, "tools.require")
			if name == "" || strings.ContainsAny(name, `/\`) {
				refuse.add(at, "tools.require %q is not a program's name", name)
			}
			if c != "" {
				if err := checkConstraint(c); err != nil {
					refuse.add(at, "tools.require %s %q: %v", name, c, err)
				}
			}
		}
	}
	for id, s := range r.Severity {
		if !slices.Contains(Severities, s) {
			refuse.add(line("severity."+id, "severity"), "severity %s = %q: one of fail, warn, off", id, s)
		}
	}
}

// constraintPart splits one part of a constraint into its operator and
// version.
var constraintPart = regexp.MustCompile(`^\s*(>=|<=|!=|~>|>|<|=)?\s*(\S+)\s*$`)

// checkConstraint refuses a version constraint that does not parse or
// that no version can meet (">=1.27, <1.26").
func checkConstraint(s string) error {
	c, err := version.NewConstraint(s)
	if err != nil {
		return err
	}
	var low, high *version.Version
	lowIncl, highIncl := true, true
	for _, one := range c {
		m := constraintPart.FindStringSubmatch(one.String())
		if m == nil {
			continue
		}
		op := m[1]
		v, err := version.NewVersion(m[2])
		if err != nil {
			continue
		}
		switch op {
		case ">=", ">":
			if low == nil || v.GreaterThan(low) || v.Equal(low) && op == ">" {
				low, lowIncl = v, op == ">="
			}
		case "<=", "<":
			if high == nil || v.LessThan(high) || v.Equal(high) && op == "<" {
				high, highIncl = v, op == "<="
			}
		case "=", "":
			if low == nil || v.GreaterThan(low) {
				low, lowIncl = v, true
			}
			if high == nil || v.LessThan(high) {
				high, highIncl = v, true
			}
		}
	}
	if low != nil && high != nil && (low.GreaterThan(high) || low.Equal(high) && !(lowIncl && highIncl)) {
		return errors.New("no version meets it")
	}
	return nil
}

// Satisfies reports whether version v (1.26.8, go1.26.8, v0.16.1) meets
// the constraint c; an unparsable one does not.
func Satisfies(c, v string) bool {
	cs, err := version.NewConstraint(c)
	if err != nil {
		return false
	}
	ver, err := version.NewVersion(strings.TrimPrefix(strings.TrimPrefix(v, "go"), "v"))
	if err != nil {
		return false
	}
	return cs.Check(ver)
}

// keyLines maps every key of the document, by its dotted name, to its line.
func keyLines(data []byte) map[string]int {
	lines := map[string]int{}
	var p unstable.Parser
	p.Reset(data)
	table := ""
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = dotted(e.Key())
			lines[table] = p.Shape(e.Raw).Start.Line
			if first := e.Key(); first.Next() {
				lines[table] = p.Shape(first.Node().Raw).Start.Line
			}
		case unstable.KeyValue:
			it := e.Key()
			it.Next()
			key := dotted(e.Key())
			if table != "" {
				key = table + "." + key
			}
			lines[key] = p.Shape(it.Node().Raw).Start.Line
		}
	}
	return lines
}

func dotted(it unstable.Iterator) string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return strings.Join(parts, ".")
}

// stringValue is a string in the document and its line.
type stringValue struct {
	text string
	line int
}

// stringValues is every string value of the document, keys of inline
// tables included, by the dotted key that holds it (an array's strings
// under the array's key, numbered).
func stringValues(data []byte) map[string]stringValue {
	out := map[string]stringValue{}
	var p unstable.Parser
	p.Reset(data)
	table := ""
	var walk func(key string, line int, n *unstable.Node)
	walk = func(key string, line int, n *unstable.Node) {
		if n.Raw.Length > 0 {
			line = p.Shape(n.Raw).Start.Line
		}
		switch n.Kind {
		case unstable.String:
			out[key] = stringValue{string(n.Data), line}
		case unstable.Array:
			i := 0
			for it := n.Children(); it.Next(); i++ {
				walk(fmt.Sprintf("%s[%d]", key, i), line, it.Node())
			}
		case unstable.InlineTable:
			for it := n.Children(); it.Next(); {
				kv := it.Node()
				sub := dotted(kv.Key())
				out[key+"."+sub+" (key)"] = stringValue{sub, line}
				walk(key+"."+sub, line, kv.Value())
			}
		}
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = dotted(e.Key())
		case unstable.KeyValue:
			key := dotted(e.Key())
			if table != "" {
				key = table + "." + key
			}
			it := e.Key()
			it.Next()
			walk(key, p.Shape(it.Node().Raw).Start.Line, e.Value())
		}
	}
	return out
}

// For is the rules in force: in CI mode, the [ci] table's keys replace
// the others one by one.
func (p *Policy) For(ci bool) Rules {
	r := p.Rules
	if !ci {
		return r
	}
	c := p.CI
	if c.Go != nil {
		g := GoRules{}
		if r.Go != nil {
			g = *r.Go
		}
		if c.Go.Version != nil {
			g.Version = c.Go.Version
		}
		if c.Go.FromGomod != nil {
			g.FromGomod = c.Go.FromGomod
		}
		if c.Go.Gotoolchain != nil {
			g.Gotoolchain = c.Go.Gotoolchain
		}
		r.Go = &g
	}
	if c.Modules != nil {
		m := ModuleRules{}
		if r.Modules != nil {
			m = *r.Modules
		}
		for _, f := range []struct{ to, from *[]string }{{&m.Proxy, &c.Modules.Proxy}, {&m.Private, &c.Modules.Private}, {&m.Sumdb, &c.Modules.Sumdb}, {&m.Insecure, &c.Modules.Insecure}, {&m.Auth, &c.Modules.Auth}} {
			if *f.from != nil {
				*f.to = *f.from
			}
		}
		if c.Modules.Flags != nil {
			m.Flags = c.Modules.Flags
		}
		r.Modules = &m
	}
	if c.Tools != nil {
		r.Tools = c.Tools
	}
	if c.Severity != nil {
		sev := map[string]string{}
		for k, v := range r.Severity {
			sev[k] = v
		}
		for k, v := range c.Severity {
			sev[k] = v
		}
		r.Severity = sev
	}
	return r
}

// Key is the line's key of a rule in force: the [ci] table's when CI
// mode takes it from there.
func (p *Policy) Key(ci bool, key string) string {
	if ci && p.lines["ci."+key] > 0 {
		return "ci." + key
	}
	return key
}
