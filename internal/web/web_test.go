package web_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/godoctorhq/godoctor/internal/gosandbox"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/web"
)

func client(idle time.Duration) web.Client {
	return web.Client{HTTP: gosandbox.LoopbackClient(), Idle: idle}
}

func TestStatusErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/404":
			http.Error(w, "not found: unknown module", http.StatusNotFound)
		case "/410":
			w.WriteHeader(http.StatusGone)
		case "/403":
			http.Error(w, "forbidden\nsecond line", http.StatusForbidden)
		case "/500":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, "<html>oops</html>")
		default:
			io.WriteString(w, "v1.0.0\nv1.1.0\n")
		}
	}))
	defer srv.Close()
	c := client(time.Second)
	ctx := context.Background()
	for path, notExist := range map[string]bool{"/404": true, "/410": true, "/403": false, "/500": false} {
		_, err := c.Get(ctx, srv.URL+path, web.SmallLimit)
		var he *web.HTTPError
		if !errors.As(err, &he) {
			t.Fatalf("%s: %v is not an *HTTPError", path, err)
		}
		if errors.Is(err, fs.ErrNotExist) != notExist {
			t.Errorf("%s: errors.Is(fs.ErrNotExist) = %v", path, !notExist)
		}
	}
	_, err := c.Get(ctx, srv.URL+"/403", web.SmallLimit)
	if got := err.Error(); !strings.HasSuffix(got, "HTTP 403 Forbidden: server response: forbidden") {
		t.Errorf("403: %q", got)
	}
	_, err = c.Get(ctx, srv.URL+"/500", web.SmallLimit)
	if strings.Contains(err.Error(), "oops") {
		t.Errorf("an HTML body quoted as the server's response: %q", err)
	}
	list, err := c.List(ctx, srv.URL, "example.com/Upper")
	if err != nil || strings.Join(list, " ") != "v1.0.0 v1.1.0" {
		t.Errorf("List = %q, %v", list, err)
	}
}

// A server that accepts the connection and never answers, and one that
// sends half a body and stops: both end after the idle timeout, naming the
// host and the bytes that arrived.
func TestStalls(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/half" {
			w.Header().Set("Content-Length", "1000")
			io.WriteString(w, strings.Repeat("x", 500))
			w.(http.Flusher).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	c := client(200 * time.Millisecond)
	for path, bytes := range map[string]int64{"/silent": 0, "/half": 500} {
		done := make(chan error, 1)
		go func() {
			_, err := c.Get(context.Background(), srv.URL+path, web.SmallLimit)
			done <- err
		}()
		select {
		case err := <-done:
			var stall *web.StallError
			if !errors.As(err, &stall) || stall.Bytes != bytes || stall.Host != strings.TrimPrefix(srv.URL, "http://") {
				t.Errorf("%s: %v, want a stall after %d bytes", path, err, bytes)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: the request hangs", path)
		}
	}
}

// A server that floods: the read stops at the cap.
func TestFloodIsCapped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("v1.0.0\n", 1000))
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	_, err := client(time.Second).Get(context.Background(), srv.URL, 1<<20)
	var tl *web.TooLargeError
	if !errors.As(err, &tl) || tl.Limit != 1<<20 {
		t.Errorf("flood: %v", err)
	}
}

// Credentials in a URL never reach an error.
func TestErrorsMaskCredentials(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // a dead port
	c := client(time.Second)
	for _, u := range []string{"http://alice:S3CRET@" + addr + "/x", "http://S3CRET@" + addr + "/x"} {
		_, err := c.Get(context.Background(), u, web.SmallLimit)
		if err == nil || strings.Contains(err.Error(), "S3CRET") {
			t.Errorf("%v", err)
		}
	}
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	_, err = c.Get(context.Background(), strings.Replace(srv.URL, "://", "://bob:S3CRET@", 1)+"/x", web.SmallLimit)
	if err == nil || strings.Contains(err.Error(), "S3CRET") {
		t.Errorf("%v", err)
	}
}

func TestCancel(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := client(time.Minute).Get(ctx, srv.URL, web.SmallLimit)
	var stall *web.StallError
	if !errors.Is(err, context.Canceled) || errors.As(err, &stall) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestFirstProxy(t *testing.T) {
	for value, want := range map[string]string{
		"https://a.example,direct":                 "https://a.example",
		"file:///cache,https://b.example|direct":   "https://b.example",
		"direct,https://c.example":                 "",
		"off":                                      "",
		"http://127.0.0.1:1234":                    "http://127.0.0.1:1234",
		"file:///only":                             "",
		"goproxy.example,https://other.example":    "https://goproxy.example",
		"file:///cache|off,https://never.example/": "",
	} {
		list, _ := gosettings.ParseProxyList(value)
		if got := web.FirstProxy(list); got != want {
			t.Errorf("FirstProxy(%q) = %q, want %q", value, got, want)
		}
	}
}

// A server whose certificate no root of the client vouches for is named as
// what it usually is here: a company's TLS inspection.
func TestCause(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	_, err := client(time.Second).Get(context.Background(), srv.URL, web.SmallLimit)
	if c := web.Cause(i18n.Printer{}, err); !strings.Contains(c, "SSL_CERT_FILE") || !strings.Contains(c, "unknown authority") {
		t.Errorf("self-signed: %q (%v)", c, err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	_, err = client(time.Second).Get(context.Background(), "http://"+addr+"/x", web.SmallLimit)
	if c := web.Cause(i18n.Printer{}, err); !strings.Contains(c, "nothing answers at "+addr) {
		t.Errorf("closed port: %q (%v)", c, err)
	}
	auth := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusProxyAuthRequired)
	}))
	defer auth.Close()
	_, err = client(time.Second).Get(context.Background(), auth.URL, web.SmallLimit)
	if c := web.Cause(i18n.Printer{}, err); !strings.Contains(c, "asks for credentials") {
		t.Errorf("407: %q (%v)", c, err)
	}
	proxied := web.Client{HTTP: &http.Client{Transport: &http.Transport{Proxy: func(*http.Request) (*url.URL, error) {
		return url.Parse("http://" + addr)
	}}}, Idle: time.Second}
	_, err = proxied.Get(context.Background(), "https://proxy.example/x", web.SmallLimit)
	if c := web.Cause(i18n.Printer{}, err); !strings.Contains(c, "HTTPS_PROXY") {
		t.Errorf("dead HTTP proxy: %q (%v)", c, err)
	}
}
