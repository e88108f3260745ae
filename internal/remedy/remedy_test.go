package remedy_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godoctorhq/godoctor/installer"
	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/checksumdb"
	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosandbox"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/testproxy"
	"github.com/godoctorhq/godoctor/internal/web"
	"github.com/godoctorhq/godoctor/mirrors"
)

var probe = testproxy.Module{Path: mirrors.DefaultProbe.Path, Version: mirrors.DefaultProbe.Version,
	Files: map[string]string{"unix/unix.go": "package unix\n"}}

// machine is a fake Linux machine whose toolchain defaults to a mirror
// and the public checksum database.
func machine(t *testing.T) *fakesys.Machine {
	m := fakesys.New(t)
	m.PrependPath(m.Toolchain(m.Path("/usr/local/go"), "go1.26.8", "GOPROXY=https://default.example,direct", "GOSUMDB=sum.golang.org"))
	return m
}

func load(m *fakesys.Machine) *goenv.Snapshot { return goenv.Load(context.Background(), m.Sys) }

func TestJournalLivesInTheUserConfigDir(t *testing.T) {
	m := machine(t)
	j, err := remedy.Journal(m.Sys)
	if err != nil || j.Dir != m.Home(".config/godoctor/journal") {
		t.Errorf("journal %q, %v", j.Dir, err)
	}
	m.Sys.Home = ""
	if _, err := remedy.Journal(m.Sys); err == nil {
		t.Error("a journal without a home or XDG_CONFIG_HOME")
	}
}

func TestVerifyingSumDB(t *testing.T) {
	m := machine(t)
	for value, want := range map[string]struct{ name, note string }{
		"":                     {"sum.golang.org", ""}, // the toolchain's default
		"sum.golang.google.cn": {"sum.golang.org", ""}, // the same database, another door
		"off":                  {"sum.golang.org", "GOSUMDB is off or invalid here; sum.golang.org was used to verify."},
		"sum.goproxy.cn":       {"sum.golang.org", "GOSUMDB is off or invalid here; sum.golang.org was used to verify."},
	} {
		m.Setenv("GOSUMDB", value)
		db, note := remedy.VerifyingSumDB(load(m))
		if db.Name != want.name || note != want.note {
			t.Errorf("GOSUMDB=%q: %q, note %q", value, db.Name, note)
		}
	}
}

func TestMirrorCandidates(t *testing.T) {
	m := machine(t)
	m.Setenv("GOPROXY", "https://corp.example/proxy/,https://goproxy.cn,direct")
	m.WriteFile(m.Home(".config/godoctor/mirrors.json"), `{"mirrors": [{"name": "office", "url": "https://office.example"}]}`)
	list, err := remedy.Mirrors(m.Sys, load(m), []mirrors.Mirror{{Name: "flag", URL: "https://flag.example", Origin: "--mirror"}})
	if err != nil {
		t.Fatal(err)
	}
	origin := map[string]string{}
	for _, c := range list {
		origin[c.URL] = c.Origin
	}
	for url, want := range map[string]string{
		"https://flag.example": "--mirror", "https://office.example": "config file", "https://goproxy.cn": "catalog",
		"https://corp.example/proxy/": "GOPROXY", "https://default.example": "toolchain default",
	} {
		if origin[url] != want {
			t.Errorf("%s: origin %q, want %q", url, origin[url], want)
		}
	}
	m.WriteFile(m.Home(".config/godoctor/mirrors.json"), `{"mirrors": [{"name": "bad", "url": "ftp://u:PW@x"}]}`)
	if _, err := remedy.Mirrors(m.Sys, load(m), nil); err == nil || strings.Contains(err.Error(), "PW") {
		t.Errorf("a bad mirrors.json: %v", err)
	}
}

