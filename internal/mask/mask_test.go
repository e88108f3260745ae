package mask

import (
	"strings"
	"testing"
)

func masker() *Masker {
	return New(Options{
		Home: "/home/alice", User: "alice", Hostname: "build-box-7",
		Hosts: []string{"goproxy.corp.example"}, Suffixes: []string{"corp.example"}, Prefixes: []string{"github.com/acme"},
	})
}

func TestMask(t *testing.T) {
	m := masker()
	in := "GOPROXY=https://bob:s3cret@goproxy.corp.example/go,direct; git.corp.example/team/lib and github.com/acme/secret@v1.0.0 and github.com/other/pub; /home/alice/go/bin; alice@build-box-7; alicea stays"
	got := m.String(in)
	for _, leak := range []string{"s3cret", "bob", "corp.example", "acme", "/home/alice", "build-box-7"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q survives: %s", leak, got)
		}
	}
	for _, keep := range []string{"private-host-1/go,direct", "private-host-2/team/lib", "private-module-1/secret@v1.0.0", "github.com/other/pub", "~/go/bin", "USER@HOST", "alicea stays"} {
		if !strings.Contains(got, keep) {
			t.Errorf("%q missing: %s", keep, got)
		}
	}
	// The same names, the same pseudonyms.
	if again := m.String("goproxy.corp.example and git.corp.example"); again != "private-host-1 and private-host-2" {
		t.Errorf("again: %s", again)
	}
}

func TestMaskIncludes(t *testing.T) {
	m := New(Options{Home: "/home/alice", User: "alice", Hosts: []string{"goproxy.corp.example"}, IncludeHosts: true, IncludePaths: true})
	if got := m.String("https://t:pw@goproxy.corp.example /home/alice"); got != "https://***@goproxy.corp.example /home/alice" {
		t.Errorf("%s", got)
	}
}

// FuzzMask: whatever text stands around them (a space apart: a private
// domain followed by more letters is another name), no credential, home path, user or
// machine name, private host or module prefix of the input survives.
func FuzzMask(f *testing.F) {
	f.Add("x", "y")
	f.Add("https://", "@goproxy.corp.example/")
	f.Add("/home/", "/go")
	f.Fuzz(func(t *testing.T, before, after string) {
		m := masker()
		for _, secret := range []string{"https://bob:s3cret@goproxy.corp.example/x", "/home/alice/src", "x.corp.example", "github.com/acme/lib", " alice ", " build-box-7 "} {
			got := m.String(before + " " + secret + " " + after)
			for _, leak := range []string{"s3cret", "goproxy.corp.example", "/home/alice", "x.corp.example", "github.com/acme", " alice ", " build-box-7 "} {
				if strings.Contains(secret, leak) && strings.Contains(got, leak) && !strings.Contains(before+after, leak) {
					t.Fatalf("%q survives in %q", leak, got)
				}
			}
		}
	})
}
