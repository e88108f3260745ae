package mirrors

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/gosandbox"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/testproxy"
)

var probeModule = testproxy.Module{Path: "example.com/probe", Version: "v1.2.3", Files: map[string]string{
	"probe.go": "package probe\n",
	"data.txt": strings.Repeat("godoctor measures throughput with this file\n", 4000),
}}

var testProbe = Probe{Path: probeModule.Path, Version: probeModule.Version}

func newMirror(t *testing.T, f testproxy.Fault) *testproxy.Server {
	t.Helper()
	s := testproxy.New(t, "sum.test", probeModule)
	s.SetFault(f)
	return s
}

func options(t *testing.T, sumdbKey, goproxy string) Options {
	t.Helper()
	db, err := gosettings.ParseGOSUMDB(sumdbKey)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := gosettings.ParseProxyList(goproxy)
	return Options{Probe: testProbe, Samples: 3, Timeout: time.Second, SumDB: db, Proxies: list, TempDir: t.TempDir()}
}

func bench(t *testing.T, list []Mirror, opts Options) (Report, []Event) {
	t.Helper()
	var evs []Event
	var rep Report
	for ev := range Run(context.Background(), gosandbox.LoopbackClient(), list, opts) {
		evs = append(evs, ev)
		if ev.Kind == Done {
			rep = ev.Report
		}
	}
	return rep, evs
}

func byName(rep Report) map[string]Result {
	m := map[string]Result{}
	for _, r := range rep.Mirrors {
		m[r.Name] = r
	}
	return m
}

func TestBenchmarkRanksAndVerifies(t *testing.T) {
	// Every mirror serves the same module; the checksum database of the
	// "good" one is the truth (the others sign with other keys).
	good := newMirror(t, testproxy.Fault{})
	slow := newMirror(t, testproxy.Fault{Delay: 40 * time.Millisecond})
	altered := newMirror(t, testproxy.Fault{AlterZip: true})
	portal := newMirror(t, testproxy.Fault{HTMLPortal: true})
	broken := newMirror(t, testproxy.Fault{Status: http.StatusInternalServerError})
	truncated := newMirror(t, testproxy.Fault{Truncate: true})
	reset := newMirror(t, testproxy.Fault{Reset: true})
	hanging := newMirror(t, testproxy.Fault{Delay: 5 * time.Second})
	list := []Mirror{
		{Name: "slow", URL: slow.URL}, {Name: "altered", URL: altered.URL}, {Name: "good", URL: good.URL + "/"},
		{Name: "portal", URL: portal.URL}, {Name: "broken", URL: broken.URL}, {Name: "truncated", URL: truncated.URL},
		{Name: "reset", URL: reset.URL}, {Name: "hanging", URL: hanging.URL},
	}
	opts := options(t, good.SumDBKey, good.URL+",direct")
	opts.Timeout = 500 * time.Millisecond
	// How long the run takes is bench/mirrors.sh's to measure; here only
	// what a delay cannot fake is checked.
	rep, evs := bench(t, list, opts)
	if rep.Fastest != "good" || rep.Mirrors[0].Name != "good" || rep.Mirrors[1].Name != "slow" {
		var names []string
		for _, r := range rep.Mirrors {
			names = append(names, r.Name+":"+string(r.Status))
		}
		t.Fatalf("fastest %q, ranking %q", rep.Fastest, names)
	}
	got := byName(rep)
	want := map[string]string{
		"altered":   "but the checksum database says",
		"portal":    "HTML page",
		"broken":    "HTTP 500",
		"truncated": "unexpected EOF",
		"reset":     "127.0.0.1",
		"hanging":   "no answer within 500ms",
	}
	for name, frag := range want {
		r := got[name]
		if r.Status != Fail || r.Verified || !strings.Contains(r.Error, frag) {
			t.Errorf("%s: %s verified=%v error %q, want fail with %q", name, r.Status, r.Verified, r.Error, frag)
		}
	}
	g := got["good"]
	if !g.Verified || g.Status != OK || g.Requests != 9 || g.ThroughputMbps <= 0 || g.ZipBytes == 0 || g.SumDBProxied == nil || !*g.SumDBProxied {
		t.Errorf("good = %+v", g)
	}
	if s := got["slow"]; !s.Verified || s.Latency.Median < 40*time.Millisecond || s.Latency.Min < 40*time.Millisecond {
		t.Errorf("slow: median %s, min %s; the server waits 40ms before every answer", s.Latency.Median, s.Latency.Min)
	}
	// Each mirror streams a start and a measurement before the report.
	kinds := map[EventKind]int{}
	for _, ev := range evs {
		kinds[ev.Kind]++
	}
	if kinds[MirrorStarted] != len(list) || kinds[MirrorMeasured] != len(list) || kinds[SumDBChecked] != 1 || kinds[Done] != 1 || evs[len(evs)-1].Kind != Done {
		t.Errorf("events %v", kinds)
	}
}

