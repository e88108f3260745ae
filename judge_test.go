package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/internal/gosandbox"
	"github.com/godoctorhq/godoctor/internal/report"
	"github.com/godoctorhq/godoctor/internal/testproxy"
)

// judgeCase is a machine as a person leaves it: exports in .bashrc, lines
// in the go env file, a module. The real go command is the judge of
// whether it works.
type judgeCase struct {
	name    string
	exports map[string]string // exported in ~/.bashrc (and so in the environment)
	envFile []string          // lines of the go env file
	gomod   string            // go.mod of the working directory's module; "" for none
	gowork  string            // go.work beside it, when set
	// src is the module's one Go file ("package m" when empty).
	src string
	// build makes the judge `go build ./...`, which runs the compiler and
	// reads every build setting; the default is `go list -m` (or
	// `go version` outside a module).
	build bool
	// download makes the judge `go mod download` a module of the
	// machine's proxy, verified by its checksum database.
	download bool
	// op is the operation the machine's name is about, when it is none of
	// the above: go get for GOFLAGS=-insecure, go run for a GOOS left set,
	// go install for GOBIN.
	op []string
	// online runs godoctor's network checks too (all on loopback), for the
	// machines whose verdict needs them: a toolchain to download, a route.
	online bool
	// company puts the machine behind a company network: GOPROXY is
	// http://proxy.test:PORT (the public proxy, with the checksum
	// database), reached through HTTP_PROXY, as are the private module
	// corp.example.com/team/lib (served by its host's go-import meta tag
	// as a module proxy over https) and everything else, which does not
	// resolve. $PROXY names the public proxy there.
	company bool
	// unfixable: go fails and no fix can make it work offline (a named
	// toolchain that cannot be downloaded here, say); a failing check is
	// all that is asked.
	unfixable bool
}

// netSrc uses cgo when cgo is on (net does).
const netSrc = "package m\n\nimport \"net\"\n\nvar _ = net.IPv4len\n"

// mainSrc is a program, for go run and go install.
const mainSrc = "package main\n\nfunc main() {}\n"

