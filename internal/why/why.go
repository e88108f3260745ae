// Package why traces how the go command would fetch and verify one module
// version from this machine: the settings that decide its route (GOPRIVATE,
// GONOPROXY, GONOSUMDB, GOINSECURE, GOPROXY, GOSUMDB), then each hop probed
// as the go command would probe it, in the order it would, stopping where
// it would stop.
package why

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/godoctorhq/godoctor/internal/checksumdb"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/web"
)

// Hop kinds and statuses, as `godoctor why --json` prints them.
const (
	KindProxy   = "proxy"
	KindDirect  = "direct"
	KindOff     = "off"
	KindSumDB   = "sumdb"
	KindNoSumDB = "nosumdb"

	OK     = "ok"
	Fail   = "fail"
	Skip   = "skip"
	Unused = "unused"
)

// Hop is one step of the route.
type Hop struct {
	Kind   string `json:"kind"`
	URL    string `json:"url,omitempty"`
	Rule   string `json:"rule,omitempty"`
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
	// MS is how long its requests took, 0 when none were made.
	MS int64 `json:"ms,omitempty"`
	// notFound is set when the hop answered that it does not have the
	// version (a 404 or 410, or a database that does not know it).
	notFound bool
}

// Setting is a setting change that would let the go command fetch the
// module; the caller confirms it with the go command before proposing it.
type Setting struct {
	Name, Value string
	Why         string
}

// Trace is the answer.
type Trace struct {
	Module string `json:"module"`
	// Version is what was asked for, or what go.mod requires, or "latest";
	// Resolved is the version a hop answered for latest.
	Version     string `json:"version"`
	VersionFrom string `json:"version_from"`
	Resolved    string `json:"resolved,omitempty"`
	Route       []Hop  `json:"route"`
	// Fetchable is meaningful only when Probed.
	Fetchable bool   `json:"fetchable"`
	Probed    bool   `json:"probed"`
	Reason    string `json:"reason"`
	// Decider is the index in Route of the hop that decides, -1 when none.
	Decider int       `json:"decider"`
	Try     []Setting `json:"-"`
}

// Options say how to trace.
type Options struct {
	Env *goenv.Snapshot
	Web web.Client
	// Offline traces the rules and the route without a request.
	Offline bool
	// Git runs git (ls-remote) with the user's configuration; nil skips the
	// live check of the direct hop.
	Git GitRunner
	// SumDB is the state of the go command's checksum database cache.
	SumDB checksumdb.State
	// Netrc is the content of the user's .netrc, "" when there is none.
	Netrc string
	// ConfiguredOnly probes only the hosts the user configured (GOPROXY's
	// proxies, the checksum database): the direct hop, which would ask the
	// host a module path names for its meta tag and run git there, is left
	// out. explain sets it for a module that only a pasted text names.
	ConfiguredOnly bool
}

// GitRunner runs git with the user's configuration and prompts disabled,
// returning its standard output.
type GitRunner func(ctx context.Context, args ...string) ([]byte, error)

