//go:build linux

// Command firstframe measures how long godoctor takes, from its start on
// a terminal, to draw the first frame of the TUI: it runs the binary on a
// pseudo-terminal, waits for the header, quits it, and prints the median.
// With -silent the terminal answers no query.
// Goal: under 50 ms, before any check finishes.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

func main() {
	bin := flag.String("godoctor", "", "the godoctor binary")
	runs := flag.Int("runs", 20, "runs")
	silent := flag.Bool("silent", false, "a terminal that answers no query (background colour, cursor position), as some ssh sessions and CI consoles")
	flag.Parse()
	var times []time.Duration
	for i := 0; i < *runs; i++ {
		d, err := firstFrame(*bin, *silent)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		times = append(times, d)
	}
	slices.Sort(times)
	fmt.Printf("first frame: median %s, min %s, max %s over %d runs (goal: under 50ms)\n",
		times[len(times)/2].Round(100*time.Microsecond), times[0].Round(100*time.Microsecond), times[len(times)-1].Round(100*time.Microsecond), *runs)
}

// openPTY returns the master and the slave of a new pseudo-terminal.
func openPTY() (*os.File, *os.File, error) {
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		return nil, nil, err
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		return nil, nil, err
	}
	slave, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 80})
	return master, slave, nil
}

func firstFrame(bin string, silent bool) (time.Duration, error) {
	master, slave, err := openPTY()
	if err != nil {
		return 0, err
	}
	defer master.Close()
	cmd := exec.Command(bin)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	cmd.SysProcAttr = &unix.SysProcAttr{Setsid: true, Setctty: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	slave.Close()
	var seen bytes.Buffer
	buf := make([]byte, 4096)
	var d time.Duration
	for d == 0 {
		n, err := master.Read(buf)
		if err != nil {
			return 0, fmt.Errorf("no frame: %v (%q)", err, seen.String())
		}
		seen.Write(buf[:n])
		// Answer like a terminal: the background colour query (OSC 11) that
		// Bubble Tea's init sends, and the cursor position report.
		if !silent && bytes.Contains(buf[:n], []byte("\x1b]11;?")) {
			master.Write([]byte("\x1b]11;rgb:0000/0000/0000\x1b\\"))
		}
		if !silent && bytes.Contains(buf[:n], []byte("\x1b[6n")) {
			master.Write([]byte("\x1b[1;1R"))
		}
		if bytes.Contains(seen.Bytes(), []byte("godoctor")) {
			d = time.Since(start)
		}
	}
	master.Write([]byte("q"))
	go func() {
		for {
			if _, err := master.Read(buf); err != nil {
				return
			}
		}
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
	}
	return d, nil
}