// judgeMachines are machines where the go command has an opinion.
var judgeMachines = []judgeCase{
	// Healthy machines: no check may fail.
	{name: "healthy, no module"},
	{name: "healthy module", gomod: "go 1.26\n"},
	{name: "go line older than local", gomod: "go 1.21\n"},
	{name: "toolchain line newer, GOTOOLCHAIN=local", gomod: "go 1.26.0\n\ntoolchain go1.26.11\n", exports: map[string]string{"GOTOOLCHAIN": "local"}},
	{name: "toolchain line older", gomod: "go 1.22\n\ntoolchain go1.22.3\n"},
	{name: "GOTOOLCHAIN local", exports: map[string]string{"GOTOOLCHAIN": "local"}, gomod: "go 1.26\n"},
	{name: "GOTOOLCHAIN auto", exports: map[string]string{"GOTOOLCHAIN": "auto"}, gomod: "go 1.26\n"},
	{name: "GOTOOLCHAIN path", exports: map[string]string{"GOTOOLCHAIN": "path"}, gomod: "go 1.26\n"},
	{name: "GOTOOLCHAIN local+auto", exports: map[string]string{"GOTOOLCHAIN": "local+auto"}, gomod: "go 1.26\n"},
	{name: "GO111MODULE on", exports: map[string]string{"GO111MODULE": "on"}, gomod: "go 1.26\n"},
	{name: "GO111MODULE auto", exports: map[string]string{"GO111MODULE": "auto"}, gomod: "go 1.26\n"},
	{name: "GOFLAGS -mod=mod", exports: map[string]string{"GOFLAGS": "-mod=mod"}, gomod: "go 1.26\n"},
	{name: "GOFLAGS two flags", exports: map[string]string{"GOFLAGS": "-mod=mod -trimpath"}, gomod: "go 1.26\n", build: true},
	{name: "GONOSUMDB alone", exports: map[string]string{"GONOSUMDB": "corp.example.com"}, gomod: "go 1.26\n"},
	{name: "GOINSECURE alone", exports: map[string]string{"GOINSECURE": "corp.example.com"}, gomod: "go 1.26\n"},
	{name: "GOPRIVATE", exports: map[string]string{"GOPRIVATE": "corp.example.com"}, gomod: "go 1.26\n"},
	{name: "GOSUMDB off", exports: map[string]string{"GOSUMDB": "off"}, gomod: "go 1.26\n"},
	{name: "CR after GOPROXY in the go env file", envFile: []string{"GOPROXY=$PROXY,direct\r"}, gomod: "go 1.26\n", download: true, online: true},
	{name: "CR after GOSUMDB in the go env file", envFile: []string{"GOSUMDB=$SUMDB\r"}, gomod: "go 1.26\n", download: true, online: true},
	{name: "GOPROXY with pipe", exports: map[string]string{"GOPROXY": "$PROXY|https://b.example|direct"}, gomod: "go 1.26\n", download: true, online: true},
	{name: "GOPROXY direct first", exports: map[string]string{"GOPROXY": "direct,$PROXY", "GOSUMDB": "$SUMDB $PROXY/sumdb/sum.test"}, gomod: "go 1.26\n", online: true},
	{name: "GOWORK off", exports: map[string]string{"GOWORK": "off"}, gomod: "go 1.26\n"},
	{name: "go.work", gomod: "go 1.26\n", gowork: "go 1.26\n\nuse .\n"},
	{name: "GOEXPERIMENT empty", exports: map[string]string{"GOEXPERIMENT": ""}, gomod: "go 1.26\n"},
	{name: "CGO off", exports: map[string]string{"CGO_ENABLED": "0"}, gomod: "go 1.26\n", build: true},
	{name: "net with cgo", gomod: "go 1.26\n", src: netSrc, build: true},

	// Broken machines: some check must fail, and its fix must make go work.
	{name: "GOTOOLCHAIN garbage", exports: map[string]string{"GOTOOLCHAIN": "bash"}, gomod: "go 1.26\n"},
	{name: "GOTOOLCHAIN bad suffix", exports: map[string]string{"GOTOOLCHAIN": "go1.26.8+never"}, gomod: "go 1.26\n"},
	{name: "GOTOOLCHAIN language version", exports: map[string]string{"GOTOOLCHAIN": "go1.26"}, gomod: "go 1.26\n"},
	{name: "GOTOOLCHAIN older than go.mod", exports: map[string]string{"GOTOOLCHAIN": "go1.25.0"}, gomod: "go 1.26\n"},
	{name: "GOTOOLCHAIN older, GOSUMDB off", exports: map[string]string{"GOTOOLCHAIN": "go1.25.0", "GOSUMDB": "off"}, gomod: "go 1.26\n", online: true},
	{name: "GOTOOLCHAIN names a toolchain that does not exist", exports: map[string]string{"GOTOOLCHAIN": "go1.99.1"}, online: true},
	{name: "GOTOOLCHAIN path, go.mod newer", exports: map[string]string{"GOTOOLCHAIN": "path"}, gomod: "go 1.99\n", unfixable: true},
	{name: "GOTOOLCHAIN local, go.mod newer", exports: map[string]string{"GOTOOLCHAIN": "local"}, gomod: "go 1.99\n", unfixable: true},
	{name: "go.mod newer, auto, download off", exports: map[string]string{"GOPROXY": "off"}, gomod: "go 1.99\n", unfixable: true},
	{name: "GOTOOLCHAIN CR in the go env file", envFile: []string{"GOTOOLCHAIN=local\r"}, gomod: "go 1.26\n"},
	{name: "GO111MODULE upper case", exports: map[string]string{"GO111MODULE": "ON"}, gomod: "go 1.26\n"},
	{name: "GO111MODULE garbage", exports: map[string]string{"GO111MODULE": "yes"}},
	{name: "GOFLAGS unknown flag", exports: map[string]string{"GOFLAGS": "-nosuchflag"}, gomod: "go 1.26\n"},
	{name: "GOFLAGS non-flag", exports: map[string]string{"GOFLAGS": "mod=mod"}, gomod: "go 1.26\n"},
	{name: "GOFLAGS unterminated quote", exports: map[string]string{"GOFLAGS": "'-mod=mod"}, gomod: "go 1.26\n"},
	{name: "GOFLAGS -mod=vendor without vendor", exports: map[string]string{"GOFLAGS": "-mod=vendor"}, gomod: "go 1.26\n", build: true},
	{name: "GOFLAGS -mod=bogus", exports: map[string]string{"GOFLAGS": "-mod=bogus"}, gomod: "go 1.26\n"},
	{name: "GOFLAGS -race, CGO off", exports: map[string]string{"GOFLAGS": "-race", "CGO_ENABLED": "0"}, gomod: "go 1.26\n", build: true},
	{name: "GOFLAGS -modfile missing", exports: map[string]string{"GOFLAGS": "-modfile=/nonexistent/go.mod"}, gomod: "go 1.26\n"},
	{name: "GOFLAGS in the go env file", envFile: []string{"GOFLAGS=-nosuchflag"}, gomod: "go 1.26\n"},
	{name: "GOOS unknown", exports: map[string]string{"GOOS": "plan8"}, gomod: "go 1.26\n", build: true},
	{name: "GOARCH unknown", exports: map[string]string{"GOARCH": "amd65"}, gomod: "go 1.26\n", build: true},
	{name: "GOOS left set for another machine", exports: map[string]string{"GOOS": "windows"}, gomod: "go 1.26\n", src: mainSrc, op: []string{"run", "."}},
	{name: "GOARCH left set for another machine", exports: map[string]string{"GOARCH": "arm64"}, gomod: "go 1.26\n", src: mainSrc, op: []string{"run", "."}},
	{name: "GOARCH left set in the go env file", envFile: []string{"GOARCH=arm64"}, gomod: "go 1.26\n", src: mainSrc, op: []string{"run", "."}},
	{name: "GOFLAGS -insecure, go get", exports: map[string]string{"GOFLAGS": "-insecure"}, gomod: "go 1.26\n", op: []string{"get", "example.com/dep@v1.0.0"}, online: true},
	{name: "GOCACHE off", exports: map[string]string{"GOCACHE": "off"}, gomod: "go 1.26\n", build: true},
	{name: "GO111MODULE off in a module", exports: map[string]string{"GO111MODULE": "off"}, gomod: "go 1.26\n", op: []string{"get", "example.com/dep@v1.0.0"}, online: true},
	{name: "GOEXPERIMENT bogus", exports: map[string]string{"GOEXPERIMENT": "bogus"}, gomod: "go 1.26\n"},
	{name: "CC missing with cgo on", exports: map[string]string{"CC": "nope-cc"}, gomod: "go 1.26\n", src: netSrc, build: true},
	{name: "CC missing with cgo forced", exports: map[string]string{"CC": "nope-cc", "CGO_ENABLED": "1"}, gomod: "go 1.26\n", src: netSrc, build: true},
	{name: "GOTMPDIR missing", exports: map[string]string{"GOTMPDIR": "/nonexistent/tmp"}, gomod: "go 1.26\n", build: true},
	{name: "GOWORK names a missing file", exports: map[string]string{"GOWORK": "/nonexistent/go.work"}, gomod: "go 1.26\n"},
	{name: "go.work uses a missing module", gomod: "go 1.26\n", gowork: "go 1.26\n\nuse ./missing\n", unfixable: true},
	{name: "GOBIN relative", exports: map[string]string{"GOBIN": "bin"}, gomod: "go 1.26\n", src: mainSrc, op: []string{"install", "."}},
	{name: "GOCACHE relative", exports: map[string]string{"GOCACHE": "cache"}, gomod: "go 1.26\n", build: true},
	{name: "GOPATH with ~", exports: map[string]string{"GOPATH": "~/go"}, gomod: "go 1.26\n"},
	{name: "GOPATH relative", exports: map[string]string{"GOPATH": "go"}, gomod: "go 1.26\n"},
	{name: "GOMODCACHE relative", exports: map[string]string{"GOMODCACHE": "modcache"}, gomod: "go 1.26\n", download: true, online: true},
	{name: "GOROOT of nothing", exports: map[string]string{"GOROOT": "/nonexistent/go"}, gomod: "go 1.26\n"},
	{name: "go.mod unparsable", gomod: "go 1.26\nrequire (\n", unfixable: true},
	{name: "go.mod invalid toolchain line", gomod: "go 1.26\n\ntoolchain bash\n", unfixable: true},
	{name: "GOTOOLCHAIN auto with CR in the go env file", envFile: []string{"GOTOOLCHAIN=auto\r"}, gomod: "go 1.26\n"},
	{name: "GOPRIVATE with CR in the go env file", envFile: []string{"GOPRIVATE=corp.example.com\r"}, gomod: "go 1.26\n"},
	{name: "GOTOOLCHAIN local+path", exports: map[string]string{"GOTOOLCHAIN": "local+path"}, gomod: "go 1.26\n"},
	{name: "GOTOOLCHAIN equal to local", exports: map[string]string{"GOTOOLCHAIN": "go1.26.8"}, gomod: "go 1.26\n"},
	{name: "go.work older go line", gomod: "go 1.22\n", gowork: "go 1.22\n\nuse .\n"},
	{name: "go.work newer go line, local", exports: map[string]string{"GOTOOLCHAIN": "local"}, gomod: "go 1.22\n", gowork: "go 1.99\n\nuse .\n", unfixable: true},

	// Several fixes of one machine are one plan, proven as a whole: both
	// exports come out of .bashrc in one change, and ";" becomes ",".
	{name: "GOPROXY joined by ;", exports: map[string]string{"GOPROXY": "$PROXY;direct"}, gomod: "go 1.26\n", download: true, online: true},
	{name: "GOPROXY joined by ; and GOFLAGS, both exported", exports: map[string]string{"GOPROXY": "$PROXY;direct", "GOFLAGS": "-nosuchflag"}, gomod: "go 1.26\n", download: true, online: true},

	// Behind a company network, with a private module the project needs
	// and has no go.sum line for yet: the download of what the next build
	// needs is the judge.
	{name: "company, healthy", company: true, gomod: companyGoMod, exports: map[string]string{"GOPRIVATE": "corp.example.com"}, op: companyOp, online: true},
	{name: "company, no GOPRIVATE", company: true, gomod: companyGoMod, op: companyOp, online: true},
	{name: "company, GOPRIVATE with a scheme", company: true, gomod: companyGoMod, exports: map[string]string{"GOPRIVATE": "https://corp.example.com"}, op: companyOp, online: true},
	{name: "company, GOPRIVATE in upper case", company: true, gomod: companyGoMod, exports: map[string]string{"GOPRIVATE": "Corp.Example.com"}, op: companyOp, online: true},
	{name: "company, GOPRIVATE joined by ;", company: true, gomod: companyGoMod, exports: map[string]string{"GOPRIVATE": "other.example.com;corp.example.com"}, op: companyOp, online: true},
	{name: "company, GOPRIVATE with CR in the go env file", company: true, gomod: companyGoMod, envFile: []string{"GOPRIVATE=corp.example.com\r"}, op: companyOp, online: true},
	{name: "company, GOPRIVATE sends a public module direct", company: true, gomod: companyGoMod, exports: map[string]string{"GOPRIVATE": "example.com,corp.example.com"}, op: companyOp, online: true},
	{name: "company, the private module replaced by a directory", company: true, gomod: companyGoMod + "\nreplace corp.example.com/team/lib => ./lib\n", op: companyOp, online: true},
}