func TestBenchmarkWithoutDatabase(t *testing.T) {
	a := newMirror(t, testproxy.Fault{NoSumDB: true})
	b := newMirror(t, testproxy.Fault{NoSumDB: true})
	c := newMirror(t, testproxy.Fault{NoSumDB: true, AlterZip: true})
	list := []Mirror{{Name: "a", URL: a.URL}, {Name: "b", URL: b.URL}, {Name: "c", URL: c.URL}}
	// GOSUMDB names a database no mirror relays, at an address that refuses.
	opts := options(t, a.SumDBKey+" http://127.0.0.1:1", a.URL)
	rep, _ := bench(t, list, opts)
	if rep.Fastest != "" || !strings.Contains(rep.Note, "compared with each other") {
		t.Errorf("fastest %q note %q", rep.Fastest, rep.Note)
	}
	got := byName(rep)
	if got["c"].Status != Fail || !strings.Contains(got["c"].Error, "different content") || got["a"].Status != OK || got["a"].Verified {
		t.Errorf("a %+v\nc %+v", got["a"], got["c"])
	}
}

func TestBenchmarkFallsBackToAMirrorsRoute(t *testing.T) {
	// The go command's route fails (GOPROXY answers 500 after a comma),
	// but a benchmarked mirror relays the database: its answer is just as
	// verifiable.
	relay := newMirror(t, testproxy.Fault{})
	broken := newMirror(t, testproxy.Fault{Status: http.StatusInternalServerError})
	opts := options(t, relay.SumDBKey, broken.URL+",direct")
	rep, _ := bench(t, []Mirror{{Name: "relay", URL: relay.URL}}, opts)
	if rep.Fastest != "relay" || rep.SumDB.Route.Proxy != relay.URL {
		t.Errorf("fastest %q, route %+v, err %v", rep.Fastest, rep.SumDB.Route, rep.SumDB.Err)
	}
}

func TestCandidates(t *testing.T) {
	got := Candidates(Sources{
		Catalog:          Catalog()[:2],
		ToolchainDefault: "https://mirror.example/,direct",
		GOPROXY:          "https://GOPROXY.CN|https://corp.example/go,off",
		Config:           []Mirror{{Name: "corp", URL: "https://corp.example/go/", Origin: "config file"}},
		Flags:            []Mirror{{Name: "mine", URL: "http://127.0.0.1:3000", Origin: "--mirror"}},
	})
	var names []string
	for _, m := range got {
		names = append(names, m.Name+"<"+m.Origin)
	}
	want := []string{"mine<--mirror", "corp<config file", "goproxy.cn<catalog", "goproxy.io<catalog", "mirror.example<toolchain default"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("Candidates = %q\nwant %q", names, want)
	}
	if _, err := Select(got, []string{"corp", "nope"}); err == nil {
		t.Error("Select accepted an unknown name")
	}
}

func TestConfigAndFlags(t *testing.T) {
	m := fakesys.New(t)
	if list, err := ReadConfig(m.Sys); err != nil || list != nil {
		t.Fatalf("no file: %v %v", list, err)
	}
	path := m.Home(".config/godoctor/mirrors.json")
	m.WriteFile(path, `{"mirrors": [{"name": "corp", "url": "https://goproxy.corp.example", "region": "office"}]}`)
	list, err := ReadConfig(m.Sys)
	if err != nil || len(list) != 1 || list[0].Region != "office" {
		t.Fatalf("ReadConfig = %+v, %v", list, err)
	}
	os.WriteFile(path, []byte(`{"mirrors": [{"name": "x", "url": "goproxy.corp.example"}]}`), 0o644)
	if _, err := ReadConfig(m.Sys); err == nil || !strings.Contains(err.Error(), filepath.Base(path)) {
		t.Errorf("a URL without scheme: %v", err)
	}
	for v, ok := range map[string]bool{"a=https://x.example": true, "a=x.example": false, "https://x.example": false, "=https://x": false, "a=ftp://x": false} {
		if _, err := ParseFlag(v); (err == nil) != ok {
			t.Errorf("ParseFlag(%q) error %v", v, err)
		}
	}
	if _, err := ParseFlag("a=http://bob:hunter2@[::1"); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("ParseFlag leaks: %v", err)
	}
}
