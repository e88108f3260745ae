package gosettings

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/gosandbox"
	"github.com/godoctorhq/godoctor/internal/testproxy"
)

func TestParseProxyList(t *testing.T) {
	tests := []struct {
		value   string
		want    []ProxyEntry
		wantErr string
	}{
		{value: "https://goproxy.cn,direct", want: []ProxyEntry{
			{Raw: "https://goproxy.cn", URL: "https://goproxy.cn"},
			{Raw: "direct", Kind: ProxyDirect},
		}},
		{value: "goproxy.cn|goproxy.io , direct,https://ignored.example", want: []ProxyEntry{
			{Raw: "goproxy.cn", URL: "https://goproxy.cn", FallbackOnAnyError: true, SchemeInferred: true},
			{Raw: "goproxy.io", URL: "https://goproxy.io", SchemeInferred: true},
			{Raw: "direct", Kind: ProxyDirect},
		}},
		{value: ",, proxy.example.com:8080 ,", want: []ProxyEntry{
			{Raw: "proxy.example.com:8080", URL: "https://proxy.example.com:8080", SchemeInferred: true},
		}},
		{value: "off,https://never.example", want: []ProxyEntry{{Raw: "off", Kind: ProxyOff}}},
		{value: "file:///srv/cache|direct", want: []ProxyEntry{
			{Raw: "file:///srv/cache", URL: "file:///srv/cache", FallbackOnAnyError: true},
			{Raw: "direct", Kind: ProxyDirect},
		}},
		{value: "", wantErr: "GOPROXY list is not the empty string, but contains no entries"},
		{value: " , |", wantErr: "GOPROXY list is not the empty string, but contains no entries"},
		{value: "localhost", wantErr: "invalid proxy URL missing scheme: localhost"},
		{value: "noproxy", wantErr: "invalid proxy URL missing scheme: noproxy"},
		{value: "/srv/cache", wantErr: "invalid proxy URL missing scheme: /srv/cache"},
		{value: "ftp://mirror.example", wantErr: "invalid proxy URL scheme (must be https, http, file): ftp://mirror.example"},
		{value: "file://host/srv", wantErr: "invalid file:// proxy URL with non-path elements: file://host/srv"},
		{value: "http://[::1", wantErr: `parse "http://[::1": missing ']' in host`},
		{value: "https://user:secret@[::1", wantErr: `parse "https://***@[::1": missing ']' in host`},
		{value: "ftp://user:secret@mirror.example", wantErr: "invalid proxy URL scheme (must be https, http, file): ftp://***@mirror.example"},
	}
	for _, tt := range tests {
		got, err := ParseProxyList(tt.value)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseProxyList(%q) error = %v, want %q", tt.value, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseProxyList(%q) error = %v", tt.value, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseProxyList(%q) =\n %+v\nwant\n %+v", tt.value, got, tt.want)
		}
	}
}

// TestParseProxyListAgreesWithGo runs the real go command against a
// loopback proxy with each GOPROXY value: where the parser refuses a value,
// go must fail with the same error; where it accepts one, go must not fail
// on the value itself.
func TestParseProxyListAgreesWithGo(t *testing.T) {
	gobin := gosandbox.Go(t)
	proxy := testproxy.New(t, "sum.test", testproxy.Module{Path: "example.com/m", Version: "v1.0.0",
		Files: map[string]string{"m.go": "package m\n"}})
	host := strings.TrimPrefix(proxy.URL, "http://")
	tests := []struct {
		value    string
		download bool // go must then download the module
	}{
		{value: proxy.URL, download: true},
		{value: proxy.URL + ",direct", download: true},
		{value: proxy.URL + "|direct", download: true},
		{value: " , " + proxy.URL + " ,", download: true},
		{value: proxy.URL + "/", download: true},
		{value: host}, // https:// added: a TLS error, not a parse error
		{value: "off"},
		{value: ","},
		{value: "localhost"},
		{value: "ftp://" + host},
		{value: "file://" + host + "/x"},
		{value: "http://[::1"},
		{value: "noproxy," + proxy.URL},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			_, perr := ParseProxyList(tt.value)
			out, err := goDownload(t, gobin, map[string]string{"GOPROXY": tt.value}, "")
			switch {
			case perr != nil:
				if err == nil || !strings.Contains(out, perr.Error()) {
					t.Fatalf("parser: %v\ngo: %v\n%s", perr, err, out)
				}
			case tt.download:
				if err != nil {
					t.Fatalf("parser accepts, go failed: %v\n%s", err, out)
				}
			default:
				if err == nil {
					t.Fatalf("go downloaded through %q", tt.value)
				}
				if strings.Contains(out, "invalid proxy URL") || strings.Contains(out, "GOPROXY list") {
					t.Fatalf("parser accepts, go refuses the value:\n%s", out)
				}
			}
		})
	}
	// An empty value written by go env -w hides the toolchain's default.
	out, err := goDownload(t, gobin, nil, "GOPROXY=\n")
	if err == nil || !strings.Contains(out, ErrEmptyProxyList.Error()) {
		t.Fatalf("go with GOPROXY= in the go env file: %v\n%s", err, out)
	}
}

// goDownload runs go mod download of example.com/m@v1.0.0 in a sandbox
// whose go env file holds envFile, with vars in the environment.
func goDownload(t *testing.T, gobin string, vars map[string]string, envFile string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "goenv"), []byte(envFile), 0o644); err != nil {
		t.Fatal(err)
	}
	extra := []string{"GOSUMDB=off"}
	if _, ok := vars["GOPROXY"]; !ok {
		extra = append(extra, "GOPROXY=") // empty: the go env file decides
	}
	for k, v := range vars {
		extra = append(extra, k+"="+v)
	}
	cmd := exec.Command(gobin, "mod", "download", "example.com/m@v1.0.0")
	cmd.Dir = dir
	cmd.Env = gosandbox.Env(t, dir, extra...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
