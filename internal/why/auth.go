package why

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/web"
)

// goNetrcEntry is a .netrc entry as the go command reads it
// (cmd/go/internal/auth/netrc.go, parseNetrc): a machine with both a login
// and a password; a default entry ends the file, and is never used.
type goNetrcEntry struct{ machine, login, password string }

// goNetrc parses a .netrc as the go command does.
func goNetrc(data string) []goNetrcEntry {
	var entries []goNetrcEntry
	var e goNetrcEntry
	inMacro := false
	for _, line := range strings.Split(data, "\n") {
		if inMacro {
			inMacro = line != ""
			continue
		}
		f := strings.Fields(line)
		i := 0
		for ; i < len(f)-1; i += 2 {
			switch f[i] {
			case "machine":
				e = goNetrcEntry{machine: f[i+1]}
			case "login":
				e.login = f[i+1]
			case "password":
				e.password = f[i+1]
			case "macdef":
				inMacro = true
			}
			if e.machine != "" && e.login != "" && e.password != "" {
				entries = append(entries, e)
				e = goNetrcEntry{}
			}
		}
		if i < len(f) && f[i] == "default" {
			break
		}
	}
	return entries
}

// goCredential is the .netrc entry the go command sends with a request to
// rawURL (cmd/go/internal/auth: loadCredential): only over https, only
// when GOAUTH reads .netrc, and looked up by the URL without its scheme,
// host:port included, then each shorter path prefix; the first entry of a
// machine wins.
func goCredential(netrc, goauth, rawURL string) (goNetrcEntry, bool) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || !readsNetrc(goauth) {
		return goNetrcEntry{}, false
	}
	byMachine := map[string]goNetrcEntry{}
	for _, e := range goNetrc(netrc) {
		if _, ok := byMachine[e.machine]; !ok {
			byMachine[e.machine] = e
		}
	}
	prefix := strings.TrimSuffix(strings.TrimPrefix(rawURL, "https://"), "/")
	for {
		if e, ok := byMachine[prefix]; ok {
			return e, true
		}
		i := strings.LastIndexByte(prefix, '/')
		if i < 0 {
			return goNetrcEntry{}, false
		}
		prefix = prefix[:i]
	}
}

// readsNetrc reports whether the go command reads .netrc under a GOAUTH
// value: unset means netrc.
func readsNetrc(goauth string) bool {
	if strings.TrimSpace(goauth) == "" {
		return true
	}
	for _, cmd := range strings.Split(goauth, ";") {
		if strings.TrimSpace(cmd) == "netrc" {
			return true
		}
	}
	return false
}

// authenticate adds to a request the credentials the go command would send
// with it.
func authenticate(o Options) func(*http.Request) {
	return func(req *http.Request) {
		if e, ok := goCredential(o.Netrc, o.Env.Value("GOAUTH"), req.URL.String()); ok {
			req.SetBasicAuth(e.login, e.password)
		}
	}
}

// accessHint says, for an answer that refuses access (401, 403) or a
// proxy that wants credentials (407), what the go command sent and why;
// and for the failures that point at this machine (TLS, HTTP proxy, DNS)
// what they mean. "" when there is nothing to add. Never a password.
func accessHint(o Options, rawURL string, err error) string {
	var he *web.HTTPError
	if !errors.As(err, &he) || (he.StatusCode != 401 && he.StatusCode != 403) {
		return web.Cause(i18n.Printer{}, err)
	}
	u, perr := url.Parse(rawURL)
	if perr != nil {
		return ""
	}
	goauth := o.Env.Value("GOAUTH")
	refused := "refuses access (403)"
	if he.StatusCode == 401 {
		refused = "asks for credentials (401)"
	}
	switch {
	case u.Scheme != "https":
		return "the server " + refused + ", and the go command sends no credentials over plain http (GOAUTH and .netrc apply to https only): use the https URL"
	case strings.TrimSpace(goauth) == "off":
		return "the server " + refused + ", and GOAUTH=off sends no credentials"
	}
	if e, ok := goCredential(o.Netrc, goauth, rawURL); ok {
		return fmt.Sprintf("the server %s although the go command sent the .netrc entry for %s (login %s): the token is wrong, expired or lacks access to this module", refused, e.machine, e.login)
	}
	if !readsNetrc(goauth) {
		return "the server " + refused + "; GOAUTH=" + strings.Fields(goauth)[0] + " is a command godoctor does not run: check that it gives credentials for " + u.Host
	}
	for _, e := range goNetrc(o.Netrc) {
		if e.machine == u.Hostname() && u.Port() != "" {
			return fmt.Sprintf("the server %s: the .netrc entry for %s does not cover %s, because the go command looks a machine up by host and port: write machine %s", refused, e.machine, u.Host, u.Host)
		}
	}
	return fmt.Sprintf("the server %s and .netrc has no entry for %s (the go command sends one by host and port, over https): add machine %s login USER password TOKEN", refused, u.Host, u.Host)
}
