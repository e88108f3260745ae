package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/internal/report"

	"github.com/godoctorhq/godoctor/internal/testproxy"
	"github.com/godoctorhq/godoctor/internal/why"
)

// whyJSON runs godoctor why --json.
func (r *realMachine) whyJSON(t *testing.T, args ...string) (report.Why, int) {
	t.Helper()
	var out, errb strings.Builder
	err := run(context.Background(), r.sys, append([]string{"why", "--json"}, args...), strings.NewReader(""), &out, &errb)
	code := exitCode(err, &errb)
	r2 := report.Why{Trace: &why.Trace{}}
	if err := json.Unmarshal([]byte(out.String()), &r2); err != nil {
		t.Fatalf("exit %d, %v\n%s%s", code, err, out.String(), errb.String())
	}
	return r2, code
}

// triedHop is a proxy the go command (or why) asked for the version, and
// whether it answered.
type triedHop struct {
	base string
	ok   bool
}

// goTried runs go mod download -x with an empty module cache and returns
// the proxies it asked for the version's .info, in order, and whether the
// download succeeded.
func (r *realMachine) goTried(t *testing.T, mv string, bases ...string) ([]triedHop, bool) {
	t.Helper()
	cmd := exec.Command(r.gobin, "mod", "download", "-x", mv)
	cmd.Dir = r.home
	cmd.Env = r.sys.Environ("GOMODCACHE=" + t.TempDir())
	out, err := cmd.CombinedOutput()
	var tried []triedHop
	for _, line := range strings.Split(string(out), "\n") {
		rest, ok := strings.CutPrefix(line, "# get ")
		u, result, answered := strings.Cut(rest, ": ")
		if !ok || !answered || !strings.HasSuffix(u, ".info") {
			continue
		}
		for _, b := range bases {
			if strings.HasPrefix(u, b+"/") {
				tried = append(tried, triedHop{b, strings.HasPrefix(result, "200 ")})
			}
		}
	}
	t.Cleanup(func() { exec.Command("chmod", "-R", "u+w", cmd.Env[len(cmd.Env)-1]).Run() })
	return tried, err == nil
}

// whyTried is the proxy hops why probed, in order, and their outcome.
func whyTried(r report.Why) []triedHop {
	var tried []triedHop
	for _, h := range r.Route {
		if h.Kind == why.KindProxy && (h.Status == why.OK || h.Status == why.Fail) {
			tried = append(tried, triedHop{h.URL, h.Status == why.OK})
		}
	}
	return tried
}

// TestWhyTriesWhatTheGoCommandTries: for proxy lists with misbehaving
// entries, the hops why probes are the ones go mod download -x asks, in
// the same order, with the same outcome, and the verdict is the go
// command's.
func TestWhyTriesWhatTheGoCommandTries(t *testing.T) {
	t.Parallel()
	mods := []testproxy.Module{{Path: "example.com/lib", Version: "v1.0.0", Files: map[string]string{"lib.go": "package lib\n"}}}
	for _, c := range []struct {
		name string
		sep  string
		a    testproxy.Fault
	}{
		{"404 then the next", ",", testproxy.Fault{Status: 404}},
		{"410 then the next", ",", testproxy.Fault{Status: 410}},
		{"500 stops a comma list", ",", testproxy.Fault{Status: 500}},
		{"500 falls through a pipe", "|", testproxy.Fault{Status: 500}},
		{"an HTML portal stops a comma list", ",", testproxy.Fault{HTMLPortal: true}},
		{"a reset connection", ",", testproxy.Fault{Reset: true}},
		{"a reset connection, piped", "|", testproxy.Fault{Reset: true}},
		{"a healthy first proxy", ",", testproxy.Fault{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRealMachine(t)
			a, b := testproxy.New(t, "sum.test", mods...), testproxy.New(t, "sum.test", mods...)
			a.SetFault(c.a)
			r.sys.Env["GOPROXY"] = a.URL + c.sep + b.URL
			r.sys.Env["GOSUMDB"] = "off" // two databases of one name cannot both be right
			goHops, goOK := r.goTried(t, "example.com/lib@v1.0.0", a.URL, b.URL)
			rep, code := r.whyJSON(t, "--timeout", "2s", "example.com/lib@v1.0.0")
			// A hop the go command moved on from failed for it, whatever
			// its status (an HTML page is a 200); the last one decided.
			for i := range goHops {
				goHops[i].ok = i == len(goHops)-1 && goOK
			}
			got := whyTried(rep)
			if len(got) != len(goHops) {
				t.Fatalf("why tried %v, the go command %v\n%+v", got, goHops, rep.Route)
			}
			for i := range got {
				if got[i] != goHops[i] {
					t.Errorf("hop %d: why %v, the go command %v\n%+v", i, got[i], goHops[i], rep.Route)
				}
			}
			if rep.Fetchable != goOK || (code == 0) != goOK {
				t.Errorf("why says fetchable=%v (exit %d), the go command %v: %s", rep.Fetchable, code, goOK, rep.Reason)
			}
		})
	}
}

