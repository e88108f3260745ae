package testproxy

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// HTTPProxy is an HTTP proxy on loopback (what HTTPS_PROXY and HTTP_PROXY
// name) that reaches made-up host names: each name maps to a loopback
// server. net/http goes through a proxy for every host but loopback ones,
// so with GOPROXY=http://proxy.test:PORT and HTTP_PROXY pointing here, the
// real go command's requests reach a test server, by the route a company
// network gives them. A name with no server answers 502, as a proxy whose
// DNS fails does.
type HTTPProxy struct {
	*httptest.Server
	mu    sync.Mutex
	hosts map[string]string // host or host:port -> loopback host:port
	// Requests counts the requests and tunnels by target host.
	requests map[string]int
	// auth, when set, is the Proxy-Authorization value the proxy wants;
	// others get 407.
	auth string
}

// SetAuth makes the proxy want a Proxy-Authorization value (407 for any
// other); "" lets everything through.
func (p *HTTPProxy) SetAuth(value string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.auth = value
}

// NewHTTPProxy starts a proxy that is closed when the test ends.
func NewHTTPProxy(t testing.TB) *HTTPProxy {
	t.Helper()
	p := &HTTPProxy{hosts: map[string]string{}, requests: map[string]int{}}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

// Map sends requests for name (a host, or host:port) to the loopback
// server at addr (host:port).
func (p *HTTPProxy) Map(name, addr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hosts[name] = addr
}

// Requests returns how many requests or tunnels went to host.
func (p *HTTPProxy) Requests(host string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests[host]
}

func (p *HTTPProxy) target(hostport string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	host, _, _ := net.SplitHostPort(hostport)
	p.requests[host]++
	if addr, ok := p.hosts[hostport]; ok {
		return addr, true
	}
	addr, ok := p.hosts[host]
	return addr, ok
}

func (p *HTTPProxy) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	want := p.auth
	p.mu.Unlock()
	if want != "" && r.Header.Get("Proxy-Authorization") != want {
		w.Header().Set("Proxy-Authenticate", `Basic realm="test proxy"`)
		http.Error(w, "proxy authentication required", http.StatusProxyAuthRequired)
		return
	}
	if r.Method == http.MethodConnect {
		p.tunnel(w, r)
		return
	}
	hostport := r.URL.Host
	if !strings.Contains(hostport, ":") {
		hostport += ":80"
	}
	addr, ok := p.target(hostport)
	if !ok {
		http.Error(w, "no such host", http.StatusBadGateway)
		return
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Scheme, out.URL.Host = "http", addr
	out.Header.Del("Proxy-Authorization")
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func (p *HTTPProxy) tunnel(w http.ResponseWriter, r *http.Request) {
	addr, ok := p.target(r.Host)
	if !ok {
		http.Error(w, "no such host", http.StatusBadGateway)
		return
	}
	upstream, err := net.Dial("tcp", addr)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		upstream.Close()
		http.Error(w, "no hijacking", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
	conn, buf, err := hj.Hijack()
	if err != nil {
		upstream.Close()
		return
	}
	go func() {
		defer upstream.Close()
		defer conn.Close()
		done := make(chan struct{})
		go func() {
			io.Copy(upstream, buf)
			upstream.(*net.TCPConn).CloseWrite()
			close(done)
		}()
		io.Copy(conn, upstream)
		<-done
	}()
}

// TrustFile writes the certificate of a TLS test server to a PEM file in
// dir, for SSL_CERT_FILE: the real go command then trusts it (on Linux,
// where SSL_CERT_FILE replaces the system's roots).
func TrustFile(t testing.TB, srv *httptest.Server, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "test-root.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(path, block, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// ClientThrough is an HTTP client for godoctor's own requests that goes
// through the proxy (as net/http would with HTTPS_PROXY set) and trusts
// the given TLS test servers' certificates.
func ClientThrough(p *HTTPProxy, trusted ...*httptest.Server) *http.Client {
	pool := x509.NewCertPool()
	for _, s := range trusted {
		pool.AddCert(s.Certificate())
	}
	return &http.Client{Transport: &http.Transport{
		Proxy:           func(*http.Request) (*url.URL, error) { return url.Parse(p.URL) },
		TLSClientConfig: &tls.Config{RootCAs: pool},
	}}
}
