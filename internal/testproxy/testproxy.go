// Package testproxy serves the Go module proxy protocol and a checksum
// database on loopback, for tests. Modules are built in memory as real
// module zips; the checksum database is golang.org/x/mod/sumdb's server over
// a transparent log signed with a key made for the test. Faults can be
// switched on to play a misbehaving mirror.
package testproxy

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/dirhash"
	"golang.org/x/mod/sumdb/note"
	modzip "golang.org/x/mod/zip"
)

// Module is a module version the proxy serves.
type Module struct {
	Path, Version string
	// Files are the module's files by slash-separated name; go.mod is
	// added as "module Path" when absent.
	Files map[string]string
	Time  time.Time
}

func (m Module) gomod() string {
	if s, ok := m.Files["go.mod"]; ok {
		return s
	}
	return "module " + m.Path + "\n"
}

// built is a module with its zip and hashes.
type built struct {
	Module
	zip              []byte
	zipHash, modHash string
}

// Fault makes the proxy misbehave.
type Fault struct {
	Delay      time.Duration // before every response
	Status     int           // answer every request with this status
	HTMLPortal bool          // answer every request with 200 and an HTML page
	AlterZip   bool          // serve zips whose content differs from the database's
	Truncate   bool          // cut every body in half (Content-Length kept)
	Reset      bool          // close the connection without an answer
	// Stall sends the headers and half of every body, then nothing more
	// until the client gives up.
	Stall bool
	// Flood answers every zip with 200 and a body that never ends.
	Flood bool
	// Login and Password, when set, are the Basic credentials every
	// request must carry; others get 401, as a private proxy answers.
	Login, Password string
	// ForgeSumDB serves a checksum database with the right name but
	// signed by another key.
	ForgeSumDB bool
	// NoSumDB makes /sumdb/NAME/supported answer 404, as a mirror that
	// does not proxy the database does.
	NoSumDB bool
	// DenyLookups answers every /lookup of the relayed checksum database
	// 404 (tiles and /supported still answer), as a relay that lies about
	// what the database knows.
	DenyLookups bool
	// ForkSumDB serves a second log signed with the database's own key,
	// whose records come in the order they are asked for there: once it
	// and the true log have answered different first lookups, their trees
	// disagree, as a database that forked its history would.
	ForkSumDB bool
}

// Server is a loopback module proxy with a checksum database.
type Server struct {
	*httptest.Server
	// SumDBName and SumDBKey name the test checksum database and its
	// verifier key, to be used as GOSUMDB="SumDBKey".
	SumDBName, SumDBKey string
	// ProxiesSumDB makes /sumdb/NAME/supported answer 200 and serves the
	// database under /sumdb/NAME/.
	ProxiesSumDB bool

	mu       sync.Mutex
	fault    Fault
	mods     map[string][]*built // by module path, versions in order
	sumdb    http.Handler
	forged   http.Handler
	fork     http.Handler
	hits     map[string]int
	statuses map[string][]int
	ranges   int
}

// New starts a proxy serving mods, with a checksum database signed by a
// fresh key named name. It is closed when the test ends.
func New(t testing.TB, name string, mods ...Module) *Server {
	t.Helper()
	s, err := Start(name, mods...)
	if err != nil {
		t.Fatalf("testproxy: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// NewTLS is New over https, with httptest's certificate (for example.com,
// *.example.com and loopback): the real go command trusts it through
// SSL_CERT_FILE (TrustFile).
func NewTLS(t testing.TB, name string, mods ...Module) *Server {
	t.Helper()
	s, err := start(name, true, mods...)
	if err != nil {
		t.Fatalf("testproxy: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start is New outside a test (for benchmarks); Close stops the server.
func Start(name string, mods ...Module) (*Server, error) { return start(name, false, mods...) }

func start(name string, tls bool, mods ...Module) (*Server, error) {
	s := &Server{SumDBName: name, ProxiesSumDB: true, mods: map[string][]*built{}, hits: map[string]int{}, statuses: map[string][]int{}}
	for _, m := range mods {
		b, err := build(m)
		if err != nil {
			return nil, err
		}
		s.mods[m.Path] = append(s.mods[m.Path], b)
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return nil, err
	}
	s.SumDBKey = vkey
	s.sumdb = sumdb.NewServer(sumdb.NewTestServer(skey, s.goSum))
	s.fork = sumdb.NewServer(sumdb.NewTestServer(skey, s.goSum))
	forgedKey, _, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return nil, err
	}
	s.forged = sumdb.NewServer(sumdb.NewTestServer(forgedKey, s.goSum))
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		s.serve(rec, r)
		s.mu.Lock()
		s.statuses[r.URL.Path] = append(s.statuses[r.URL.Path], rec.status)
		s.mu.Unlock()
	})
	if tls {
		s.Server = httptest.NewTLSServer(handler)
	} else {
		s.Server = httptest.NewServer(handler)
	}
	return s, nil
}

// SetFault switches faults on (or off, with the zero Fault).
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	s.fault = f
	s.mu.Unlock()
}

// Hits returns how many requests reached a path.
func (s *Server) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// HitsContaining returns how many requests reached paths that contain
// part.
func (s *Server) HitsContaining(part string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for path, hits := range s.hits {
		if strings.Contains(path, part) {
			n += hits
		}
	}
	return n
}

// Statuses returns the status of every answer to a path, in order.
func (s *Server) Statuses(path string) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.statuses[path]...)
}

