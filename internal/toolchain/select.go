package toolchain

import (
	"fmt"
	"go/version"
	"strings"
)

// Inputs are what the go command reads to choose the toolchain that runs
// (cmd/go/internal/toolchain.Select).
type Inputs struct {
	Local       string // the local go's version: go1.26.8
	GOTOOLCHAIN string // in force, from the environment, the go env file or $GOROOT/go.env
	// ModulesOff is GO111MODULE=off, which turns switching off.
	ModulesOff bool
	// File is the go.work or go.mod whose go and toolchain lines count, ""
	// outside a module; GoLine is its go version ("1.26"), ToolchainLine
	// its toolchain ("go1.26.11", "default").
	File, GoLine, ToolchainLine string
}

// Selection is the toolchain that runs, and why.
type Selection struct {
	Name string // the toolchain that runs: the local one's version, or go1.X.Y
	// Local is true when the local go runs.
	Local bool
	// Mode is how GOTOOLCHAIN lets the go command switch: "auto" (look in
	// PATH, then download), "path" (PATH only), "" (never).
	Mode string
	// Reason says what chose Name: "GOTOOLCHAIN=go1.25.0", the go or
	// toolchain line of File, or "the local toolchain".
	Reason string
	// Err is the go command's own error when it cannot choose (an invalid
	// GOTOOLCHAIN or toolchain line), as it prints it.
	Err error
}

// Select chooses as the go command does, before it runs any command but
// go env GOTOOLCHAIN, GOMOD and GOWORK.
func Select(in Inputs) Selection {
	local := lang(in.Local)
	sel := Selection{Name: in.Local, Local: true, Reason: "the local toolchain"}
	if in.ModulesOff || in.GOTOOLCHAIN == "" || local == "" {
		return sel
	}
	minName, minVers := in.Local, local
	switch in.GOTOOLCHAIN {
	case "auto", "path":
		sel.Mode = in.GOTOOLCHAIN
	default:
		min, suffix, plus := strings.Cut(in.GOTOOLCHAIN, "+")
		if min != "local" {
			v := FromToolchain(min)
			if v == "" {
				if plus {
					sel.Err = fmt.Errorf("go: invalid GOTOOLCHAIN %q: invalid minimum toolchain %q", in.GOTOOLCHAIN, min)
				} else {
					sel.Err = fmt.Errorf("go: invalid GOTOOLCHAIN %q", in.GOTOOLCHAIN)
				}
				return sel
			}
			minName, minVers = min, v
			sel.Reason = "GOTOOLCHAIN=" + in.GOTOOLCHAIN
		}
		if plus && suffix != "auto" && suffix != "path" {
			sel.Err = fmt.Errorf("go: invalid GOTOOLCHAIN %q: only version suffixes are +auto and +path", in.GOTOOLCHAIN)
			return sel
		}
		sel.Mode = suffix
	}
	name := minName
	if (sel.Mode == "auto" || sel.Mode == "path") && in.File != "" && in.ToolchainLine != "default" {
		if tc := in.ToolchainLine; tc != "" {
			tv := FromToolchain(tc)
			if tv == "" || !strings.HasPrefix(tc, "go") && !strings.Contains(tc, "-go") {
				sel.Err = fmt.Errorf("go: invalid toolchain %q in %s", tc, in.File)
				return sel
			}
			if compare(tv, minVers) > 0 {
				name, minVers = tc, tv
				sel.Reason = "the toolchain line of " + in.File
			}
		}
		if gv := in.GoLine; gv != "" && compare(gv, minVers) > 0 {
			name, minVers = "go"+gv, gv
			// From Go 1.21 on the first release of a language version is
			// X.Y.0: the go command never downloads the bare language.
			if isLang(gv) && compare(gv, "1.21") >= 0 {
				name += ".0"
			}
			sel.Reason = "the go line of " + in.File
		}
	}
	if name == "local" || name == in.Local {
		sel.Name, sel.Local = in.Local, true
		return sel
	}
	if !strings.HasPrefix(name, "go1") && !strings.Contains(name, "-go1") {
		sel.Err = fmt.Errorf("go: invalid GOTOOLCHAIN %q", in.GOTOOLCHAIN)
		return sel
	}
	sel.Name, sel.Local = name, false
	return sel
}

// FromToolchain is the Go version a toolchain name stands for: "go1.21.5"
// and "gccgo-go1.21.5" are "1.21.5", "go1.21.5-custom" too; "" when the
// name is none (cmd/go/internal/gover.FromToolchain).
func FromToolchain(name string) string {
	if strings.ContainsAny(name, "\\/") {
		return ""
	}
	var v string
	switch {
	case strings.HasPrefix(name, "go"):
		v = name[2:]
	case strings.Contains(name, "-go"):
		v = name[strings.Index(name, "-go")+3:]
	default:
		return ""
	}
	if i := strings.IndexAny(v, "-+ "); i >= 0 {
		v = v[:i]
	}
	if !version.IsValid("go" + v) {
		return ""
	}
	return v
}

// lang is a local go's version without "go" and suffixes, "" if not a
// release ("devel ...").
func lang(local string) string {
	v := FromToolchain(strings.Fields(local + " ")[0])
	return v
}

func compare(a, b string) int { return version.Compare("go"+a, "go"+b) }

// isLang reports a language version, 1.22, rather than a release.
func isLang(v string) bool { return version.Lang("go"+v) == "go"+v }

// Compare compares two Go versions written without "go" (1.21.5).
func Compare(a, b string) int { return compare(a, b) }
