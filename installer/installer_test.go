package installer

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"

	"github.com/godoctorhq/godoctor/internal/gosandbox"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/internal/testproxy"
	"github.com/godoctorhq/godoctor/internal/toolchain"
	"github.com/godoctorhq/godoctor/internal/web"
)

// toolchainModule is a small synthetic toolchain laid out as
// golang.org/toolchain zips are.
func toolchainModule(v string) testproxy.Module {
	return testproxy.Module{Path: "golang.org/toolchain", Version: toolchain.ModuleVersion(v, "linux", "amd64"), Files: map[string]string{
		"bin/go":                       "#!/bin/sh\necho " + v + "\n",
		"bin/gofmt":                    "#!/bin/sh\n",
		"pkg/tool/linux_amd64/compile": "compile",
		"lib/time/zoneinfo.zip":        "zones",
		"src/_go.mod":                  "module std\n",
		"src/cmd/_go.mod":              "module cmd\n",
		"VERSION":                      v + "\n",
		"go.env":                       "GOTOOLCHAIN=auto\n",
		"src/fmt/print.go":             strings.Repeat("package fmt\n", 2000),
	}}
}

func proxyOptions(t *testing.T, srv *testproxy.Server, goproxy string) Options {
	t.Helper()
	db, err := gosettings.ParseGOSUMDB(srv.SumDBKey)
	if err != nil {
		t.Fatal(err)
	}
	list, err := gosettings.ParseProxyList(goproxy)
	if err != nil {
		t.Fatal(err)
	}
	return Options{Dir: filepath.Join(t.TempDir(), "sdk"), Source: "proxy", Proxies: list, SumDB: db,
		GOOS: "linux", GOARCH: "amd64", HTTP: gosandbox.LoopbackClient(), Timeout: 2 * time.Second, LockDir: t.TempDir()}
}

func install(t *testing.T, spec string, o Options) (Plan, error) {
	t.Helper()
	s, err := ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Resolve(context.Background(), s, o)
	if err != nil {
		return p, err
	}
	return p, Install(context.Background(), p, o)
}

// leftovers lists what is in Dir besides toolchains and bookkeeping.
func leftovers(t *testing.T, dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".godoctor-staging") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestInstallFromProxy(t *testing.T) {
	srv := testproxy.New(t, "sum.test", toolchainModule("go1.21.5"), toolchainModule("go1.21.4"), toolchainModule("go1.22.1"))
	o := proxyOptions(t, srv, srv.URL+",direct")
	var reports atomic.Int32
	o.Progress = func(Progress) { reports.Add(1) }
	p, err := install(t, "1.21", o)
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != "go1.21.5" || p.Target != filepath.Join(o.Dir, "go1.21.5") {
		t.Errorf("plan = %+v", p)
	}
	fi, err := os.Stat(filepath.Join(p.Target, "bin", "go"))
	if err != nil || fi.Mode().Perm()&0o111 == 0 {
		t.Errorf("bin/go: %v %v", fi, err)
	}
	if fi, _ := os.Stat(filepath.Join(p.Target, "pkg/tool/linux_amd64/compile")); fi.Mode().Perm()&0o111 == 0 {
		t.Error("compile is not executable")
	}
	if data, _ := os.ReadFile(filepath.Join(p.Target, "src", "go.mod")); string(data) != "module std\n" {
		t.Errorf("src/go.mod = %q", data)
	}
	if fi, _ := os.Stat(p.Target); fi.Mode().Perm() != 0o755 {
		t.Errorf("toolchain directory mode %v", fi.Mode().Perm())
	}
	if !p.Installed() || len(leftovers(t, o.Dir)) != 0 || reports.Load() == 0 {
		t.Errorf("installed %v, leftovers %v, %d progress reports", p.Installed(), leftovers(t, o.Dir), reports.Load())
	}
	// Again: a quick no-op.
	hits := srv.Hits("/golang.org/toolchain/@v/" + toolchain.ModuleVersion("go1.21.5", "linux", "amd64") + ".zip")
	if _, err := install(t, "go1.21.5", o); !errors.Is(err, ErrAlreadyInstalled) {
		t.Errorf("second install: %v", err)
	}
	if srv.Hits("/golang.org/toolchain/@v/"+toolchain.ModuleVersion("go1.21.5", "linux", "amd64")+".zip") != hits {
		t.Error("the second install downloaded again")
	}
}

