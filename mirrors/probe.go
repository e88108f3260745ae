package mirrors

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptrace"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"

	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/web"
)

// Probe is the module version every mirror is asked for.
type Probe struct{ Path, Version string }

func (p Probe) String() string { return p.Path + "@" + p.Version }

// DefaultProbe is a public module of about 2 MB that every mirror holds:
// small requests measure latency, its zip throughput.
var DefaultProbe = Probe{Path: "golang.org/x/sys", Version: "v0.38.0"}

// maxZip is the go command's own limit on a module zip.
const maxZip = 500 << 20

// maxSmall bounds the small protocol responses (.info, .mod, lists).
const maxSmall = 4 << 20

// Latency summarises the time to first byte of the small requests.
type Latency struct {
	Min, Median, Max time.Duration
}

// Phases are the connection set-up costs of the first request.
type Phases struct {
	DNS, Connect, TLS time.Duration
}

// Measurement is what probing one mirror found.
type Measurement struct {
	Latency        Latency
	Requests       int // small requests timed
	Phases         Phases
	ZipBytes       int64
	ThroughputMbps float64
	ZipHash        string // h1: of the zip as served
	ModHash        string // h1: of the go.mod as served
	// SumDBProxied reports /sumdb/NAME/supported: 200 true, 404/410 false,
	// nil when it could not be told.
	SumDBProxied *bool
	// Warning is a protocol fault that leaves the mirror usable: a missing
	// module answered with another status than 404 or 410.
	Warning string
	// NotFoundStatus is the answer behind Warning ("HTTP 403: …").
	NotFoundStatus string
	Err            error
}

// ProbeOptions tune a probe.
type ProbeOptions struct {
	Samples int
	Timeout time.Duration // per request
	SumDB   string        // database name whose proxying is checked
	TempDir string        // where the zip is kept while it is checked
	// NoZip leaves out the zip: the protocol and latency only.
	NoZip bool
}

// Measure speaks the module proxy protocol to a mirror: Samples rounds of
// @v/list, .info and .mod (timed to the first byte), a request for a module
// that does not exist (which a proxy answers 404 or 410, and a portal 200),
// the checksum database's supported endpoint, and the zip, timed for
// throughput and hashed as the go command hashes it.
func Measure(ctx context.Context, httpClient *http.Client, m Mirror, p Probe, opts ProbeOptions) Measurement {
	var out Measurement
	client := web.Client{HTTP: httpClient, Idle: opts.Timeout}
	base := strings.TrimSuffix(m.URL, "/")
	escPath, err := module.EscapePath(p.Path)
	if err != nil {
		out.Err = err
		return out
	}
	escVers, err := module.EscapeVersion(p.Version)
	if err != nil {
		out.Err = err
		return out
	}
	var ttfb []time.Duration
	for i := 0; i < max(opts.Samples, 1); i++ {
		for _, step := range []struct {
			path  string
			check func([]byte) error
		}{
			{"/@v/list", checkList},
			{"/@v/" + escVers + ".info", func(b []byte) error { return checkInfo(b, p.Version) }},
			{"/@v/" + escVers + ".mod", func(b []byte) error { return checkMod(b, p.Path) }},
		} {
			r := request(ctx, client, base+"/"+escPath+step.path, opts.Timeout, maxSmall, i == 0 && step.path == "/@v/list")
			if r.err == nil && r.status != http.StatusOK {
				r.err = statusError(base+"/"+escPath+step.path, r)
			}
			if r.err == nil {
				r.err = step.check(r.body)
			}
			if r.err != nil {
				out.Err = fmt.Errorf("%s%s: %w", escPath, step.path, r.err)
				return out
			}
			if i == 0 && step.path == "/@v/list" {
				out.Phases = r.phases
			}
			if step.path == "/@v/"+escVers+".mod" {
				out.ModHash = hashMod(r.body)
			}
			ttfb = append(ttfb, r.ttfb)
		}
	}
	out.Requests = len(ttfb)
	slices.Sort(ttfb)
	out.Latency = Latency{Min: ttfb[0], Median: ttfb[len(ttfb)/2], Max: ttfb[len(ttfb)-1]}

	if out.NotFoundStatus, err = checkNotFound(ctx, client, base, opts.Timeout); err != nil {
		out.Err = err
		return out
	}
	if out.NotFoundStatus != "" {
		out.Warning = fmt.Sprintf("answers a module it does not have with %s, not 404 or 410: the go command stops there instead of trying the next GOPROXY entry (direct)", out.NotFoundStatus)
	}
	if opts.SumDB != "" {
		r := request(ctx, client, base+"/sumdb/"+opts.SumDB+"/supported", opts.Timeout, maxSmall, false)
		switch {
		case r.err == nil && r.status == http.StatusOK:
			out.SumDBProxied = ptr(true)
		case r.err == nil && (r.status == http.StatusNotFound || r.status == http.StatusGone):
			out.SumDBProxied = ptr(false)
		}
	}
	if opts.NoZip {
		return out
	}
	out.ZipBytes, out.ThroughputMbps, out.ZipHash, out.Err = fetchZip(ctx, client, base+"/"+escPath+"/@v/"+escVers+".zip", p, opts)
	return out
}