// TestWhyChecksumDatabaseHop: the database is reached through the proxy
// that relays it and vouches for the version; a go.sum that disagrees is
// the go command's checksum mismatch.
func TestWhyChecksumDatabaseHop(t *testing.T) {
	t.Parallel()
	c := newCacheMachine(t)
	c.sys.Env["GOPROXY"] = c.proxy.URL
	rep, code := c.whyJSON(t, "example.com/clean@v1.0.0")
	sum := rep.Route[len(rep.Route)-1]
	if code != 0 || !rep.Fetchable || sum.Kind != why.KindSumDB || sum.Status != why.OK || !strings.Contains(sum.Detail, c.proxy.ZipHash("example.com/clean", "v1.0.0")) {
		t.Errorf("exit %d, %+v", code, rep.Route)
	}
	// go.sum disagrees; the go command refuses it too.
	c.requireAll(t, "example.com/clean")
	os.WriteFile(filepath.Join(c.sys.Dir, "go.sum"), []byte("example.com/clean v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"), 0o644)
	rep, code = c.whyJSON(t, "example.com/clean")
	if code != 1 || rep.Version != "v1.0.0" || !strings.Contains(rep.Reason, "checksum mismatch") {
		t.Errorf("exit %d, version %s (%s), reason %s", code, rep.Version, rep.VersionFrom, rep.Reason)
	}
	if out := c.goFails(t, c.sys.Dir, "mod", "download", "example.com/clean"); !strings.Contains(out, "checksum mismatch") {
		t.Errorf("the go command: %s", out)
	}
	// A private module: the rule, and no database hop.
	rep, _ = c.whyJSON(t, "--offline", "corp.example/private@v1.0.0")
	if sum := rep.Route[len(rep.Route)-1]; sum.Kind != why.KindNoSumDB || sum.Rule != "GONOSUMDB=corp.example" {
		t.Errorf("private: %+v", rep.Route)
	}
}

