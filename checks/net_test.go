package checks

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/testproxy"
	"github.com/godoctorhq/godoctor/mirrors"
)

// probeModule stands in for the real probe module on loopback proxies.
var probeModule = testproxy.Module{Path: mirrors.DefaultProbe.Path, Version: mirrors.DefaultProbe.Version,
	Files: map[string]string{"unix/unix.go": "package unix\n"}}

func proxyServer(t *testing.T, f testproxy.Fault, extra ...testproxy.Module) *testproxy.Server {
	s := testproxy.New(t, "sum.test", append(extra, probeModule)...)
	s.SetFault(f)
	return s
}

func netMachine(t *testing.T, goproxy string) *fakesys.Machine {
	m := healthy(t)
	m.Setenv("GOPROXY", goproxy)
	return m
}

var netOpts = Options{Timeout: 500 * time.Millisecond}

func TestNetProxy(t *testing.T) {
	good := proxyServer(t, testproxy.Fault{})
	broken := proxyServer(t, testproxy.Fault{Status: http.StatusBadGateway})
	portal := proxyServer(t, testproxy.Fault{HTMLPortal: true})
	slow := proxyServer(t, testproxy.Fault{Delay: 2 * time.Second})
	forbidding := proxyServer(t, testproxy.Fault{})
	tests := []struct {
		name, goproxy string
		want          expect
	}{
		{"answers", good.URL + ",direct", expect{status: OK, mention: []string{good.URL + " answers ("}}},
		{"comma stops at a broken proxy", broken.URL + "," + good.URL, expect{status: Fail, mention: []string{"the go command stops there", "HTTP 502"}, fixes: []string{"godoctor mirrors"}}},
		{"pipe falls through", broken.URL + "|" + good.URL, expect{status: Warn, mention: []string{"(after 1 failing entry)", `"|" after it`}}},
		{"portal", portal.URL + ",direct", expect{status: Fail, mention: []string{"HTML page"}}},
		{"timeout", slow.URL + "|direct", expect{status: Warn, mention: []string{"no answer within 500ms", "downloads go direct"}}},
		{"none answers", broken.URL + "|" + portal.URL + "|" + slow.URL, expect{status: Fail, mention: []string{"no GOPROXY entry answers"}}},
		{"off", "off", expect{status: Fail, mention: []string{"nothing is downloaded"}}},
		{"direct", "direct", expect{status: OK, mention: []string{"downloads go direct"}}},
		{"missing file proxy", "file:///nonexistent/godoctor|" + good.URL, expect{status: OK, mention: []string{"does not exist"}}},
	}
	_ = forbidding
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.check(t, runCheck(t, netMachine(t, tt.goproxy), "net.proxy", netOpts))
		})
	}
}

