// Package redact masks credentials before anything is shown: the user
// information of URLs, alone, inside a list such as GOPROXY, or inside the
// errors net/http returns.
package redact

import (
	"bytes"
	"errors"
	"io"
	"net/url"
	"strings"
	"sync"
)

// Error masks credentials in the URL of a *url.Error, the error
// net/http returns for a failed request.
func Error(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return &url.Error{Op: uerr.Op, URL: URL(uerr.URL), Err: uerr.Err}
	}
	return err
}

// URL masks the user information of a URL: "https://***@host/path".
// The whole userinfo is masked, since tokens are often put in the user
// name. It works on the text, not on a parsed URL, so that a string that
// does not parse, or parses some other way, cannot leak a password either:
// whatever stands between "://" (or a leading "//", which starts an
// authority too) and the last "@" before the path is masked.
func URL(raw string) string {
	var start int
	if strings.HasPrefix(raw, "//") {
		start = 2
	} else if i := strings.Index(raw, "://"); i >= 0 {
		start = i + 3
	} else {
		return raw
	}
	end := len(raw)
	if j := strings.IndexAny(raw[start:], "/?#"); j >= 0 {
		end = start + j
	}
	at := strings.LastIndex(raw[start:end], "@")
	if at < 0 {
		return raw
	}
	return raw[:start] + "***" + raw[start+at:]
}

// HasCredentials reports whether a URL carries user information.
func HasCredentials(raw string) bool {
	return URL(raw) != raw
}

// List masks credentials in every URL of a list value (GOPROXY's "," and
// "|", spaces): "https://***@a,direct".
func List(v string) string {
	if !strings.Contains(v, "@") {
		return v
	}
	var b strings.Builder
	start := 0
	for i := 0; i <= len(v); i++ {
		if i == len(v) || strings.ContainsRune(",| \t", rune(v[i])) {
			b.WriteString(URL(v[start:i]))
			if i < len(v) {
				b.WriteByte(v[i])
			}
			start = i + 1
		}
	}
	return b.String()
}

// Text masks credentials in every URL of a free text: the user
// information of "scheme://user:password@host", and an authority such as
// "user:secret" before a path, which is no host and port (a password with
// an unescaped "/" makes one). Paths, including module paths with "@v",
// are left as they are.
func Text(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	var b strings.Builder
	last := 0 // s[:last] is written
	for i := 0; i+3 <= len(s); i++ {
		if s[i:i+3] != "://" || i+3 < last {
			continue
		}
		start := i + 3
		end := strings.IndexFunc(s[start:], func(r rune) bool {
			return strings.ContainsRune("/?#", r) || endsURL(r)
		})
		if end < 0 {
			end = len(s)
		} else {
			end += start
		}
		authority := s[start:end]
		masked := authority
		switch at := strings.LastIndex(authority, "@"); {
		case at >= 0:
			masked = "***" + authority[at:]
		case notHostPort(authority):
			masked = "***"
		}
		b.WriteString(s[last:start])
		b.WriteString(masked)
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

// endsURL reports the characters that end a URL in running text.
func endsURL(r rune) bool {
	return r <= ' ' || strings.ContainsRune("\"'`<>,|;\\", r)
}

// notHostPort reports an authority with a colon whose tail is not a port:
// "user:secret", where a host would have "host:8080" or "[::1]".
func notHostPort(a string) bool {
	c := strings.LastIndex(a, ":")
	if c < 0 || strings.HasSuffix(a, "]") {
		return false
	}
	port := a[c+1:]
	return strings.IndexFunc(port, func(r rune) bool { return r < '0' || r > '9' }) >= 0
}

// Writer masks credentials in everything written through it. It holds a
// line until it ends ("\n" or "\r"), since a URL never spans one; Flush
// writes what is held, masked, before a prompt or at the end.
type Writer struct {
	w   io.Writer
	mu  sync.Mutex
	buf []byte
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

func (m *Writer) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.buf = append(m.buf, p...)
	end := bytes.LastIndexAny(m.buf, "\r\n")
	if end < 0 {
		return len(p), nil
	}
	out := Text(string(m.buf[:end+1]))
	m.buf = append(m.buf[:0], m.buf[end+1:]...)
	if _, err := io.WriteString(m.w, out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is held, masked.
func (m *Writer) Flush() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.buf) == 0 {
		return nil
	}
	out := Text(string(m.buf))
	m.buf = m.buf[:0]
	_, err := io.WriteString(m.w, out)
	return err
}