func TestResolveSpecs(t *testing.T) {
	srv := testproxy.New(t, "sum.test", toolchainModule("go1.21.5"), toolchainModule("go1.22.3"), toolchainModule("go1.23.0"),
		testproxy.Module{Path: "golang.org/toolchain", Version: toolchain.ModuleVersion("go1.24rc1", "linux", "amd64")},
		testproxy.Module{Path: "golang.org/toolchain", Version: toolchain.ModuleVersion("go1.25.0", "darwin", "arm64")})
	o := proxyOptions(t, srv, srv.URL)
	for spec, want := range map[string]string{
		"latest": "go1.23.0", "1.22": "go1.22.3", "~1.22": "go1.22.3", "~1.21.2": "go1.21.5", ">=1.21,<1.22.5": "go1.22.3", "~> 1.21": "go1.23.0",
		"1.20.7":   "go1.20.7", // exact: fetched even though the list omits it
		"go1.21.5": "go1.21.5",
	} {
		s, err := ParseSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Resolve(context.Background(), s, o)
		if err != nil || p.Version != want {
			t.Errorf("%s: %q %v, want %s", spec, p.Version, err, want)
		}
	}
	for _, bad := range []string{"banana", "1.x"} {
		if _, err := ParseSpec(bad); err == nil {
			t.Errorf("ParseSpec(%q) accepted", bad)
		}
	}
	s, _ := ParseSpec("1.19")
	if _, err := Resolve(context.Background(), s, o); err == nil {
		t.Error("a minor with no release resolved")
	}
}

