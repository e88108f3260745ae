package checksumdb

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godoctorhq/godoctor/internal/gosandbox"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/testproxy"
	"github.com/godoctorhq/godoctor/internal/web"
)

var probe = testproxy.Module{Path: "example.com/probe", Version: "v1.2.3", Files: map[string]string{"p.go": "package probe\n"}}

func setup(t *testing.T) (*testproxy.Server, gosettings.SumDB) {
	t.Helper()
	srv := testproxy.New(t, "sum.test", probe)
	db, err := gosettings.ParseGOSUMDB(srv.SumDBKey)
	if err != nil {
		t.Fatal(err)
	}
	return srv, db
}

func proxies(t *testing.T, value string) []gosettings.ProxyEntry {
	t.Helper()
	list, err := gosettings.ParseProxyList(value)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func client() web.Client { return web.Client{HTTP: gosandbox.LoopbackClient(), Idle: 2 * time.Second} }

func TestResolve(t *testing.T) {
	ctx := context.Background()
	good, db := setup(t)
	without := testproxy.New(t, "sum.test", probe)
	without.SetFault(testproxy.Fault{NoSumDB: true})
	broken := testproxy.New(t, "sum.test", probe)
	broken.SetFault(testproxy.Fault{Status: http.StatusInternalServerError})

	tests := []struct {
		name, goproxy, base, err string
	}{
		{"first proxy supports it", good.URL + ",direct", good.URL + "/sumdb/sum.test", ""},
		{"404 moves on", without.URL + "," + good.URL, good.URL + "/sumdb/sum.test", ""},
		{"404 then direct", without.URL + ",direct", "https://sum.test", ""},
		{"500 after a pipe moves on", broken.URL + "|" + good.URL, good.URL + "/sumdb/sum.test", ""},
		{"500 after a comma stops", broken.URL + "," + good.URL, "", "HTTP 500 Internal Server Error: server response: Internal Server Error; the go command treats the database as unavailable"},
		{"off", "off", "https://sum.test", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			route, err := Resolve(ctx, client(), db, proxies(t, tt.goproxy))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || route.Base != tt.base {
				t.Fatalf("route = %+v, %v; want base %s", route, err, tt.base)
			}
		})
	}
	explicit := db
	explicit.URL = "http://127.0.0.1:1/db/"
	if route, err := Resolve(ctx, client(), explicit, proxies(t, good.URL)); err != nil || route.Base != "http://127.0.0.1:1/db" || route.Proxy != "" {
		t.Errorf("explicit URL: %+v, %v", route, err)
	}
}

func TestLatestAndLookup(t *testing.T) {
	ctx := context.Background()
	srv, db := setup(t)
	route, err := Resolve(ctx, client(), db, proxies(t, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	lines, err := Lookup(ctx, client(), db, route, State{}, probe.Path, probe.Version)
	if err != nil {
		t.Fatal(err)
	}
	want := probe.Path + " " + probe.Version + " " + srv.ZipHash(probe.Path, probe.Version)
	if len(lines) != 1 || lines[0] != want {
		t.Errorf("lines = %q, want first %q", lines, want)
	}
	tree, err := Latest(ctx, client(), db, route)
	if err != nil || tree.N < 1 {
		t.Errorf("Latest = %+v, %v", tree, err)
	}

	// Directly, at the URL of GOSUMDB's "key URL" form.
	direct := httptest.NewServer(srv.SumDBHandler())
	defer direct.Close()
	db.URL = direct.URL
	route, _ = Resolve(ctx, client(), db, nil)
	if _, err := Lookup(ctx, client(), db, route, State{}, probe.Path, probe.Version); err != nil {
		t.Errorf("direct lookup: %v", err)
	}
	if _, err := Lookup(ctx, client(), db, route, State{}, "example.com/absent", "v1.0.0"); err == nil {
		t.Error("lookup of an unknown module succeeded")
	}
}

func TestMisbehavingDatabase(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		fault testproxy.Fault
		want  string
	}{
		{"forged signature", testproxy.Fault{ForgeSumDB: true}, "not signed by sum.test's key"},
		{"server error", testproxy.Fault{Status: http.StatusInternalServerError}, "HTTP 500"},
		{"HTML portal", testproxy.Fault{HTMLPortal: true}, "does not parse"},
		{"truncated", testproxy.Fault{Truncate: true}, "unexpected EOF"},
		{"connection reset", testproxy.Fault{Reset: true}, "/sumdb/sum.test/latest"},
		{"slow", testproxy.Fault{Delay: 2 * time.Second}, "no answer for 300ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, db := setup(t)
			route := Route{Base: srv.URL + "/sumdb/sum.test", Proxy: srv.URL}
			srv.SetFault(tt.fault)
			c := web.Client{HTTP: gosandbox.LoopbackClient(), Idle: 300 * time.Millisecond}
			_, err := Latest(ctx, c, db, route)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Latest: %v, want %q", err, tt.want)
			}
			if _, err := Lookup(ctx, c, db, route, State{}, probe.Path, probe.Version); err == nil {
				t.Errorf("Lookup succeeded against a %s", tt.name)
			}
		})
	}
}