// companyGoMod requires the public and the private module; companyOp is
// what a person runs when go build says a go.sum line is missing.
const companyGoMod = "go 1.26\n\nrequire (\n\texample.com/dep v1.0.0\n\tcorp.example.com/team/lib v1.0.0\n)\n"

var companyOp = []string{"mod", "download"}

// judgeMachine is a sandbox: a home with a .bashrc that exports the case's
// variables, the go env file, a module in home/m, and the real go.
type judgeMachine struct {
	*realMachine
	c   judgeCase
	dir string // where the go command runs
}

func newJudgeMachine(t *testing.T, c judgeCase) *judgeMachine {
	t.Helper()
	// The machine's own proxy and checksum database, on loopback: no go
	// command of the test leaves this machine, not even to download a
	// toolchain (which this proxy does not have).
	// It holds, as every public proxy does, the module that godoctor
	// downloads to prove a route outside a project (probeModule).
	proxy := testproxy.New(t, "sum.test", probeModule, testproxy.Module{Path: "example.com/dep", Version: "v1.0.0", Files: map[string]string{"dep.go": "package dep\n"}})
	r := newRealMachine(t)
	proxyURL := proxy.URL
	if c.company {
		proxyURL = companyNetwork(t, r, proxy)
	}
	expand := strings.NewReplacer("$PROXY", proxyURL, "$SUMDB", proxy.SumDBKey).Replace
	delete(r.sys.Env, "GOTOOLCHAIN") // the toolchain's own default, as on a real machine
	// The build cache of the go test that runs this, as every machine
	// shares one on a real computer: a cgo build costs a link, not a
	// compile of runtime/cgo and net. It is content-addressed, so nothing
	// of one machine can leak into another's verdict. It is the default
	// one of the machine's home (a link to it), so that a fix that takes
	// a GOCACHE setting away finds it warm too.
	delete(r.sys.Env, "GOCACHE")
	os.MkdirAll(filepath.Join(r.home, ".cache"), 0o755)
	if err := os.Symlink(sharedBuildCache(t), filepath.Join(r.home, ".cache", "go-build")); err != nil {
		t.Fatal(err)
	}
	j := &judgeMachine{realMachine: r, c: c, dir: r.home}
	var bashrc strings.Builder
	bashrc.WriteString(userBashrc)
	names := make([]string, 0, len(c.exports))
	for k := range c.exports {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		bashrc.WriteString("export " + k + "=" + shellQuoteTest(expand(c.exports[k])) + "\n")
		r.sys.Env[k] = expand(c.exports[k])
	}
	os.WriteFile(filepath.Join(r.home, ".bashrc"), []byte(bashrc.String()), 0o644)
	envFile := []string{"GOPROXY=" + proxyURL + ",direct", "GOSUMDB=" + proxy.SumDBKey}
	for _, l := range c.envFile {
		envFile = append(envFile, expand(l))
	}
	os.MkdirAll(filepath.Join(r.home, ".config", "go"), 0o755)
	os.WriteFile(filepath.Join(r.home, ".config", "go", "env"), []byte(strings.Join(envFile, "\n")+"\n"), 0o644)
	if c.gomod != "" {
		j.dir = filepath.Join(r.home, "m")
		os.MkdirAll(j.dir, 0o755)
		os.WriteFile(filepath.Join(j.dir, "go.mod"), []byte("module example.com/m\n\n"+c.gomod), 0o644)
		src := c.src
		if src == "" {
			src = "package m\n"
		}
		os.WriteFile(filepath.Join(j.dir, "m.go"), []byte(src), 0o644)
		if c.gowork != "" {
			os.WriteFile(filepath.Join(j.dir, "go.work"), []byte(c.gowork), 0o644)
		}
		if strings.Contains(c.gomod, "=> ./lib") {
			os.MkdirAll(filepath.Join(j.dir, "lib"), 0o755)
			os.WriteFile(filepath.Join(j.dir, "lib", "go.mod"), []byte("module "+privateModule.Path+"\n"), 0o644)
		}
		r.sys.Dir = j.dir
	}
	return j
}

