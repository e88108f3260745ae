package redact

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	tests := map[string]string{
		"https://goproxy.cn":                   "https://goproxy.cn",
		"https://user:pass@corp.example/proxy": "https://***@corp.example/proxy",
		"https://ghp_token@corp.example":       "https://***@corp.example",
		"https://user:pa ss@host":              "https://***@host",
		"https://u:p@[::1":                     "https://***@[::1",
		"no-url-at-all":                        "no-url-at-all",
		"https://host/path@v1.0.0":             "https://host/path@v1.0.0",
		// No scheme: the go command adds https:// to such a GOPROXY entry.
		"alice:secret@host/mirror":  "***@host/mirror",
		"ghp_token@proxy.corp":      "***@proxy.corp",
		"git@github.com:owner/repo": "git@github.com:owner/repo",
		"example.com/m":             "example.com/m",
	}
	for in, want := range tests {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzURL checks properties that do not restate the masking: it is
// idempotent, leaves strings without "//" alone, and wherever
// net/url finds user information, what is left has none but the mask and
// the same host.
func FuzzURL(f *testing.F) {
	for _, s := range []string{"https://user:secret@host/p", "https://secret@h", "x://a:secret@[::1", "secret", "https://a@b@host/x@y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := URL(raw)
		if again := URL(got); again != got {
			t.Fatalf("URL(%q) = %q, and once more %q", raw, got, again)
		}
		if !strings.Contains(raw, "@") && got != raw {
			t.Fatalf("URL(%q) = %q changed a string without user information", raw, got)
		}
		before, err := url.Parse(raw)
		if err != nil || before.User == nil {
			return
		}
		after, err := url.Parse(got)
		if err != nil {
			t.Fatalf("URL(%q) = %q, which no longer parses: %v", raw, got, err)
		}
		_, password := after.User.Password()
		if after.User.Username() != "***" || password || after.Host != before.Host {
			t.Fatalf("URL(%q) = %q: user %v, host %q (was %q)", raw, got, after.User, after.Host, before.Host)
		}
	})
}

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"GOPROXY=https://alice:S3CRET@corp.example/p,direct": "GOPROXY=https://***@corp.example/p,direct",
		`invalid value "x=ftp://u:PW@host" for flag`:         `invalid value "x=ftp://***@host" for flag`,
		"use 'https://u:PW/x@host'":                          "use 'https://***/x@host'",
		"GET https://proxy.example/golang.org/x/sys/@v/list": "GET https://proxy.example/golang.org/x/sys/@v/list",
		"http://[::1]:8080/x and http://127.0.0.1:1/y":       "http://[::1]:8080/x and http://127.0.0.1:1/y",
		"two: https://a:b@x|https://c@y":                     "two: https://***@x|https://***@y",
		"no scheme: alice:secret@host/mirror":                "no scheme: ***@host/mirror",
		"GOPROXY=alice:secret@host/mirror,direct":            "GOPROXY=***@host/mirror,direct",
		"go: example.com/m@v1.0.0: reading":                  "go: example.com/m@v1.0.0: reading",
		"go: example.com@v1.0.0: not found":                  "go: example.com@v1.0.0: not found",
		"mail bob@example.com, ssh git@github.com:o/r":       "mail bob@example.com, ssh git@github.com:o/r",
		`"proxy":"u:p4ss@corp.example"`:                      `"proxy":"***@corp.example"`,
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

// Text in writes of any size and split: what comes out is the masked text.
func TestWriterSplitsAnywhere(t *testing.T) {
	in := "a https://alice:S3CRET@corp.example/p\rprogress\nlast https://bob:PW@h"
	for cut := 0; cut <= len(in); cut++ {
		var out strings.Builder
		w := NewWriter(&out)
		w.Write([]byte(in[:cut]))
		w.Write([]byte(in[cut:]))
		w.Flush()
		if out.String() != Escape(Text(in), OwnSGR) || strings.Contains(out.String(), "S3CRET") || strings.Contains(out.String(), "PW") {
			t.Fatalf("cut at %d: %q", cut, out.String())
		}
	}
}

// FuzzText checks that no user information that net/url finds in a URL of
// the text survives, whatever surrounds it, and that masking is stable.
func FuzzText(f *testing.F) {
	for _, s := range []string{"x https://user:secret@host/p y", "'ftp://a:b@c'", "https://u:p/x@h", "a://b@c://d@e", "GOPROXY=https://t@h,direct"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		if Text(got) != got {
			t.Fatalf("Text(%q) = %q, and once more %q", s, got, Text(got))
		}
		for i := strings.Index(got, "://"); i >= 0; {
			start := i
			for start > 0 && isSchemeChar(got[start-1]) {
				start--
			}
			end := strings.IndexFunc(got[i:], endsURL)
			if end < 0 {
				end = len(got)
			} else {
				end += i
			}
			if u, err := url.Parse(got[start:end]); err == nil && u.User != nil {
				if _, hasPassword := u.User.Password(); u.User.Username() != "***" || hasPassword {
					t.Fatalf("Text(%q) = %q leaves user %q in %q", s, got, u.User, got[start:end])
				}
			}
			next := strings.Index(got[i+3:], "://")
			if next < 0 {
				break
			}
			i += 3 + next
		}
	})
}

func isSchemeChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

