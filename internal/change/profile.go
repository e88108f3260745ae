package change

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/godoctorhq/godoctor/internal/goenv"
)

// The shell profile is changed only inside one block that godoctor owns.
const (
	blockStart = "# >>> godoctor >>> (managed by godoctor; godoctor undo removes it)"
	blockEnd   = "# <<< godoctor <<<"
)

// Shell is a shell whose start-up file godoctor writes.
type Shell string

const (
	Bash Shell = "bash"
	Zsh  Shell = "zsh"
	Fish Shell = "fish"
	Sh   Shell = "sh"
)

// UserShell is the login shell from $SHELL.
func UserShell(sys *goenv.System) Shell {
	switch filepath.Base(sys.Getenv("SHELL")) {
	case "bash":
		return Bash
	case "zsh":
		return Zsh
	case "fish":
		return Fish
	}
	return Sh
}

// ProfileFile is the start-up file that an interactive shell of this kind
// reads: ~/.bashrc (~/.bash_profile on macOS, whose terminals start login
// shells), ~/.zshrc, fish's config.fish, else ~/.profile.
func ProfileFile(sys *goenv.System, sh Shell) string {
	switch sh {
	case Bash:
		if sys.GOOS == "darwin" {
			return filepath.Join(sys.Home, ".bash_profile")
		}
		return filepath.Join(sys.Home, ".bashrc")
	case Zsh:
		return filepath.Join(sys.Home, ".zshrc")
	case Fish:
		return filepath.Join(sys.Home, ".config", "fish", "config.fish")
	}
	return filepath.Join(sys.Home, ".profile")
}

// PathBlockEdit plans godoctor's block in the user's shell profile so that
// dirs come first on PATH, ahead of the directories the block already
// puts there except those in drop. The block is replaced where it exists
// and appended otherwise; the rest of the file is kept byte for byte.
func PathBlockEdit(sys *goenv.System, dirs, drop []string) (Edit, error) {
	sh := UserShell(sys)
	path := ProfileFile(sys, sh)
	before, mode, err := readFile(path)
	if err != nil {
		return Edit{}, err
	}
	all := append([]string(nil), dirs...)
	for _, d := range blockDirs(string(before), sh) {
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
	after := replaceBlock(string(before), block)
	return Edit{Path: path, Before: before, After: []byte(after), Mode: orMode(mode, 0o644)}, nil
}

// pathLine is the line that puts dir first on PATH in a shell.
func pathLine(sh Shell, dir string) string {
	if sh == Fish {
		return "fish_add_path --global --move --path " + fishQuote(dir)
	}
	return `export PATH="` + shDoubleQuote(dir) + `:$PATH"`
}

// blockDirs reads back the directories of godoctor's block.
func blockDirs(text string, sh Shell) []string {
	start := strings.Index(text, blockStart)
	if start < 0 {
		return nil
	}
	end := strings.Index(text[start:], blockEnd)
	if end < 0 {
		return nil
	}
	var dirs []string
	for _, line := range strings.Split(text[start:start+end], "\n") {
		var d string
		var ok bool
		if sh == Fish {
			d, ok = strings.CutPrefix(line, "fish_add_path --global --move --path ")
			d = unquoteFish(d)
		} else if d, ok = strings.CutPrefix(line, `export PATH="`); ok {
			d, ok = strings.CutSuffix(d, `:$PATH"`)
			d = unquoteSh(d)
		}
		if ok {
			dirs = append([]string{d}, dirs...) // lines are in reverse order
		}
	}
	return dirs
}

// replaceBlock puts block where godoctor's block is, or at the end.
func replaceBlock(text, block string) string {
	start := strings.Index(text, blockStart)
	if start >= 0 {
		if end := strings.Index(text[start:], blockEnd); end >= 0 {
			end += start + len(blockEnd)
			if end < len(text) && text[end] == '\n' {
				end++
			}
			return text[:start] + block + text[end:]
		}
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	if text != "" {
		text += "\n"
	}
	return text + block
}

// CommentOutEdit plans turning lines of a file into comments, marked as
// godoctor's so that a person sees why.
func CommentOutEdit(path string, lines []int, why string) (Edit, error) {
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

// shDoubleQuote escapes a path for the inside of "..." in sh.
func shDoubleQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", `\$`, "`", "\\`")
	return r.Replace(s)
}

func unquoteSh(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\$`, "$", "\\`", "`").Replace(s)
}

func unquoteFish(s string) string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "'"), "'")
	return strings.NewReplacer(`\\`, `\`, `\'`, `'`).Replace(s)
}

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
