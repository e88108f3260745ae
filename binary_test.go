package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/godoctorhq/godoctor/internal/gosandbox"
)

// stampedVersion is the version the test binary of godoctor is built with.
const stampedVersion = "v9.8.7"

// binDir holds the godoctor that tests run as a separate process; TestMain
// removes it.
var binDir string

func TestMain(m *testing.M) {
	// Most of these tests wait: on the go command they run, on a stall
	// they provoke, on a signal's clean-up. With one parallel test per
	// core those waits queue; a few per core keep the cores busy. An
	// explicit -parallel wins.
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		flag.Set("test.parallel", strconv.Itoa(4*runtime.GOMAXPROCS(0)))
	}
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var buildOnce sync.Once
var buildErr error

// godoctorBinary builds godoctor once per test run, stamped as a release
// is (-ldflags -X main.version=...). It uses the build cache of the go test
// that runs it, and -race when the tests run with it, so that it links what
// the test build compiled already; it downloads nothing and writes only its
// temporary directory and that build cache, as go test itself does.
func godoctorBinary(t *testing.T) string {
	t.Helper()
	gobin := gosandbox.Go(t)
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "godoctor-test-bin-")
		if buildErr != nil {
			return
		}
		args := []string{"build", "-ldflags", "-X main.version=" + stampedVersion, "-o", filepath.Join(binDir, "godoctor")}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command(gobin, append(args, ".")...)
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly -buildvcs=false", "GOPROXY=off", "GOTOOLCHAIN=local", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, "godoctor")
}

// raceEnabled is set when the tests run with -race (race_test.go).
var raceEnabled bool
