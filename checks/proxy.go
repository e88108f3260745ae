package checks

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/internal/change"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/remedy"
	"github.com/godoctorhq/godoctor/internal/shell"
)

var envGoproxy = &Check{
	ID:      "env.goproxy",
	Title:   "Module proxy (GOPROXY)",
	NeedsGo: true,
	Run: func(ctx context.Context, p *Pass) Result {
		env := p.Env()
		st := env.Settings["GOPROXY"]
		if strings.Contains(st.Value, ";") {
			// "https://goproxy.cn;direct" is one URL to the go command
			// (whose host is "goproxy.cn;direct", or whose port does not
			// parse): every download fails there, and nothing after it is
			// tried.
			res := Result{Status: Fail, Summary: p.T("GOPROXY separates entries with \",\" or \"|\"; \";\" makes %q one URL, which no download gets through", st.Value)}
			if _, err := gosettings.ParseProxyList(st.Value); err != nil {
				res.Details = append(res.Details, "go: "+err.Error())
			}
			res.Details = append(res.Details, p.T("set by: %s", describeSource(p, st)))
			res.Details = append(res.Details, whereSet(p, st)...)
			fixSet(&res, p, "proxy-separator", p.T("Separate the GOPROXY entries with \",\""), "GOPROXY", strings.ReplaceAll(st.Value, ";", ","))
			return res
		}
		list, err := gosettings.ParseProxyList(st.Value)
		if err != nil {
			return badProxy(p, st, err)
		}
		res := ok(describeProxies(p, list))
		for i := range list {
			res.Details = append(res.Details, fmt.Sprintf("%d. %s", i+1, explainEntry(p, list, i)))
		}
		res.Details = append(res.Details, p.T("set by: %s", describeSource(p, st)))
		httpProxies(&res, p, list)
		if len(gosettings.ParsePatterns(env.Value("GONOPROXY"))) > 0 {
			res.Details = append(res.Details, p.T("modules matching GONOPROXY=%s are fetched directly, before this list", env.Value("GONOPROXY")))
		}

		switch last := list[len(list)-1]; {
		case list[0].Kind == gosettings.ProxyOff:
			res.worsen(Warn)
			res.Summary = p.T("GOPROXY=off: the go command downloads no modules")
			res.Details = append(res.Details, p.T("Every lookup fails with: module lookup disabled by GOPROXY=off (modules matching GONOPROXY excepted)."))
			restoreDefault(&res, p, "GOPROXY")
		case last.Kind == gosettings.ProxyURL:
			res.worsen(Warn)
			res.Details = append(res.Details, p.T("The list ends without direct: a module that no proxy in it serves cannot be downloaded (fine only if your proxies serve every module you use)."))
			fixSetFrom(&res, p, "proxy-direct", p.T("Fall back to direct"), "GOPROXY", strings.TrimRight(st.Value, ",|")+",direct",
				func(cur string) string { return cur + ",direct" })
		}
		for _, e := range list {
			if e.Kind != gosettings.ProxyURL || !strings.HasPrefix(e.URL, "http://") {
				continue
			}
			if redact.HasCredentials(e.URL) {
				res.worsen(Fail)
				res.Summary = p.T("the go command refuses to send credentials over plain http")
				res.Details = append(res.Details, "go: refusing to pass credentials to insecure URL: "+e.String())
			} else {
				res.worsen(Warn)
				res.Details = append(res.Details, p.T("%s is plain http: anyone on the network path sees which modules you fetch and can answer for the proxy", e))
			}
			httpsFix(&res, p, e, st.Value)
		}
		return res
	},
}