func TestUseMirror(t *testing.T) {
	m := machine(t)
	a, err := remedy.UseMirror(m.Sys, load(m), mirrors.Mirror{Name: "cn", URL: "https://goproxy.cn/"}, "sum.golang.google.cn", false)
	if err != nil {
		t.Fatal(err)
	}
	if a.Set["GOPROXY"] != "https://goproxy.cn,direct" || a.Set["GOSUMDB"] != "sum.golang.google.cn" || len(a.CommentOut) > 0 {
		t.Errorf("action %+v", a)
	}
	// With no go command that runs, godoctor writes the go env file
	// itself; the real go command judges what it wrote.
	m.GoEnvErr = errors.New("go: cannot find GOROOT directory")
	plan, err := remedy.Plan(context.Background(), m.Sys, load(m), "use cn", *a)
	m.GoEnvErr = nil
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan.Preview(i18n.Printer{}), "+ GOPROXY=https://goproxy.cn,direct") || plan.Edits[0].Path != m.Home(".config/go/env") {
		t.Errorf("plan:\n%s", plan.Preview(i18n.Printer{}))
	}
	gobin := gosandbox.Go(t)
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env")
	os.WriteFile(envFile, plan.Edits[0].After, 0o644)
	cmd := exec.Command(gobin, "env", "GOPROXY", "GOSUMDB")
	cmd.Env = gosandbox.Env(t, dir, "GOENV="+envFile)
	cmd.Env = slices.DeleteFunc(cmd.Env, func(kv string) bool { return strings.HasPrefix(kv, "GOPROXY=") })
	if out, err := cmd.Output(); err != nil || string(out) != "https://goproxy.cn,direct\nsum.golang.google.cn\n" {
		t.Errorf("go env reads %q, %v", out, err)
	}

	// A mirror that answers a missing module with 403: "|" lets the go
	// command fall through to direct, where "," would stop there.
	if a, err := remedy.UseMirror(m.Sys, load(m), mirrors.Mirror{Name: "cn", URL: "https://goproxy.cn"}, "", true); err != nil || a.Set["GOPROXY"] != "https://goproxy.cn|direct" {
		t.Errorf("fall through: %+v, %v", a, err)
	}

	// Exported by the shell profile: commented out there too.
	m.WriteFile(m.Home(".bashrc"), "export GOPROXY=https://old.example\n")
	m.Setenv("GOPROXY", "https://old.example")
	a, err = remedy.UseMirror(m.Sys, load(m), mirrors.Mirror{Name: "cn", URL: "https://goproxy.cn"}, "", false)
	if err != nil || len(a.CommentOut) != 1 || !slices.Equal(a.Exported(), []string{"GOPROXY"}) {
		t.Errorf("exported in .bashrc: %+v, %v", a, err)
	}
	// Exported from somewhere godoctor does not edit: refused, whatever
	// front end asks.
	m.WriteFile(m.Home(".bashrc"), "# nothing here\n")
	_, err = remedy.UseMirror(m.Sys, load(m), mirrors.Mirror{Name: "cn", URL: "https://goproxy.cn"}, "", false)
	var over *change.OverriddenError
	if !errors.As(err, &over) || !slices.Equal(over.Names, []string{"GOPROXY"}) {
		t.Errorf("exported elsewhere: %v", err)
	}
}

