package failure

import (
	"flag"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/i18n"
)

func TestRecognise(t *testing.T) {
	for _, c := range []struct {
		text, family, module, version string
	}{
		// Texts of the real go command (Go 1.26), as it prints them.
		{"go: example.com/x@v1.0.0: module lookup disabled by GOPROXY=off", "goproxy-off", "example.com/x", "v1.0.0"},
		{"go: example.com/x@v1.0.0: GOPROXY list is not the empty string, but contains no entries", "invalid-goproxy", "example.com/x", "v1.0.0"},
		{"go: example.com/x@v1.0.0: invalid proxy URL scheme (must be https, http, file): ftp://x", "invalid-goproxy", "example.com/x", "v1.0.0"},
		{`go: example.com/x@v1.0.0: Get "http://127.0.0.1:9/example.com/x/@v/v1.0.0.info": dial tcp 127.0.0.1:9: connect: connection refused`, "proxy-unreachable", "example.com/x", "v1.0.0"},
		{`go: example.com/x@v1.0.0: Get "https://proxy.invalid/example.com/x/@v/v1.0.0.info": proxyconnect tcp: dial tcp 127.0.0.1:9: connect: connection refused`, "http-proxy-unreachable", "example.com/x", "v1.0.0"},
		{"go: parsing $GOFLAGS: unknown flag -nosuchflag", "goflags-invalid", "", ""},
		{"-mod=bogus not supported (can be '', 'mod', 'readonly', or 'vendor')", "goflags-invalid", "", ""},
		{"go: downloading go1.99.0 (linux/amd64)\ngo: download go1.99.0 for linux/amd64: toolchain not available", "toolchain-unavailable", "", ""},
		{"go: go.mod requires go >= 1.99 (running go 1.26.8; GOTOOLCHAIN=local)", "go-version-too-old", "", ""},
		{"verifying golang.org/x/text@v0.14.0: checksum mismatch\n\tdownloaded: h1:a\n\tgo.sum:     h1:b\n\nSECURITY ERROR\nThis download does NOT match an earlier download recorded in go.sum.", "checksum-mismatch", "golang.org/x/text", "v0.14.0"},
		{"go: github.com/acme/x@v9.9.9: reading https://proxy.example/github.com/acme/x/@v/v9.9.9.info: 410 Gone\n\tserver response: not found: unknown revision v9.9.9", "proxy-not-found", "github.com/acme/x", "v9.9.9"},
		{"go: github.com/acme/x@v9.9.9: invalid version: unknown revision v9.9.9", "unknown-revision", "github.com/acme/x", "v9.9.9"},
		{"\tfatal: could not read Username for 'https://github.com': terminal prompts disabled", "private-repo-auth", "", ""},
		{"go: github.com/corp/secret@v1.0.0: invalid version: git ls-remote -q --end-of-options https://github.com/corp/secret in /m/cache/vcs/5f8d: exit status 128:\n\tfatal: could not read Username for 'http://127.0.0.1:18777': terminal prompts disabled\nConfirm the import path was entered correctly.", "private-repo-auth", "github.com/corp/secret", "v1.0.0"},
		{"go: inconsistent vendoring in /src/app:", "vendor-inconsistent", "", ""},
		{"verifying example.com/m@v1.2.3/go.mod: example.com/m@v1.2.3/go.mod: reading http://127.0.0.1:9/lookup/example.com/m@v1.2.3: 500 Internal Server Error", "sumdb-unreachable", "example.com/m", "v1.2.3"},
	} {
		hits := hitsOf(c.text)
		if len(hits) != 1 || hits[0].Family.ID != c.family || hits[0].Module != c.module || hits[0].Version != c.version {
			var got []string
			for _, h := range hits {
				got = append(got, h.Family.ID+" "+h.Module+"@"+h.Version)
			}
			t.Errorf("%q:\n got %q\nwant [%s %s@%s]", c.text, got, c.family, c.module, c.version)
		}
	}
}

func TestRecogniseNothingOrdinary(t *testing.T) {
	for _, text := range []string{
		"",
		"./m.go:3:23: undefined: undefinedThing",
		"--- FAIL: TestX (0.00s)\n    m_test.go:5: expected 1, got 2: https://example.com/docs\nFAIL",
		"go: downloading golang.org/x/text v0.14.0\ngo: finding module for package example.com/x",
		"go: go.mod requires go >= 1.22; switching to go1.22.0",
		`panic: Get "https://api.example.com/v1": context deadline exceeded`,
	} {
		if log := Read(text); len(log.Groups) != 0 || len(log.Unknown) != 0 {
			t.Errorf("%q recognised: %+v", text, log)
		}
	}
}