func TestWrongKey(t *testing.T) {
	srv, _ := setup(t)
	other, otherDB := setup(t) // same name, another key
	_ = other
	route := Route{Base: srv.URL + "/sumdb/sum.test"}
	if _, err := Latest(context.Background(), client(), otherDB, route); err == nil || !strings.Contains(err.Error(), "not signed by") {
		t.Errorf("Latest with the wrong key: %v", err)
	}
	if _, err := Lookup(context.Background(), client(), otherDB, route, State{}, probe.Path, probe.Version); err == nil {
		t.Error("Lookup with the wrong key succeeded")
	}
}

func TestCredentialsMasked(t *testing.T) {
	_, db := setup(t)
	route := Route{Base: "http://bob:hunter2@127.0.0.1:1/sumdb/sum.test"}
	_, err := Latest(context.Background(), client(), db, route)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %v", err)
	}
}

// TestForkedDatabase: a database that signs, with its own key, a tree that
// does not contain the tree head this machine saw before has forked its
// log. The lookup fails as the go command's does, with a SECURITY ERROR
// that carries the two tree heads, and no go.sum lines are returned.
func TestForkedDatabase(t *testing.T) {
	ctx := context.Background()
	other := testproxy.Module{Path: "example.com/other", Version: "v1.0.0"}
	srv := testproxy.New(t, "sum.test", probe, other)
	db, err := gosettings.ParseGOSUMDB(srv.SumDBKey)
	if err != nil {
		t.Fatal(err)
	}
	route := Route{Base: srv.URL + "/sumdb/sum.test", Proxy: srv.URL}
	// The true log's first record is the probe; the machine saw that tree.
	if _, err := Lookup(ctx, client(), db, route, State{}, probe.Path, probe.Version); err != nil {
		t.Fatal(err)
	}
	// What the go command keeps of it: the tree head, and its tile in the
	// cache.
	known, err := client().Get(ctx, route.Base+"/latest", web.SmallLimit)
	if err != nil {
		t.Fatal(err)
	}
	tile, err := client().Get(ctx, route.Base+"/tile/8/0/000.p/1", web.SmallLimit)
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	os.MkdirAll(filepath.Join(cache, "sum.test/tile/8/0/000.p"), 0o755)
	os.WriteFile(filepath.Join(cache, "sum.test/tile/8/0/000.p/1"), tile, 0o644)
	c := Client{Web: client(), DB: db, Route: route, State: State{Known: known, CacheDir: cache}}
	if _, err := c.Lookup(ctx, other.Path, other.Version); err != nil {
		t.Fatalf("the true log, grown by one record: %v", err)
	}
	// The fork's history begins with another module: a tree of the same
	// size as the one the machine saw, with another hash.
	srv.SetFault(testproxy.Fault{ForkSumDB: true})
	if _, err := client().Get(ctx, route.Base+"/lookup/"+other.Path+"@"+other.Version, web.SmallLimit); err != nil {
		t.Fatal(err)
	}
	lines, err := c.Lookup(ctx, other.Path, other.Version)
	if err == nil || !strings.Contains(err.Error(), "SECURITY ERROR") || !strings.Contains(err.Error(), "misbehavior") || lines != nil {
		t.Errorf("forked log: %q, %v", lines, err)
	}
	// Without what the machine saw, the fork is a consistent log of its own.
	if _, err := Lookup(ctx, client(), db, route, State{}, other.Path, other.Version); err != nil {
		t.Errorf("the fork alone: %v", err)
	}
}
