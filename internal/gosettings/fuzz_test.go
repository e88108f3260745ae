package gosettings

import (
	"strings"
	"testing"
)

func FuzzParseProxyList(f *testing.F) {
	for _, s := range []string{"https://goproxy.cn,direct", "a.b|c.d,off", "file:///x", ",", "https://u:p@h", "http://[::1", " direct "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		list, err := ParseProxyList(value)
		if err == nil && len(list) == 0 {
			t.Fatal("no error and no entries")
		}
		for i, e := range list {
			if (e.Kind == ProxyDirect || e.Kind == ProxyOff) && i != len(list)-1 {
				t.Fatalf("%v is not last in %q", e, value)
			}
			if e.Kind == ProxyURL {
				if err := checkProxyURL(e.URL); err != nil {
					t.Fatalf("accepted entry %q fails its own check: %v", e.URL, err)
				}
			}
		}
		if err != nil && strings.Contains(value, ":secret@") && strings.Contains(err.Error(), "secret") {
			t.Fatalf("error leaks a credential: %v", err)
		}
	})
}

func FuzzParsePatterns(f *testing.F) {
	for _, s := range []string{"*.corp.example.com,rsc.io/private", "github.com/*/x, a.b", "[a-", ",,/"} {
		f.Add(s, "github.com/a/b")
	}
	f.Fuzz(func(t *testing.T, list, target string) {
		for _, p := range ParsePatterns(list) {
			if p.Glob == "" || strings.HasSuffix(p.Raw, "/") && strings.HasSuffix(p.Glob, "/") && p.Raw == p.Glob {
				t.Fatalf("bad pattern %+v from %q", p, list)
			}
			// A list trims one trailing "/" from each glob; the added "/"
			// makes the glob reach the matcher exactly as parsed.
			if s, ok := Sample(p.Glob); ok && p.Problem == "" && !MatchPatterns(p.Glob+"/", s) {
				t.Fatalf("glob %q does not match its own sample %q", p.Glob, s)
			}
		}
		MatchPatterns(list, target)
	})
}

func FuzzParseEnvFile(f *testing.F) {
	f.Add([]byte("# comment\nGOPROXY=https://a,direct\r\nGOPROXY=x\nlower=1\n=\nGOSUMDB"))
	f.Fuzz(func(t *testing.T, data []byte) {
		values, lines := ParseEnvFile(data)
		if len(values) != len(lines) {
			t.Fatalf("%d values, %d lines", len(values), len(lines))
		}
		for k := range values {
			if k == "" || k[0] < 'A' || k[0] > 'Z' || strings.Contains(k, "\n") {
				t.Fatalf("bad key %q", k)
			}
		}
	})
}

func FuzzParseGOFLAGS(f *testing.F) {
	for _, s := range []string{"-mod=vendor -tags=a,b", `"-ldflags=-s -w"`, "-bogus", "x", "'-v", "--=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		flags, err := ParseGOFLAGS(value)
		if err != nil {
			return
		}
		for _, fl := range flags {
			if !isKnownGoFlag(fl.Name) {
				t.Fatalf("accepted unknown flag %q", fl.Name)
			}
		}
	})
}

func FuzzParseGOSUMDB(f *testing.F) {
	for _, s := range []string{"sum.golang.org", "off", "sum.golang.google.cn", "sum.golang.org https://x", "a b c", "gosum.io+ce6e7565+AY5qEHUk/qmHc5btzW45JVoENfazw8LielDsaI+lEbq6"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		db, err := ParseGOSUMDB(value)
		if err == nil && (db.Name == "" || db.Verifier == nil) {
			t.Fatalf("ParseGOSUMDB(%q) = %+v without error", value, db)
		}
	})
}