// privateModule is the company's module, which no public proxy or
// checksum database knows.
var privateModule = testproxy.Module{Path: "corp.example.com/team/lib", Version: "v1.0.0", Files: map[string]string{"lib.go": "package lib\n"}}

// companyNetwork puts r behind an HTTP proxy that reaches the public proxy
// as http://proxy.test:PORT and the private module's host over https, and
// returns the public proxy's URL there. The real go command takes the same
// route as godoctor: net/http skips HTTP_PROXY for loopback hosts only.
func companyNetwork(t *testing.T, r *realMachine, public *testproxy.Server) string {
	t.Helper()
	private := testproxy.New(t, "sum.private", privateModule)
	host := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Query().Get("go-get") == "1" {
			fmt.Fprintf(w, `<html><meta name="go-import" content="%s mod https://corp.example.com/modules"></html>`, privateModule.Path)
			return
		}
		resp, err := http.Get(private.URL + strings.TrimPrefix(req.URL.Path, "/modules"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(host.Close)
	hp := r.reachNamedHosts(t, host, "corp.example.com")
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(public.URL, "http://"))
	hp.Map("proxy.test", strings.TrimPrefix(public.URL, "http://"))
	return "http://proxy.test:" + port
}

var buildCache struct {
	once sync.Once
	dir  string
}

// sharedBuildCache is go env GOCACHE of the environment the tests run in.
func sharedBuildCache(t *testing.T) string {
	buildCache.once.Do(func() {
		out, err := exec.Command(gosandbox.Go(t), "env", "GOCACHE").Output()
		if err == nil {
			buildCache.dir = strings.TrimSpace(string(out))
		}
	})
	if buildCache.dir == "" || buildCache.dir == "off" {
		return filepath.Join(t.TempDir(), "gocache")
	}
	return buildCache.dir
}

func shellQuoteTest(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// newShellEnv is the environment a new bash login shell has on this
// machine: the sandbox's base variables, then what .bashrc exports.
func (j *judgeMachine) newShellEnv(t *testing.T) []string {
	t.Helper()
	var base []string
	for _, kv := range j.sys.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, exported := j.c.exports[k]; !exported {
			base = append(base, kv)
		}
	}
	cmd := exec.Command("bash", "-c", `. "$HOME/.bashrc" >/dev/null 2>&1; env -0`)
	cmd.Env = base
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("a new shell: %v", err)
	}
	var env []string
	for _, kv := range strings.Split(string(out), "\x00") {
		if kv != "" && !strings.HasPrefix(kv, "_=") && !strings.HasPrefix(kv, "SHLVL=") && !strings.HasPrefix(kv, "PWD=") {
			env = append(env, kv)
		}
	}
	return env
}

