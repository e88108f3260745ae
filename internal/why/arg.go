package why

import (
	"fmt"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/godoctorhq/godoctor/internal/system"
	"golang.org/x/mod/module"

	"github.com/godoctorhq/godoctor/internal/goenv"
)

// ParseArg splits MODULE[@VERSION] and checks both as the go command
// would; the version is "" when none is given, and must be exact or
// "latest".
func ParseArg(arg string) (path, version string, err error) {
	path, version, _ = strings.Cut(strings.TrimSpace(arg), "@")
	if err := module.CheckPath(path); err != nil {
		return "", "", fmt.Errorf("%q is not a module path: %w", path, err)
	}
	if version != "" && version != "latest" {
		if err := module.Check(path, version); err != nil {
			return "", "", fmt.Errorf("%q: give an exact version (v1.2.3), or latest: %w", arg, err)
		}
	}
	return path, version, nil
}

// Required is the version of path that the go.mod here (or a go.work's
// modules) requires, and the file that says so; "" when none does, or
// when a replace takes the module out of the go command's fetching.
func Required(env *goenv.Snapshot, path string) (version, file string) {
	var files []string
	if m := env.Module; m != nil && m.GoModFile != "" {
		files = append(files, m.GoModFile)
	}
	if w := env.Work; w != nil && w.File != "" {
		for _, u := range w.Uses {
			if !filepath.IsAbs(u) {
				u = filepath.Join(filepath.Dir(w.File), u)
			}
			files = append(files, filepath.Join(u, "go.mod"))
		}
	}
	for _, file := range files {
		data, err := system.ReadFile(file, system.MaxModFile)
		if err != nil {
			continue
		}
		mf, err := modfile.ParseLax(file, data, nil)
		if err != nil {
			continue
		}
		for _, r := range mf.Replace {
			if r.Old.Path == path {
				return "", ""
			}
		}
		for _, r := range mf.Require {
			if r.Mod.Path == path {
				return r.Mod.Version, file
			}
		}
	}
	return "", ""
}
