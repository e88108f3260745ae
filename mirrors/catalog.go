// Package mirrors knows the public Go module mirrors, benchmarks them with
// real module proxy requests, and checks that what they serve matches the
// checksum database.
package mirrors

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/system"
)

// Mirror is a module proxy to benchmark.
type Mirror struct {
	Name   string `json:"name"`
	URL    string `json:"url"`
	Region string `json:"region,omitempty"`
	// SumDB says whether the mirror proxies sum.golang.org (its
	// /sumdb/sum.golang.org/supported answers 200): "yes", "no" or
	// "unknown", as last established from public sources.
	SumDB string `json:"sumdb,omitempty"`
	// Checked is when the entry was last established, and Source from what.
	Checked string `json:"checked,omitempty"`
	Source  string `json:"source,omitempty"`
	// Origin is where godoctor found the mirror: "catalog", "toolchain
	// default", "GOPROXY", "config file" or "--mirror".
	Origin string `json:"-"`
}

// catalog is the built-in list. It names only addresses their operators
// publish; the toolchain's own default is read from $GOROOT/go.env.
var catalog = []Mirror{
	{Name: "goproxy.cn", URL: "https://goproxy.cn", Region: "China (Qiniu Cloud)", SumDB: "yes",
		Checked: "2026-11-25", Source: "goproxy/goproxy.cn README: proxies sum.golang.org"},
	{Name: "goproxy.io", URL: "https://goproxy.io", Region: "China, global CDN", SumDB: "yes",
		Checked: "2026-11-25", Source: "goproxyio/goproxy sumdb handler (sum.golang.org, gosum.io)"},
	{Name: "aliyun", URL: "https://mirrors.aliyun.com/goproxy/", Region: "China (Alibaba Cloud)", SumDB: "no",
		Checked: "2026-11-25", Source: "Alibaba Cloud mirror documentation; sumdb not proxied as last reported"},
	{Name: "tencent", URL: "https://mirrors.tencent.com/go/", Region: "China (Tencent Cloud)", SumDB: "no",
		Checked: "2026-11-25", Source: "Tencent Cloud mirror documentation; sumdb not proxied as last reported"},
	{Name: "huaweicloud", URL: "https://repo.huaweicloud.com/repository/goproxy/", Region: "China (Huawei Cloud)", SumDB: "unknown",
		Checked: "2026-11-25", Source: "Huawei Cloud mirror documentation; reported failing in 2024 (RubyMetric/chsrc#227)"},
}

// Catalog returns the built-in mirrors.
func Catalog() []Mirror {
	out := make([]Mirror, len(catalog))
	for i, m := range catalog {
		m.Origin = "catalog"
		out[i] = m
	}
	return out
}

// configFile is the user's own list, extending the catalog without a release:
//
//	{"mirrors": [{"name": "corp", "url": "https://goproxy.corp.example", "region": "office"}]}
func configFile(sys *system.System) (string, error) {
	dir, err := sys.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "godoctor", "mirrors.json"), nil
}

// ReadConfig reads the user's mirror list; a missing file is no mirrors.
func ReadConfig(sys *system.System) ([]Mirror, error) {
	path, err := configFile(sys)
	if err != nil {
		return nil, nil
	}
	data, err := system.ReadFile(path, system.MaxSettingsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var f struct {
		Mirrors []Mirror `json:"mirrors"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	for i := range f.Mirrors {
		m := &f.Mirrors[i]
		if err := CheckURL(m.URL); err != nil || m.Name == "" {
			return nil, fmt.Errorf("%s: mirror %d: needs a name and an http(s) URL (%v)", path, i+1, err)
		}
		m.Origin = "config file"
	}
	return f.Mirrors, nil
}

// CheckURL accepts what a module proxy URL must be: http or https with a
// host.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		// net/url quotes the part it could not read, which may be a
		// password ("invalid port \":secret\""): say only that it is no URL.
		return fmt.Errorf("%s is not a URL that can be read (a password with / : or @ in it must be %%-escaped)", redact.Text(raw))
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%s: a module proxy URL needs http:// or https:// and a host", redact.Text(raw))
	}
	return nil
}

// ParseFlag reads a --mirror NAME=URL value.
func ParseFlag(v string) (Mirror, error) {
	name, u, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return Mirror{}, fmt.Errorf("--mirror %s: want NAME=URL", redact.URL(v))
	}
	if err := CheckURL(u); err != nil {
		return Mirror{}, err
	}
	return Mirror{Name: name, URL: u, Origin: "--mirror"}, nil
}

// Sources are where the candidate mirrors come from.
type Sources struct {
	Catalog []Mirror
	// ToolchainDefault is GOPROXY in $GOROOT/go.env.
	ToolchainDefault string
	// GOPROXY is the effective GOPROXY.
	GOPROXY string
	Config  []Mirror
	Flags   []Mirror
}

// Candidates merges every source, dropping duplicate URLs (the first name
// wins, in the order: flags, config file, catalog, GOPROXY, toolchain
// default).
func Candidates(src Sources) []Mirror {
	var out []Mirror
	seen := map[string]bool{}
	add := func(m Mirror) {
		key := normalize(m.URL)
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, m)
	}
	for _, m := range src.Flags {
		add(m)
	}
	for _, m := range src.Config {
		add(m)
	}
	for _, m := range src.Catalog {
		add(m)
	}
	for _, e := range proxyURLs(src.GOPROXY) {
		add(Mirror{Name: hostName(e), URL: e, Origin: "GOPROXY"})
	}
	for _, e := range proxyURLs(src.ToolchainDefault) {
		add(Mirror{Name: hostName(e), URL: e, Origin: "toolchain default"})
	}
	return out
}

// proxyURLs returns the http(s) entries of a GOPROXY value.
func proxyURLs(value string) []string {
	list, _ := gosettings.ParseProxyList(value)
	var out []string
	for _, e := range list {
		if e.Kind == gosettings.ProxyURL && (strings.HasPrefix(e.URL, "https://") || strings.HasPrefix(e.URL, "http://")) {
			out = append(out, e.URL)
		}
	}
	return out
}

func normalize(u string) string { return strings.TrimSuffix(strings.ToLower(u), "/") }

// hostName names a mirror by its host and path.
func hostName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return redact.URL(raw)
	}
	return strings.TrimSuffix(u.Host+u.Path, "/")
}

// Select keeps the mirrors named in only (all when empty).
func Select(list []Mirror, only []string) ([]Mirror, error) {
	if len(only) == 0 {
		return list, nil
	}
	byName := map[string]Mirror{}
	for _, m := range list {
		byName[m.Name] = m
	}
	var out []Mirror
	for _, n := range only {
		m, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("--only %s: no such mirror", n)
		}
		out = append(out, m)
	}
	return out, nil
}
