package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/gosandbox"
)

// layers orders godoctor's packages: each imports only packages of lower
// layers, so the engine runs headless and only tui knows Bubble Tea. The
// README's Development section draws the same picture.
var layers = [][]string{
	{"redact", "i18n", "suggest"},
	{"gosettings", "system", "failure", "mask"},
	{"gocmd"},
	{"goenv", "shell", "web", "policy"},
	{"change", "checksumdb", "modcache", "toolchain", "project"},
	{"mirrors", "installer", "why"},
	{"remedy"},
	{"checks"},
	{"report"},
	{"tui"},
	{"main"},
}

// topLevel are the design card's packages, which stand beside main.go
// rather than under internal/.
var topLevel = []string{"tui", "checks", "mirrors", "installer"}

// testOnly are imported by tests alone.
var testOnly = []string{"fakesys", "gosandbox", "testproxy"}

func TestLayering(t *testing.T) {
	t.Parallel()
	gobin := gosandbox.Go(t)
	layer := map[string]int{}
	for i, l := range layers {
		for _, p := range l {
			layer[p] = i
		}
	}
	cmd := exec.Command(gobin, "list", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", "./...")
	cmd.Env = append(cmd.Environ(), "GOFLAGS=-mod=readonly -buildvcs=false", "GOPROXY=off")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	name := func(path string) string {
		if path == modulePath {
			return "main"
		}
		if rest, ok := strings.CutPrefix(path, modulePath+"/internal/"); ok {
			return rest
		}
		// The design card's packages stand at the top level.
		if rest, ok := strings.CutPrefix(path, modulePath+"/"); ok && contains(topLevel, rest) {
			return rest
		}
		return ""
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, ":")
		from := name(pkg)
		if from == "" || contains(testOnly, from) {
			continue // bench programs and test helpers
		}
		for _, imp := range strings.Fields(imports) {
			to := name(imp)
			switch {
			case tuiFramework(imp):
				if from != "tui" {
					t.Errorf("%s imports %s: only tui knows Bubble Tea", from, imp)
				}
			case to == "":
			case contains(testOnly, to):
				t.Errorf("%s imports the test helper %s", from, to)
			case layer[to] >= layer[from]:
				t.Errorf("%s (layer %d) imports %s (layer %d): imports go to lower layers only", from, layer[from], to, layer[to])
			}
		}
		if _, ok := layer[from]; !ok {
			t.Errorf("package %s has no layer in layers_test.go", from)
		}
	}
}

// tuiFramework reports whether an import is Bubble Tea, lipgloss or
// bubbles (v1 or v2); charmbracelet/x's small terminal helpers (display
// width, isatty) are not.
func tuiFramework(path string) bool {
	for _, fw := range []string{"bubbletea", "lipgloss", "bubbles"} {
		if strings.HasPrefix(path, "github.com/charmbracelet/"+fw) || strings.HasPrefix(path, "charm.land/"+fw) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
