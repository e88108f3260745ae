package change

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/godoctorhq/godoctor/internal/gocmd"
	"github.com/godoctorhq/godoctor/internal/goenv"
	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/system"
)

// goEnvEdit plans setting and unsetting variables in the user's go env
// file exactly as go env -w and go env -u would. When a go command is
// given, it does the editing itself, on a copy of the file (so that its
// format and its checks of the values are the go command's own); the copy
// becomes the plan's new content, written atomically only on Apply.
// Without one, the same format is produced here.
func goEnvEdit(ctx context.Context, sys *system.System, gobin string, set map[string]string, unset []string) (Edit, error) {
	path, off, err := goenv.UserEnvFile(sys)
	switch {
	case off:
		return Edit{}, fmt.Errorf("GOENV=off: the go env file is not read; set the variables in the environment instead")
	case err != nil:
		return Edit{}, fmt.Errorf("cannot find the go env file: %w", err)
	}
	if err := checkValues(set); err != nil {
		return Edit{}, err
	}
	before, mode, err := readFile(path)
	if err != nil {
		return Edit{}, err
	}
	e := Edit{Path: path, Before: before, Mode: mode}
	if e.Mode == 0 {
		e.Mode = 0o666 // under the umask, as go env -w creates it
		for _, v := range set {
			if redact.List(v) != v {
				e.Mode = 0o600 // a credential stays the user's
			}
		}
	}
	if before == nil && len(set) == 0 {
		return e, nil // nothing to unset in a file that does not exist
	}
	if gobin == "" {
		e.After = writeEnvFile(before, set, unset)
		return e, nil
	}
	e.After, err = goEnvWrite(ctx, sys, gobin, before, set, unset)
	return e, err
}

// checkValues refuses, before anything is written and whether or not a go
// command does the writing, values the go env file cannot hold (a line
// break would start a line of its own: another setting) and GOPROXY and
// GOSUMDB values the go command would refuse when it first needs them.
func checkValues(set map[string]string) error {
	for _, k := range sortedKeys(set) {
		v := set[k]
		switch {
		case k == "" || k[0] < 'A' || k[0] > 'Z' || strings.ContainsFunc(k, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') }):
			return fmt.Errorf("%q is not a go env variable name", k)
		case strings.ContainsAny(v, "\x00\n\r") || !utf8.ValidString(v):
			return fmt.Errorf("%s=%q: a value with a line break, a NUL or invalid UTF-8 cannot go into the go env file", k, redact.List(v))
		}
		switch k {
		case "GOPROXY":
			if _, err := gosettings.ParseProxyList(v); err != nil {
				return fmt.Errorf("GOPROXY=%s: %w", redact.List(v), err)
			}
		case "GOSUMDB":
			if _, err := gosettings.ParseGOSUMDB(v); err != nil && !errors.Is(err, gosettings.ErrSumDBOff) {
				return fmt.Errorf("GOSUMDB=%s: %w", redact.List(v), err)
			}
		}
	}
	return nil
}

// goEnvWrite runs go env -w and -u against a temporary copy of the file.
func goEnvWrite(ctx context.Context, sys *system.System, gobin string, before []byte, set map[string]string, unset []string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "godoctor-goenv-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "env")
	if before != nil {
		if err := os.WriteFile(tmp, before, 0o600); err != nil {
			return nil, err
		}
	}
	if err := (gocmd.Runner{Sys: sys, Go: gobin}).WriteEnv(ctx, tmp, set, sortedKeys(set), unset); err != nil {
		var ge *gocmd.Error
		if errors.As(err, &ge) {
			return nil, fmt.Errorf("go %s refused: %v", strings.Join(ge.Args[:2], " "), redactTemp(errors.New(ge.Said()), tmp))
		}
		return nil, err
	}
	after, err := system.ReadFile(tmp, system.MaxSettingsFile)
	if os.IsNotExist(err) {
		return []byte{}, nil
	}
	return after, err
}

// redactTemp keeps the staging file's name out of messages.
func redactTemp(err error, tmp string) string {
	return strings.ReplaceAll(err.Error(), tmp, "the go env file")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// writeEnvFile is what go env -w (for set) followed by go env -u (for
// unset) write: each is cmd/go's updateEnvFile.
func writeEnvFile(data []byte, set map[string]string, unset []string) []byte {
	if len(set) > 0 {
		data = updateEnvFile(data, set, nil)
	}
	if len(unset) > 0 {
		data = updateEnvFile(data, nil, unset)
	}
	return data
}

// updateEnvFile is cmd/go's: earlier duplicates dropped, keys set in place
// or appended, unset keys removed, and each run of KEY=VALUE lines sorted
// by key.
func updateEnvFile(data []byte, set map[string]string, unset []string) []byte {
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	} else {
		lines[len(lines)-1] += "\n"
	}
	prev := map[string]int{}
	for i, l := range lines {
		if k := lineKey(l); k != "" {
			if p, ok := prev[k]; ok {
				lines[p] = ""
			}
			prev[k] = i
		}
	}
	for _, k := range sortedKeys(set) {
		if p, ok := prev[k]; ok {
			lines[p] = k + "=" + set[k] + "\n"
		} else {
			lines = append(lines, k+"="+set[k]+"\n")
		}
	}
	for _, k := range unset {
		if p, ok := prev[k]; ok {
			lines[p] = ""
		}
	}
	start := 0
	for i := 0; i <= len(lines); i++ {
		if i == len(lines) || lineKey(lines[i]) == "" {
			run := lines[start:i]
			sort.SliceStable(run, func(a, b int) bool { return lineKey(run[a]) < lineKey(run[b]) })
			start = i + 1
		}
	}
	return []byte(strings.Join(lines, ""))
}

func lineKey(line string) string {
	i := strings.Index(line, "=")
	if i < 0 || strings.Contains(line[:i], "#") {
		return ""
	}
	return line[:i]
}