func ptr[T any](v T) *T { return &v }

// result is one timed request.
type result struct {
	status int
	ctype  string
	body   []byte
	ttfb   time.Duration
	phases Phases
	err    error
}

// request GETs a URL with a timeout, timing the first byte and, when
// trace is set, the connection phases.
func request(ctx context.Context, client web.Client, url string, timeout time.Duration, limit int64, trace bool) (r result) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var start, first time.Time
	ct := &httptrace.ClientTrace{
		GotFirstResponseByte: func() { first = time.Now() },
	}
	if trace {
		// The transport may finish a dial it started for this request
		// after the request went out on another connection, and call the
		// hooks then, from its own goroutine.
		var mu sync.Mutex
		var phases Phases
		var dnsStart, connStart, tlsStart time.Time
		locked := func(f func()) { mu.Lock(); f(); mu.Unlock() }
		ct.DNSStart = func(httptrace.DNSStartInfo) { locked(func() { dnsStart = time.Now() }) }
		ct.DNSDone = func(httptrace.DNSDoneInfo) { locked(func() { phases.DNS = time.Since(dnsStart) }) }
		ct.ConnectStart = func(string, string) { locked(func() { connStart = time.Now() }) }
		ct.ConnectDone = func(string, string, error) { locked(func() { phases.Connect = time.Since(connStart) }) }
		ct.TLSHandshakeStart = func() { locked(func() { tlsStart = time.Now() }) }
		ct.TLSHandshakeDone = func(tls.ConnectionState, error) { locked(func() { phases.TLS = time.Since(tlsStart) }) }
		defer locked(func() { r.phases = phases })
	}
	start = time.Now()
	resp, err := client.Fetch(httptrace.WithClientTrace(ctx, ct), url, limit)
	if err != nil {
		r.err = describeNetError(ctx, err, timeout)
		return r
	}
	r.status, r.ctype, r.body = resp.StatusCode, resp.Header.Get("Content-Type"), resp.Body
	r.ttfb = first.Sub(start)
	if r.status == http.StatusOK && looksLikeHTML(r.ctype, r.body) {
		r.err = errors.New("an HTML page instead of a module proxy response (a captive portal or login page?)")
	}
	return r
}

// describeNetError names a timeout as one, whether the request's deadline
// or the idle timeout between reads ended it, and masks credentials.
func describeNetError(ctx context.Context, err error, timeout time.Duration) error {
	var stall *web.StallError
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.As(err, &stall) && stall.Bytes == 0 {
		return fmt.Errorf("no answer within %s", timeout)
	}
	return redact.Error(err)
}

func looksLikeHTML(ctype string, body []byte) bool {
	if mt, _, err := mime.ParseMediaType(ctype); err == nil && (mt == "text/html" || mt == "application/xhtml+xml") {
		return true
	}
	head := bytes.ToLower(bytes.TrimSpace(body[:min(len(body), 512)]))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html"))
}

func statusError(url string, r result) error {
	return statusErr{web.StatusError(url, &web.Response{StatusCode: r.status, Header: http.Header{"Content-Type": {r.ctype}}, Body: r.body})}
}