// recorder notes the status a handler answers with.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return r.ResponseWriter.(http.Hijacker).Hijack()
}

// RangeRequests returns how many requests asked for a byte range.
func (s *Server) RangeRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ranges
}

// SumDBHandler serves the checksum database alone, at the root, for a
// test that reaches it directly rather than through the proxy. Faults
// apply to it too.
func (s *Server) SumDBHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/sumdb/" + s.SumDBName + r.URL.Path
		s.serve(w, r2)
	})
}

// ZipHash returns the h1: hash of a module's zip as the database has it.
func (s *Server) ZipHash(path, version string) string {
	if b := s.find(path, version); b != nil {
		return b.zipHash
	}
	return ""
}

// ModHash returns the h1: hash of a module's go.mod as the database has
// it.
func (s *Server) ModHash(path, version string) string {
	if b := s.find(path, version); b != nil {
		return b.modHash
	}
	return ""
}

func build(m Module) (*built, error) {
	mv := module.Version{Path: m.Path, Version: m.Version}
	files := map[string]string{"go.mod": m.gomod()}
	for k, v := range m.Files {
		files[k] = v
	}
	var list []modzip.File
	for name, content := range files {
		list = append(list, memFile{name, content})
	}
	var buf bytes.Buffer
	if err := modzip.Create(&buf, mv, list); err != nil {
		return nil, fmt.Errorf("zip %s: %w", mv, err)
	}
	b := &built{Module: m, zip: buf.Bytes()}
	var err error
	if b.zipHash, err = hashZipBytes(b.zip); err != nil {
		return nil, err
	}
	gomod := m.gomod()
	b.modHash, err = dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(gomod)), nil
	})
	return b, err
}

// hashZipBytes is dirhash.HashZip over an in-memory zip.
func hashZipBytes(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", err
	}
	var names []string
	byName := map[string]*zip.File{}
	for _, f := range zr.File {
		names = append(names, f.Name)
		byName[f.Name] = f
	}
	return dirhash.Hash1(names, func(name string) (io.ReadCloser, error) { return byName[name].Open() })
}

type memFile struct{ name, content string }

func (f memFile) Path() string { return f.name }
func (f memFile) Lstat() (os.FileInfo, error) {
	return fileInfo{f}, nil
}
func (f memFile) Open() (io.ReadCloser, error) {
	return io.NopCloser(strings.NewReader(f.content)), nil
}

type fileInfo struct{ f memFile }

func (i fileInfo) Name() string       { return i.f.name }
func (i fileInfo) Size() int64        { return int64(len(i.f.content)) }
func (i fileInfo) Mode() os.FileMode  { return 0o644 }
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return false }
func (i fileInfo) Sys() any           { return nil }

// goSum answers the checksum database's lookups.
func (s *Server) goSum(path, vers string) ([]byte, error) {
	b := s.find(path, vers)
	if b == nil {
		// A *PathError for fs.ErrNotExist, so that x/mod's sumdb server
		// answers 404, as the real database does for a module it cannot
		// find (any other error is a 500).
		return nil, &fs.PathError{Op: "lookup", Path: path + "@" + vers, Err: fs.ErrNotExist}
	}
	return []byte(fmt.Sprintf("%s %s %s\n%s %s/go.mod %s\n", path, vers, b.zipHash, path, vers, b.modHash)), nil
}