// httpProxies names the HTTP proxy (HTTPS_PROXY, HTTP_PROXY, as net/http
// and the go command read them) that each of GOPROXY's proxies is reached
// through, and fails when that proxy does not take connections: then every
// download fails while every Go setting looks right. Connecting to it is
// the one connection made under --offline too: it does not leave for the
// network beyond.
func httpProxies(res *Result, p *Pass, list []gosettings.ProxyEntry) {
	checked := map[string]bool{}
	for _, e := range list {
		u, err := url.Parse(e.URL)
		if err != nil || e.Kind != gosettings.ProxyURL || (u.Scheme != "http" && u.Scheme != "https") {
			continue
		}
		via, err := p.Sys.ProxyFor(u)
		if err != nil || via == nil {
			continue
		}
		name := "HTTPS_PROXY"
		if u.Scheme == "http" {
			name = "HTTP_PROXY"
		}
		if p.Sys.Getenv(name) == "" {
			name = strings.ToLower(name)
		}
		shown := redact.URL(via.String())
		if checked[via.String()] {
			continue
		}
		checked[via.String()] = true
		if err := dialProxy(via, p.Options.Timeout); err != nil {
			setFirst(res, Fail, p.T("%s is reached through %s=%s, which does not answer (%v): every download fails", e, name, shown, err))
			res.Details = append(res.Details, whereSet(p, goenv.Setting{Name: name, InProcess: true})...)
			fixUnexport(res, p, name)
			continue
		}
		res.Details = append(res.Details, p.T("%s is reached through %s=%s, which takes connections", e, name, shown))
	}
}

// dialProxy connects to an HTTP proxy's port, and hangs up.
func dialProxy(proxy *url.URL, timeout time.Duration) error {
	port := proxy.Port()
	if port == "" {
		port = map[string]string{"https": "443", "socks5": "1080"}[proxy.Scheme]
		if port == "" {
			port = "80"
		}
	}
	d := net.Dialer{Timeout: min(max(timeout, time.Second), 3*time.Second)}
	c, err := d.Dial("tcp", net.JoinHostPort(proxy.Hostname(), port))
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) {
			return op.Err
		}
		return err
	}
	return c.Close()
}

// fixUnexport offers to stop exporting a variable that is no setting of
// the go command (HTTPS_PROXY): its export lines are commented out.
func fixUnexport(res *Result, p *Pass, name string) {
	f := Fix{ID: "unset-" + strings.ToLower(name), Title: p.T("Stop exporting %s", name), Command: "unset " + name}
	if p.Sys.GOOS == "windows" {
		f.Command = removeUserVarCommand(name)
	}
	if lines := shell.FindExports(p.Sys, name); len(lines) > 0 {
		f.Action = &remedy.Action{Change: &change.Action{CommentOut: lines, Why: name + " does not answer"}}
	}
	res.addFix(f)
}

// httpsFix offers https for a plain http proxy only when the same host
// answers the module proxy protocol over https: many a company proxy
// speaks http alone, and a fix must never break a proxy that works.
func httpsFix(res *Result, p *Pass, e gosettings.ProxyEntry, value string) {
	secure := "https://" + strings.TrimPrefix(e.URL, "http://")
	if p.Options.Offline {
		res.Details = append(res.Details, p.T("Whether %s answers over https too is not checked (--offline).", redact.URL(secure)))
		return
	}
	ctx, cancel := context.WithTimeout(p.context(), p.Options.Timeout)
	defer cancel()
	if _, err := p.web().List(ctx, secure, "golang.org/x/mod"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		res.Details = append(res.Details, p.T("%s does not answer over https (%v): keep http, or ask for an https proxy", redact.URL(e.URL), err))
		return
	}
	fixSetFrom(res, p, "proxy-https", p.T("Use https for the proxy"), "GOPROXY", strings.ReplaceAll(value, e.URL, secure), nil)
}

