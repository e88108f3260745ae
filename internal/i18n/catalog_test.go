package i18n

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// testSupport are the packages that only tests import: nothing they say
// reaches a user.
var testSupport = map[string]bool{"fakesys": true, "gosandbox": true, "testproxy": true}

// keys collects every text the code translates: the first argument of a
// call to a method T when it is a string literal or a string constant,
// the Title of every check, the installer's progress phases, what
// the failure families say (Means, Causes, Advice), and a plan's notes.
func keys(t *testing.T) map[string]string {
	t.Helper()
	found := map[string]string{}
	fset := token.NewFileSet()
	const root = "../.." // the module
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (testSupport[d.Name()] || d.Name() == "bench" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		consts := map[string]string{}
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if s, ok := literal(vs.Values[i]); ok {
							consts[name.Name] = s
						}
					}
				}
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "T" && len(n.Args) > 0 {
					if s, ok := literal(n.Args[0]); ok {
						found[s] = fset.Position(n.Pos()).String()
					} else if id, ok := n.Args[0].(*ast.Ident); ok && consts[id.Name] != "" {
						found[consts[id.Name]] = fset.Position(n.Pos()).String()
					}
				}
			case *ast.KeyValueExpr:
				key, _ := n.Key.(*ast.Ident)
				if key == nil {
					return true
				}
				dir := filepath.Base(filepath.Dir(path))
				translated := key.Name == "Title" && dir == "checks" || key.Name == "phase" && dir == "installer" ||
					dir == "failure" && (key.Name == "Means" || key.Name == "Causes" || key.Name == "Advice") ||
					dir == "why" && key.Name == "Why" || dir == "change" && key.Name == "Text"
				if !translated {
					return true
				}
				values := []ast.Expr{n.Value}
				if list, ok := n.Value.(*ast.CompositeLit); ok {
					values = list.Elts
				}
				for _, v := range values {
					if s, ok := literal(v); ok {
						found[s] = fset.Position(v.Pos()).String()
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func literal(e ast.Expr) (string, bool) {
	b, ok := e.(*ast.BasicLit)
	if !ok || b.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(b.Value)
	return s, err == nil
}

var verb = regexp.MustCompile(`%(?:\[\d+\])?[-+# 0-9.*]*[a-zA-Z%]`)

var index = regexp.MustCompile(`\[\d+\]`)

func verbs(s string) []string {
	v := verb.FindAllString(s, -1)
	for i := range v {
		v[i] = index.ReplaceAllString(v[i], "")
	}
	slices.Sort(v)
	return v
}

// TestCatalog checks that every text has a Chinese entry with the same
// format verbs and the same leading and trailing newlines, and that no
// entry is left over.
func TestCatalog(t *testing.T) {
	found := keys(t)
	var missing []string
	for k, pos := range found {
		tr, ok := zh[k]
		if !ok {
			missing = append(missing, k)
			t.Errorf("%s: no Chinese for %q", pos, k)
			continue
		}
		if !slices.Equal(verbs(k), verbs(tr)) {
			t.Errorf("%q and %q have different format verbs", k, tr)
		}
		if strings.HasSuffix(k, "\n") != strings.HasSuffix(tr, "\n") || strings.HasPrefix(k, "\n") != strings.HasPrefix(tr, "\n") {
			t.Errorf("%q and %q differ in leading or trailing newlines", k, tr)
		}
	}
	for k := range zh {
		if _, ok := found[k]; !ok {
			t.Errorf("the Chinese entry for %q is not used", k)
		}
	}
	if dump := os.Getenv("GODOCTOR_I18N_MISSING"); dump != "" && len(missing) > 0 {
		slices.Sort(missing)
		var b strings.Builder
		for _, m := range missing {
			b.WriteString(strconv.Quote(m) + "\n")
		}
		os.WriteFile(dump, []byte(b.String()), 0o644)
	}
}

func TestDetect(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, c := range []struct {
		flag string
		env  map[string]string
		want Lang
	}{
		{"", map[string]string{"LANG": "zh_CN.UTF-8"}, Zh},
		{"", map[string]string{"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, En},
		{"", map[string]string{"LC_ALL": "zh_TW", "LANG": "en_US"}, Zh},
		{"en", map[string]string{"LANG": "zh_CN.UTF-8"}, En},
		{"zh", nil, Zh},
		{"", map[string]string{"LANG": "C.UTF-8"}, En},
		{"", nil, En},
	} {
		got, err := Detect(c.flag, env(c.env))
		if err != nil || got != c.want {
			t.Errorf("Detect(%q, %v) = %v, %v; want %v", c.flag, c.env, got, err, c.want)
		}
	}
	if _, err := Detect("fr", env(nil)); err == nil {
		t.Error("--lang fr accepted")
	}
}

// argumentsOf maps each argument a format uses, by its index from 1, to
// its verb's letter: "%s at %d" is {1: s, 2: d}, "%[2]d: %[1]s" the same.
func argumentsOf(format string) (map[int]byte, bool) {
	args := map[int]byte{}
	next := 1
	explicit := true
	for _, m := range verbWithIndex.FindAllStringSubmatch(format, -1) {
		if m[3] == "%" {
			continue
		}
		n := next
		if m[1] != "" {
			n, _ = strconv.Atoi(m[1])
		} else {
			explicit = false
		}
		args[n] = m[3][0]
		next = n + 1
	}
	return args, explicit
}

var verbWithIndex = regexp.MustCompile(`%(?:\[(\d+)\])?([-+# 0-9.*]*)([a-zA-Z%])`)

// TestArgumentOrder: a Chinese text of more than one argument names each
// one by its index (%[2]s), so that the order of the sentence can change
// and every argument still lands where it belongs ("为 %[2]s/%[3]s 安装
// %[1]s", not "为 %s/%s 安装 %s", which put the version where the OS
// goes); and it uses the same arguments, with the same verbs, as the
// English. Formatting both with a marker per argument shows each marker
// in each.
func TestArgumentOrder(t *testing.T) {
	for en, tr := range zh {
		want, _ := argumentsOf(en)
		if len(want) < 2 {
			continue
		}
		got, explicit := argumentsOf(tr)
		if !explicit {
			t.Errorf("%q: the Chinese %q must name each argument by its index (%%[1]s, %%[2]s)", en, tr)
			continue
		}
		if !maps.Equal(want, got) {
			t.Errorf("%q takes arguments %v, the Chinese %q %v", en, want, tr, got)
			continue
		}
		args := make([]any, len(want))
		for i := range args {
			switch want[i+1] {
			case 'd':
				args[i] = 9001 + i
			default:
				args[i] = fmt.Sprintf("ARG%d", i+1)
			}
		}
		a, b := fmt.Sprintf(en, args...), fmt.Sprintf(tr, args...)
		for i := range args {
			mark := fmt.Sprint(args[i])
			if strings.Contains(a, mark) != strings.Contains(b, mark) || strings.Contains(b, "%!") {
				t.Errorf("%q with its arguments reads %q; the Chinese %q", en, a, b)
			}
		}
	}
}
