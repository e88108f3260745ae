package mirrors

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/godoctorhq/godoctor/internal/web"
)

// company serves what a company proxy product answers at its health
// endpoints; everything else is 404.
func company(t *testing.T, routes map[string]func(w http.ResponseWriter)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f, ok := routes[r.URL.Path]; ok {
			f(w)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func say(status int, body string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

func TestIdentify(t *testing.T) {
	athens := company(t, map[string]func(http.ResponseWriter){"/healthz": say(200, ""), "/readyz": say(500, "storage is not reachable")})
	artifactory := company(t, map[string]func(http.ResponseWriter){"/artifactory/api/system/ping": say(200, "OK")})
	nexus := company(t, map[string]func(http.ResponseWriter){"/nexus/service/rest/v1/status": say(503, "")})
	unknown := company(t, nil)
	stalled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			w.WriteHeader(200)
			return
		}
		<-r.Context().Done() // /readyz never answers
	}))
	t.Cleanup(stalled.Close)
	c := web.Client{HTTP: http.DefaultClient, Idle: 300 * time.Millisecond, Total: time.Second}
	for _, tc := range []struct {
		base, name, health string
		up, known          bool
	}{
		{athens.URL, "Athens", "readyz: HTTP 500 Internal Server Error: server response: storage is not reachable", false, true},
		{artifactory.URL + "/artifactory/api/go/go-remote", "Artifactory", "ping: 200 OK", true, true},
		{nexus.URL + "/nexus/repository/go-proxy/", "Nexus Repository", "status: HTTP 503 Service Unavailable", false, true},
		{unknown.URL, "", "", false, false},
		{stalled.URL, "Athens", "readyz:", false, true},
	} {
		start := time.Now()
		p, ok := Identify(context.Background(), c, tc.base)
		if ok != tc.known || p.Name != tc.name || p.Up != tc.up || !strings.HasPrefix(p.Health, tc.health) {
			t.Errorf("%s: %+v %v; want %s %q up=%v", tc.base, p, ok, tc.name, tc.health, tc.up)
		}
		if time.Since(start) > 3*time.Second {
			t.Errorf("%s: %v", tc.base, time.Since(start))
		}
	}
}
