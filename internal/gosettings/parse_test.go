package gosettings

import (
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/gosandbox"
)

func TestParseEnvFile(t *testing.T) {
	data := "# comment=ignored\nGOPROXY=https://a,direct\n\nlower=x\nGOSUMDB\nGOPROXY=https://b\nGOFLAGS=-tags=a=b\r\nGOPRIVATE=\n"
	values, lines := ParseEnvFile([]byte(data))
	want := map[string]string{"GOPROXY": "https://b", "GOFLAGS": "-tags=a=b\r", "GOPRIVATE": ""}
	if !reflect.DeepEqual(values, want) {
		t.Errorf("values = %q, want %q", values, want)
	}
	if lines["GOPROXY"] != 6 || lines["GOPRIVATE"] != 8 {
		t.Errorf("lines = %v", lines)
	}
}

func TestParsePatterns(t *testing.T) {
	got := ParsePatterns("corp.example/, git.example,[a-,,github.com/*/private")
	want := []Pattern{
		{Raw: "corp.example/", Glob: "corp.example"},
		{Raw: " git.example", Glob: " git.example", Problem: "has spaces around it, which the go command keeps, so it matches no module path"},
		{Raw: "[a-", Glob: "[a-", Problem: "is not a valid glob (path.Match syntax), so the go command ignores it"},
		{Raw: "github.com/*/private", Glob: "github.com/*/private"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParsePatterns =\n%+v\nwant\n%+v", got, want)
	}
}

func TestCoveredHosts(t *testing.T) {
	tests := map[string][]string{
		"github.com":           {"github.com"},
		"github.com/*":         {"github.com"},
		"github.com/*/private": nil,
		"github.com/acme":      nil,
		"*.corp.example":       nil,
		"*.org":                {"bitbucket.org", "golang.org", "google.golang.org", "go.uber.org"},
	}
	for glob, want := range tests {
		if got := CoveredHosts(glob); !reflect.DeepEqual(got, want) {
			t.Errorf("CoveredHosts(%q) = %q, want %q", glob, got, want)
		}
	}
	if got := CoveredHosts("*"); len(got) != len(PublicHosts) {
		t.Errorf("CoveredHosts(*) = %q", got)
	}
}

func TestParseGOSUMDB(t *testing.T) {
	tests := []struct {
		value, name, url, err string
	}{
		{value: "sum.golang.org", name: "sum.golang.org"},
		{value: "sum.golang.google.cn", name: "sum.golang.org", url: "https://sum.golang.google.cn"},
		{value: "sum.golang.org https://mirror.example/sumdb", name: "sum.golang.org", url: "https://mirror.example/sumdb"},
		{value: "gosum.io+ce6e7565+AY5qEHUk/qmHc5btzW45JVoENfazw8LielDsaI+lEbq6", name: "gosum.io"},
		{value: "off", err: "checksum database disabled by GOSUMDB=off"},
		{value: "", err: "missing GOSUMDB"},
		{value: "a b c", err: "invalid GOSUMDB: too many fields"},
		{value: "sum.goproxy.cn", err: "invalid GOSUMDB: malformed verifier id"},
	}
	for _, tt := range tests {
		db, err := ParseGOSUMDB(tt.value)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseGOSUMDB(%q) error = %v, want %q", tt.value, err, tt.err)
			}
			continue
		}
		if err != nil || db.Name != tt.name || db.URL != tt.url {
			t.Errorf("ParseGOSUMDB(%q) = %+v, %v", tt.value, db, err)
		}
	}
}

func TestParseGOFLAGS(t *testing.T) {
	flags, err := ParseGOFLAGS(`-mod=vendor  '-ldflags=-s -w' --tags=a,b -test.v`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range flags {
		names = append(names, f.Name+"="+f.Value)
	}
	if want := []string{"mod=vendor", "ldflags=-s -w", "tags=a,b", "test.v="}; !reflect.DeepEqual(names, want) {
		t.Errorf("flags = %q, want %q", names, want)
	}
	for value, want := range map[string]string{
		"-bogus":    "go: parsing $GOFLAGS: unknown flag -bogus",
		"vendor":    `go: parsing $GOFLAGS: non-flag "vendor"`,
		"'-v":       "go: parsing $GOFLAGS: unterminated ' string",
		"-mod=x --": `go: parsing $GOFLAGS: non-flag "--"`,
	} {
		if _, err := ParseGOFLAGS(value); err == nil || err.Error() != want {
			t.Errorf("ParseGOFLAGS(%q) error = %v, want %q", value, err, want)
		}
	}
}

// TestGOFLAGSAgreesWithGo checks every flag godoctor accepts, and a few it
// refuses, against the real go command, which checks GOFLAGS before any
// command but go env and go bug.
func TestGOFLAGSAgreesWithGo(t *testing.T) {
	gobin := gosandbox.Go(t)
	dir := t.TempDir()
	var values []string
	for name := range knownGoFlags {
		values = append(values, "-"+name)
	}
	values = append(values, "-test.v", "-test.count=1", "-bogus", "-l", "-test.bogus", "vendor", "-mod=vendor -x", "'-unterminated")
	for _, v := range values {
		_, perr := ParseGOFLAGS(v)
		cmd := exec.Command(gobin, "version")
		cmd.Env = gosandbox.Env(t, dir, "GOFLAGS="+v)
		out, err := cmd.CombinedOutput()
		if (perr == nil) != (err == nil) {
			t.Errorf("GOFLAGS=%s: godoctor says %v, go says %v: %s", v, perr, err, out)
		} else if perr != nil && !strings.Contains(string(out), perr.Error()) {
			t.Errorf("GOFLAGS=%s: godoctor says %q, go says %s", v, perr, out)
		}
	}
}

func TestUnknownGoVar(t *testing.T) {
	tests := map[string]string{
		"GONOSUMCHECK":                   "GONOSUMDB",
		"GOPROXI":                        "GOPROXY",
		"GO_PROXY":                       "GOPROXY",
		"GOPRIVTE":                       "GOPRIVATE",
		"GOPROXY":                        "",
		"GOGC":                           "",
		"GOOGLE_APPLICATION_CREDENTIALS": "",
		"GORELEASER_KEY":                 "",
		"GOLANG_VERSION":                 "",
	}
	for name, want := range tests {
		meant, unknown := UnknownGoVar(name)
		if unknown != (want != "") || meant != want {
			t.Errorf("UnknownGoVar(%q) = %q, %v; want %q", name, meant, unknown, want)
		}
	}
}

func TestPrivatePattern(t *testing.T) {
	for path, want := range map[string]string{"github.com/corp/lib/v2": "github.com/corp", "git.corp.example/team/lib": "git.corp.example", "localmod": ""} {
		if got := PrivatePattern(path); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
}
