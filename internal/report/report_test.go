package report

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/godoctorhq/godoctor/checks"
	"github.com/godoctorhq/godoctor/internal/i18n"
)

func events(list []*checks.Check, order []int, results []checks.Result) <-chan checks.Event {
	ch := make(chan checks.Event, 2*len(order))
	for _, i := range order {
		ch <- checks.Event{Kind: checks.Started, Index: i, Check: list[i]}
		ch <- checks.Event{Kind: checks.Finished, Index: i, Check: list[i], Result: results[i], Duration: 3 * time.Millisecond}
	}
	close(ch)
	return ch
}

var (
	list = []*checks.Check{{ID: "a", Title: "First"}, {ID: "b", Title: "Second check"}, {ID: "c", Title: "Third"}}
	res  = []checks.Result{
		{Status: checks.OK, Summary: "fine", Details: []string{"hidden unless verbose"}},
		{Status: checks.Fail, Summary: "broken", Details: []string{"why"}, Fixes: []checks.Fix{{ID: "f", Title: "Mend it", Command: "go env -u GOPROXY"}}},
		{Status: checks.Skip, Summary: "skipped: --offline"},
	}
)

func TestWriteTextInOrder(t *testing.T) {
	var b bytes.Buffer
	r, err := WriteText(&b, "v1", list, events(list, []int{2, 1, 0}, res), TextOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := "✓ First         fine\n" +
		"✗ Second check  broken\n" +
		"    why\n" +
		"    fix (Mend it): go env -u GOPROXY\n" +
		"- Third         skipped: --offline\n" +
		"\n1 ok, 0 warnings, 1 failed, 1 skipped\n"
	if b.String() != want {
		t.Errorf("text =\n%s\nwant\n%s", b.String(), want)
	}
	if !r.Failed(false) || r.Summary != (Summary{OK: 1, Fail: 1, Skip: 1}) {
		t.Errorf("report = %+v", r.Summary)
	}
}

func TestWriteTextColorAndVerbose(t *testing.T) {
	var plain, color bytes.Buffer
	WriteText(&plain, "v1", list, events(list, []int{0, 1, 2}, res), TextOptions{Verbose: true})
	WriteText(&color, "v1", list, events(list, []int{0, 1, 2}, res), TextOptions{Color: true})
	if !strings.Contains(plain.String(), "hidden unless verbose") || strings.Contains(plain.String(), "\x1b") {
		t.Errorf("verbose plain text:\n%q", plain.String())
	}
	if !strings.Contains(color.String(), "\x1b[31m✗\x1b[0m") {
		t.Errorf("colour text:\n%q", color.String())
	}
}

func TestCollectAndJSON(t *testing.T) {
	r := Collect("v1", list, events(list, []int{1, 0, 2}, res), i18n.En)
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"version": "v1"`, `"id": "b"`, `"status": "fail"`, `"duration_ms": 3`, `"details": []`, `"fixes": []`, `"summary": {`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b.String())
		}
	}
	if r.Checks[0].ID != "a" || r.Checks[1].ID != "b" {
		t.Errorf("checks out of order: %+v", r.Checks)
	}
}

// TestMirrorsTableLinesUpInChinese: the header's columns start where the
// rows' do, in display width, whatever the language.
func TestMirrorsTableLinesUpInChinese(t *testing.T) {
	r := MirrorsReport{Mirrors: []MirrorEntry{{Name: "goproxy.cn", Status: "ok", Samples: 1, Verified: true}}}
	for _, lang := range []i18n.Lang{i18n.En, i18n.Zh} {
		var b strings.Builder
		WriteMirrorsText(&b, r, lang)
		lines := strings.Split(b.String(), "\n")
		var header, row string
		for i, l := range lines {
			if strings.HasPrefix(l, "# ") {
				header, row = l, lines[i+1]
			}
		}
		starts := func(l string) []int {
			var out []int
			prev := ' '
			col := 0
			for _, r := range l {
				if r != ' ' && prev == ' ' {
					out = append(out, col)
				}
				prev = r
				col += ansi.StringWidth(string(r))
			}
			return out
		}
		if h, w := starts(header), starts(row); len(h) < 3 || !slices.Equal(h[:3], w[:3]) {
			t.Errorf("%s: columns of %q start at %v, of %q at %v", lang, header, h, row, w)
		}
	}
}