// TestWhyPrivateModuleThroughAPublicProxy: the proxy does not have the
// module, nothing follows it; why proposes GOPRIVATE for its owner only
// after the go command resolved the module with it, and with it set the
// direct hop finds the tag through the machine's git rewrite.
func TestWhyPrivateModuleThroughAPublicProxy(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	p := testproxy.New(t, "sum.test")
	gitRepo(t, r, "https://github.com/")
	r.sys.Env["GOPROXY"] = p.URL
	r.sys.Env["GOSUMDB"] = p.SumDBKey
	rep, code := r.whyJSON(t, "github.com/corp/lib@v1.0.0")
	if code != 1 || len(rep.Fixes) != 1 || rep.Fixes[0].Command != "go env -w GOPRIVATE=github.com/corp" || rep.Fixes[0].Verified == "" {
		t.Fatalf("exit %d, fixes %+v, reason %s\n%+v", code, rep.Fixes, rep.Reason, rep.Route)
	}
	// explain ties the go command's own error to the same hop and fix, for
	// a module the project requires.
	said := r.goFails(t, r.home, "mod", "download", "github.com/corp/lib@v1.0.0")
	project := filepath.Join(r.home, "project")
	writeModule(t, project, "1.21")
	os.WriteFile(filepath.Join(project, "go.mod"), []byte("module example.com/project\n\ngo 1.21\n\nrequire github.com/corp/lib v1.0.0\n"), 0o644)
	r.sys.Dir = project
	found, _ := r.explain(t, said)
	if len(found) != 1 || found[0].Family != "proxy-not-found" || !found[0].Confirmed || found[0].Route == nil ||
		!slices.ContainsFunc(found[0].Fixes, func(f checks.Fix) bool { return f.Command == "go env -w GOPRIVATE=github.com/corp" }) {
		t.Errorf("explain: %+v\nfor:\n%s", found, said)
	}
	// A module that only the text names: the configured proxy is asked,
	// its host is not (no meta tag, no git), and no setting that would
	// send the go command there is tried.
	r.sys.Dir = r.home
	found, _ = r.explain(t, said)
	if len(found) != 1 || !found[0].Confirmed || found[0].Route == nil || len(found[0].Route.Fixes) != 0 ||
		!strings.Contains(found[0].Route.Reason, "godoctor why github.com/corp/lib confirms it") {
		t.Errorf("explain of a module the project does not require: %+v", found)
	}

	// The fix, in the same sandbox: the go command downloads it.
	r.sys.Env["GOPRIVATE"] = "github.com/corp"
	cmd := exec.Command(r.gobin, "mod", "download", "github.com/corp/lib@v1.0.0")
	cmd.Dir, cmd.Env = r.home, r.sys.Environ()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod download with the fix: %v\n%s", err, out)
	}
	rep, code = r.whyJSON(t, "github.com/corp/lib@v1.0.0")
	direct := rep.Route[0]
	if code != 0 || direct.Kind != why.KindDirect || direct.Status != why.OK || direct.Rule != "GOPRIVATE=github.com/corp" ||
		!strings.Contains(direct.Detail, "insteadOf") || !strings.Contains(direct.Detail, "tag v1.0.0 found") {
		t.Errorf("exit %d, %+v", code, rep.Route)
	}
	// A tag that was never pushed, as the go command says.
	rep, code = r.whyJSON(t, "github.com/corp/lib@v1.9.9")
	if code != 1 || !strings.Contains(rep.Route[0].Detail, "unknown revision v1.9.9") {
		t.Errorf("exit %d, %+v", code, rep.Route)
	}
	rep, _ = r.whyJSON(t, "github.com/corp/lib")
	if rep.Resolved != "v1.0.0" {
		t.Errorf("latest resolved to %q", rep.Resolved)
	}
}