// Run traces path at version ("latest" for the newest); versionFrom
// says where the version comes from.
func Run(ctx context.Context, o Options, path, version, versionFrom string) *Trace {
	t := &Trace{Module: path, Version: version, VersionFrom: versionFrom, Decider: -1, Route: []Hop{}}
	env := o.Env
	// Each request carries what the go command's would: .netrc
	// credentials over https.
	o.Web.Auth = authenticate(o)
	private := env.Value("GOPRIVATE")
	noProxy, noSum := env.Value("GONOPROXY"), env.Value("GONOSUMDB")
	proxyRule := gosettings.Rule(path, "GONOPROXY", noProxy, "GOPRIVATE", private)
	sumRule := gosettings.Rule(path, "GONOSUMDB", noSum, "GOPRIVATE", private)
	insecure := gosettings.Rule(path, "GOINSECURE", env.Value("GOINSECURE"), "", "")

	// The route: GONOPROXY sends the module straight to direct; otherwise
	// GOPROXY's entries in order.
	var entries []gosettings.ProxyEntry
	if proxyRule != "" {
		entries = []gosettings.ProxyEntry{{Kind: gosettings.ProxyDirect, Raw: "direct"}}
	} else {
		var err error
		entries, err = gosettings.ParseProxyList(env.Value("GOPROXY"))
		if err != nil {
			t.Route = append(t.Route, Hop{Kind: KindOff, Rule: "GOPROXY=" + redact.List(env.Value("GOPROXY")), Status: Fail, Detail: err.Error()})
			t.Reason = "the go command refuses GOPROXY: " + err.Error()
			t.Probed, t.Decider = true, 0
			return t
		}
	}
	for i, e := range entries {
		h := Hop{Rule: "GOPROXY=" + redact.List(env.Value("GOPROXY")), Status: Skip}
		switch e.Kind {
		case gosettings.ProxyURL:
			h.Kind, h.URL = KindProxy, redact.URL(e.URL)
			if i < len(entries)-1 {
				if e.FallbackOnAnyError {
					h.Detail = "after any error the go command tries the next entry (|)"
				} else {
					h.Detail = "only after 404 or 410 does the go command try the next entry (,)"
				}
			}
		case gosettings.ProxyDirect:
			h.Kind = KindDirect
			if proxyRule != "" {
				h.Rule = proxyRule
			}
			if insecure != "" {
				h.Detail = insecure + ": plain http and unverified certificates are allowed"
			}
		case gosettings.ProxyOff:
			h.Kind, h.Status = KindOff, Fail
			h.Detail = "the go command stops here: module lookup disabled by GOPROXY=off"
		}
		t.Route = append(t.Route, h)
	}
	sum := Hop{Kind: KindSumDB, Status: Skip}
	db, dbErr := gosettings.ParseGOSUMDB(env.Value("GOSUMDB"))
	switch {
	case errors.Is(dbErr, gosettings.ErrSumDBOff):
		sum = Hop{Kind: KindNoSumDB, Rule: "GOSUMDB=off", Status: Skip, Detail: "nothing is checked against a checksum database; only go.sum vouches"}
	case sumRule != "":
		sum = Hop{Kind: KindNoSumDB, Rule: sumRule, Status: Skip, Detail: "not checked against the checksum database; only go.sum vouches"}
	case dbErr != nil:
		sum.Rule, sum.Status, sum.Detail = "GOSUMDB="+env.Value("GOSUMDB"), Fail, dbErr.Error()
	default:
		sum.Rule, sum.URL = "GOSUMDB="+redact.Text(env.Value("GOSUMDB")), db.URL
	}
	t.Route = append(t.Route, sum)
	if o.Offline {
		t.Reason = "not probed (--offline)"
		return t
	}
	t.Probed = true
	probe(ctx, o, t, entries, insecure != "")
	if t.Decider >= 0 && t.Route[t.Decider].Status == OK && sum.Kind == KindSumDB && sum.Status == Skip && dbErr == nil {
		checkSum(ctx, o, t, db)
	}
	verdict(t, path, proxyRule, sumRule)
	return t
}

// probe walks the fetch hops as the go command does: each proxy until
// one answers, moving on after 404 or 410 (or any error after "|").
func probe(ctx context.Context, o Options, t *Trace, entries []gosettings.ProxyEntry, insecure bool) {
	for i, e := range entries {
		h := &t.Route[i]
		var err error
		start := time.Now()
		switch e.Kind {
		case gosettings.ProxyOff:
			t.Decider = i
			return
		case gosettings.ProxyURL:
			err = probeProxy(ctx, o, t, h, e.URL)
		case gosettings.ProxyDirect:
			if o.ConfiguredOnly {
				h.Detail = joinDetail("not probed: the module is named only in the text, not required by this project; godoctor why "+t.Module+" probes its host", h.Detail)
				err = errNotProbed
				break
			}
			err = probeDirect(ctx, o, t, h, insecure)
		}
		h.MS = time.Since(start).Milliseconds()
		if errors.Is(err, errNotProbed) {
			h.Status, t.Decider = Skip, i
			return
		}
		if err == nil {
			h.Status = OK
			t.Decider = i
			markUnused(t, i+1, len(entries), "not tried: an earlier hop answered")
			return
		}
		h.Status, h.notFound = Fail, errors.Is(err, fs.ErrNotExist)
		detail := err.Error()
		if e.Kind == gosettings.ProxyURL {
			failed := e.URL
			if he := (*web.HTTPError)(nil); errors.As(err, &he) {
				failed = he.URL
			}
			if hint := accessHint(o, failed, err); hint != "" {
				detail += ": " + hint
			}
		}
		h.Detail = joinDetail(detail, h.Detail)
		if e.Kind == gosettings.ProxyURL && !e.FallbackOnAnyError && !errors.Is(err, fs.ErrNotExist) {
			t.Decider = i
			markUnused(t, i+1, len(entries), "not tried: the go command stops after an error other than 404 or 410 (,)")
			return
		}
		t.Decider = i
	}
}

