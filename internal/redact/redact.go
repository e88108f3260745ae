// Package redact masks credentials before anything is shown: the user
// information of URLs, alone, inside a list such as GOPROXY, or inside the
// errors net/http returns.
package redact

import (
	"errors"
	"net/url"
	"strings"
)

// Error masks credentials in the URL of a *url.Error, the error
// net/http returns for a failed request.
func Error(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return &url.Error{Op: uerr.Op, URL: URL(uerr.URL), Err: uerr.Err}
	}
	return err
}

// URL masks the user information of a URL: "https://***@host/path".
// The whole userinfo is masked, since tokens are often put in the user
// name. It works on the text, not on a parsed URL, so that a string that
// does not parse, or parses some other way, cannot leak a password either:
// whatever stands between "://" (or a leading "//", which starts an
// authority too) and the last "@" before the path is masked.
func URL(raw string) string {
	var start int
	if strings.HasPrefix(raw, "//") {
		start = 2
	} else if i := strings.Index(raw, "://"); i >= 0 {
		start = i + 3
	} else {
		return raw
	}
	end := len(raw)
	if j := strings.IndexAny(raw[start:], "/?#"); j >= 0 {
		end = start + j
	}
	at := strings.LastIndex(raw[start:end], "@")
	if at < 0 {
		return raw
	}
	return raw[:start] + "***" + raw[start+at:]
}

// HasCredentials reports whether a URL carries user information.
func HasCredentials(raw string) bool {
	return URL(raw) != raw
}

// List masks credentials in every URL of a list value (GOPROXY's "," and
// "|", spaces): "https://***@a,direct".
func List(v string) string {
	if !strings.Contains(v, "@") {
		return v
	}
	var b strings.Builder
	start := 0
	for i := 0; i <= len(v); i++ {
		if i == len(v) || strings.ContainsRune(",| \t", rune(v[i])) {
			b.WriteString(URL(v[start:i]))
			if i < len(v) {
				b.WriteByte(v[i])
			}
			start = i + 1
		}
	}
	return b.String()
}