// TestWhyNamesCredentialsWithoutSecrets: a repository that asks for a
// password: why says which credentials git would use, and never prints
// the password.
func TestWhyNamesCredentialsWithoutSecrets(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	locked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("WWW-Authenticate", `Basic realm="corp"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(locked.Close)
	os.WriteFile(filepath.Join(r.home, ".gitconfig"), []byte("[url \""+locked.URL+"/\"]\n\tinsteadOf = https://github.com/\n"), 0o644)
	r.sys.Env["GOPRIVATE"] = "github.com/corp"
	rep, code := r.whyJSON(t, "github.com/corp/secret@v1.0.0")
	if code != 1 || !strings.Contains(rep.Route[0].Detail, "credentials: none for 127.0.0.1") {
		t.Errorf("exit %d, %+v", code, rep.Route)
	}
	os.WriteFile(filepath.Join(r.home, ".netrc"), []byte("machine 127.0.0.1 login alice password s3cr3t-token\n"), 0o600)
	var out strings.Builder
	run(context.Background(), r.sys, []string{"why", "github.com/corp/secret@v1.0.0"}, strings.NewReader(""), &out, &out)
	if !strings.Contains(out.String(), ".netrc entry for 127.0.0.1 (login alice)") || strings.Contains(out.String(), "s3cr3t") {
		t.Errorf("%s", out.String())
	}
}

// TestWhyRoutesAndRules: the route without a request, for the settings
// blog posts leave behind.
func TestWhyRoutesAndRules(t *testing.T) {
	t.Parallel()
	r := newRealMachine(t)
	p := testproxy.New(t, "sum.test", testproxy.Module{Path: "example.com/x", Version: "v1.0.0", Files: map[string]string{"x.go": "package x\n"}})
	for _, c := range []struct {
		env   map[string]string
		kinds string
		rule  string
	}{
		{map[string]string{"GOPROXY": "off"}, "off sumdb", "GOPROXY=off"},
		{map[string]string{"GOPROXY": p.URL + ",direct", "GOPRIVATE": "example.com/x"}, "direct nosumdb", "GOPRIVATE=example.com/x"},
		{map[string]string{"GOPROXY": p.URL + "|direct", "GONOPROXY": "*.example.com,example.com", "GOSUMDB": "off"}, "direct nosumdb", "GONOPROXY=example.com"},
		{map[string]string{"GOPROXY": p.URL + ",off"}, "proxy off sumdb", "GOPROXY="},
	} {
		for k, v := range c.env {
			r.sys.Env[k] = v
		}
		hits := p.HitsContaining("/")
		rep, code := r.whyJSON(t, "--offline", "example.com/x/y@v1.2.3")
		var kinds []string
		rules := ""
		for _, h := range rep.Route {
			kinds = append(kinds, h.Kind)
			rules += h.Rule + " "
		}
		if strings.Join(kinds, " ") != c.kinds || !strings.Contains(rules, c.rule) || code != 0 || p.HitsContaining("/") != hits {
			t.Errorf("%v: exit %d, route %s, rules %s", c.env, code, kinds, rules)
		}
		for k := range c.env {
			delete(r.sys.Env, k)
		}
	}
	// A stalled proxy is given up on within the timeout; the hops after a
	// "," are not tried.
	p.SetFault(testproxy.Fault{Stall: true})
	r.sys.Env["GOPROXY"] = p.URL + ",direct"
	rep, code := r.whyJSON(t, "--timeout", "300ms", "example.com/x@v1.0.0")
	if code != 1 || rep.Route[0].Status != why.Fail || rep.Route[1].Status != why.Unused {
		t.Errorf("stall: exit %d, %+v", code, rep.Route)
	}
	for _, bad := range []string{"", "Example.com/@v1", "example.com/x@master", "a b", "example.com/x@v1.0.0 extra"} {
		if _, code := r.run(t, "", append([]string{"why"}, strings.Fields(bad)...)...); code != exitUsage {
			t.Errorf("why %q: exit %d", bad, code)
		}
	}
}

// TestWhyPrivateProxyCredentials: a private module proxy that wants Basic
// credentials, reached through a company HTTP proxy. The go command sends
// the .netrc entry of the proxy's host and port, over https only; why
// sends what it sends, and when the proxy refuses, says why in those
// terms; each verdict is the go command's own, from a download in the
// same sandbox.
func TestWhyPrivateProxyCredentials(t *testing.T) {
	t.Parallel()
	mods := []testproxy.Module{{Path: "example.com/lib", Version: "v1.0.0", Files: map[string]string{"lib.go": "package lib\n"}}}
	secure := testproxy.NewTLS(t, "sum.test", mods...)
	plain := testproxy.New(t, "sum.test", mods...)
	for _, p := range []*testproxy.Server{secure, plain} {
		p.SetFault(testproxy.Fault{Login: "alice", Password: "s3cr3t-token"})
	}
	r := newRealMachine(t)
	hp := r.reachNamedHosts(t, secure.Server, "goproxy.example.com")
	hp.Map("plain.example.com", strings.TrimPrefix(plain.URL, "http://"))
	r.sys.HTTP = testproxy.ClientThrough(hp, secure.Server)
	r.sys.Env["GOSUMDB"] = secure.SumDBKey
	netrc := filepath.Join(r.home, ".netrc")
	download := func() (string, bool) {
		cmd := exec.Command(r.gobin, "mod", "download", "-modcacherw", "example.com/lib@v1.0.0")
		cmd.Dir, cmd.Env = r.home, append(r.sys.Environ(), "GOMODCACHE="+t.TempDir(), "GOFLAGS=-modcacherw")
		out, err := cmd.CombinedOutput()
		return string(out), err == nil
	}
	for _, c := range []struct {
		name, goproxy, netrc string
		fetchable            bool
		says                 string
	}{{
		name: "an entry for the host, the URL with a port", goproxy: "https://goproxy.example.com:8443",
		netrc: "machine goproxy.example.com login alice password s3cr3t-token\n",
		says:  "does not cover goproxy.example.com:8443",
	}, {
		name: "an entry for host and port", goproxy: "https://goproxy.example.com:8443",
		netrc: "machine goproxy.example.com:8443 login alice password s3cr3t-token\n", fetchable: true,
	}, {
		name: "a wrong token", goproxy: "https://goproxy.example.com",
		netrc: "machine goproxy.example.com login alice password 0ld-t0ken\n",
		says:  "sent the .netrc entry for goproxy.example.com (login alice)",
	}, {
		name: "plain http", goproxy: "http://plain.example.com",
		netrc: "machine plain.example.com login alice password s3cr3t-token\n",
		says:  "no credentials over plain http",
	}} {
		t.Run(c.name, func(t *testing.T) {
			os.WriteFile(netrc, []byte(c.netrc), 0o600)
			r.sys.Env["GOPROXY"] = c.goproxy
			said, ok := download()
			if ok != c.fetchable {
				t.Fatalf("go mod download: ok %v, want %v\n%s", ok, c.fetchable, said)
			}
			rep, code := r.whyJSON(t, "example.com/lib@v1.0.0")
			if rep.Fetchable != c.fetchable || (code == 0) != c.fetchable {
				t.Fatalf("why: exit %d, fetchable %v; the go command said:\n%s\nroute: %+v", code, rep.Fetchable, said, rep.Route)
			}
			if c.says != "" && !strings.Contains(rep.Route[0].Detail, c.says) {
				t.Errorf("hop: %q, want %q", rep.Route[0].Detail, c.says)
			}
			out, _ := r.run(t, "", "why", "example.com/lib@v1.0.0")
			if strings.Contains(out, "s3cr3t") || strings.Contains(out, "0ld-t0ken") {
				t.Errorf("a password is printed:\n%s", out)
			}
		})
	}
	// The company's HTTP proxy wants credentials of its own (407).
	hp.SetAuth("Basic " + base64.StdEncoding.EncodeToString([]byte("bob:pr0xy-pass")))
	r.sys.HTTP = testproxy.ClientThrough(hp, secure.Server) // no tunnel kept open from before
	os.WriteFile(netrc, []byte("machine goproxy.example.com login alice password s3cr3t-token\n"), 0o600)
	r.sys.Env["GOPROXY"] = "https://goproxy.example.com"
	if said, ok := download(); ok || !strings.Contains(said, "Proxy Authentication Required") {
		t.Fatalf("go mod download through a proxy that wants credentials: ok %v\n%s", ok, said)
	}
	if rep, code := r.whyJSON(t, "example.com/lib@v1.0.0"); code != 1 || !strings.Contains(rep.Route[0].Detail, "the HTTP proxy asks for credentials (407") {
		t.Errorf("why: exit %d, route %+v", code, rep.Route)
	}
}
