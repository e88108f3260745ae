//go:build unix

// Command installbench times `godoctor install` against the go command's
// own toolchain download (`GOTOOLCHAIN=goX go version` with an empty
// module cache), both from the same loopback mirror, in one run, and
// prints the ratio and each one's peak memory.
//
// The mirror serves the module cache's download directory (which is laid
// out as a module proxy) and the checksum database entries that the go
// command cached there, so after warming the cache the run is offline.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	version := flag.String("version", "go1.21.5", "the Go version to install")
	runs := flag.Int("runs", 9, "runs of each (paired: the ratio is the median over runs)")
	godoctor := flag.String("godoctor", "", "the godoctor binary, or several separated by commas to compare builds")
	flag.Parse()
	if *godoctor == "" {
		fmt.Fprintln(os.Stderr, "-godoctor is required")
		os.Exit(2)
	}
	binaries := strings.Split(*godoctor, ",")
	modVersion := "v0.0.1-" + *version + ".linux-amd64"
	modcache := strings.TrimSpace(output("go", "env", "GOMODCACHE"))
	download := filepath.Join(modcache, "cache", "download")
	zip := filepath.Join(download, "golang.org", "toolchain", "@v", modVersion+".zip")
	if _, err := os.Stat(zip); err != nil {
		fmt.Println("warming the module cache with", modVersion)
		run(exec.Command("go", "mod", "download", "golang.org/toolchain@"+modVersion))
	}
	fi, _ := os.Stat(zip)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	upstream := strings.Split(strings.TrimSpace(output("go", "env", "GOPROXY")), ",")[0]
	go http.Serve(ln, mirror(download, upstream))
	proxy := "http://" + ln.Addr().String()
	fmt.Printf("%s (%.1f MiB zip) from a loopback mirror, %d runs each\n\n", modVersion, float64(fi.Size())/(1<<20), *runs)

	// Each run times every binary and then the go command, each in a fresh
	// home; a binary's ratio is the median of its time over the go
	// command's in the same run, so that the disk's drift over a session
	// (which moves both by up to 40% here) cancels out.
	ours := make([][]time.Duration, len(binaries))
	ratios := make([][]float64, len(binaries))
	oursMem := make([]int64, len(binaries))
	var theirs []time.Duration
	var theirsMem int64
	// Every run's files stay until the end: deleting thousands of files
	// just before a run makes ext4 slower to create new ones (its inode
	// allocator skips recently freed inodes), which no user's install meets.
	defer removeHomes()
	newHome := func() string {
		tmp, _ := os.MkdirTemp("", "installbench-")
		homes = append(homes, tmp)
		return tmp
	}
	for i := 0; i < *runs; i++ {
		mine := make([]time.Duration, len(binaries))
		for b, bin := range binaries {
			home := newHome()
			cmd := exec.Command(bin, "install", strings.TrimPrefix(*version, "go"), "--dir", filepath.Join(home, "sdk"), "--yes")
			cmd.Env = benchEnv(home, proxy)
			d, mem := timed(cmd)
			mine[b], oursMem[b] = d, max(oursMem[b], mem)
			ours[b] = append(ours[b], d)
		}
		cmd := exec.Command("go", "version")
		cmd.Env = append(benchEnv(newHome(), proxy), "GOTOOLCHAIN="+*version)
		d, mem := timed(cmd)
		theirs, theirsMem = append(theirs, d), max(theirsMem, mem)
		for b := range binaries {
			ratios[b] = append(ratios[b], float64(mine[b])/float64(d))
		}
	}
	for b, bin := range binaries {
		name := "godoctor install"
		if len(binaries) > 1 {
			name = filepath.Base(bin)
		}
		fmt.Printf("%-33s median %6s  peak memory %5.1f MiB  ratio %.2fx\n", name+":", median(ours[b]).Round(10*time.Millisecond), float64(oursMem[b])/1024, median(ratios[b]))
	}
	fmt.Printf("%-33s median %6s  peak memory %5.1f MiB\n", "go command (GOTOOLCHAIN switch):", median(theirs).Round(10*time.Millisecond), float64(theirsMem)/1024)
	fmt.Println("ratio: the median over the runs of godoctor's time / the go command's (goal: at most 0.5x; peak memory at most 64 MiB)")
}

// homes are the runs' temporary homes, removed at the end.
var homes []string

func removeHomes() {
	for _, tmp := range homes {
		exec.Command("chmod", "-R", "u+w", tmp).Run()
		os.RemoveAll(tmp)
	}
}

// mirror serves a module cache's download directory as a module proxy,
// and the checksum database under /sumdb/sum.golang.org/ from the cache
// the go command keeps there; an entry not cached yet is fetched once
// from upstream (this machine's GOPROXY) and kept.
func mirror(download, upstream string) http.Handler {
	const db = "/sumdb/sum.golang.org/"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == db+"supported" {
			return
		}
		file := filepath.Join(download, filepath.FromSlash(r.URL.Path))
		if fi, err := os.Stat(file); err != nil || fi.IsDir() {
			if !strings.HasPrefix(r.URL.Path, db) || fetch(upstream+r.URL.Path, file) != nil {
				http.NotFound(w, r)
				return
			}
		}
		http.ServeFile(w, r, file)
	})
}

// fetch copies a URL into a file.
func fetch(url, file string) error {
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	os.MkdirAll(filepath.Dir(file), 0o755)
	return os.WriteFile(file, data, 0o644)
}

// benchEnv is an environment with its own home, caches and GOPATH.
func benchEnv(tmp, proxy string) []string {
	os.MkdirAll(filepath.Join(tmp, ".config", "go", "telemetry"), 0o755)
	os.WriteFile(filepath.Join(tmp, ".config", "go", "telemetry", "mode"), []byte("off 2026-01-01"), 0o644)
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + tmp, "XDG_CONFIG_HOME=" + filepath.Join(tmp, ".config"),
		"GOPATH=" + filepath.Join(tmp, "gopath"), "GOMODCACHE=" + filepath.Join(tmp, "modcache"),
		"GOCACHE=" + filepath.Join(tmp, "gocache"), "GOENV=" + filepath.Join(tmp, "goenv"),
		"GOPROXY=" + proxy, "GOSUMDB=sum.golang.org", "GOFLAGS=", "GONOSUMDB=", "GOPRIVATE=",
	}
}

// timed runs a command and returns its wall time and peak resident memory
// in KiB.
func timed(cmd *exec.Cmd) (time.Duration, int64) {
	// Each command starts with nothing waiting to be written, so that
	// neither pays for the other's (or the clean-up's) write-back.
	syscall.Sync()
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
		removeHomes()
		os.Exit(1)
	}
	d := time.Since(start)
	return d, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
}

func run(cmd *exec.Cmd) {
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		os.Exit(1)
	}
}

func output(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		panic(err)
	}
	return string(out)
}

func median[T time.Duration | float64](d []T) T {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
