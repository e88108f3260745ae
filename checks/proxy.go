package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/godoctor/godoctor/goenv"
)

var envGoproxy = &Check{
	ID:    "env.goproxy",
	Title: "Module proxy (GOPROXY)",
	Run: func(ctx context.Context, p *Pass) Result {
		env := p.Env()
		st := env.Settings["GOPROXY"]
		list, err := goenv.ParseProxyList(st.Value)
		if err != nil {
			return badProxy(p, st, err)
		}
		res := ok(describeProxies(list))
		for i := range list {
			res.Details = append(res.Details, fmt.Sprintf("%d. %s", i+1, explainEntry(list, i)))
		}
		res.Details = append(res.Details, "set by: "+describeSource(st))
		if len(goenv.ParsePatterns(env.Value("GONOPROXY"))) > 0 {
			res.Details = append(res.Details, "modules matching GONOPROXY="+env.Value("GONOPROXY")+" are fetched directly, before this list")
		}

		switch last := list[len(list)-1]; {
		case list[0].Kind == goenv.ProxyOff:
			res.worsen(Warn)
			res.Summary = "GOPROXY=off: the go command downloads no modules"
			res.Details = append(res.Details, "Every lookup fails with: module lookup disabled by GOPROXY=off (modules matching GONOPROXY excepted).")
			restoreDefault(&res, p, "GOPROXY")
		case last.Kind == goenv.ProxyURL:
			res.worsen(Warn)
			res.Details = append(res.Details, "The list ends without direct: a module that no proxy in it serves cannot be downloaded (fine only if your proxies serve every module you use).")
			fixSet(&res, p, "proxy-direct", "Fall back to direct", "GOPROXY", strings.TrimRight(st.Value, ",|")+",direct")
		}
		for _, e := range list {
			if e.Kind != goenv.ProxyURL || !strings.HasPrefix(e.URL, "http://") {
				continue
			}
			if goenv.HasCredentials(e.URL) {
				res.worsen(Fail)
				res.Summary = "the go command refuses to send credentials over plain http"
				res.Details = append(res.Details, "go: refusing to pass credentials to insecure URL: "+e.String())
			} else {
				res.worsen(Warn)
				res.Details = append(res.Details, e.String()+" is plain http: anyone on the network path sees which modules you fetch and can answer for the proxy")
			}
			fixSet(&res, p, "proxy-https", "Use https for the proxy", "GOPROXY", strings.ReplaceAll(st.Value, "http://", "https://"))
		}
		return res
	},
}

// badProxy reports a GOPROXY that the go command refuses when it first
// needs the network, quoting its error.
func badProxy(p *Pass, st goenv.Setting, err error) Result {
	env := p.Env()
	res := Result{Status: Fail, Details: []string{"go: " + err.Error()}}
	if errors.Is(err, goenv.ErrEmptyProxyList) && strings.TrimSpace(st.Value) == "" {
		switch {
		case st.Source == goenv.FromUserFile:
			res.Summary = "GOPROXY is empty: `go env -w GOPROXY=` hides the toolchain's default, so every download fails"
			res.Details = append(res.Details, fmt.Sprintf("%s sets GOPROXY= (line %d); remove the line to get the default back.", env.UserFile.Path, env.UserFile.Lines["GOPROXY"]))
			fixUnset(&res, p, "unset-goproxy", "Restore the default GOPROXY", "GOPROXY")
		default:
			res.Summary = "GOPROXY is empty, so every module download fails"
			res.Details = append(res.Details, "The toolchain's go.env sets no GOPROXY (some packages drop that file); choose a proxy, or direct.")
		}
		return res
	}
	res.Summary = "GOPROXY is invalid; every module download fails: " + err.Error()
	res.Details = append(res.Details, "set by: "+describeSource(st))
	restoreDefault(&res, p, "GOPROXY")
	return res
}

// describeProxies is the one-line reading of a proxy list.
func describeProxies(list []goenv.ProxyEntry) string {
	parts := make([]string, len(list))
	for i, e := range list {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", then ")
}

// explainEntry says what the go command does with entry i and when it moves
// on to the next one.
func explainEntry(list []goenv.ProxyEntry, i int) string {
	e := list[i]
	switch e.Kind {
	case goenv.ProxyDirect:
		return "direct: fetch from the module's version control repository"
	case goenv.ProxyOff:
		return "off: fail the download"
	}
	s := e.String()
	if e.SchemeInferred {
		s += " (https:// added by the go command)"
	}
	switch {
	case i == len(list)-1:
		return s + ": last entry, its errors are final"
	case e.FallbackOnAnyError:
		return s + `: "|" falls through to the next entry on any error`
	}
	return s + `: "," moves on only after 404 or 410; other errors (timeouts, 5xx) stop the download`
}

// describeSource names where a setting's value comes from.
func describeSource(st goenv.Setting) string {
	switch st.Source {
	case goenv.FromProcess:
		return "the environment variable " + st.Name
	case goenv.FromUserFile:
		return "the go env file (go env -w)"
	case goenv.FromGOROOT:
		return "the toolchain's defaults ($GOROOT/go.env)"
	}
	return "the go command's built-in default"
}

// restoreDefault offers the fix that brings a setting back to the
// toolchain's own default, when the value was set by the user.
func restoreDefault(res *Result, p *Pass, name string) {
	title := "Restore the default " + name
	if p.Env().Settings[name].InProcess {
		title = "Stop overriding " + name + " in the environment"
	}
	fixUnset(res, p, "unset-"+strings.ToLower(name), title, name)
}
