// Package gosettings parses Go's settings exactly as the go command does,
// with its error texts: GOPROXY lists, GOSUMDB, GOFLAGS, the GOPRIVATE
// family of patterns, the go env file format, and the names of the
// variables and flags the go command knows.
package gosettings

import (
	"errors"
	"fmt"
	"net/url"
	pathpkg "path"
	"path/filepath"
	"strings"

	"github.com/godoctorhq/godoctor/internal/redact"
)

// ProxyKind tells a GOPROXY entry's kind.
type ProxyKind int

const (
	ProxyURL    ProxyKind = iota // a module proxy at a URL
	ProxyDirect                  // "direct": fetch from version control
	ProxyOff                     // "off": no downloads at all
)

// ProxyEntry is one entry of GOPROXY as the go command reads it.
type ProxyEntry struct {
	// Raw is the entry as written (trimmed). For an inferred URL it lacks
	// the https:// that the go command adds.
	Raw string
	// URL is the proxy's base URL; empty for direct and off.
	URL  string
	Kind ProxyKind
	// FallbackOnAnyError is true when the entry is followed by "|": the go
	// command then tries the next entry after any error, not only after a
	// 404 or 410.
	FallbackOnAnyError bool
	// SchemeInferred is true when the go command prepends https:// itself.
	SchemeInferred bool
}

// String returns the entry for display, credentials masked.
func (e ProxyEntry) String() string {
	switch e.Kind {
	case ProxyDirect:
		return "direct"
	case ProxyOff:
		return "off"
	}
	return redact.URL(e.URL)
}

// ErrEmptyProxyList is the go command's error for a GOPROXY with no entries.
var ErrEmptyProxyList = errors.New("GOPROXY list is not the empty string, but contains no entries")

// ParseProxyList parses a GOPROXY value exactly as the go command does when
// it first needs the network (cmd/go/internal/modfetch.proxyList): entries
// split at "," or "|", trimmed, empty ones skipped, "off" and "direct"
// ending the list, https:// added to host-like entries, and each URL checked.
// The error text is the one the go command prints, credentials masked.
// The noproxy entry the go command adds for GONOPROXY is not included.
func ParseProxyList(value string) ([]ProxyEntry, error) {
	var list []ProxyEntry
	rest := value
	for rest != "" {
		var raw string
		fallback := false
		if i := strings.IndexAny(rest, ",|"); i >= 0 {
			raw, fallback, rest = rest[:i], rest[i] == '|', rest[i+1:]
		} else {
			raw, rest = rest, ""
		}
		raw = strings.TrimSpace(raw)
		switch raw {
		case "":
			continue
		case "off":
			return append(list, ProxyEntry{Raw: raw, Kind: ProxyOff}), nil
		case "direct":
			return append(list, ProxyEntry{Raw: raw, Kind: ProxyDirect}), nil
		}
		entry := ProxyEntry{Raw: raw, URL: raw, FallbackOnAnyError: fallback}
		// Single words are reserved for built-in behaviours; anything with
		// ":/" or an absolute path must be a complete URL.
		if strings.ContainsAny(raw, ".:/") && !strings.Contains(raw, ":/") && !filepath.IsAbs(raw) && !pathpkg.IsAbs(raw) {
			entry.URL = "https://" + raw
			entry.SchemeInferred = true
		}
		if err := checkProxyURL(entry.URL); err != nil {
			return list, err
		}
		list = append(list, entry)
	}
	if len(list) == 0 {
		return nil, ErrEmptyProxyList
	}
	return list, nil
}

// checkProxyURL accepts what cmd/go's newProxyRepo accepts.
func checkProxyURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return redact.Error(err)
	}
	redacted := redact.URL(raw)
	switch u.Scheme {
	case "http", "https":
		return nil
	case "file":
		if *u != (url.URL{Scheme: u.Scheme, Path: u.Path, RawPath: u.RawPath}) {
			return fmt.Errorf("invalid file:// proxy URL with non-path elements: %s", redacted)
		}
		return nil
	case "":
		return fmt.Errorf("invalid proxy URL missing scheme: %s", redacted)
	}
	return fmt.Errorf("invalid proxy URL scheme (must be https, http, file): %s", redacted)
}
