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