func TestSetting(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"GOAUTH", "netrc", "netrc"},
		{"GOAUTH", "off", "off"},
		{"GOAUTH", "git /home/me/src", "git /home/me/src"},
		{"GOAUTH", "netrc;/usr/local/bin/authhelper --token=s3cr3t https://corp.example", "netrc;/usr/local/bin/authhelper ***"},
		{"GOAUTH", "gcloud-auth", "gcloud-auth"},
		{"GOPROXY", "alice:s3cr3t@corp.example/p,direct", "***@corp.example/p,direct"},
		{"GOPRIVATE", "*.corp.example,github.com/acme", "*.corp.example,github.com/acme"},
	} {
		if got := Setting(c.name, c.in); got != c.want {
			t.Errorf("Setting(%s, %q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestExportLine(t *testing.T) {
	for in, want := range map[string]string{
		"export GOPROXY=alice:pw@corp.example/p":      "export GOPROXY=***@corp.example/p",
		"export GOAUTH='/opt/auth --token abc'":       "export GOAUTH=/opt/auth ***",
		"set -gx GOAUTH \"/opt/auth --token abc\"":    "set -gx GOAUTH /opt/auth ***",
		"export GOAUTH=netrc":                         "export GOAUTH=netrc",
		"export GOPRIVATE=*.corp.example # our hosts": "export GOPRIVATE=*.corp.example # our hosts",
	} {
		if got := ExportLine(in); got != want {
			t.Errorf("ExportLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEscape(t *testing.T) {
	for _, c := range []struct {
		in, want string
		keep     SGR
	}{
		{"plain\ttext\n", "plain\ttext\n", NoSGR},
		{"\x1b]52;c;ZXZpbA==\a", `\x1b]52;c;ZXZpbA==\x07`, NoSGR},
		{"\x1b]0;owned\x1b\\", `\x1b]0;owned\x1b\`, NoSGR},
		{"a\x1b[2Jb", `a\x1b[2Jb`, OwnSGR},
		{"\x1b[31m✗\x1b[0m ok", "\x1b[31m✗\x1b[0m ok", OwnSGR},
		{"\x1b[31m✗\x1b[0m", `\x1b[31m✗\x1b[0m`, NoSGR},
		{"\x1b[8mhidden\x1b[0m", "\\x1b[8mhidden\x1b[0m", OwnSGR},
		{"over\rwrite", `over\x0dwrite`, OwnSGR},
		{"del\x7f c1\u009b bidi\u202egnp.exe", `del\u007f c1\u009b bidi\u202egnp.exe`, NoSGR},
		{"bad \xff\x9b utf8", `bad \xff\x9b utf8`, NoSGR},
		{"中文 and ✓", "中文 and ✓", NoSGR},
		{"\x1b[38;2;10;20;30;1m lipgloss\x1b[m \x1b]8;;https://x\a", "\x1b[38;2;10;20;30;1m lipgloss\x1b[m \\x1b]8;;https://x\\x07", AnySGR},
	} {
		if got := Escape(c.in, c.keep); got != c.want {
			t.Errorf("Escape(%q, %v) = %q, want %q", c.in, c.keep, got, c.want)
		}
	}
}

// The writer escapes what comes from outside but keeps godoctor's own
// colours and its raw progress lines; a failed write is reported by Flush.
func TestWriterEscapesAndReportsErrors(t *testing.T) {
	var out strings.Builder
	w := NewWriter(&out)
	w.Write([]byte("\x1b[32m✓\x1b[0m proxy said \x1b]52;c;aGk=\a\n"))
	w.Raw("\r[====]")
	w.Flush()
	if want := "\x1b[32m✓\x1b[0m proxy said \\x1b]52;c;aGk=\\x07\n\r[====]"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	full := NewWriter(failing{})
	full.Write([]byte("a line\n"))
	if err := full.Flush(); err == nil {
		t.Error("a write that failed is not reported by Flush")
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// FuzzOutput: whatever a stranger writes around a credential, in any of the
// forms the go command accepts, neither the credential nor a control
// character that a terminal obeys reaches the output.
func FuzzOutput(f *testing.F) {
	f.Add("proxy said: ", "s3cretToken", " \x1b]52;c;x\a")
	f.Add("GOPROXY=", "hunter22", ",direct")
	f.Add("\u202e", "abcd1234z", "\x1b[2J")
	f.Fuzz(func(t *testing.T, before, secret, after string) {
		// A secret of letters and digits with a letter that no escape
		// writes (escapes are made of \, x, u and hex digits).
		if len(secret) < 4 || strings.IndexFunc(secret, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		}) >= 0 || !strings.ContainsAny(secret, "ghijklmnopqrstvwyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
			return
		}
		forms := []string{
			"https://alice:" + secret + "@corp.example/p",
			"https://" + secret + "@corp.example",
			"alice:" + secret + "@corp.example/mirror",
			"http://u:" + secret + "@10.0.0.1:8080/x",
		}
		for _, form := range forms {
			in := before + " " + form + " " + after
			for i, got := range []string{Display(in), writeThrough(in)} {
				if strings.Count(got, secret) > strings.Count(before+after, secret) {
					t.Fatalf("%q: the credential survives in %q", in, got)
				}
				if i := strings.IndexFunc(got, func(r rune) bool {
					return r < 0x20 && r != '\n' && r != '\t' && r != 0x1b || r == 0x7f || hidden(r)
				}); i >= 0 {
					t.Fatalf("%q: a control character survives in %q", in, got)
				}
				for j := strings.IndexByte(got, 0x1b); j >= 0; j = strings.IndexByte(got[j+1:], 0x1b) + j + 1 {
					if i == 0 || sgrLen(got[j:], false) == 0 {
						t.Fatalf("%q: an escape sequence survives in %q", in, got)
					}
					if strings.IndexByte(got[j+1:], 0x1b) < 0 {
						break
					}
				}
			}
		}
	})
}

func writeThrough(s string) string {
	var out strings.Builder
	w := NewWriter(&out)
	w.Write([]byte(s))
	w.Flush()
	return out.String()
}
