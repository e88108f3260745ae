package why

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/godoctorhq/godoctor/internal/checksumdb"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/i18n"
	"github.com/godoctorhq/godoctor/internal/system"
	"github.com/godoctorhq/godoctor/internal/web"
)

// checkSum asks the checksum database for the version as the go command
// would: through the first GOPROXY entry that relays it, else directly,
// with the signed tree and inclusion proofs verified; and compares its
// answer with the go.sum line, when the current module has one.
func checkSum(ctx context.Context, o Options, t *Trace, db gosettings.SumDB) {
	h := &t.Route[len(t.Route)-1]
	version := t.Version
	if t.Resolved != "" {
		version = t.Resolved
	}
	proxies, _ := gosettings.ParseProxyList(o.Env.Value("GOPROXY"))
	route, err := checksumdb.Resolve(ctx, o.Web, db, proxies)
	if err != nil {
		h.Status, h.Detail = Fail, fmt.Sprintf("%s cannot be reached: %v", db.Name, err)
		if cause := web.Cause(i18n.Printer{}, err); cause != "" {
			h.Detail += ": " + cause
		}
		return
	}
	h.URL = route.Via(i18n.Printer{})
	lines, err := checksumdb.Client{Web: o.Web, DB: db, Route: route, State: o.SumDB}.Lookup(ctx, t.Module, version)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		h.Status, h.notFound = Fail, true
		h.Detail = fmt.Sprintf("%s does not know %s@%s (a private module, or a version that does not exist)", db.Name, t.Module, version)
		return
	case err != nil:
		h.Status, h.Detail = Fail, err.Error()
		return
	}
	var zip string
	for _, l := range lines {
		if f := strings.Fields(l); len(f) == 3 && f[0] == t.Module && f[1] == version {
			zip = f[2]
		}
	}
	h.Status, h.Detail = OK, fmt.Sprintf("%s@%s %s", t.Module, version, zip)
	if file, have := goSumLine(o, t.Module, version); have != "" {
		if have != zip {
			h.Status = Fail
			h.Detail = fmt.Sprintf("%s says %s, the database %s: the go command refuses it (checksum mismatch)", file, have, zip)
			return
		}
		h.Detail += "; " + file + " agrees"
	}
}

// goSumLine is the zip hash the current module's go.sum holds for the
// version, "" when none.
func goSumLine(o Options, path, version string) (file, hash string) {
	m := o.Env.Module
	if m == nil || m.GoModFile == "" {
		return "", ""
	}
	file = filepath.Join(filepath.Dir(m.GoModFile), "go.sum")
	data, err := system.ReadFile(file, system.MaxSumFile)
	if err != nil {
		return "", ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if l := strings.Fields(line); len(l) == 3 && l[0] == path && l[1] == version {
			return file, l[2]
		}
	}
	return "", ""
}