// judge runs the go command's operation for the case in env; nil when it
// works.
func (j *judgeMachine) judge(t *testing.T, env []string) ([]byte, error) {
	t.Helper()
	args := []string{"list", "runtime"}
	switch {
	case j.c.op != nil:
		args = j.c.op
	case j.c.download:
		args = []string{"mod", "download", "example.com/dep@v1.0.0"}
	case j.c.build:
		args = []string{"build", "./..."}
	case j.c.gomod != "":
		args = []string{"list", "-m"}
	}
	cmd := exec.Command(j.gobin, args...)
	cmd.Dir, cmd.Env = j.dir, env
	return cmd.CombinedOutput()
}

// verdict runs godoctor check --json on the machine (its network is the
// loopback proxy).
func (j *judgeMachine) verdict(t *testing.T) report.Report {
	t.Helper()
	var out, errb bytes.Buffer
	args := []string{"check", "--json", "--timeout", "2s"}
	if !j.c.online {
		args = append(args, "--offline")
	}
	run(context.Background(), j.sys, args, strings.NewReader(""), &out, &errb)
	var r report.Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("check --json: %v\n%s%s", err, out.String(), errb.String())
	}
	return r
}

func failing(r report.Report) []string {
	var out []string
	for _, c := range r.Checks {
		if c.Status == checks.Fail {
			out = append(out, c.ID+": "+c.Summary)
		}
	}
	return out
}