// TestOneGroupPerFamily: a build log repeats a failure for every package
// that imports the module, and names many modules; one group per family,
// one hit per module version, every line counted.
func TestOneGroupPerFamily(t *testing.T) {
	line := "go: example.com/x@v1.0.0: module lookup disabled by GOPROXY=off\n"
	other := "go: example.com/y@v1.0.0: module lookup disabled by GOPROXY=off\n"
	log := Read(line + line + other + line + "verifying example.com/z@v1.0.0: checksum mismatch\n")
	if len(log.Groups) != 2 || log.Groups[0].Lines != 4 || len(log.Groups[0].Hits) != 2 {
		t.Fatalf("groups: %+v", log.Groups)
	}
	if h := log.Groups[0].Hits[1]; h.Module != "example.com/y" || h.Line != 3 {
		t.Errorf("second hit: %+v", h)
	}
}

// TestUnknownLines: the go command's error lines that no family knows
// are kept (for explain to show and to run every check on); its progress
// lines are not.
func TestUnknownLines(t *testing.T) {
	log := Read("go: downloading example.com/x v1.0.0\ngo: something new went wrong\n./m.go:3:8: package nosuch/pkg is not in std (/opt/go/src/nosuch/pkg)\nok\ngo: module example.com/old is deprecated: use new\n")
	if len(log.Unknown) != 2 || log.Unknown[0].N != 2 || log.Unknown[1].N != 3 {
		t.Errorf("unknown: %+v", log.Unknown)
	}
}

func TestWhere(t *testing.T) {
	for _, c := range []struct{ url, module, kind, base string }{
		{"https://goproxy.cn/example.com/!x/@v/v1.0.0.info", "example.com/X", AtProxy, "https://goproxy.cn"},
		{"https://corp.example/go/proxy/example.com/x/@latest", "example.com/x", AtProxy, "https://corp.example/go/proxy"},
		{"https://goproxy.cn/sumdb/sum.golang.org/lookup/example.com/x@v1.0.0", "example.com/x", AtProxySumDB, "https://goproxy.cn"},
		{"https://sum.golang.org/lookup/example.com/x@v1.0.0", "example.com/x", AtSumDB, "https://sum.golang.org"},
		{"https://sum.golang.org/tile/8/0/001", "", AtSumDB, "https://sum.golang.org"},
		{"https://github.com/acme/x", "github.com/acme/x", "", ""},
	} {
		if kind, base := Where(c.url, c.module); kind != c.kind || base != c.base {
			t.Errorf("Where(%s) = %s %s, want %s %s", c.url, kind, base, c.kind, c.base)
		}
	}
}

// TestFacts: what the log's lines say of the set-up that printed it.
func TestFacts(t *testing.T) {
	if got := Read("go: go.mod requires go >= 1.99 (running go 1.22.1; GOTOOLCHAIN=local)").Running; got != "1.22.1" {
		t.Errorf("running %q", got)
	}
	for text, want := range map[string]string{
		"go: cannot find GOROOT directory: /usr/local/go1.20": "/usr/local/go1.20",
		"main.go:3:8: cannot find package \"example.com/x\" in any of:\n\t/opt/go/src/example.com/x (from $GOROOT)\n\t/home/u/go/src/example.com/x (from $GOPATH)": "/opt/go",
	} {
		if got := Read(text).GOROOT; got != want {
			t.Errorf("GOROOT of %q: %q, want %q", text, got, want)
		}
	}
	if got := Read("go: unsupported GOOS/GOARCH pair plan10/amd64").Target; got != "plan10/amd64" {
		t.Errorf("target %q", got)
	}
}

// TestFamilyExamples: what the go command printed on a machine set up to
// fail each way (captured from Go 1.26 in a sandbox; the recipes are in
// docs/failures.md) is recognised as that family, first; every family
// names its source, causes, settings and the operation that reproduces it.
func TestFamilyExamples(t *testing.T) {
	ops := []string{OpDownload, OpToolchain, OpBuild, OpBuildCgo, OpRun, OpInstall, OpGet, OpProject, OpProjectBuild, OpHere}
	seen := map[string]bool{}
	for _, f := range Families {
		if seen[f.ID] {
			t.Errorf("%s: two families", f.ID)
		}
		seen[f.ID] = true
		if f.Source == "" || f.Means == "" || len(f.Causes) == 0 || len(f.Settings) == 0 || f.Advice == "" || !slices.Contains(ops, f.Op) {
			t.Errorf("%s: incomplete: %+v", f.ID, f)
		}
		log := Read(f.Example)
		if len(log.Groups) == 0 || log.Groups[0].Family != f {
			var got []string
			for _, g := range log.Groups {
				got = append(got, g.Family.ID)
			}
			t.Errorf("%s: its example is recognised as %q:\n%s", f.ID, got, f.Example)
		}
	}
}