// badProxy reports a GOPROXY that the go command refuses when it first
// needs the network, quoting its error.
func badProxy(p *Pass, st goenv.Setting, err error) Result {
	env := p.Env()
	res := Result{Status: Fail, Details: []string{"go: " + err.Error()}}
	if errors.Is(err, gosettings.ErrEmptyProxyList) && strings.TrimSpace(st.Value) == "" {
		switch {
		case st.Source == goenv.FromUserFile:
			res.Summary = p.T("GOPROXY is empty: `go env -w GOPROXY=` hides the toolchain's default, so every download fails")
			res.Details = append(res.Details, p.T("%s sets GOPROXY= (line %d); remove the line to get the default back.", env.UserFile.Path, env.UserFile.Lines["GOPROXY"]))
			fixUnset(&res, p, "unset-goproxy", p.T("Restore the default GOPROXY"), "GOPROXY")
		default:
			res.Summary = p.T("GOPROXY is empty, so every module download fails")
			res.Details = append(res.Details, p.T("The toolchain's go.env sets no GOPROXY (some packages drop that file); choose a proxy, or direct."))
		}
		return res
	}
	res.Summary = p.T("GOPROXY is invalid; every module download fails: %s", err.Error())
	res.Details = append(res.Details, p.T("set by: %s", describeSource(p, st)))
	restoreDefault(&res, p, "GOPROXY")
	return res
}

// describeProxies is the one-line reading of a proxy list.
func describeProxies(p *Pass, list []gosettings.ProxyEntry) string {
	parts := make([]string, len(list))
	for i, e := range list {
		parts[i] = e.String()
	}
	return strings.Join(parts, p.T(", then "))
}

// explainEntry says what the go command does with entry i and when it moves
// on to the next one.
func explainEntry(p *Pass, list []gosettings.ProxyEntry, i int) string {
	e := list[i]
	switch e.Kind {
	case gosettings.ProxyDirect:
		return p.T("direct: fetch from the module's version control repository")
	case gosettings.ProxyOff:
		return p.T("off: fail the download")
	}
	s := e.String()
	if e.SchemeInferred {
		s = p.T("%s (https:// added by the go command)", s)
	}
	switch {
	case i == len(list)-1:
		return p.T("%s: last entry, its errors are final", s)
	case e.FallbackOnAnyError:
		return p.T(`%s: "|" falls through to the next entry on any error`, s)
	}
	return p.T(`%s: "," moves on only after 404 or 410; other errors (timeouts, 5xx) stop the download`, s)
}

// describeSource names where a setting's value comes from.
func describeSource(p *Pass, st goenv.Setting) string {
	switch st.Source {
	case goenv.FromProcess:
		return p.T("the environment variable %s", st.Name)
	case goenv.FromUserFile:
		return p.T("the go env file (go env -w)")
	case goenv.FromGOROOT:
		return p.T("the toolchain's defaults ($GOROOT/go.env)")
	}
	return p.T("the go command's built-in default")
}

// restoreDefault offers the fix that brings a setting back to the
// toolchain's own default, when the value was set by the user.
func restoreDefault(res *Result, p *Pass, name string) {
	restoreDefaultOp(res, p, name, nil)
}

// restoreDefaultOp is restoreDefault proven by op, the operation the
// setting was seen to break, when it is not nil.
func restoreDefaultOp(res *Result, p *Pass, name string, op *remedy.Operation) {
	title := p.T("Restore the default %s", name)
	if p.Env().Settings[name].InProcess {
		title = p.T("Stop overriding %s in the environment", name)
	}
	fixUnsetOp(res, p, "unset-"+strings.ToLower(name), title, name, op)
}

// breaks runs op on this machine and, when the go command fails it,
// reports the failure as the finding: summary (what fails, in a person's
// words) and the go command's own; the fix restores the setting's
// default, proven by the same operation on the next shell. It reports
// whether op failed.
func breaks(res *Result, p *Pass, name string, op remedy.Operation, summary string) bool {
	err := p.Fails(op)
	if err == nil {
		return false
	}
	setFirst(res, Fail, summary)
	res.Details = append(res.Details, said(err))
	res.Details = append(res.Details, whereSet(p, p.Env().Settings[name])...)
	restoreDefaultOp(res, p, name, &op)
	return true
}
