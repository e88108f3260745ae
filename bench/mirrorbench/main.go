// Command mirrorbench checks godoctor's mirror benchmark against the
// truth: it serves mirrors on loopback with known delays, benchmarks each
// alone and then all at once, and prints measured against true latency
// and the wall time of all mirrors against the slowest alone.
//
// Goals: medians within 10% of the injected delay; all mirrors together
// no more than 1.3x the slowest alone.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/testproxy"
	"github.com/godoctorhq/godoctor/mirrors"
)

var probe = testproxy.Module{Path: "example.com/probe", Version: "v1.0.0", Files: map[string]string{
	"probe.go": "package probe\n",
	"data.txt": strings.Repeat("0123456789abcdef", 1<<16), // 1 MiB
}}

func main() {
	samples := flag.Int("samples", 5, "samples per mirror")
	check := flag.Bool("check", false, "exit 1 when a goal is missed")
	flag.Parse()
	delays := []time.Duration{20 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond}
	var list []mirrors.Mirror
	var servers []*testproxy.Server
	for _, d := range delays {
		s, err := testproxy.Start("sum.test", probe)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer s.Close()
		s.SetFault(testproxy.Fault{Delay: d})
		servers = append(servers, s)
		list = append(list, mirrors.Mirror{Name: fmt.Sprintf("delay-%s", d), URL: s.URL})
	}
	db, err := gosettings.ParseGOSUMDB(servers[0].SumDBKey)
	if err != nil {
		panic(err)
	}
	proxies, _ := gosettings.ParseProxyList(servers[0].URL)
	opts := mirrors.Options{Probe: mirrors.Probe{Path: probe.Path, Version: probe.Version}, Samples: *samples,
		Timeout: 5 * time.Second, SumDB: db, Proxies: proxies}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}

	run := func(ms []mirrors.Mirror) (mirrors.Report, time.Duration) {
		start := time.Now()
		var rep mirrors.Report
		for ev := range mirrors.Run(context.Background(), client, ms, opts) {
			if ev.Kind == mirrors.Done {
				rep = ev.Report
			}
		}
		return rep, time.Since(start)
	}

	_, slowestAlone := run(list[len(list)-1:])
	all, together := run(list)
	ok := true
	fmt.Printf("%-14s %10s %10s %8s %9s\n", "mirror", "true", "measured", "error", "verified")
	for i, d := range delays {
		var r mirrors.Result
		for _, x := range all.Mirrors {
			if x.Name == list[i].Name {
				r = x
			}
		}
		errPct := 100 * (float64(r.Latency.Median) - float64(d)) / float64(d)
		fmt.Printf("%-14s %10s %10s %+7.1f%% %9v\n", r.Name, d, r.Latency.Median.Round(10*time.Microsecond), errPct, r.Verified)
		if errPct > 10 || errPct < -10 || !r.Verified {
			ok = false
		}
	}
	ratio := float64(together) / float64(slowestAlone)
	fmt.Printf("\nall %d mirrors together: %s; the slowest alone: %s; ratio %.2fx (goal at most 1.3x)\n",
		len(list), together.Round(time.Millisecond), slowestAlone.Round(time.Millisecond), ratio)
	if ratio > 1.3 {
		ok = false
	}
	if *check && !ok {
		fmt.Println("a goal was missed")
		os.Exit(1)
	}
}
