package goenv

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// EnvFile is a go env file: the user's (written by go env -w) or
// $GOROOT/go.env.
type EnvFile struct {
	Path   string
	Exists bool
	Err    error // a read error other than "does not exist"
	// Values holds each key's effective value in the file (the last
	// duplicate wins, as in the go command).
	Values map[string]string
	// Lines holds the 1-based line of each key's effective value.
	Lines map[string]int
}

// Has reports whether the file sets key (possibly to "").
func (f EnvFile) Has(key string) bool {
	_, ok := f.Values[key]
	return ok
}

// ReadEnvFile reads a go env file. A missing file is not an error.
func ReadEnvFile(path string) EnvFile {
	f := EnvFile{Path: path, Values: map[string]string{}, Lines: map[string]int{}}
	if path == "" {
		return f
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return f
	case err != nil:
		f.Err = err
		return f
	}
	f.Exists = true
	f.Values, f.Lines = ParseEnvFile(data)
	return f
}

// ParseEnvFile parses the go env file format as cmd/go's readEnvFile does:
// KEY=VALUE lines split at "\n" only, no quoting, the value everything after
// the first "="; lines without "=" or not starting with A-Z are ignored
// (that is how go.env has comments); the last duplicate wins.
func ParseEnvFile(data []byte) (values map[string]string, lines map[string]int) {
	values, lines = map[string]string{}, map[string]int{}
	for n, line := range strings.Split(string(data), "\n") {
		key, val, ok := strings.Cut(line, "=")
		if !ok || line[0] < 'A' || 'Z' < line[0] {
			continue
		}
		values[key] = val
		lines[key] = n + 1
	}
	return values, lines
}

// UserEnvFile returns the path of the user's go env file as the go command
// finds it ($GOENV, else the go directory of the user config directory), and
// whether GOENV=off disables it.
func (s *System) UserEnvFile() (path string, disabled bool, err error) {
	if file := s.Getenv("GOENV"); file != "" {
		if file == "off" {
			return "", true, nil
		}
		return file, false, nil
	}
	dir, err := s.UserConfigDir()
	if err != nil {
		return "", false, err
	}
	return filepath.Join(dir, "go", "env"), false, nil
}