// statusErr is an answer other than 200, said without its URL (the report
// names the mirror); errors.Is(err, fs.ErrNotExist) tells a 404 or 410.
type statusErr struct{ *web.HTTPError }

func (e statusErr) Error() string { return e.Status() }
func (e statusErr) Unwrap() error { return e.HTTPError }

// checkList accepts a version list: one valid semantic version per line.
func checkList(body []byte) error {
	for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		if v := strings.Fields(line); len(v) > 0 && !semver.IsValid(v[0]) {
			return fmt.Errorf("version list holds %q, not a version", truncate(line, 60))
		}
	}
	return nil
}

// checkInfo accepts the .info JSON for exactly the version asked.
func checkInfo(body []byte, version string) error {
	var info struct{ Version string }
	if err := json.Unmarshal(body, &info); err != nil {
		return fmt.Errorf("not version info JSON: %v", err)
	}
	if info.Version != version {
		return fmt.Errorf("info for %q, asked for %q", info.Version, version)
	}
	return nil
}

// checkMod accepts a go.mod that declares the module asked for.
func checkMod(body []byte, path string) error {
	f, err := modfile.ParseLax("go.mod", body, nil)
	if err != nil {
		return fmt.Errorf("not a go.mod: %v", err)
	}
	if f.Module == nil || f.Module.Mod.Path != path {
		return fmt.Errorf("go.mod does not declare module %s", path)
	}
	return nil
}

// checkNotFound asks for a module that does not exist. A module proxy
// answers 404 or 410, which lets the go command move on to the next GOPROXY
// entry; a portal or a catch-all server answers 200 and is no proxy (an
// error); any other status works for modules the mirror has but stops the
// go command at modules it lacks: that status is returned.
func checkNotFound(ctx context.Context, client web.Client, base string, timeout time.Duration) (status string, err error) {
	const missing = "github.com/zz-godoctor-probe/does-not-exist/@v/list"
	r := request(ctx, client, base+"/"+missing, timeout, maxSmall, false)
	switch {
	case r.err != nil && r.status == http.StatusOK:
		return "", fmt.Errorf("a module that does not exist: %w", r.err)
	case r.err != nil:
		return "", fmt.Errorf("asking for a module that does not exist: %w", r.err)
	case r.status == http.StatusNotFound || r.status == http.StatusGone:
		return "", nil
	case r.status == http.StatusOK:
		return "", errors.New("answers 200 for a module that does not exist: not a module proxy")
	}
	return statusError(base+"/"+missing, r).Error(), nil
}

// fetchZip downloads the zip into a temporary file, timing it, checks its
// structure as the go command does and returns its h1: hash.
func fetchZip(ctx context.Context, client web.Client, url string, p Probe, opts ProbeOptions) (int64, float64, string, error) {
	ctx, cancel := context.WithTimeout(ctx, 4*opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, "", err
	}
	resp, err := client.Open(req, maxZip)
	if err != nil {
		return 0, 0, "", fmt.Errorf("zip: %w", describeNetError(ctx, err, 4*opts.Timeout))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return 0, 0, "", fmt.Errorf("zip: %w", statusError(url, result{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), body: body}))
	}
	f, err := os.CreateTemp(opts.TempDir, "godoctor-probe-*.zip")
	if err != nil {
		return 0, 0, "", err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	start := time.Now()
	n, err := io.Copy(f, resp.Body)
	elapsed := time.Since(start)
	if err != nil {
		return n, 0, "", fmt.Errorf("zip: %w", describeNetError(ctx, err, 4*opts.Timeout))
	}
	if err := f.Close(); err != nil {
		return n, 0, "", err
	}
	mbps := float64(n) * 8 / 1e6 / max(elapsed.Seconds(), 1e-6)
	if _, err := modzip.CheckZip(module.Version{Path: p.Path, Version: p.Version}, f.Name()); err != nil {
		return n, mbps, "", fmt.Errorf("zip is not a valid module zip: %v", err)
	}
	h, err := dirhash.HashZip(f.Name(), dirhash.Hash1)
	if err != nil {
		return n, mbps, "", fmt.Errorf("zip: %v", err)
	}
	return n, mbps, h, nil
}

// hashMod is the go.sum hash of a go.mod file.
func hashMod(data []byte) string {
	h, _ := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
	return h
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
