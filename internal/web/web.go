// Package web is godoctor's one way onto the network, as cmd/go's
// internal/web is the go command's: every request carries a context, every
// body is read under a size cap and an idle timeout (no byte for that long
// ends the read), a status other than 200 is a typed *HTTPError that says
// "not found" (404 or 410) through errors.Is(err, fs.ErrNotExist), and
// every URL in an error has its credentials masked. It also speaks the few
// words of the module proxy protocol that several packages need.
package web

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/godoctorhq/godoctor/internal/redact"
)

// DefaultIdle is how long a read may wait for the next byte when the
// Client does not say.
const DefaultIdle = 30 * time.Second

// SmallLimit caps the answers that are documents rather than downloads:
// version lists, .info and .mod files, checksum database lookups and tiles.
const SmallLimit = 4 << 20

// Client makes requests through an http.Client with an idle timeout.
type Client struct {
	HTTP *http.Client
	// Idle ends a request when no byte (of the headers or the body) has
	// arrived for this long; 0 means DefaultIdle.
	Idle time.Duration
	// Total, when set, ends a Fetch or Get that has not read its whole
	// answer in this long, however steadily the bytes trickle in: a server
	// that sends one byte a second never trips Idle.
	Total time.Duration
	// Auth, when set, adds credentials to each request before it is sent.
	Auth func(*http.Request)
}

func (c Client) idle() time.Duration {
	if c.Idle > 0 {
		return c.Idle
	}
	return DefaultIdle
}

// HTTPError is an answer other than 200 OK.
type HTTPError struct {
	URL        string // credentials masked
	StatusCode int
	// Detail is the first line of a text/plain body, which the go command
	// quotes as the server's response.
	Detail string
}

func (e *HTTPError) Error() string { return "GET " + e.URL + ": " + e.Status() }

// Status is the error without the URL: "HTTP 404 Not Found: server
// response: ...", for reports that name the URL already.
func (e *HTTPError) Status() string {
	msg := fmt.Sprintf("HTTP %d", e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		msg += " " + t
	}
	if e.Detail != "" {
		msg += ": server response: " + e.Detail
	}
	return msg
}

// Is makes a 404 or 410 an fs.ErrNotExist, as the go command treats them:
// the answers after which a "," in GOPROXY moves on to the next entry.
func (e *HTTPError) Is(target error) bool {
	return target == fs.ErrNotExist && (e.StatusCode == http.StatusNotFound || e.StatusCode == http.StatusGone)
}

// StallError ends a read that waited longer than the idle timeout.
type StallError struct {
	Host  string
	Bytes int64 // of the body, before it stalled
	Idle  time.Duration
}

func (e *StallError) Error() string {
	if e.Bytes == 0 {
		return fmt.Sprintf("%s: no answer for %s", e.Host, e.Idle)
	}
	return fmt.Sprintf("%s: stalled for %s after %d bytes", e.Host, e.Idle, e.Bytes)
}

// DeadlineError ends a request that did not finish within Client.Total.
type DeadlineError struct {
	Host  string
	Total time.Duration
}

func (e *DeadlineError) Error() string {
	return fmt.Sprintf("%s: no whole answer within %s", e.Host, e.Total)
}

// TooLargeError is a body longer than the cap.
type TooLargeError struct {
	URL   string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: more than %d bytes", e.URL, e.Limit)
}

// Response is a fetched document with its status.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// Fetch GETs url and reads its body, at most limit bytes, whatever the
// status; only a failure to get an answer is an error.
func (c Client) Fetch(ctx context.Context, rawURL string, limit int64) (*Response, error) {
	parent := ctx
	if c.Total > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Total)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, redact.Error(err)
	}
	resp, err := c.Open(req, limit)
	if err == nil {
		defer resp.Body.Close()
		var body []byte
		if body, err = io.ReadAll(resp.Body); err == nil {
			return &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}, nil
		}
	}
	if ctx.Err() != nil && parent.Err() == nil {
		return nil, &DeadlineError{Host: req.URL.Host, Total: c.Total}
	}
	return nil, err
}

