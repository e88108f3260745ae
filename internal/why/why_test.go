package why

import (
	"strings"
	"testing"
)

func TestGoImports(t *testing.T) {
	page := `<html><head>
<meta name="go-import" content="gitlab.example.com/group/sub/proj git https://gitlab.example.com/group/sub/proj.git">
<META content='example.com/x mod https://proxy.example' NAME='go-import'/>
<meta name="go-source" content="a b c d">
</head></html>`
	got := goImports(page)
	if len(got) != 2 || got[0].repo != "https://gitlab.example.com/group/sub/proj.git" || got[1].vcs != "mod" {
		t.Errorf("%+v", got)
	}
}

func TestTagsOf(t *testing.T) {
	ls := "a1\trefs/heads/main\nb2\trefs/tags/v1.0.0\nb3\trefs/tags/v1.0.0^{}\nc3\trefs/tags/v1.10.0\nd4\trefs/tags/sub/v0.2.0\ne5\trefs/tags/v2.1.0\nf6\trefs/tags/v1.2\n"
	if got := strings.Join(tagsOf(ls, ""), " "); got != "v1.0.0 v1.10.0 v2.1.0" {
		t.Errorf("root: %s", got)
	}
	if got := strings.Join(tagsOf(ls, "sub"), " "); got != "v0.2.0" {
		t.Errorf("sub: %s", got)
	}
	if got := strings.Join(tagsOf(ls, "v2"), " "); got != "v2.1.0" {
		t.Errorf("v2: %s", got)
	}
}

func TestNetrcLogin(t *testing.T) {
	netrc := "machine a.example login al password p1\n\nmachine git.corp.example\n  login bob\n  password s3cret\ndefault login anon password x\n"
	for host, want := range map[string]string{"git.corp.example": "bob", "a.example": "al", "other.example": "anon"} {
		if got, ok := netrcLogin(netrc, host); !ok || got != want {
			t.Errorf("%s: %q %v", host, got, ok)
		}
	}
	if _, ok := netrcLogin("machine a login b password c", "z"); ok {
		t.Error("no entry found one")
	}
}

// FuzzOutsideInput: what servers, git and files hand the trace never
// makes it panic, and a .netrc password never comes out as a login.
func FuzzOutsideInput(f *testing.F) {
	f.Add(`<meta name="go-import" content="a.b/c git https://a.b/c">`, "x\trefs/tags/v1.0.0\n", "machine h login u password p", []byte(`{"Version":"v1.0.0"}`))
	f.Fuzz(func(t *testing.T, page, ls, netrc string, info []byte) {
		for _, m := range goImports(page) {
			if m.prefix == "" || m.vcs == "" || m.repo == "" {
				t.Fatalf("empty field in %+v", m)
			}
		}
		tagsOf(ls, "")
		tagsOf(ls, "sub")
		if login, ok := netrcLogin(netrc, "h"); ok && login != "" && strings.Contains(netrc, "password "+login) && !strings.Contains(netrc, "login "+login) {
			t.Fatalf("a password came out as the login %q", login)
		}
		infoVersion(info)
	})
}

// TestHelperNameHoldsNoSecret: a credential helper's arguments and a shell
// helper's body are never shown.
func TestHelperNameHoldsNoSecret(t *testing.T) {
	for config, want := range map[string]string{
		"store --file /home/me/.git-token\n":      `"store"`,
		"!f() { echo password=ghp_s3cret; }; f\n": "(a shell command)",
		"manager-core": `"manager-core"`,
	} {
		if got := helperName(config); got != want || strings.Contains(got, "s3cret") {
			t.Errorf("%q: %q, want %q", config, got, want)
		}
	}
}
