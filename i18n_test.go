package main

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"

	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/report"
)

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// TestChineseReport runs check --offline under LANG=zh_CN.UTF-8 on a
// healthy machine and on one with many findings, and finds every title
// and summary in Chinese, while ids, statuses and field names stay as the
// contract has them.
func TestChineseReport(t *testing.T) {
	t.Parallel()
	broken := func(t *testing.T) *fakesys.Machine {
		m := machine(t)
		m.UserEnvFile("GOPROXY=", "GOSUMDB=off")
		m.Setenv("GOPRIVATE", "github.com, corp.example")
		m.Setenv("GONOSUMCHECK", "1")
		m.Setenv("GOFLAGS", "-mod=vendor")
		m.Setenv("GO111MODULE", "off")
		m.Setenv("GOTOOLCHAIN", "go1.22")
		m.Sys.Env["PATH"] = m.Path("/usr/local/go/bin")
		return m
	}
	for name, mk := range map[string]func(*testing.T) *fakesys.Machine{"healthy": machine, "broken": broken} {
		t.Run(name, func(t *testing.T) {
			m := mk(t)
			m.Setenv("LANG", "zh_CN.UTF-8")
			stdout, stderr, _ := runMain(t, m, "check", "--offline", "--json")
			var r report.Report
			if err := json.Unmarshal([]byte(stdout), &r); err != nil {
				t.Fatalf("%v\n%s%s", err, stdout, stderr)
			}
			for _, c := range r.Checks {
				if !hasHan(c.Title) || !hasHan(c.Summary) {
					t.Errorf("%s not translated: %q / %q", c.ID, c.Title, c.Summary)
				}
				for _, f := range c.Fixes {
					if !hasHan(f.Title) {
						t.Errorf("%s fix %s not translated: %q", c.ID, f.ID, f.Title)
					}
				}
				if !strings.Contains(c.ID, ".") || (c.Status != "ok" && c.Status != "warn" && c.Status != "fail" && c.Status != "skip") {
					t.Errorf("untranslatable fields changed: %+v", c)
				}
			}
			if name == "broken" && r.Summary.Fail == 0 {
				t.Error("the broken machine has no failure")
			}
		})
	}
	// --lang wins over the locale, and the plain report's own words follow.
	m := machine(t)
	m.Setenv("LANG", "en_US.UTF-8")
	stdout, _, _ := runMain(t, m, "check", "--offline", "--lang", "zh")
	if !strings.Contains(stdout, "项正常") {
		t.Errorf("--lang zh:\n%s", stdout)
	}
	if _, _, code := runMain(t, m, "check", "--lang", "fr"); code != 2 {
		t.Errorf("--lang fr: exit %d, want 2", code)
	}
}
