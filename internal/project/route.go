package project

import (
	"errors"

	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
)

// Route is how the go command fetches and verifies a module from here:
// through GOPROXY's list, or directly when GONOPROXY (GOPRIVATE) covers
// it; against GOSUMDB, unless GONOSUMDB (GOPRIVATE) covers it or GOSUMDB
// is off. Modules with the same Route meet the same hosts.
type Route struct {
	// Proxies is GOPROXY, or "direct" for a module GONOPROXY sends
	// there; ProxyRule the pattern that does ("GOPRIVATE=corp.example").
	Proxies, ProxyRule string
	// SumDB is GOSUMDB, "off" when nothing is checked; SumRule the pattern
	// that keeps the module out of it.
	SumDB, SumRule string
}

// RouteOf is the route of the module path under env's settings.
func RouteOf(env *goenv.Snapshot, path string) Route {
	private := env.Value("GOPRIVATE")
	r := Route{Proxies: env.Value("GOPROXY"), SumDB: env.Value("GOSUMDB")}
	if rule := gosettings.Rule(path, "GONOPROXY", env.Value("GONOPROXY"), "GOPRIVATE", private); rule != "" && r.Proxies != "direct" {
		r.Proxies, r.ProxyRule = "direct", rule
	}
	if _, err := gosettings.ParseGOSUMDB(r.SumDB); errors.Is(err, gosettings.ErrSumDBOff) {
		r.SumDB = "off"
	} else if rule := gosettings.Rule(path, "GONOSUMDB", env.Value("GONOSUMDB"), "GOPRIVATE", private); rule != "" {
		r.SumDB, r.SumRule = "off", rule
	}
	return r
}