// TestTroubleshootingDocument: every example in a section of
// docs/troubleshooting.md (the guide, for the common families) is
// recognised as one of the section's families and nothing else.
func TestTroubleshootingDocument(t *testing.T) {
	for _, name := range []string{"../../docs/troubleshooting.md", "../../docs/troubleshooting.zh-CN.md"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		familyLine := regexp.MustCompile("(?m)^(?:Family|族): (.*)$")
		id := regexp.MustCompile("`([a-z0-9-]+)`")
		documented := map[string]bool{}
		for _, section := range strings.Split(string(data), "\n## ")[1:] {
			m := familyLine.FindStringSubmatch(section)
			if m == nil {
				continue
			}
			want := map[string]bool{}
			for _, f := range id.FindAllStringSubmatch(m[1], -1) {
				if byID(f[1]) == nil {
					t.Errorf("%s: unknown family %s", name, f[1])
				}
				want[f[1]], documented[f[1]] = true, true
			}
			blocks := strings.Split(section, "```")
			for i := 1; i < len(blocks); i += 2 {
				hits := hitsOf(blocks[i])
				if len(hits) == 0 {
					t.Errorf("%s: the example is not recognised:\n%s", name, blocks[i])
				}
				for _, h := range hits {
					if !want[h.Family.ID] {
						t.Errorf("%s: the example is recognised as %s, not %v:\n%s", name, h.Family.ID, want, blocks[i])
					}
				}
			}
		}
		// The rest are in the reference made from the table.
	}
}

func FuzzRecognise(f *testing.F) {
	f.Add("go: example.com/x@v1.0.0: module lookup disabled by GOPROXY=off\n\tmore")
	f.Add("verifying a.b/c@v1: checksum mismatch\nSECURITY ERROR\n")
	f.Add(`Get "https://x/": proxyconnect tcp: x509: certificate signed by unknown authority`)
	f.Fuzz(func(t *testing.T, text string) {
		lines := strings.Count(text, "\n") + 1
		log := Read(text)
		hits := hitsOf(text)
		if len(hits)+len(log.Unknown) > lines {
			t.Fatalf("%d hits in %d lines", len(hits), lines)
		}
		for _, h := range hits {
			if h.Line < 1 || h.Line > lines || !strings.Contains(text, h.Quote) || len(h.Quote) > MaxLine {
				t.Fatalf("hit %+v is not a line of the text", h)
			}
			if !strings.Contains(h.Quote, h.URL) {
				t.Fatalf("URL %q is not in %q", h.URL, h.Quote)
			}
			if _, base := Where(h.URL, h.Module); !strings.HasPrefix(h.URL, base) {
				t.Fatalf("base %q is not in %q", base, h.URL)
			}
		}
		for _, g := range log.Groups {
			if len(g.Hits) == 0 || g.Lines < len(g.Hits) {
				t.Fatalf("group %s: %d hits in %d lines", g.Family.ID, len(g.Hits), g.Lines)
			}
		}
		for _, l := range log.Unknown {
			if l.N < 1 || l.N > lines || !strings.Contains(text, l.Text) {
				t.Fatalf("unknown %+v is not a line of the text", l)
			}
		}
	})
}

// BenchmarkRecogniseBuildLog: a 10,000-line build log with two failures
// in it (goal: under 100 ms before the checks run).
func BenchmarkRecogniseBuildLog(b *testing.B) {
	var log strings.Builder
	for i := range 10_000 {
		switch i {
		case 5000:
			log.WriteString("go: example.com/x@v1.0.0: module lookup disabled by GOPROXY=off\n")
		case 9000:
			log.WriteString(`go: example.com/y@v1.0.0: Get "https://proxy.example/example.com/y/@v/v1.0.0.info": dial tcp 203.0.113.7:443: i/o timeout` + "\n")
		default:
			log.WriteString("# example.com/app/internal/pkg\ninternal/pkg/file.go:12:2: declared and not used: x see https://go.dev/ref/spec\n"[:60] + "\n")
		}
	}
	text := log.String()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if len(Read(text).Groups) != 2 {
			b.Fatal("the failures were not found")
		}
	}
}

// hitsOf is every hit of every group of a text.
func hitsOf(text string) []Hit {
	var hits []Hit
	for _, g := range Read(text).Groups {
		hits = append(hits, g.Hits...)
	}
	return hits
}

var update = flag.Bool("update", false, "rewrite docs/failures*.md from the table")

// TestReference: docs/failures.md and docs/failures.zh-CN.md are made
// from the table (go test ./internal/failure -update), a section for every
// family with its example; a change to the table that the documents do
// not have fails here.
func TestReference(t *testing.T) {
	for _, c := range []struct {
		file string
		pr   i18n.Printer
	}{{"../../docs/failures.md", i18n.Printer{}}, {"../../docs/failures.zh-CN.md", i18n.Printer{Lang: i18n.Zh}}} {
		want := Reference(c.pr)
		if *update {
			if err := os.WriteFile(c.file, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(c.file)
		if err != nil || string(got) != want {
			t.Errorf("%s is not what the table makes (err %v): go test ./internal/failure -update", c.file, err)
		}
	}
}

// byID returns the family with that id, or nil.
func byID(id string) *Family {
	for _, f := range Families {
		if f.ID == id {
			return f
		}
	}
	return nil
}
