package goenv

import (
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/godoctorhq/godoctor/internal/gosettings"
	"github.com/godoctorhq/godoctor/internal/system"
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

// readEnvFile reads a go env file. A missing file is not an error.
func readEnvFile(path string) EnvFile {
	f := EnvFile{Path: path, Values: map[string]string{}, Lines: map[string]int{}}
	if path == "" {
		return f
	}
	data, err := system.ReadFile(path, system.MaxSettingsFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return f
	case err != nil:
		f.Exists, f.Err = true, err
		return f
	}
	f.Exists = true
	f.Values, f.Lines = gosettings.ParseEnvFile(data)
	return f
}

// UserEnvFile returns the path of the user's go env file as the go command
// finds it ($GOENV, else the go directory of the user config directory), and
// whether GOENV=off disables it.
func UserEnvFile(s *system.System) (path string, disabled bool, err error) {
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