func TestInstallRefusesBadContent(t *testing.T) {
	for name, f := range map[string]testproxy.Fault{
		"altered zip":     {AlterZip: true},
		"forged database": {ForgeSumDB: true},
		"HTML portal":     {HTMLPortal: true},
		"server error":    {Status: http.StatusInternalServerError},
	} {
		t.Run(name, func(t *testing.T) {
			srv := testproxy.New(t, "sum.test", toolchainModule("go1.21.5"))
			o := proxyOptions(t, srv, srv.URL)
			srv.SetFault(f)
			p, err := install(t, "1.21.5", o)
			if err == nil {
				t.Fatal("installed")
			}
			if _, serr := os.Stat(p.Target); !os.IsNotExist(serr) || len(leftovers(t, o.Dir)) > 0 {
				t.Errorf("left %s or staging behind (%v)", p.Target, leftovers(t, o.Dir))
			}
			if name == "altered zip" && !strings.Contains(err.Error(), "SECURITY ERROR") {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestInstallResumesATruncatedDownload(t *testing.T) {
	good := testproxy.New(t, "sum.test", toolchainModule("go1.21.5"))
	srv := testproxy.New(t, "sum.test", toolchainModule("go1.21.5"))
	o := proxyOptions(t, good, srv.URL)
	o.SumDB.URL = good.URL + "/sumdb/sum.test" // the database stays whole
	srv.SetFault(testproxy.Fault{Truncate: true})
	if _, err := install(t, "1.21.5", o); !errors.Is(err, ErrTruncated) {
		t.Fatalf("truncated: %v", err)
	}
	resumes(t, srv, o)
}

// resumes checks that a failed install kept its partial download and that
// the next one, with the server mended, asks for the rest only.
func resumes(t *testing.T, srv *testproxy.Server, o Options) {
	t.Helper()
	partial := filepath.Join(o.Dir, downloadsDir, toolchain.ModuleVersion("go1.21.5", "linux", "amd64")+".zip")
	if fi, err := os.Stat(partial); err != nil || fi.Size() == 0 {
		t.Fatalf("no partial download kept: %v", err)
	}
	srv.SetFault(testproxy.Fault{})
	if _, err := install(t, "1.21.5", o); err != nil {
		t.Fatal(err)
	}
	if srv.RangeRequests() != 1 {
		t.Errorf("%d range requests, want the one that resumed", srv.RangeRequests())
	}
}

func TestProxyFallbackRules(t *testing.T) {
	good := testproxy.New(t, "sum.test", toolchainModule("go1.21.5"))
	broken := testproxy.New(t, "sum.test")
	broken.SetFault(testproxy.Fault{Status: http.StatusBadGateway})
	empty := testproxy.New(t, "sum.test") // answers 404
	o := proxyOptions(t, good, empty.URL+","+good.URL)
	o.SumDB.URL = good.URL + "/sumdb/sum.test"
	if _, err := install(t, "1.21.5", o); err != nil {
		t.Errorf("404 then good: %v", err)
	}
	o = proxyOptions(t, good, broken.URL+","+good.URL)
	o.SumDB.URL = good.URL + "/sumdb/sum.test"
	if _, err := install(t, "1.21.5", o); err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("502 after a comma: %v", err)
	}
	o = proxyOptions(t, good, broken.URL+"|"+good.URL)
	o.SumDB.URL = good.URL + "/sumdb/sum.test"
	if _, err := install(t, "1.21.5", o); err != nil {
		t.Errorf("502 after a pipe: %v", err)
	}
}

func TestInstallLockFreeSpaceAndCancel(t *testing.T) {
	srv := testproxy.New(t, "sum.test", toolchainModule("go1.21.5"))
	o := proxyOptions(t, srv, srv.URL)
	held, err := system.LockFile(o.lockPath(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := install(t, "1.21.5", o); !errors.Is(err, errLocked) {
		t.Errorf("concurrent install: %v", err)
	}
	held.Close()

	o.FreeSpace = func(string) (uint64, error) { return 100, nil } // less than the zip and its files
	if _, err := install(t, "1.21.5", o); err == nil || !strings.Contains(err.Error(), "MiB free") {
		t.Errorf("full disk: %v", err)
	}
	o.FreeSpace = nil

	srv.SetFault(testproxy.Fault{Delay: 3 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	s, _ := ParseSpec("1.21.5")
	p, _ := Resolve(context.Background(), s, o)
	if err := Install(ctx, p, o); err == nil {
		t.Fatal("a cancelled install succeeded")
	}
	if _, err := os.Stat(p.Target); !os.IsNotExist(err) || len(leftovers(t, o.Dir)) > 0 {
		t.Errorf("a cancelled install left %v", leftovers(t, o.Dir))
	}
}

// downloadSite serves the official release list and archives; mirror
// serves the archives only (possibly altered).
type downloadSite struct {
	list    *httptest.Server
	mirror  *httptest.Server
	archive []byte
}

func tarGz(t *testing.T, entries []tar.Header, contents map[string]string) []byte {
	t.Helper()
	data, err := buildTarGz(entries, contents)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// buildTarGz writes an official-style archive; the tar writer refuses some
// headers (a fuzzer's), which is an error here.
func buildTarGz(entries []tar.Header, contents map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, h := range entries {
		body := contents[h.Name]
		h.Size = int64(len(body))
		if h.Typeflag != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(&h); err != nil {
			return nil, err
		}
		tw.Write([]byte(body))
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	gz.Close()
	return buf.Bytes(), nil
}

func goodArchive(t *testing.T) []byte {
	return tarGz(t, []tar.Header{
		{Name: "go/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "go/bin/go", Typeflag: tar.TypeReg, Mode: 0o755},
		{Name: "go/VERSION", Typeflag: tar.TypeReg, Mode: 0o644},
		{Name: "go/misc/link", Typeflag: tar.TypeSymlink, Linkname: "../VERSION"},
	}, map[string]string{"go/bin/go": "#!/bin/sh\n", "go/VERSION": "go1.21.5\n"})
}

func newDownloadSite(t *testing.T, archive, served []byte) *downloadSite {
	return newDownloadSiteFor(t, "linux", "go1.21.5.linux-amd64.tar.gz", archive, served)
}

// newDownloadSiteFor serves the official list and a mirror holding one
// archive of go1.21.5 for goos/amd64.
func newDownloadSiteFor(t *testing.T, goos, filename string, archive, served []byte) *downloadSite {
	sum := sha256.Sum256(archive)
	list, _ := json.Marshal([]Release{{Version: "go1.21.5", Stable: true, Files: []File{
		{Filename: filename, OS: goos, Arch: "amd64", Version: "go1.21.5", SHA256: hex.EncodeToString(sum[:]), Size: int64(len(archive)), Kind: "archive"},
		{Filename: "go1.21.5.src.tar.gz", Version: "go1.21.5", Kind: "source"},
	}}})
	d := &downloadSite{archive: archive}
	d.list = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("mode") != "json" || r.URL.Query().Get("include") != "all" {
			http.NotFound(w, r)
			return
		}
		w.Write(list)
	}))
	d.mirror = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/"+filename {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(served))
	}))
	t.Cleanup(d.list.Close)
	t.Cleanup(d.mirror.Close)
	return d
}

func dlOptions(t *testing.T, d *downloadSite) Options {
	return Options{Dir: filepath.Join(t.TempDir(), "sdk"), Source: "dl", ListURL: d.list.URL, DLURL: d.mirror.URL,
		GOOS: "linux", GOARCH: "amd64", HTTP: gosandbox.LoopbackClient(), Timeout: 2 * time.Second, LockDir: t.TempDir()}
}

func TestInstallFromArchive(t *testing.T) {
	a := goodArchive(t)
	d := newDownloadSite(t, a, a)
	o := dlOptions(t, d)
	p, err := install(t, "latest", o)
	if err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(filepath.Join(p.Target, "misc", "link")); err != nil || target != "../VERSION" {
		t.Errorf("link: %q %v", target, err)
	}
	if fi, _ := os.Stat(filepath.Join(p.Target, "bin", "go")); fi.Mode().Perm() != 0o755 {
		t.Errorf("bin/go mode %v", fi.Mode().Perm())
	}
}

func TestInstallFromArchiveRefuses(t *testing.T) {
	good := goodArchive(t)
	altered := append([]byte(nil), good...)
	altered[len(altered)/2] ^= 0xff
	escaping := tarGz(t, []tar.Header{{Name: "go/bin/go", Typeflag: tar.TypeReg, Mode: 0o755}, {Name: "go/../../evil", Typeflag: tar.TypeReg, Mode: 0o644}}, map[string]string{"go/bin/go": "x", "go/../../evil": "x"})
	linkOut := tarGz(t, []tar.Header{{Name: "go/bin/go", Typeflag: tar.TypeReg, Mode: 0o755}, {Name: "go/lib/ssh", Typeflag: tar.TypeSymlink, Linkname: "../../../../.ssh"}}, map[string]string{"go/bin/go": "x"})
	absolute := tarGz(t, []tar.Header{{Name: "go/bin/go", Typeflag: tar.TypeReg, Mode: 0o755}, {Name: "go/lib/x", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}}, map[string]string{"go/bin/go": "x"})
	for name, c := range map[string]struct {
		listed, served []byte
		want           string
	}{
		"mirror serves other bytes": {good, altered, "SECURITY ERROR"},
		"escaping path":             {escaping, escaping, "outside the target"},
		"link pointing out":         {linkOut, linkOut, "points outside the toolchain"},
		"absolute link":             {absolute, absolute, "points outside the toolchain"},
		"truncated":                 {good, good[:len(good)/2], "bytes"},
	} {
		t.Run(name, func(t *testing.T) {
			d := newDownloadSite(t, c.listed, c.served)
			o := dlOptions(t, d)
			p, err := install(t, "1.21.5", o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if _, err := os.Stat(p.Target); !os.IsNotExist(err) || len(leftovers(t, o.Dir)) > 0 {
				t.Error("something was left installed")
			}
		})
	}
}

// zipArchive builds an official Windows archive: entries under go/, in
// order, with their modes (a symlink's content is its target).
func zipArchive(t *testing.T, entries []zip.FileHeader, contents map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, h := range entries {
		w, err := zw.CreateHeader(&h)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, contents[h.Name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zipEntry(name string, mode os.FileMode) zip.FileHeader {
	h := zip.FileHeader{Name: name, Method: zip.Deflate}
	h.SetMode(mode)
	return h
}

// TestInstallFromWindowsArchive runs the .zip path of the official
// archives, which Windows installs use, with GOOS injected.
func TestInstallFromWindowsArchive(t *testing.T) {
	files := map[string]string{"go/bin/go.exe": "MZ", "go/VERSION": "go1.21.5\n", "go/src/fmt/print.go": "package fmt\n"}
	good := zipArchive(t, []zip.FileHeader{zipEntry("go/", os.ModeDir|0o755), zipEntry("go/bin/go.exe", 0o755),
		zipEntry("go/VERSION", 0o644), zipEntry("go/src/fmt/print.go", 0o644)}, files)
	d := newDownloadSiteFor(t, "windows", "go1.21.5.windows-amd64.zip", good, good)
	o := dlOptions(t, d)
	o.GOOS = "windows"
	p, err := install(t, "1.21.5", o)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(p.Target, filepath.FromSlash(strings.TrimPrefix(name, "go/"))))
		if err != nil || string(got) != want {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	if GoCommand(p.Target, "windows") != filepath.Join(p.Target, "bin", "go.exe") {
		t.Errorf("GoCommand = %s", GoCommand(p.Target, "windows"))
	}

	for name, c := range map[string]struct {
		archive []byte
		want    string
	}{
		"link":      {zipArchive(t, []zip.FileHeader{zipEntry("go/bin/go.exe", 0o755), zipEntry("go/lib/l", os.ModeSymlink|0o777)}, map[string]string{"go/lib/l": "../.."}), "is a link"},
		"escaping":  {zipArchive(t, []zip.FileHeader{zipEntry("go/bin/go.exe", 0o755), zipEntry("go/../evil", 0o644)}, nil), "outside the target"},
		"backslash": {zipArchive(t, []zip.FileHeader{zipEntry("go/bin/go.exe", 0o755), zipEntry(`go/..\evil`, 0o644)}, nil), "outside the target"},
		"not go/":   {zipArchive(t, []zip.FileHeader{zipEntry("other/bin/go.exe", 0o755)}, nil), "not under go/"},
	} {
		t.Run(name, func(t *testing.T) {
			d := newDownloadSiteFor(t, "windows", "go1.21.5.windows-amd64.zip", c.archive, c.archive)
			o := dlOptions(t, d)
			o.GOOS = "windows"
			p, err := install(t, "1.21.5", o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if _, err := os.Stat(p.Target); !os.IsNotExist(err) || len(leftovers(t, o.Dir)) > 0 {
				t.Error("something was left installed")
			}
		})
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"1.21.5", "go1.21", "latest", "~1.22", ">=1.22,<1.24", "1.21rc1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := ParseSpec(s)
		if err != nil {
			return
		}
		if v, ok := spec.Exact(); ok && !strings.HasPrefix(v, "go") {
			t.Fatalf("exact %q without go prefix", v)
		}
		spec.Pick([]string{"go1.23.1", "go1.22.9", "go1.21.0"})
	})
}

// TestUnpackModuleZip unpacks stored and deflated entries and checks the
// h1: hash against dirhash's, computed from the zip alone; entries whose
// content does not have the size the zip declares are refused.
func TestUnpackModuleZip(t *testing.T) {
	mv := module.Version{Path: "golang.org/toolchain", Version: toolchain.ModuleVersion("go1.21.5", "linux", "amd64")}
	prefix := mv.Path + "@" + mv.Version + "/"
	write := func(t *testing.T, entries func(w *zip.Writer)) string {
		t.Helper()
		var buf bytes.Buffer
		w := zip.NewWriter(&buf)
		entries(w)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "m.zip")
		os.WriteFile(p, buf.Bytes(), 0o644)
		return p
	}
	entry := func(w *zip.Writer, name string, method uint16, content string) {
		f, err := w.CreateHeader(&zip.FileHeader{Name: prefix + name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(content))
	}
	big := strings.Repeat("package big\n", 50000)
	good := write(t, func(w *zip.Writer) {
		entry(w, "VERSION", zip.Store, "go1.21.5\n")
		entry(w, "src/big/big.go", zip.Deflate, big)
		entry(w, "bin/go", zip.Deflate, "#!/bin/sh\n")
		entry(w, "empty", zip.Store, "")
	})
	dir := t.TempDir()
	got, err := unpackModuleZip(context.Background(), good, mv, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := dirhash.HashZip(good, dirhash.Hash1); got != want {
		t.Errorf("h1 = %s, dirhash says %s", got, want)
	}
	for name, want := range map[string]string{"VERSION": "go1.21.5\n", "src/big/big.go": big, "bin/go": "#!/bin/sh\n", "empty": ""} {
		if data, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(data) != want {
			t.Errorf("%s: %d bytes, %v", name, len(data), err)
		}
	}

	// A raw deflate stream with a declared size that is not its own.
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestSpeed)
	fw.Write([]byte(big))
	fw.Close()
	for _, size := range []uint64{uint64(len(big)) - 1, uint64(len(big)) + 1} {
		bad := write(t, func(w *zip.Writer) {
			hdr := &zip.FileHeader{Name: prefix + "src/big/big.go", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE([]byte(big)),
				CompressedSize64: uint64(deflated.Len()), UncompressedSize64: size}
			f, err := w.CreateRaw(hdr)
			if err != nil {
				t.Fatal(err)
			}
			f.Write(deflated.Bytes())
		})
		if _, err := unpackModuleZip(context.Background(), bad, mv, t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), "but the zip says") {
			t.Errorf("declared size %d of %d: %v", size, len(big), err)
		}
	}
}

// TestInstallAfterACompleteDownload: an install stopped after its download
// (during unpacking) leaves the whole zip; the next one asks for the rest,
// is told there is none (416), and unpacks what it has. A kept file longer
// than the server's starts over.
func TestInstallAfterACompleteDownload(t *testing.T) {
	srv := testproxy.New(t, "sum.test", toolchainModule("go1.21.5"))
	o := proxyOptions(t, srv, srv.URL)
	mv := toolchain.ModuleVersion("go1.21.5", "linux", "amd64")
	zipPath := "/golang.org/toolchain/@v/" + mv + ".zip"
	whole, err := web.Client{HTTP: srv.Client()}.Get(context.Background(), srv.URL+zipPath, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	kept := filepath.Join(o.Dir, ".godoctor-downloads", mv+".zip")
	os.MkdirAll(filepath.Dir(kept), 0o755)

	for _, c := range []struct {
		name    string
		content []byte
		answers []int // to the install's requests for the zip
	}{
		{"whole", whole, []int{http.StatusRequestedRangeNotSatisfiable}},
		{"longer", append(append([]byte(nil), whole...), "trailing junk"...), []int{http.StatusRequestedRangeNotSatisfiable, http.StatusOK}},
	} {
		t.Run(c.name, func(t *testing.T) {
			os.RemoveAll(filepath.Join(o.Dir, "go1.21.5"))
			os.MkdirAll(filepath.Dir(kept), 0o755)
			os.WriteFile(kept, c.content, 0o600)
			before := len(srv.Statuses(zipPath))
			if _, err := install(t, "1.21.5", o); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(o.Dir, "go1.21.5", Marker)); err != nil {
				t.Error("not installed")
			}
			if got := srv.Statuses(zipPath)[before:]; !slices.Equal(got, c.answers) {
				t.Errorf("the zip was answered %v, want %v", got, c.answers)
			}
		})
	}
}

// FuzzContentRange feeds servers' Content-Range headers to the parsers:
// any text is safe, and the forms of RFC 9110 read back what they say.
func FuzzContentRange(f *testing.F) {
	f.Add("bytes 100-199/200", uint32(100), uint32(200))
	f.Add("bytes */200", uint32(0), uint32(0))
	f.Add("bytes 1-/x", uint32(7), uint32(1<<31))
	f.Fuzz(func(t *testing.T, header string, start, total uint32) {
		contentRange(header)
		whole := fmt.Sprintf("bytes %d-%d/%d", start, uint64(start)+10, total)
		if s, n := contentRange(whole); s != int64(start) || n != int64(total) {
			t.Fatalf("%q: start %d, total %d", whole, s, n)
		}
		unsatisfied := fmt.Sprintf("bytes */%d", total)
		if s, n := contentRange(unsatisfied); s != -1 || n != int64(total) {
			t.Fatalf("%q: start %d, total %d", unsatisfied, s, n)
		}
	})
}

// A zip request accepted and never answered, and a body that stops half
// way, end after the idle timeout, whatever the source: the error names
// the host and the bytes that came, and the partial download resumes.
func TestStallsEnd(t *testing.T) {
	good := testproxy.New(t, "sum.test", toolchainModule("go1.21.5"))
	srv := testproxy.New(t, "sum.test", toolchainModule("go1.21.5"))
	o := proxyOptions(t, good, srv.URL)
	o.SumDB.URL = good.URL + "/sumdb/sum.test"
	o.Timeout = 300 * time.Millisecond
	host := strings.TrimPrefix(srv.URL, "http://")

	srv.SetFault(testproxy.Fault{Delay: time.Minute})
	start := time.Now()
	if _, err := install(t, "1.21.5", o); err == nil || !strings.Contains(err.Error(), host+": no answer for 300ms") {
		t.Errorf("a zip that never comes: %v", err)
	}
	srv.SetFault(testproxy.Fault{Stall: true})
	_, err := install(t, "1.21.5", o)
	if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), host+": stalled for 300ms after") || !strings.Contains(err.Error(), "the next install resumes it") {
		t.Errorf("a body that stops: %v", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("two stalls took %s", took)
	}
	resumes(t, srv, o)

	// The archive of the download site stalls the same way.
	a := goodArchive(t)
	release := make(chan struct{})
	defer close(release)
	d := newDownloadSite(t, a, a)
	d.mirror.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(a)))
		w.Write(a[:len(a)/2])
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	o = dlOptions(t, d)
	o.Timeout = 300 * time.Millisecond
	if _, err := install(t, "1.21.5", o); !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), "stalled for 300ms after") {
		t.Errorf("a stalled archive: %v", err)
	}
}

// A mirror that sends more than the file can have is cut off at the cap,
// and nothing it sent is kept; an install into a new directory leaves
// none.
func TestFloodsAreCapped(t *testing.T) {
	defer func(n int64) { maxModuleZip = n }(maxModuleZip)
	maxModuleZip = 1 << 20
	good := testproxy.New(t, "sum.test", toolchainModule("go1.21.5"))
	flood := testproxy.New(t, "sum.test", toolchainModule("go1.21.5"))
	flood.SetFault(testproxy.Fault{Flood: true})
	o := proxyOptions(t, good, flood.URL)
	o.SumDB.URL = good.URL + "/sumdb/sum.test"
	if _, err := install(t, "1.21.5", o); err == nil || !strings.Contains(err.Error(), "more than the 1048576 bytes") {
		t.Errorf("a flooding proxy: %v", err)
	}
	if _, err := os.Stat(o.Dir); !os.IsNotExist(err) {
		t.Errorf("a failed install into a new directory left it: %v", err)
	}

	a := goodArchive(t)
	d := newDownloadSite(t, a, a)
	d.mirror.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for r.Context().Err() == nil {
			if _, err := w.Write(bytes.Repeat([]byte{'x'}, 32<<10)); err != nil {
				return
			}
		}
	})
	o = dlOptions(t, d)
	os.MkdirAll(o.Dir, 0o755)
	if _, err := install(t, "1.21.5", o); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("more than the %d bytes", len(a))) {
		t.Errorf("a flooding archive mirror: %v", err)
	}
	if names, _ := os.ReadDir(o.Dir); len(names) != 0 {
		t.Errorf("a failed install left %v in the directory", names)
	}
}
