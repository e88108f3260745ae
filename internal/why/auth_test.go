package why

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/web"
)

// TestGoNetrc holds the parser to the go command's own test
// (cmd/go/internal/auth/netrc_test.go, TestParseNetrc): entries need a
// login and a password, macdef skips to the next empty line, and a
// default entry ends the file.
func TestGoNetrc(t *testing.T) {
	const netrc = `
machine incomplete
password none

machine api.github.com
  login user
  password pwd

machine incomlete.host
  login justlogin

machine test.host
login user2
password pwd2

machine oneline login user3 password pwd3

machine ignore.host macdef ignore
  login nobody
  password nothing

machine hasmacro.too macdef ignore-next-lines login user4 password pwd4
  login nobody
  password nothing

default
login anonymous
password gopher@golang.org

machine after.default
login oops
password too-late-in-file
`
	want := []goNetrcEntry{
		{"api.github.com", "user", "pwd"},
		{"test.host", "user2", "pwd2"},
		{"oneline", "user3", "pwd3"},
		{"hasmacro.too", "user4", "pwd4"},
	}
	if got := goNetrc(netrc); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// TestGoCredential: the go command looks credentials up by the URL
// without its scheme, port included, then shorter path prefixes
// (cmd/go/internal/auth/auth.go: loadCredential), only over https and
// only when GOAUTH reads .netrc.
func TestGoCredential(t *testing.T) {
	netrc := "machine proxy.corp login a password 1\nmachine proxy.corp:8443 login b password 2\nmachine corp.example/go login c password 3\nmachine proxy.corp login dup password 4\n"
	for _, c := range []struct{ goauth, url, login string }{
		{"", "https://proxy.corp/example.com/x/@v/list", "a"},
		{"netrc", "https://proxy.corp:8443/example.com/x/@v/list", "b"},
		{"", "https://proxy.corp:9443/x", ""},
		{"", "https://corp.example/go/x/@v/list", "c"},
		{"", "https://corp.example/other", ""},
		{"", "http://proxy.corp/example.com/x/@v/list", ""},
		{"off", "https://proxy.corp/x", ""},
		{"git /src;netrc", "https://proxy.corp/x", "a"},
		{"git /src", "https://proxy.corp/x", ""},
	} {
		e, ok := goCredential(netrc, c.goauth, c.url)
		if ok != (c.login != "") || e.login != c.login {
			t.Errorf("GOAUTH=%q %s: %q %v, want %q", c.goauth, c.url, e.login, ok, c.login)
		}
	}
}

// TestAccessHint: what explains a refusal says what the go command sent,
// and never a password.
func TestAccessHint(t *testing.T) {
	denied := func(url string, code int) error { return &web.HTTPError{URL: url, StatusCode: code} }
	env := func(goauth string) *goenv.Snapshot {
		return &goenv.Snapshot{Settings: map[string]goenv.Setting{"GOAUTH": {Name: "GOAUTH", Value: goauth}}}
	}
	netrc := "machine proxy.corp login alice password s3cret\n"
	for _, c := range []struct {
		goauth, url string
		code        int
		want        string
	}{
		{"", "http://proxy.corp:8080/x", 401, "no credentials over plain http"},
		{"off", "https://proxy.corp/x", 401, "GOAUTH=off"},
		{"", "https://proxy.corp/x", 401, "sent the .netrc entry for proxy.corp (login alice)"},
		{"", "https://proxy.corp:8443/x", 403, "does not cover proxy.corp:8443"},
		{"", "https://other.corp/x", 401, "no entry for other.corp"},
		{"git /src", "https://other.corp/x", 401, "GOAUTH=git"},
	} {
		got := accessHint(Options{Env: env(c.goauth), Netrc: netrc}, c.url, denied(c.url, c.code))
		if !strings.Contains(got, c.want) || strings.Contains(got, "s3cret") {
			t.Errorf("%s %d: %q, want %q", c.url, c.code, got, c.want)
		}
	}
	if got := accessHint(Options{Env: env("")}, "https://x", errors.New("boom")); got != "" {
		t.Errorf("an ordinary error got %q", got)
	}
}
