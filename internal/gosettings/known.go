package gosettings

import (
	"sort"
	"strings"

	"github.com/godoctorhq/godoctor/internal/suggest"
)

// knownEnv is the go command's list of the variables it reads
// (internal/cfg.KnownEnv, Go 1.26). go env -w refuses any other name.
var knownEnv = setOf(`AR CC CGO_CFLAGS CGO_CFLAGS_ALLOW CGO_CFLAGS_DISALLOW CGO_CPPFLAGS
CGO_CPPFLAGS_ALLOW CGO_CPPFLAGS_DISALLOW CGO_CXXFLAGS CGO_CXXFLAGS_ALLOW
CGO_CXXFLAGS_DISALLOW CGO_ENABLED CGO_FFLAGS CGO_FFLAGS_ALLOW CGO_FFLAGS_DISALLOW
CGO_LDFLAGS CGO_LDFLAGS_ALLOW CGO_LDFLAGS_DISALLOW CXX FC GCCGO GO111MODULE GO386
GOAMD64 GOARCH GOARM GOARM64 GOAUTH GOBIN GOCACHE GOCACHEPROG GOENV GOEXE
GOEXPERIMENT GOFIPS140 GOFLAGS GOGCCFLAGS GOHOSTARCH GOHOSTOS GOINSECURE GOMIPS
GOMIPS64 GOMODCACHE GONOPROXY GONOSUMDB GOOS GOPATH GOPPC64 GOPRIVATE GOPROXY
GORISCV64 GOROOT GOSUMDB GOTMPDIR GOTOOLCHAIN GOTOOLDIR GOVCS GOWASM GOWORK
GO_EXTLINK_ENABLED PKG_CONFIG`)

// otherGoEnv are GO variables read by the runtime, the toolchain or
// well-known tools rather than by the go command's configuration.
var otherGoEnv = setOf(`GODEBUG GOGC GOMAXPROCS GOMEMLIMIT GOTRACEBACK GORACE
GOCOVERDIR GOVERSION GOEXPERIMENT GOROOT_FINAL GOROOT_BOOTSTRAP GOTELEMETRY
GOTELEMETRYDIR GOPACKAGESDRIVER GOLANGCI_LINT_CACHE GO_GCFLAGS GO_LDFLAGS
GOFUMPT_SPLIT_LONG_LINES GOCOVERAGE`)

// mythEnv are variables that blog posts and third-party docs tell people to
// set but that no go command reads.
var mythEnv = map[string]string{
	"GONOSUMCHECK":  "GONOSUMDB",
	"GONOSUMCHECKS": "GONOSUMDB",
	"GOSUMCHECK":    "GOSUMDB",
	"GO_PROXY":      "GOPROXY",
	"GOPROXIES":     "GOPROXY",
	"GO_PRIVATE":    "GOPRIVATE",
	"GONOPRIVATE":   "GOPRIVATE",
	"GOSUMDB_OFF":   "GOSUMDB=off",
	"GOFLAG":        "GOFLAGS",
}

// KnownEnvNames returns the variables the go command reads, sorted.
func KnownEnvNames() []string {
	names := make([]string, 0, len(knownEnv))
	for name := range knownEnv {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// UnknownGoVar says whether a set variable looks like a go command setting
// that no go command reads, and what the author probably meant. Names of
// other tools are left alone: only known myths and near-misses of real
// names (one or two letters off) are reported.
func UnknownGoVar(name string) (meant string, unknown bool) {
	if knownEnv[name] || otherGoEnv[name] {
		return "", false
	}
	if m, ok := mythEnv[name]; ok {
		return m, true
	}
	if !strings.HasPrefix(name, "GO") || len(name) < 5 {
		return "", false
	}
	var names []string
	for k := range knownEnv {
		if strings.HasPrefix(k, "GO") {
			names = append(names, k)
		}
	}
	return suggest.Closest(name, names, 2)
}

// knownGoFlags are the flag names that the go command accepts in GOFLAGS
// (any flag of any go subcommand; cmd/go/internal/base.InitGOFLAGS), as of
// Go 1.26. A test checks each against the real go command.
var knownGoFlags = setOf(`a artifacts asan asmflags bench benchmem benchtime blockprofile
blockprofilerate buildmode buildvcs c cache changed compat compiled compiler count
cover covermode coverpkg coverprofile cpu cpuprofile d debug-actiongraph
debug-runtime-trace debug-trace deps diff dropexclude dropgodebug dropignore
dropreplace droprequire dropretract droptool dropuse e exclude exec export f
failfast find fix fmt fullpath fuzz fuzzcache fuzzminimizetime fuzztime gccgoflags
gcflags go godebug i ignore insecure installsuffix json ldflags linkshared list m
memprofile memprofilerate mod modcache modcacherw modfile module msan mutexprofile
mutexprofilefraction n o outputdir overlay p parallel pgo pkgdir print r race
replace require retract retracted reuse run short shuffle skip t tags test
testcache timeout tool toolchain toolexec trace trimpath u use v vendor versions
vet w work x`)

// isKnownGoFlag reports whether GOFLAGS may name a flag. Test flags are
// also accepted with a "test." prefix.
func isKnownGoFlag(name string) bool {
	return knownGoFlags[name] || strings.HasPrefix(name, "test.") && knownGoFlags[strings.TrimPrefix(name, "test.")]
}
