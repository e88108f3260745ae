//go:build unix

// Command cmdtime times two commands against each other in one run: it
// alternates them (so that both see the same machine state), then prints
// the median and minimum wall time of each, the peak memory of each, and
// their ratio.
//
//	go run ./bench/cmdtime -runs 30 -base 'go env -json' -cand 'godoctor check --offline --json'
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	runs := flag.Int("runs", 30, "runs of each command")
	base := flag.String("base", "", "the baseline command line (split at spaces)")
	cand := flag.String("cand", "", "the measured command line (split at spaces)")
	goal := flag.Float64("goal", 0, "exit 1 when the median ratio exceeds this (0: report only)")
	flag.Parse()
	if *base == "" || *cand == "" {
		flag.Usage()
		os.Exit(2)
	}
	var tb, tc []time.Duration
	var peakB, peakC int64
	for i := 0; i < *runs+2; i++ {
		b, rb := timeOne(*base)
		c, rc := timeOne(*cand)
		peakB, peakC = max(peakB, rb), max(peakC, rc)
		if i >= 2 { // the first runs warm caches
			tb, tc = append(tb, b), append(tc, c)
		}
	}
	mb, mc := median(tb), median(tc)
	fmt.Printf("%-45s median %8s  min %8s  peak %4d MiB\n", *base, mb.Round(10*time.Microsecond), slices.Min(tb).Round(10*time.Microsecond), peakB>>20)
	fmt.Printf("%-45s median %8s  min %8s  peak %4d MiB\n", *cand, mc.Round(10*time.Microsecond), slices.Min(tc).Round(10*time.Microsecond), peakC>>20)
	ratio := float64(mc) / float64(mb)
	fmt.Printf("ratio (median): %.2fx over %d runs each\n", ratio, *runs)
	if *goal > 0 && ratio > *goal {
		fmt.Printf("above the goal of %.2fx\n", *goal)
		os.Exit(1)
	}
}

// timeOne runs a command line and returns its wall time and peak resident
// memory in bytes.
func timeOne(cmdline string) (time.Duration, int64) {
	args := strings.Fields(cmdline)
	cmd := exec.Command(args[0], args[1:]...)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			fmt.Fprintf(os.Stderr, "%s: %v\n%s", cmdline, err, out)
			os.Exit(1)
		}
	}
	elapsed := time.Since(start)
	peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	if runtime.GOOS != "darwin" {
		peak <<= 10 // KiB elsewhere
	}
	return elapsed, int64(peak)
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
