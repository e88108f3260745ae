package web

import (
	"context"
	"strings"

	"golang.org/x/mod/module"

	"github.com/godoctorhq/godoctor/internal/gosettings"
)

// FirstProxy is the URL of the first HTTP(S) module proxy in a GOPROXY
// list, before any direct or off: the proxy that godoctor asks for version
// lists, as the go command asks it first. "" when there is none; file://
// entries are skipped (they hold what was downloaded, not what exists).
func FirstProxy(list []gosettings.ProxyEntry) string {
	for _, e := range list {
		if e.Kind != gosettings.ProxyURL {
			return ""
		}
		if strings.HasPrefix(e.URL, "http://") || strings.HasPrefix(e.URL, "https://") {
			return e.URL
		}
	}
	return ""
}

// moduleURL is a module proxy URL: base/<escaped path>/@v/<rest>.
func moduleURL(base, path, rest string) (string, error) {
	esc, err := module.EscapePath(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(base, "/") + "/" + esc + "/@v/" + rest, nil
}

// VersionURL is the URL of a version's file (ext ".info", ".mod" or
// ".zip") at a proxy.
func VersionURL(base, path, version, ext string) (string, error) {
	esc, err := module.EscapeVersion(version)
	if err != nil {
		return "", err
	}
	return moduleURL(base, path, esc+ext)
}

// List asks a proxy for a module's version list, one version a line.
func (c Client) List(ctx context.Context, base, path string) ([]string, error) {
	u, err := moduleURL(base, path, "list")
	if err != nil {
		return nil, err
	}
	body, err := c.Get(ctx, u, SmallLimit)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(body)), nil
}
