package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godoctor/godoctor/installer"
	"github.com/godoctor/godoctor/internal/testproxy"
)

func TestInstallCommand(t *testing.T) {
	v := "go1.21.5"
	mod := testproxy.Module{Path: "golang.org/toolchain", Version: installer.ModuleVersion(v, "linux", "amd64"),
		Files: map[string]string{"bin/go": "#!/bin/sh\necho " + v + "\n", "VERSION": v + "\n", "src/_go.mod": "module std\n"}}
	proxy := testproxy.New(t, "sum.test", mod)
	r := newRealMachine(t)
	r.sys.GOOS, r.sys.GOARCH = "linux", "amd64"
	r.sys.Env["GOPROXY"] = proxy.URL
	r.sys.Env["GOSUMDB"] = proxy.SumDBKey
	sdk := filepath.Join(r.home, "sdk")

	before := r.files(t)
	out, code := r.run(t, "", "install", "1.21.5", "--dry-run")
	if code != 0 || !strings.Contains(out, "target "+filepath.Join(sdk, v)) || !strings.Contains(out, "dry run: nothing downloaded") {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	sameFiles(t, "dry run", before, r.files(t))
	if out, code := r.run(t, "n\n", "install", "1.21.5"); code != 0 || !strings.Contains(out, "not installed") {
		t.Errorf("declined: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(sdk); !os.IsNotExist(err) {
		t.Error("a declined install created the directory")
	}

	out, code = r.run(t, "y\ny\n", "install", "1.21.5", "--default")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if target, _ := os.Readlink(filepath.Join(sdk, "go")); target != v {
		t.Errorf("sdk/go -> %q", target)
	}
	bashrc, _ := os.ReadFile(filepath.Join(r.home, ".bashrc"))
	if !strings.HasPrefix(string(bashrc), userBashrc) || !strings.Contains(string(bashrc), `export PATH="`+filepath.Join(sdk, "go", "bin")+`:$PATH"`) {
		t.Errorf(".bashrc:\n%s", bashrc)
	}
	if out, code := r.run(t, "", "install", "go1.21.5", "--yes"); code != 0 || !strings.Contains(out, "already installed") {
		t.Errorf("again: exit %d\n%s", code, out)
	}
	if _, code := r.run(t, "", "undo"); code != 0 {
		t.Error("undo of the PATH block failed")
	}
	if b, _ := os.ReadFile(filepath.Join(r.home, ".bashrc")); string(b) != userBashrc {
		t.Errorf("after undo:\n%s", b)
	}
	for _, bad := range [][]string{{"install"}, {"install", "banana"}, {"install", "1.21.5", "--source", "ftp"}} {
		if _, code := r.run(t, "", bad...); code != 2 {
			t.Errorf("%q: exit %d, want 2", bad, code)
		}
	}
}