func TestNetSumdb(t *testing.T) {
	good := proxyServer(t, testproxy.Fault{})
	forged := proxyServer(t, testproxy.Fault{ForgeSumDB: true})
	noRelay := proxyServer(t, testproxy.Fault{NoSumDB: true})
	tests := []struct {
		name, goproxy, gosumdb string
		want                   expect
	}{
		{"through the proxy", good.URL + ",direct", good.SumDBKey, expect{status: OK, mention: []string{"sum.test through " + good.URL + ": signed tree head verified"}}},
		{"forged", forged.URL, forged.SumDBKey, expect{status: Fail, mention: []string{"not signed by sum.test's key"}}},
		{"second proxy relays", noRelay.URL + "," + good.URL, good.SumDBKey, expect{status: OK, mention: []string{"does not proxy sum.test (404)", "through " + good.URL}}},
		{"explicit URL refused", good.URL, good.SumDBKey + " http://127.0.0.1:1", expect{status: Fail, mention: []string{"cannot be reached directly at http://127.0.0.1:1"}}},
		{"off", good.URL, "off", expect{status: Skip}},
		// sum.golang.org out of reach, and its other door too (this
		// sandbox reaches loopback only): the cause is this machine's way
		// out, so no GOSUMDB fix is proposed.
		{"sum.golang.org and its alias out of reach", noRelay.URL, "sum.golang.org", expect{status: Fail,
			mention: []string{"sum.golang.google.cn, which serves the same database, does not answer from here either"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := netMachine(t, tt.goproxy)
			m.Setenv("GOSUMDB", tt.gosumdb)
			res := runCheck(t, m, "net.sumdb", netOpts)
			tt.want.check(t, res)
			for _, f := range res.Fixes {
				if f.ID == "sumdb-cn" {
					t.Errorf("an unconfirmed sum.golang.google.cn fix: %+v", f)
				}
			}
		})
	}
}

func TestGoVersionAgainstReleases(t *testing.T) {
	toolchain := func(v string) testproxy.Module {
		return testproxy.Module{Path: "golang.org/toolchain", Version: "v0.0.1-" + v + ".linux-amd64"}
	}
	other := testproxy.Module{Path: "golang.org/toolchain", Version: "v0.0.1-go1.27.9.darwin-arm64"}
	tests := []struct {
		name     string
		versions []string
		want     expect
	}{
		{"newest", []string{"go1.25.9", "go1.26.8", "go1.27rc1"}, expect{status: OK, mention: []string{"the newest release"}}},
		{"behind", []string{"go1.25.9", "go1.26.8", "go1.26.9", "go1.26.11"}, expect{status: Warn, mention: []string{"go1.26.8 is 2 patch releases behind go1.26.11"}, fixes: []string{"godoctor install 1.26.11"}}},
		{"unsupported", []string{"go1.26.8", "go1.27.2", "go1.28.0"}, expect{status: Fail, mention: []string{"no longer supported", "go1.28 and go1.27"}, fixes: []string{"godoctor install 1.28.0"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mods := []testproxy.Module{other}
			for _, v := range tt.versions {
				mods = append(mods, toolchain(v))
			}
			srv := proxyServer(t, testproxy.Fault{}, mods...)
			tt.want.check(t, runCheck(t, netMachine(t, srv.URL+",direct"), "go.version", netOpts))
		})
	}
	t.Run("list unavailable", func(t *testing.T) {
		srv := proxyServer(t, testproxy.Fault{Status: http.StatusInternalServerError})
		// Not a ✓: whether the Go is supported is unknown (a 500 here).
		expect{status: Warn, mention: []string{"could not be checked", "HTTP 500"}}.check(t, runCheck(t, netMachine(t, srv.URL), "go.version", netOpts))
	})
}

// athensFront is a company proxy as Athens serves one: /healthz and
// /readyz answer with ready, everything else goes to upstream.
func athensFront(t *testing.T, upstream *testproxy.Server, ready bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			w.WriteHeader(http.StatusOK)
		case "/readyz":
			if !ready {
				http.Error(w, "storage is not reachable", http.StatusInternalServerError)
			}
		default:
			upstream.Config.Handler.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestNetProxyCompanyProduct: a company proxy says what it is and what its
// own health check answers; up but failing the module is told apart from
// not ready.
func TestNetProxyCompanyProduct(t *testing.T) {
	failing := athensFront(t, proxyServer(t, testproxy.Fault{Status: http.StatusBadGateway}), true)
	notReady := athensFront(t, proxyServer(t, testproxy.Fault{}), false)
	for _, tc := range []struct {
		name, goproxy string
		want          expect
	}{
		{"up but cannot serve", failing.URL, expect{status: Fail, mention: []string{"is Athens; its health check: readyz: 200", "Athens is up (its health check answers) but could not serve golang.org/x/sys@v0.38.0"}}},
		{"serves, not ready", notReady.URL, expect{status: OK, mention: []string{"readyz: HTTP 500 Internal Server Error: server response: storage is not reachable", "Athens says it is not ready"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.want.check(t, runCheck(t, netMachine(t, tc.goproxy), "net.proxy", netOpts))
		})
	}
}
