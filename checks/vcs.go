package checks

import (
	"context"
	"strings"
	"time"
)

var toolsVCS = &Check{
	ID:    "tools.vcs",
	Title: "Version control (git)",
	Run: func(ctx context.Context, p *Pass) Result {
		git := p.Sys.LookPath("git")
		if git == "" {
			res := Result{Status: Warn, Summary: p.T("git is not on PATH: modules fetched directly (GOPROXY direct, GOPRIVATE) cannot be downloaded")}
			if p.Env().Value("GOPRIVATE") != "" {
				res.Status = Fail
				res.Summary = p.T("git is not on PATH, and GOPRIVATE modules are fetched with it")
			}
			return res
		}
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		out, err := p.Sys.Run(ctx, p.Sys.Dir, p.Sys.Environ(), git, "--version")
		if err != nil {
			return Result{Status: Fail, Summary: p.T("%s does not run", git), Details: []string{err.Error()}}
		}
		return ok(p.T("git runs: %s", strings.TrimSpace(string(out))), git)
	},
}
