package toolchain

import "testing"

// TestSelect follows cmd/go/internal/toolchain.Select and the cases of
// $GOROOT/src/cmd/go/testdata/script/gotoolchain_*.txt.
func TestSelect(t *testing.T) {
	for _, c := range []struct {
		in         Inputs
		name, mode string
		local      bool
		err        string
	}{
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "local", File: "go.mod", GoLine: "1.99"}, "go1.26.8", "", true, ""},
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "auto", File: "go.mod", GoLine: "1.99"}, "go1.99.0", "auto", false, ""},
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "path", File: "go.mod", GoLine: "1.27.1"}, "go1.27.1", "path", false, ""},
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "auto", File: "go.mod", GoLine: "1.26.0", ToolchainLine: "go1.26.11"}, "go1.26.11", "auto", false, ""},
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "local", File: "go.mod", GoLine: "1.26.0", ToolchainLine: "go1.26.11"}, "go1.26.8", "", true, ""},
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "auto", File: "go.mod", GoLine: "1.22", ToolchainLine: "go1.22.3"}, "go1.26.8", "auto", true, ""},
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "auto", File: "go.mod", GoLine: "1.27", ToolchainLine: "default"}, "go1.26.8", "auto", true, ""},
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "go1.25.0", File: "go.mod", GoLine: "1.26"}, "go1.25.0", "", false, ""},
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "go1.25.0+auto", File: "go.mod", GoLine: "1.26"}, "go1.26.0", "auto", false, ""},
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "go1.26.8"}, "go1.26.8", "", true, ""},
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "bash"}, "go1.26.8", "", true, `go: invalid GOTOOLCHAIN "bash"`},
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "go1.26.8+never"}, "go1.26.8", "", true, `go: invalid GOTOOLCHAIN "go1.26.8+never": only version suffixes are +auto and +path`},
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "bash+auto"}, "go1.26.8", "", true, `go: invalid GOTOOLCHAIN "bash+auto": invalid minimum toolchain "bash"`},
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "auto", File: "go.mod", GoLine: "1.26", ToolchainLine: "bash"}, "go1.26.8", "auto", true, `go: invalid toolchain "bash" in go.mod`},
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "auto", ModulesOff: true, File: "go.mod", GoLine: "1.99"}, "go1.26.8", "", true, ""},
		{Inputs{Local: "go1.26.8", GOTOOLCHAIN: "", File: "go.mod", GoLine: "1.99"}, "go1.26.8", "", true, ""},
	} {
		s := Select(c.in)
		errText := ""
		if s.Err != nil {
			errText = s.Err.Error()
		}
		if s.Name != c.name || s.Mode != c.mode || s.Local != c.local || errText != c.err {
			t.Errorf("%+v: %+v (%q), want %s mode %q local %v err %q", c.in, s, errText, c.name, c.mode, c.local, c.err)
		}
	}
}
