package change

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/godoctorhq/godoctor/internal/shell"
	"github.com/godoctorhq/godoctor/internal/system"
)

// The shell profile is changed only inside one block that godoctor owns.
const (
	blockStart = "# >>> godoctor >>> (managed by godoctor; godoctor undo removes it)"
	blockEnd   = "# <<< godoctor <<<"
)

// pathFiles are the start-up files that new shells of the user's kind
// read, login and interactive, as rustup sets PATH up: bash reads
// ~/.bashrc when interactive and the first of ~/.bash_profile,
// ~/.bash_login and ~/.profile as a login shell (ssh, a macOS terminal),
// and a .profile that does not source .bashrc is common; every zsh reads
// .zshenv (in ZDOTDIR when set), and on macOS /etc/zprofile reorders PATH
// for login shells after it, so .zprofile too; fish reads every file of
// conf.d (a file of godoctor's own there, created with conf.d if needed);
// sh reads ~/.profile. Any other start-up file that holds godoctor's
// block (from an older godoctor) is kept up to date as well.
func pathFiles(sys *system.System) []string {
	home := sys.Home
	zdot := home
	if z := sys.Getenv("ZDOTDIR"); z != "" && filepath.IsAbs(z) {
		zdot = z
	}
	config := filepath.Join(home, ".config")
	if x := sys.Getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		config = x
	}
	fishFile := filepath.Join(config, "fish", "conf.d", "godoctor.fish")
	var files []string
	switch shell.User(sys) {
	case shell.Bash:
		login := filepath.Join(home, ".profile")
		for _, name := range []string{".bash_profile", ".bash_login", ".profile"} {
			if exists(filepath.Join(home, name)) {
				login = filepath.Join(home, name)
				break
			}
		}
		files = []string{filepath.Join(home, ".bashrc"), login}
	case shell.Zsh:
		files = []string{filepath.Join(zdot, ".zshenv")}
		if sys.GOOS == "darwin" {
			files = append(files, filepath.Join(zdot, ".zprofile"))
		}
	case shell.Fish:
		files = []string{fishFile}
	default:
		files = []string{filepath.Join(home, ".profile")}
	}
	for _, f := range []string{
		filepath.Join(home, ".bashrc"), filepath.Join(home, ".bash_profile"), filepath.Join(home, ".bash_login"),
		filepath.Join(home, ".profile"), filepath.Join(zdot, ".zshenv"), filepath.Join(zdot, ".zprofile"),
		filepath.Join(zdot, ".zshrc"), filepath.Join(config, "fish", "config.fish"), fishFile,
	} {
		if !slices.Contains(files, f) && holdsBlock(f) {
			files = append(files, f)
		}
	}
	return files
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// holdsBlock reports whether a file has a godoctor marker in it.
func holdsBlock(path string) bool {
	data, _, err := readFile(path)
	return err == nil && (bytes.Contains(data, []byte(blockStart)) || bytes.Contains(data, []byte(blockEnd)))
}

// kindOf is the shell whose syntax a start-up file is written in.
func kindOf(path string) shell.Kind {
	if strings.HasSuffix(path, ".fish") {
		return shell.Fish
	}
	return shell.Sh
}

// pathBlockEdits plans godoctor's block in every start-up file of
// pathFiles so that dirs come first on PATH, ahead of the directories the
// block already puts there except those in drop. A block is replaced
// where it exists and appended otherwise; the rest of each file is kept
// byte for byte. A file whose block is broken stops the whole plan.
func pathBlockEdits(sys *system.System, dirs, drop []string) ([]Edit, error) {
	var edits []Edit
	for _, path := range pathFiles(sys) {
		e, err := pathBlockEdit(path, kindOf(path), dirs, drop)
		if err != nil {
			return nil, err
		}
		edits = append(edits, e)
	}
	return edits, nil
}

// pathBlockEdit plans the block of one file.
func pathBlockEdit(path string, sh shell.Kind, dirs, drop []string) (Edit, error) {
	before, mode, err := readFile(path)
	if err != nil {
		return Edit{}, err
	}
	all := append([]string(nil), dirs...)
	old, err := blockDirs(string(before), sh)
	if err != nil {
		return Edit{}, fmt.Errorf("%s: %w", path, err)
	}
	for _, d := range old {
		if !slices.Contains(all, d) && !slices.Contains(drop, d) {
			all = append(all, d)
		}
	}
	var body strings.Builder
	// Each line puts its directory first, so the first one is written last.
	for i := len(all) - 1; i >= 0; i-- {
		body.WriteString(pathLine(sh, all[i]) + "\n")
	}
	block := blockStart + "\n" + body.String() + blockEnd + "\n"
	after, err := replaceBlock(string(before), block)
	if err != nil {
		return Edit{}, fmt.Errorf("%s: %w", path, err)
	}
	return Edit{Path: path, Before: before, After: []byte(after), Mode: orMode(mode, 0o666)}, nil
}

