package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/report"
	"github.com/godoctorhq/godoctor/internal/testproxy"
	"github.com/godoctorhq/godoctor/mirrors"
)

var probeModule = testproxy.Module{Path: mirrors.DefaultProbe.Path, Version: mirrors.DefaultProbe.Version,
	Files: map[string]string{"unix/unix.go": "package unix\n"}}

func TestMirrorsCommand(t *testing.T) {
	t.Parallel()
	good := testproxy.New(t, "sum.test", probeModule)
	altered := testproxy.New(t, "sum.test", probeModule)
	altered.SetFault(testproxy.Fault{AlterZip: true})
	down := testproxy.New(t, "sum.test", probeModule)
	down.SetFault(testproxy.Fault{Status: http.StatusServiceUnavailable})

	m := machine(t)
	m.Setenv("GOSUMDB", good.SumDBKey)
	m.Setenv("GOPROXY", good.URL+",direct")
	args := []string{"mirrors", "--json", "--samples", "2", "--timeout", "1s",
		"--mirror", "good=" + good.URL, "--mirror", "altered=" + altered.URL, "--mirror", "down=" + down.URL,
		"--only", "down,altered,good"}
	stdout, stderr, code := runMain(t, m, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep report.MirrorsReport
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if rep.Fastest != "good" || rep.Probe.Module != mirrors.DefaultProbe.String() || len(rep.Mirrors) != 3 || rep.SumDB.Name != "sum.test" {
		t.Fatalf("report %+v", rep)
	}
	if g := rep.Mirrors[0]; g.Name != "good" || !g.Verified || g.Samples != 2 || g.LatencyMS.Median <= 0 {
		t.Errorf("first = %+v", g)
	}
	for _, want := range []string{`"latency_ms"`, `"throughput_mbps"`, `"verified"`, `"error"`, `"status": "fail"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("JSON lacks %s", want)
		}
	}

	// The text report names the fix.
	stdout, _, code = runMain(t, m, append([]string{"mirrors"}, args[2:]...)...)
	if code != 0 || !strings.Contains(stdout, "go env -w GOPROXY="+good.URL+",direct") || !strings.Contains(stdout, "the content was altered") {
		t.Errorf("text report (exit %d):\n%s", code, stdout)
	}

	// Nothing works: exit 1.
	if _, _, code := runMain(t, m, "mirrors", "--timeout", "1s", "--mirror", "down="+down.URL, "--only", "down"); code != 1 {
		t.Errorf("all mirrors failing: exit %d, want 1", code)
	}
	for _, bad := range [][]string{{"mirrors", "--only", "nope"}, {"mirrors", "--mirror", "x=goproxy.cn"}, {"mirrors", "--samples", "0"}} {
		if _, _, code := runMain(t, m, bad...); code != 2 {
			t.Errorf("%q: exit %d, want 2", bad, code)
		}
	}
}

// The mirror report says which HTTP proxy the requests went through.
func TestMirrorsNameTheHTTPProxy(t *testing.T) {
	t.Parallel()
	m := machine(t)
	m.Setenv("HTTP_PROXY", "http://bob:S3CRET@127.0.0.1:1")
	stdout, _, _ := runMain(t, m, "mirrors", "--json", "--samples", "1", "--timeout", "1s", "--mirror", "x=http://mirror.example", "--only", "x")
	var rep report.MirrorsReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if !strings.Contains(rep.Note, "through the HTTP proxy http://***@127.0.0.1:1") || strings.Contains(stdout, "S3CRET") {
		t.Errorf("note %q", rep.Note)
	}
}
