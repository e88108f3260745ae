// Package redact is godoctor's one output layer for text it did not write
// itself: credentials are masked (the user information of URLs with a
// scheme or without, alone, inside a list such as GOPROXY, inside errors;
// the arguments of a GOAUTH command), and control characters that a
// terminal would obey (escape sequences that write the clipboard or the
// window title, clear the screen, move the cursor) are shown as visible
// escapes instead.
package redact

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"unicode/utf8"
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
// authority too) and the last "@" before the path is masked. A value with
// no scheme at all counts as an authority too, as the go command reads a
// GOPROXY entry such as "alice:secret@host/mirror" (it adds https://),
// except for the user git of an scp-like ssh address (git@host:repo).
func URL(raw string) string {
	var start int
	if strings.HasPrefix(raw, "//") {
		start = 2
	} else if i := strings.Index(raw, "://"); i >= 0 {
		start = i + 3
	} else {
		return schemeless(raw)
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

// schemeless masks the user information of a URL written without a
// scheme: what comes before the last "@" ahead of the first "/".
func schemeless(raw string) string {
	end := len(raw)
	if j := strings.IndexAny(raw, "/?#"); j >= 0 {
		end = j
	}
	at := strings.LastIndex(raw[:end], "@")
	if at <= 0 || raw[:at] == "git" {
		return raw
	}
	return "***" + raw[at:]
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
// information of "scheme://user:password@host", an authority such as
// "user:secret" before a path, which is no host and port (a password with
// an unescaped "/" makes one), and "user:password@host" with no scheme.
// Paths, including module paths with "@v", are left as they are.
func Text(s string) string {
	if strings.Contains(s, "://") {
		s = withScheme(s)
	}
	if strings.Contains(s, "@") {
		s = withoutScheme(s)
	}
	return s
}

// withScheme masks the authorities that follow "://".
func withScheme(s string) string {
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

// withoutScheme masks "user:password@host" where no scheme stands before
// it: a word whose part before its last "@" holds a colon and no "/" (a
// module path such as example.com/m@v1.0.0 has a "/" there, an email
// address or git@host no colon), followed by a host.
func withoutScheme(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '@' || i+1 >= len(s) || !hostChar(s[i+1]) {
			continue
		}
		start := i
		for start > last && !endsWord(s[start-1]) {
			start--
		}
		user := s[start:i]
		if !strings.Contains(user, ":") || strings.Contains(user, "***") {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString("***")
		last = i
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// endsWord reports the characters that end the user information of a URL
// without a scheme, looking back from its "@".
func endsWord(c byte) bool {
	return endsURL(rune(c)) || strings.IndexByte("/@=([{#?", c) >= 0
}

// hostChar reports a character a host name can start with.
func hostChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '['
}

// Setting masks the value of a Go setting for display: every URL of a
// list, and for GOAUTH the arguments of a command, which may hold a token
// (only off, netrc and git DIR are shown whole).
func Setting(name, value string) string {
	if name != "GOAUTH" {
		return List(value)
	}
	parts := strings.Split(value, ";")
	for i, part := range parts {
		f := strings.Fields(part)
		switch {
		case len(f) == 0:
		case len(f) == 1 && (f[0] == "off" || f[0] == "netrc"):
		case f[0] == "git" && len(f) == 2:
		case len(f) == 1:
			parts[i] = strings.Replace(part, f[0], List(f[0]), 1)
		default:
			parts[i] = f[0] + " ***"
		}
	}
	return strings.Join(parts, ";")
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

// ExportLine masks a shell profile line that sets a variable ("export
// GOPROXY=...", fish's "set -x GOAUTH ..."): the URLs of its value, and
// for GOAUTH the command's arguments. Quotes around a masked GOAUTH value
// are dropped.
func ExportLine(line string) string {
	i := strings.Index(line, "GOAUTH")
	if i < 0 {
		if eq := strings.Index(line, "="); eq >= 0 {
			return line[:eq+1] + List(line[eq+1:])
		}
		return List(line)
	}
	head, rest := line[:i+len("GOAUTH")], line[i+len("GOAUTH"):]
	sep := " "
	if strings.HasPrefix(rest, "=") {
		sep, rest = "=", rest[1:]
	}
	value := strings.Trim(strings.TrimSpace(rest), `'"`)
	return head + sep + Setting("GOAUTH", value)
}

// Display is what a person may be shown of a text from outside: its
// credentials masked and every control character visible (Escape).
func Display(s string) string { return Escape(Text(s), NoSGR) }

// SGR says which colour sequences (ESC [ params m) Escape keeps.
type SGR int

const (
	// NoSGR keeps none: a text from outside, before godoctor styles it.
	NoSGR SGR = iota
	// OwnSGR keeps the few that godoctor's plain output writes.
	OwnSGR
	// AnySGR keeps every well-formed one: a frame of the TUI, styled by
	// lipgloss in any palette; a colour is all that a stranger's text
	// could add there, never an escape that writes or moves anything.
	AnySGR
)

// Escape shows the characters a terminal would obey as escapes that it
// prints instead: C0 controls but newline and tab (\x1b, \r, \x07), DEL,
// C1 controls and bytes that are not UTF-8 (\x9b is a CSI to some
// terminals), and the bidirectional overrides that reorder what is read
// (\u202e). The colour sequences that keep says are kept; everything else
// an escape sequence holds is shown. What JSON leaves unescaped (DEL, C1, the
// overrides) becomes an escape that is valid in a JSON string too.
func Escape(s string, keep SGR) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c == 0x1b && keep != NoSGR {
			if n := sgrLen(s[i:], keep == AnySGR); n > 0 {
				b.WriteString(s[i : i+n])
				i += n
				continue
			}
		}
		switch {
		case c < 0x20 && c != '\n' && c != '\t':
			fmt.Fprintf(&b, "\\x%02x", c)
			i++
			continue
		case c == 0x7f:
			b.WriteString("\\u007f") // JSON leaves DEL as it is; this escape is valid there
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, "\\x%02x", c)
		case hidden(r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// needsEscape reports whether Escape has anything to do.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f {
			if c < utf8.RuneSelf {
				return true
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || hidden(r) {
				return true
			}
			i += size - 1
		}
	}
	return false
}

// hidden reports the runes a terminal obeys or uses to reorder text: C1
// controls and the bidirectional embeddings, overrides and isolates.
func hidden(r rune) bool {
	return r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// sgrLen returns the length of the colour sequence at the start of s: any
// well-formed one, or only one that godoctor's plain output writes (reset,
// bold, faint, normal, red, green, yellow, default); 0 for none.
func sgrLen(s string, any bool) int {
	if !strings.HasPrefix(s, "\x1b[") {
		return 0
	}
	end := strings.IndexByte(s, 'm')
	if end < 0 {
		return 0
	}
	for _, p := range strings.Split(s[2:end], ";") {
		switch {
		case any && strings.Trim(p, "0123456789:") == "":
		case p == "", p == "0", p == "1", p == "2", p == "22", p == "31", p == "32", p == "33", p == "39":
		default:
			return 0
		}
	}
	return end + 1
}

// Writer is the output layer of godoctor's standard output and error:
// everything written through it has its credentials masked and its
// control characters escaped (but for godoctor's own colours). It holds a
// line until it ends ("\n" or "\r"), since a URL never spans one; Flush
// writes what is held, masked, before a prompt or at the end.
type Writer struct {
	w   io.Writer
	mu  sync.Mutex
	buf []byte
	err error // the first write that failed
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
	out := Escape(Text(string(m.buf[:end+1])), OwnSGR)
	m.buf = append(m.buf[:0], m.buf[end+1:]...)
	if err := m.write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// write writes to the underlying writer, keeping the first error.
func (m *Writer) write(s string) error {
	if m.err != nil {
		return m.err
	}
	_, m.err = io.WriteString(m.w, s)
	return m.err
}

// Raw writes godoctor's own terminal control (a progress line redrawn
// after "\r") unchanged, after what is held; never text from outside.
func (m *Writer) Raw(s string) error {
	if err := m.Flush(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.write(s)
}

// Flush writes what is held, masked, and returns the first error of any
// write: a full disk or a closed pipe is reported, not lost.
func (m *Writer) Flush() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.buf) > 0 {
		out := Escape(Text(string(m.buf)), OwnSGR)
		m.buf = m.buf[:0]
		m.write(out)
	}
	return m.err
}