func TestFastestMirror(t *testing.T) {
	good := testproxy.New(t, "sum.test", probe)
	slow := testproxy.New(t, "sum.test", probe)
	slow.SetFault(testproxy.Fault{Delay: 30 * time.Millisecond})
	altered := testproxy.New(t, "sum.test", probe)
	altered.SetFault(testproxy.Fault{AlterZip: true})
	m := machine(t)
	m.Setenv("GOSUMDB", good.SumDBKey)
	m.Setenv("GOPROXY", good.URL+",direct")
	write := func(urls ...string) {
		var entries []string
		for i, u := range urls {
			entries = append(entries, `{"name": "m`+string(rune('0'+i))+`", "url": "`+u+`"}`)
		}
		m.WriteFile(m.Home(".config/godoctor/mirrors.json"), `{"mirrors": [`+strings.Join(entries, ",")+`]}`)
	}
	// The catalog's mirrors are out of reach here (loopback only) and fail.
	write(altered.URL, slow.URL)
	got, err := remedy.FastestMirror(context.Background(), m.Sys, load(m), 2, 2*time.Second)
	if err != nil || got.URL != good.URL {
		t.Errorf("fastest = %+v, %v; want the GOPROXY mirror, which answers soonest and verifies", got, err)
	}
	// Only a mirror that alters content, and the database behind it: none
	// is verified.
	m.Setenv("GOPROXY", altered.URL+",direct")
	m.Setenv("GOSUMDB", good.SumDBKey+" "+good.URL+"/sumdb/sum.test")
	write(altered.URL)
	if _, err := remedy.FastestMirror(context.Background(), m.Sys, load(m), 1, 2*time.Second); !errors.Is(err, remedy.ErrNoVerifiedMirror) {
		t.Errorf("only an altering mirror: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := remedy.FastestMirror(ctx, m.Sys, load(m), 1, time.Second); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestInstallOptions(t *testing.T) {
	m := machine(t)
	m.Setenv("GOPROXY", "https://corp.example|https://goproxy.cn")
	o := remedy.InstallOptions(m.Sys, load(m), installer.Options{})
	if o.Dir != filepath.Join(m.Sys.Home, "sdk") || o.Source != "proxy" || o.SumDB.Name != "sum.golang.org" ||
		len(o.Proxies) != 2 || !o.Proxies[0].FallbackOnAnyError || o.GOOS != "linux" || o.HTTP != m.Sys.HTTP {
		t.Errorf("options %+v", o)
	}
	o = remedy.InstallOptions(m.Sys, load(m), installer.Options{Dir: "/opt/sdk", Source: "dl"})
	if o.Dir != "/opt/sdk" || o.Source != "dl" {
		t.Errorf("given options overridden: %+v", o)
	}
}

// What the go command keeps of a checksum database (its newest tree head,
// its tiles) is where godoctor's lookups start: a database that has since
// forked its log is caught as the go command would catch it.
func TestLookupsStartFromWhatTheGoCommandKept(t *testing.T) {
	a := testproxy.Module{Path: "example.com/a", Version: "v1.0.0"}
	b := testproxy.Module{Path: "example.com/b", Version: "v1.0.0"}
	srv := testproxy.New(t, "sum.test", a, b)
	gobin := gosandbox.Go(t)
	dir := t.TempDir()
	cmd := exec.Command(gobin, "mod", "download", a.Path+"@"+a.Version)
	cmd.Dir = dir
	cmd.Env = gosandbox.Env(t, dir, "GOPROXY="+srv.URL, "GOSUMDB="+srv.SumDBKey, "GOFLAGS=-modcacherw")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod download: %v\n%s", err, out)
	}
	m := machine(t)
	m.GoEnv["GOPATH"], m.GoEnv["GOMODCACHE"] = filepath.Join(dir, "gopath"), filepath.Join(dir, "modcache")
	db, err := gosettings.ParseGOSUMDB(srv.SumDBKey)
	if err != nil {
		t.Fatal(err)
	}
	state := remedy.SumDBState(m.Sys, load(m), db.Name)
	if len(state.Known) == 0 {
		t.Fatal("the go command's tree head was not found")
	}
	c := checksumdb.Client{Web: web.Client{HTTP: gosandbox.LoopbackClient(), Idle: 2 * time.Second}, DB: db,
		Route: checksumdb.Route{Base: srv.URL + "/sumdb/sum.test", Proxy: srv.URL}, State: state}
	if _, err := c.Lookup(context.Background(), b.Path, b.Version); err != nil {
		t.Fatalf("the true log: %v", err)
	}
	srv.SetFault(testproxy.Fault{ForkSumDB: true})
	if _, err := (web.Client{HTTP: gosandbox.LoopbackClient()}).Get(context.Background(), srv.URL+"/sumdb/sum.test/lookup/"+b.Path+"@"+b.Version, web.SmallLimit); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Lookup(context.Background(), b.Path, b.Version); err == nil || !strings.Contains(err.Error(), "SECURITY ERROR") {
		t.Errorf("a forked log, from what the go command kept: %v", err)
	}
}