func markUnused(t *Trace, from, to int, why string) {
	for j := from; j < to; j++ {
		t.Route[j].Status, t.Route[j].Detail = Unused, why
	}
}

func joinDetail(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}

// probeProxy asks a proxy as the go command does: the version's .info
// (or @v/list and @latest for latest), then its .mod and the first byte
// of its .zip.
func probeProxy(ctx context.Context, o Options, t *Trace, h *Hop, base string) error {
	version := t.Version
	if version == "latest" {
		esc, err := module.EscapePath(t.Module)
		if err != nil {
			return err
		}
		data, err := o.Web.Get(ctx, strings.TrimSuffix(base, "/")+"/"+esc+"/@latest", web.SmallLimit)
		if err != nil {
			return err
		}
		v, err := infoVersion(data)
		if err != nil {
			return err
		}
		version, t.Resolved = v, v
	} else {
		u, err := web.VersionURL(base, t.Module, version, ".info")
		if err != nil {
			return err
		}
		data, err := o.Web.Get(ctx, u, web.SmallLimit)
		if err != nil {
			return err
		}
		if _, err := infoVersion(data); err != nil {
			return err
		}
	}
	u, _ := web.VersionURL(base, t.Module, version, ".mod")
	if _, err := o.Web.Get(ctx, u, web.SmallLimit); err != nil {
		return err
	}
	u, _ = web.VersionURL(base, t.Module, version, ".zip")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Range", "bytes=0-0")
	resp, err := o.Web.Open(req, 1<<20)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent {
		return &web.HTTPError{URL: redact.URL(u), StatusCode: resp.StatusCode}
	}
	h.Detail = joinDetail(version+": .info, .mod and .zip answered", h.Detail)
	return nil
}

// infoVersion reads a proxy's .info answer, refusing what is not one (an
// HTML portal answering 200).
func infoVersion(data []byte) (string, error) {
	var info struct{ Version string }
	if err := json.Unmarshal(data, &info); err != nil || !semver.IsValid(info.Version) {
		return "", fmt.Errorf("the answer is not a module proxy's (%.40q)", data)
	}
	return info.Version, nil
}

// verdict says whether the go command can fetch and verify the module,
// and why, from the hops.
func verdict(t *Trace, path, proxyRule, sumRule string) {
	if t.Decider < 0 {
		t.Reason = "no hop to fetch from"
		return
	}
	h := t.Route[t.Decider]
	sum := t.Route[len(t.Route)-1]
	switch {
	case h.Status == Skip:
		t.Reason = "cannot tell: " + h.Detail
	case h.Status != OK:
		t.Reason = fmt.Sprintf("the %s hop %s fails: %s", h.Kind, h.URL, h.Detail)
		if h.URL == "" {
			t.Reason = fmt.Sprintf("the %s hop fails: %s", h.Kind, h.Detail)
		}
		if h.Kind == KindProxy && h.notFound && proxyRule == "" {
			if p := gosettings.PrivatePattern(path); p != "" {
				t.Try = append(t.Try, Setting{Name: "GOPRIVATE", Value: p, Why: "fetch it directly from its repository, not through the proxy, and skip the public checksum database"})
			}
		}
	case sum.Kind == KindSumDB && sum.Status == Fail:
		t.Reason = "the checksum database does not vouch for it: " + sum.Detail
		if sum.notFound && sumRule == "" {
			if p := gosettings.PrivatePattern(path); p != "" {
				t.Try = append(t.Try, Setting{Name: "GOPRIVATE", Value: p, Why: "a private module is not in the public checksum database"})
			}
		}
	default:
		t.Fetchable = true
		t.Reason = fmt.Sprintf("the %s hop answers", h.Kind)
		if h.URL != "" {
			t.Reason += " (" + h.URL + ")"
		}
		if sum.Kind == KindSumDB {
			t.Reason += " and the checksum database vouches for it"
		} else {
			t.Reason += "; " + sum.Rule + " leaves the checking to go.sum"
		}
	}
}