// pathLine is the line that puts dir first on PATH in a shell.
func pathLine(sh shell.Kind, dir string) string {
	if sh == shell.Fish {
		return "fish_add_path --global --move --path " + shell.FishQuote(dir)
	}
	return `export PATH="` + shell.DoubleQuoted(dir) + `:$PATH"`
}

// BrokenBlockError is a file whose godoctor block is not whole: one
// marker without the other, two blocks, or the end before the start.
// godoctor does not guess where its block ends: the file is left alone.
type BrokenBlockError struct {
	Line   int // 1-based, of the marker that has no partner
	Reason string
}

func (e *BrokenBlockError) Error() string {
	return fmt.Sprintf("line %d: %s; godoctor leaves the file alone until the block is mended by hand (remove the marker line, or put back the missing one: %q ... %q)", e.Line, e.Reason, blockStart, blockEnd)
}

// findBlock locates godoctor's block: the offset of its start marker and
// the offset just past its end marker's line; found is false when the
// file has none.
func findBlock(text string) (start, end int, found bool, err error) {
	lineOf := func(off int) int { return strings.Count(text[:off], "\n") + 1 }
	starts, ends := strings.Count(text, blockStart), strings.Count(text, blockEnd)
	start, end = strings.Index(text, blockStart), strings.Index(text, blockEnd)
	switch {
	case starts == 0 && ends == 0:
		return 0, 0, false, nil
	case starts > 1 || ends > 1:
		at := strings.LastIndex(text, blockStart)
		if ends > 1 {
			at = strings.LastIndex(text, blockEnd)
		}
		return 0, 0, false, &BrokenBlockError{Line: lineOf(at), Reason: "godoctor's block is there twice"}
	case ends == 0:
		return 0, 0, false, &BrokenBlockError{Line: lineOf(start), Reason: "godoctor's block starts here and never ends"}
	case starts == 0:
		return 0, 0, false, &BrokenBlockError{Line: lineOf(end), Reason: "godoctor's block ends here and never starts"}
	case end < start:
		return 0, 0, false, &BrokenBlockError{Line: lineOf(end), Reason: "godoctor's block ends here, before it starts"}
	}
	end += len(blockEnd)
	if end < len(text) && text[end] == '\n' {
		end++
	}
	return start, end, true, nil
}

// blockDirs reads back the directories of godoctor's block.
func blockDirs(text string, sh shell.Kind) ([]string, error) {
	start, end, found, err := findBlock(text)
	if !found {
		return nil, err
	}
	var dirs []string
	for _, line := range strings.Split(text[start:end], "\n") {
		var d string
		var ok bool
		if sh == shell.Fish {
			d, ok = strings.CutPrefix(line, "fish_add_path --global --move --path ")
			d = shell.FishUnquote(d)
		} else if d, ok = strings.CutPrefix(line, `export PATH="`); ok {
			d, ok = strings.CutSuffix(d, `:$PATH"`)
			d = shell.UndoDoubleQuoted(d)
		}
		if ok {
			dirs = append([]string{d}, dirs...) // lines are in reverse order
		}
	}
	return dirs, nil
}

// replaceBlock puts block where godoctor's block is, or at the end.
func replaceBlock(text, block string) (string, error) {
	start, end, found, err := findBlock(text)
	if err != nil {
		return "", err
	}
	if found {
		return text[:start] + block + text[end:], nil
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	if text != "" {
		text += "\n"
	}
	return text + block, nil
}

// commentOutEdit plans turning lines of a file into comments, marked as
// godoctor's so that a person sees why.
func commentOutEdit(path string, lines []int, why string) (Edit, error) {
	before, mode, err := readFile(path)
	if err != nil {
		return Edit{}, err
	}
	if before == nil {
		return Edit{}, fmt.Errorf("%s does not exist", path)
	}
	text := strings.SplitAfter(string(before), "\n")
	for _, n := range lines {
		if n < 1 || n > len(text) {
			return Edit{}, fmt.Errorf("%s has no line %d", path, n)
		}
		text[n-1] = "# " + strings.TrimRight(text[n-1], "\n") + "  # disabled by godoctor: " + why + "\n"
	}
	return Edit{Path: path, Before: before, After: []byte(strings.Join(text, "")), Mode: mode}, nil
}

func orMode(m, def fs.FileMode) fs.FileMode {
	if m == 0 {
		return def
	}
	return m
}
