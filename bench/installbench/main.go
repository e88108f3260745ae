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
	runs := flag.Int("runs", 3, "runs of each")
	godoctor := flag.String("godoctor", "", "the godoctor binary")
	flag.Parse()
	if *godoctor == "" {
		fmt.Fprintln(os.Stderr, "-godoctor is required")
		os.Exit(2)
	}
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

	var ours, theirs []time.Duration
	var oursMem, theirsMem int64
	for i := 0; i < *runs; i++ {
		tmp, _ := os.MkdirTemp("", "installbench-")
		env := benchEnv(tmp, proxy)

		cmd := exec.Command(*godoctor, "install", strings.TrimPrefix(*version, "go"), "--dir", filepath.Join(tmp, "sdk"), "--yes")
		cmd.Env = env
		d, mem := timed(cmd)
		ours, oursMem = append(ours, d), max(oursMem, mem)

		cmd = exec.Command("go", "version")
		cmd.Env = append(env, "GOTOOLCHAIN="+*version)
		d, mem = timed(cmd)
		theirs, theirsMem = append(theirs, d), max(theirsMem, mem)
		exec.Command("chmod", "-R", "u+w", tmp).Run()
		os.RemoveAll(tmp)
	}
	mo, mt := median(ours), median(theirs)
	fmt.Printf("godoctor install:                 median %6s  peak memory %5.1f MiB\n", mo.Round(10*time.Millisecond), float64(oursMem)/1024)
	fmt.Printf("go command (GOTOOLCHAIN switch):  median %6s  peak memory %5.1f MiB\n", mt.Round(10*time.Millisecond), float64(theirsMem)/1024)
	fmt.Printf("ratio: %.2fx (goal: at most 0.5x; peak memory at most 64 MiB)\n", float64(mo)/float64(mt))
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
		"GOPROXY=" + proxy, "GOSUMDB=sum.golang.org", "GOFLAGS=-modcacherw", "GONOSUMDB=", "GOPRIVATE=",
	}
}

// timed runs a command and returns its wall time and peak resident memory
// in KiB.
func timed(cmd *exec.Cmd) (time.Duration, int64) {
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
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

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