// TestGoCommandIsTheJudge: on every machine, godoctor agrees with the real
// go command. go fails: a check fails, and (but for machines no fix can
// mend offline) godoctor fix makes go work in a new shell. go works: no
// check fails.
func TestGoCommandIsTheJudge(t *testing.T) {
	gosandbox.Go(t)
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("the judge reads .bashrc with bash")
	}
	for _, c := range judgeMachines {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // each machine is a sandbox of its own
			j := newJudgeMachine(t, c)
			goOut, goErr := j.judge(t, j.newShellEnv(t))
			r := j.verdict(t)
			fails := failing(r)
			switch {
			case goErr == nil && len(fails) > 0:
				t.Fatalf("go works, but godoctor fails:\n%s", strings.Join(fails, "\n"))
			case goErr != nil && len(fails) == 0:
				t.Fatalf("go fails, but no check does:\n%s", goOut)
			case goErr == nil || c.unfixable:
				return
			}
			out, code := j.run(t, "", "fix", "--yes", "--timeout", "1s")
			env := j.newShellEnv(t)
			if fixedOut, err := j.judge(t, env); err != nil {
				t.Errorf("go still fails after godoctor fix (exit %d):\n%s\nfix said:\n%s\nchecks failing before:\n%s", code, fixedOut, out, strings.Join(fails, "\n"))
			}
		})
	}
}