func (s *Server) find(path, vers string) *built {
	for _, b := range s.mods[path] {
		if b.Version == vers {
			return b
		}
	}
	return nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f := s.fault
	s.hits[r.URL.Path]++
	s.mu.Unlock()
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return
		}
	}
	switch {
	case f.Reset:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				if tc, ok := conn.(*net.TCPConn); ok {
					tc.SetLinger(0)
				}
				conn.Close()
				return
			}
		}
	case f.Status != 0:
		http.Error(w, http.StatusText(f.Status), f.Status)
		return
	case f.Login != "" && !hasLogin(r, f.Login, f.Password):
		w.Header().Set("WWW-Authenticate", `Basic realm="private proxy"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	case f.HTMLPortal:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!DOCTYPE html><html><body><h1>Please log in to continue</h1></body></html>")
		return
	}
	status, ctype, body := s.answer(r, f)
	switch {
	case f.Flood && strings.HasSuffix(r.URL.Path, ".zip"):
		w.Header().Set("Content-Type", "application/zip")
		chunk := bytes.Repeat([]byte{'Z'}, 64<<10)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		return
	case f.Stall && status == http.StatusOK && len(body) < 2:
		// Nothing to withhold half of: the answer never comes (a
		// complete empty answer would not stall anyone).
		<-r.Context().Done()
		return
	case f.Stall && status == http.StatusOK:
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(status)
		w.Write(body[:len(body)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		<-r.Context().Done()
		return
	}
	if r.Header.Get("Range") != "" {
		s.mu.Lock()
		s.ranges++
		s.mu.Unlock()
	}
	if status == http.StatusOK && !f.Truncate && strings.HasSuffix(r.URL.Path, ".zip") {
		// Zips are served with Range support, as real proxies serve them.
		w.Header().Set("Content-Type", ctype)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
		return
	}
	if f.Truncate && status == http.StatusOK {
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		body = body[:len(body)/2]
	}
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	w.WriteHeader(status)
	w.Write(body)
}

// answer computes the protocol response for a request.
func (s *Server) answer(r *http.Request, f Fault) (int, string, []byte) {
	p := r.URL.Path
	if rest, ok := strings.CutPrefix(p, "/sumdb/"+s.SumDBName+"/"); ok && s.ProxiesSumDB && !f.NoSumDB {
		if rest == "supported" {
			return http.StatusOK, "text/plain", nil
		}
		if f.DenyLookups && strings.HasPrefix(rest, "lookup/") {
			return http.StatusNotFound, "text/plain", []byte("not found\n")
		}
		db := s.sumdb
		switch {
		case f.ForgeSumDB:
			db = s.forged
		case f.ForkSumDB:
			db = s.fork
		}
		rec := httptest.NewRecorder()
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + rest
		db.ServeHTTP(rec, r2)
		return rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes()
	}
	if strings.HasPrefix(p, "/sumdb/") {
		return http.StatusNotFound, "text/plain", []byte("not found\n")
	}
	escPath, file, ok := strings.Cut(strings.TrimPrefix(p, "/"), "/@")
	modPath, err := module.UnescapePath(escPath)
	if !ok || err != nil || s.mods[modPath] == nil {
		return http.StatusNotFound, "text/plain", []byte("not found: unknown module\n")
	}
	versions := s.mods[modPath]
	switch {
	case file == "v/list":
		var list []string
		for _, b := range versions {
			list = append(list, b.Version)
		}
		sort.Strings(list)
		return http.StatusOK, "text/plain", []byte(strings.Join(list, "\n") + "\n")
	case file == "latest":
		return s.info(versions[len(versions)-1])
	}
	rest, ok := strings.CutPrefix(file, "v/")
	if !ok {
		return http.StatusNotFound, "text/plain", []byte("not found\n")
	}
	for _, ext := range []string{".info", ".mod", ".zip"} {
		escVers, ok := strings.CutSuffix(rest, ext)
		if !ok {
			continue
		}
		vers, err := module.UnescapeVersion(escVers)
		b := s.find(modPath, vers)
		if err != nil || b == nil {
			return http.StatusNotFound, "text/plain", []byte("not found: unknown version\n")
		}
		switch ext {
		case ".info":
			return s.info(b)
		case ".mod":
			return http.StatusOK, "text/plain", []byte(b.gomod())
		}
		if f.AlterZip {
			return http.StatusOK, "application/zip", alter(b)
		}
		return http.StatusOK, "application/zip", b.zip
	}
	return http.StatusNotFound, "text/plain", []byte("not found\n")
}

func (s *Server) info(b *built) (int, string, []byte) {
	data, _ := json.Marshal(struct {
		Version string
		Time    time.Time
	}{b.Version, b.Time})
	return http.StatusOK, "application/json", data
}

// alter returns a valid zip of the module with one file's content changed.
func alter(b *built) []byte {
	m := b.Module
	files := map[string]string{}
	for k, v := range m.Files {
		files[k] = v
	}
	files["altered.go"] = "package altered // served by a mirror that changes code\n"
	m.Files = files
	nb, err := build(m)
	if err != nil {
		panic(err)
	}
	return nb.zip
}

func hasLogin(r *http.Request, login, password string) bool {
	l, p, ok := r.BasicAuth()
	return ok && l == login && p == password
}
