// Package checksumdb is a client of the Go checksum database that reaches
// it the way the go command does (through the first GOPROXY entry that
// proxies it, else directly, or at the URL GOSUMDB names) and verifies
// everything it returns: the signed tree head against the database's key,
// and each go.sum line by its inclusion in the signed tree
// (golang.org/x/mod/sumdb does the verification).
package checksumdb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/internal/web"
)

// Route is how the database is reached.
type Route struct {
	// Base is the URL that /latest, /lookup/... and /tile/... are joined to.
	Base string
	// Proxy is the GOPROXY entry that proxies the database, "" when the
	// database is reached directly.
	Proxy string
	// Notes say what each proxy answered on the way, for the report.
	Notes []string
}

// Via describes the route for a person, in pr's language: through the
// proxy that relays the database (or that failed to say whether it does),
// else directly at its URL.
func (r Route) Via(pr i18n.Printer) string {
	switch {
	case r.Proxy != "":
		return pr.T("through %s", redact.URL(r.Proxy))
	case r.Base != "":
		return pr.T("directly at %s", redact.URL(r.Base))
	}
	return pr.T("directly")
}

// directURL is where a database is reached without a proxy.
func directURL(name string) string { return "https://" + name }

// Resolve finds the route the go command would take to the database:
// an explicit URL in GOSUMDB wins; otherwise each proxy is asked for
// <proxy>/sumdb/<name>/supported, a 200 selects it, a 404 or 410 (or any
// error after a "|") moves on, direct, off or the end of the list mean a
// direct connection, and any other answer leaves the database unreachable.
func Resolve(ctx context.Context, c web.Client, db gosettings.SumDB, proxies []gosettings.ProxyEntry) (Route, error) {
	if db.URL != "" {
		return Route{Base: strings.TrimSuffix(db.URL, "/")}, nil
	}
	var route Route
	for _, p := range proxies {
		if p.Kind != gosettings.ProxyURL {
			break
		}
		if strings.HasPrefix(p.URL, "file:") {
			// The go command reads file:// proxies too; godoctor does not
			// serve them over HTTP, so it treats them as not proxying.
			route.Notes = append(route.Notes, redact.URL(p.URL)+": a file proxy, not asked")
			continue
		}
		base := strings.TrimSuffix(p.URL, "/") + "/sumdb/" + db.Name
		_, err := c.Get(ctx, base+"/supported", web.SmallLimit)
		switch {
		case err == nil:
			route.Base, route.Proxy = base, p.URL
			route.Notes = append(route.Notes, redact.URL(p.URL)+" proxies "+db.Name)
			return route, nil
		case errors.Is(err, fs.ErrNotExist):
			var he *web.HTTPError
			errors.As(err, &he)
			route.Notes = append(route.Notes, fmt.Sprintf("%s does not proxy %s (%d)", redact.URL(p.URL), db.Name, he.StatusCode))
			continue
		case p.FallbackOnAnyError:
			route.Notes = append(route.Notes, fmt.Sprintf("%s: %v; \"|\" moves on", redact.URL(p.URL), err))
			continue
		}
		route.Proxy = p.URL // the proxy whose answer stops the route
		return route, fmt.Errorf("checking whether %s proxies %s: %w; the go command treats the database as unavailable", redact.URL(p.URL), db.Name, err)
	}
	route.Base = directURL(db.Name)
	return route, nil
}

// Latest fetches the database's signed tree head and verifies its
// signature with the database's key.
func Latest(ctx context.Context, c web.Client, db gosettings.SumDB, route Route) (tlog.Tree, error) {
	data, err := c.Get(ctx, route.Base+"/latest", web.SmallLimit)
	if err != nil {
		return tlog.Tree{}, err
	}
	return verifyTree(db, data)
}

// verifyTree checks a signed tree note against the database's key.
func verifyTree(db gosettings.SumDB, signed []byte) (tlog.Tree, error) {
	n, err := note.Open(signed, note.VerifierList(db.Verifier))
	if err != nil {
		var unknown *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		switch {
		case errors.As(err, &invalid):
			return tlog.Tree{}, fmt.Errorf("the signed tree head of %s has an invalid signature: it was not signed by key %s", db.Name, db.Key)
		case errors.As(err, &unknown):
			return tlog.Tree{}, fmt.Errorf("the signed tree head is not signed by %s's key %s", db.Name, db.Key)
		}
		return tlog.Tree{}, fmt.Errorf("the signed tree head of %s does not parse: %v", db.Name, err)
	}
	tree, err := tlog.ParseTree([]byte(n.Text))
	if err != nil {
		return tlog.Tree{}, fmt.Errorf("the signed tree head of %s does not parse: %v", db.Name, err)
	}
	return tree, nil
}

// Lookup returns the go.sum lines the database holds for path@version,
// verified: the lookup's record must be included in a tree whose head is
// signed by the database's key, proved with the tiles of the log.
func Lookup(ctx context.Context, c web.Client, db gosettings.SumDB, route Route, state State, path, version string) ([]string, error) {
	return Client{Web: c, DB: db, Route: route, State: state}.Lookup(ctx, path, version)
}

