package redact

import (
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
		if !strings.Contains(raw, "//") && got != raw {
			t.Fatalf("URL(%q) = %q changed a string without an authority", raw, got)
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
		"no url here: user:pass@host":                        "no url here: user:pass@host",
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
		if out.String() != Text(in) || strings.Contains(out.String(), "S3CRET") || strings.Contains(out.String(), "PW") {
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
