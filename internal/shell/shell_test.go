package shell_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/godoctorhq/godoctor/internal/fakesys"
	"github.com/godoctorhq/godoctor/internal/shell"
)

func TestFindExports(t *testing.T) {
	m := fakesys.New(t)
	m.WriteFile(m.Home(".bashrc"), "# mine\nexport GOPROXY=https://goproxy.cn\nexport GOPROXYX=1\n  GOPROXY=direct go build\n")
	m.WriteFile(m.Home(".config/fish/config.fish"), "set -gx GOPROXY https://goproxy.io\n")
	var got []string
	for _, l := range shell.FindExports(m.Sys, "GOPROXY") {
		got = append(got, filepath.Base(l.File)+":"+l.Text)
	}
	want := []string{".bashrc:export GOPROXY=https://goproxy.cn", ".bashrc:  GOPROXY=direct go build", "config.fish:set -gx GOPROXY https://goproxy.io"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FindExports = %q, want %q", got, want)
	}
}