// Get GETs url and returns its body: a 200 answer, at most limit bytes.
// Any other status is an *HTTPError.
func (c Client) Get(ctx context.Context, rawURL string, limit int64) ([]byte, error) {
	r, err := c.Fetch(ctx, rawURL, limit)
	if err != nil {
		return nil, err
	}
	if r.StatusCode != http.StatusOK {
		return nil, statusError(rawURL, r.StatusCode, r.Header.Get("Content-Type"), r.Body)
	}
	return r.Body, nil
}

// Open sends req and returns the response, whatever its status, with a
// body that ends with a *StallError when no byte arrives within the idle
// timeout and with a *TooLargeError past limit bytes. The idle timeout
// covers the wait for the headers too. The caller closes the body.
func (c Client) Open(req *http.Request, limit int64) (*http.Response, error) {
	if c.Auth != nil {
		req = req.Clone(req.Context())
		c.Auth(req)
	}
	ctx, cancel := context.WithCancel(req.Context())
	w := &watchdog{idle: c.idle(), cancel: cancel, host: req.URL.Host}
	w.arm()
	resp, err := c.HTTP.Do(req.WithContext(ctx))
	if err != nil {
		w.stop()
		defer cancel()
		if w.fired() {
			return nil, &StallError{Host: req.URL.Host, Idle: w.idle}
		}
		return nil, redact.Error(err)
	}
	resp.Body = &guardedBody{body: resp.Body, w: w, cancel: cancel, limit: limit, url: redact.URL(req.URL.String())}
	return resp, nil
}

// statusError builds the *HTTPError of an answer.
func statusError(rawURL string, status int, ctype string, body []byte) *HTTPError {
	e := &HTTPError{URL: redact.URL(rawURL), StatusCode: status}
	if mt, _, _ := mime.ParseMediaType(ctype); mt == "text/plain" {
		line, _, _ := strings.Cut(strings.TrimSpace(string(body[:min(len(body), 300)])), "\n")
		e.Detail = strings.TrimSpace(line)
	}
	return e
}

// StatusError is the *HTTPError of a response already read; for callers
// that look at the status themselves.
func StatusError(rawURL string, r *Response) *HTTPError {
	return statusError(rawURL, r.StatusCode, r.Header.Get("Content-Type"), r.Body)
}

// watchdog cancels a request when it has been quiet for idle.
type watchdog struct {
	idle   time.Duration
	cancel context.CancelFunc
	host   string
	mu     sync.Mutex
	timer  *time.Timer
	done   bool
}

func (w *watchdog) arm() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timer == nil {
		w.timer = time.AfterFunc(w.idle, func() {
			w.mu.Lock()
			w.done = true
			w.mu.Unlock()
			w.cancel()
		})
		return
	}
	w.timer.Reset(w.idle)
}

func (w *watchdog) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.timer != nil {
		w.timer.Stop()
	}
}

func (w *watchdog) fired() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.done
}

// guardedBody is a response body under the idle timeout and the cap.
type guardedBody struct {
	body   io.ReadCloser
	w      *watchdog
	cancel context.CancelFunc
	limit  int64
	url    string
	n      int64
}

func (b *guardedBody) Read(p []byte) (int, error) {
	if b.limit > 0 && int64(len(p)) > b.limit-b.n+1 {
		p = p[:b.limit-b.n+1]
	}
	n, err := b.body.Read(p)
	b.n += int64(n)
	if n > 0 {
		b.w.arm()
	}
	if b.limit > 0 && b.n > b.limit {
		b.w.stop()
		return n - int(b.n-b.limit), &TooLargeError{URL: b.url, Limit: b.limit}
	}
	if err != nil && err != io.EOF {
		if b.w.fired() {
			return n, &StallError{Host: b.w.host, Bytes: b.n, Idle: b.w.idle}
		}
		return n, redact.Error(err)
	}
	return n, err
}

func (b *guardedBody) Close() error {
	b.w.stop()
	err := b.body.Close()
	b.cancel()
	return err
}
