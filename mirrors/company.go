package mirrors

import (
	"context"
	"net/url"
	"strings"

	"github.com/godoctorhq/godoctor/internal/web"
)

// Product is what a company's module proxy is, recognised from its URL
// or its answers, and what its own health check says.
type Product struct {
	Name string // Athens, Artifactory, Nexus Repository
	// Health is what the health endpoint answered ("ping: OK", "readyz:
	// 500 ..."); Up reports whether it says the server works.
	Health string
	Up     bool
}

// healthLimit bounds a health page: a word or a small JSON object.
const healthLimit = 64 << 10

// Identify recognises a company proxy at base and asks its health
// endpoint: Artifactory's remote Go repositories (/artifactory/api/go/)
// and its /api/system/ping; Nexus's Go proxy repositories (/repository/)
// and /service/rest/v1/status; Athens by its /healthz and /readyz. false
// when it is none of them.
func Identify(ctx context.Context, c web.Client, base string) (Product, bool) {
	u, err := url.Parse(strings.TrimSuffix(base, "/"))
	if err != nil || u.Host == "" {
		return Product{}, false
	}
	root := u.Scheme + "://" + u.Host
	switch {
	case strings.Contains(u.Path, "/artifactory/api/go/"):
		prefix := u.Path[:strings.Index(u.Path, "/artifactory/")]
		return health(ctx, c, Product{Name: "Artifactory"}, "ping", root+prefix+"/artifactory/api/system/ping", "OK"), true
	case strings.Contains(u.Path, "/repository/"):
		prefix := u.Path[:strings.Index(u.Path, "/repository/")]
		return health(ctx, c, Product{Name: "Nexus Repository"}, "status", root+prefix+"/service/rest/v1/status", ""), true
	}
	r, err := c.Fetch(ctx, u.String()+"/healthz", healthLimit)
	if err != nil || r.StatusCode != 200 {
		return Product{}, false
	}
	return health(ctx, c, Product{Name: "Athens"}, "readyz", u.String()+"/readyz", ""), true
}

// health asks a health endpoint: up when it answers 200 (with want as its
// body, when want is set).
func health(ctx context.Context, c web.Client, p Product, name, endpoint, want string) Product {
	r, err := c.Fetch(ctx, endpoint, healthLimit)
	if err != nil {
		p.Health = name + ": " + err.Error()
		return p
	}
	body := strings.TrimSpace(string(r.Body))
	line, _, _ := strings.Cut(body, "\n")
	if len(line) > 120 {
		line = line[:120]
	}
	p.Up = r.StatusCode == 200 && (want == "" || body == want)
	p.Health = strings.TrimSpace(name + ": " + web.StatusError(endpoint, r).Status())
	if r.StatusCode == 200 {
		p.Health = strings.TrimSpace(name + ": 200 " + line)
	}
	return p
}
