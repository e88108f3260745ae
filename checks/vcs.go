package checks

import (
	"context"
	"fmt"
	"strings"
	"time"
)

var toolsVCS = &Check{
	ID:    "tools.vcs",
	Title: "Version control (git)",
	Run: func(ctx context.Context, p *Pass) Result {
		git := p.Sys.LookPath("git")
		if git == "" {
			res := Result{Status: Warn, Summary: "git is not on PATH: modules fetched directly (GOPROXY direct, GOPRIVATE) cannot be downloaded"}
			if p.Env().Value("GOPRIVATE") != "" {
				res.Status = Fail
				res.Summary = "git is not on PATH, and GOPRIVATE modules are fetched with it"
			}
			return res
		}
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		out, err := p.Sys.Run(ctx, p.Sys.Dir, p.Sys.Environ(), git, "--version")
		if err != nil {
			return Result{Status: Fail, Summary: git + " does not run", Details: []string{err.Error()}}
		}
		return ok(strings.TrimSpace(string(out)), git)
	},
}

// notYet is the result of a network check that this build cannot make.
func notYet(what string) func(context.Context, *Pass) Result {
	return func(context.Context, *Pass) Result {
		return skip(fmt.Sprintf("%s is not checked by this version of godoctor", what))
	}
}

var netProxy = &Check{
	ID:      "net.proxy",
	Title:   "Module proxies answer",
	Network: true,
	Run:     notYet("reaching the module proxies"),
}

var netSumdb = &Check{
	ID:      "net.sumdb",
	Title:   "Checksum database answers",
	Network: true,
	Run:     notYet("reaching the checksum database"),
}