// Client looks modules up in one database reached along one route.
type Client struct {
	Web   web.Client
	DB    gosettings.SumDB
	Route Route
	State
}

// State is what this machine already knows of a database, as the go
// command keeps it; godoctor reads it and never writes it.
type State struct {
	// Known is a signed tree head this machine saw before (the go command
	// keeps the newest in GOPATH/pkg/sumdb/NAME/latest). An answer from a
	// tree that does not contain it comes from a database that forked its
	// log: a security error.
	Known []byte
	// CacheDir holds tiles and lookups as the go command caches them
	// (GOMODCACHE/cache/download/sumdb, files NAME/tile/... and
	// NAME/lookup/...): read first, never written.
	CacheDir string
}

// Lookup is the package's Lookup, starting from c.Known.
func (c Client) Lookup(ctx context.Context, path, version string) ([]string, error) {
	return c.Session(ctx).Lookup(path, version)
}

// Session is a Client whose lookups share one verified tree and one cache
// of tiles: checking many modules costs the tiles they need, not a tree
// and its proofs per module. It is safe for concurrent use.
type Session struct {
	name   string
	ops    *clientOps
	client *sumdb.Client
}

// Session starts a session whose requests stop with ctx.
func (c Client) Session(ctx context.Context) *Session {
	ops := &clientOps{ctx: ctx, web: c.Web, db: c.DB, base: c.Route.Base, cacheDir: c.CacheDir, config: map[string][]byte{}, cache: map[string][]byte{}, failed: map[string]error{}}
	if c.Known != nil {
		ops.config[c.DB.Name+"/latest"] = c.Known
	}
	return &Session{name: c.DB.Name, ops: ops, client: sumdb.NewClient(ops)}
}

// Lookup returns the verified go.sum lines of path@version.
func (s *Session) Lookup(path, version string) ([]string, error) {
	lines, err := s.client.Lookup(path, version)
	if security := s.ops.securityError(); security != "" {
		return nil, fmt.Errorf("SECURITY ERROR from checksum database %s: %s", s.name, security)
	}
	if err != nil {
		// The sumdb client keeps only the text of what went wrong; the
		// request's own error says whether the database lacks the module
		// (errors.Is fs.ErrNotExist) or could not be reached.
		if remoteErr := s.ops.requestError(path, version); remoteErr != nil {
			return nil, fmt.Errorf("looking up %s@%s in %s: %w", path, version, s.name, remoteErr)
		}
		return nil, fmt.Errorf("looking up %s@%s in %s: %v", path, version, s.name, redact.Error(err))
	}
	return lines, nil
}

// clientOps is sumdb.ClientOps over HTTP with an in-memory configuration
// and cache: godoctor verifies from scratch on every run.
type clientOps struct {
	ctx      context.Context
	web      web.Client
	db       gosettings.SumDB
	base     string
	cacheDir string
	mu       sync.Mutex
	config   map[string][]byte
	cache    map[string][]byte
	security string
	// failed holds the error of each request that failed, by path.
	failed map[string]error
}

// requestError is the error of the lookup of path@version, else of the
// first other request that failed (a tile), nil when none did.
func (o *clientOps) requestError(path, version string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if p, err := module.EscapePath(path); err == nil {
		if v, err := module.EscapeVersion(version); err == nil {
			if err := o.failed["/lookup/"+p+"@"+v]; err != nil {
				return err
			}
		}
	}
	keys := make([]string, 0, len(o.failed))
	for k := range o.failed {
		if !strings.HasPrefix(k, "/lookup/") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Strings(keys)
	return o.failed[keys[0]]
}

func (o *clientOps) securityError() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.security
}

func (o *clientOps) ReadRemote(path string) ([]byte, error) {
	data, err := o.web.Get(o.ctx, o.base+path, web.SmallLimit)
	if err != nil {
		o.mu.Lock()
		o.failed[path] = err
		o.mu.Unlock()
	}
	return data, err
}

func (o *clientOps) ReadConfig(file string) ([]byte, error) {
	if file == "key" {
		return []byte(o.db.Key), nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.config[file], nil
}

func (o *clientOps) WriteConfig(file string, old, new []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if string(o.config[file]) != string(old) {
		return sumdb.ErrWriteConflict
	}
	o.config[file] = new
	return nil
}

func (o *clientOps) ReadCache(file string) ([]byte, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if data, ok := o.cache[file]; ok {
		return data, nil
	}
	if o.cacheDir != "" && filepath.IsLocal(file) {
		// Inside the module cache: no link is followed out of it.
		return system.ReadFileNoFollow(filepath.Join(o.cacheDir, filepath.FromSlash(file)), web.SmallLimit)
	}
	return nil, errors.New("not cached")
}

func (o *clientOps) WriteCache(file string, data []byte) {
	o.mu.Lock()
	o.cache[file] = data
	o.mu.Unlock()
}

func (o *clientOps) Log(msg string) {}

func (o *clientOps) SecurityError(msg string) {
	o.mu.Lock()
	o.security = msg
	o.mu.Unlock()
}
