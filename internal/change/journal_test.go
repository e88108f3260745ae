package change

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/godoctorhq/godoctor/internal/fakesys"
)

// twoFiles applies a change of two files that existed, .bashrc and the go
// env file, and returns the journal, the entry and the files' contents
// before and after.
func twoFiles(t *testing.T) (Journal, Entry, map[string]string, map[string]string) {
	t.Helper()
	m := fakesys.New(t)
	j := Journal{Dir: m.Home(".config/godoctor/journal")}
	before := map[string]string{m.Home(".bashrc"): "# mine\nalias ll='ls -l'\n", m.Home(".config/go/env"): "GOPROXY=https://old.example\n"}
	after := map[string]string{m.Home(".bashrc"): "# mine\nalias ll='ls -l'\nexport A=1\n", m.Home(".config/go/env"): "GOPROXY=https://new.example\n"}
	var p Plan
	for path, b := range before {
		m.WriteFile(path, b)
		p.Edits = append(p.Edits, Edit{Path: path, Before: []byte(b), After: []byte(after[path])})
	}
	p.Title = "two files"
	e, err := j.Apply(p)
	if err != nil {
		t.Fatal(err)
	}
	return j, e, before, after
}

func contents(t *testing.T, files map[string]string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for path := range files {
		data, _ := os.ReadFile(path)
		got[path] = string(data)
	}
	return got
}

func sameContents(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for path, w := range want {
		if got[path] != w {
			t.Errorf("%s: %s holds %q, want %q", what, path, got[path], w)
		}
	}
}

// A backup that was truncated, emptied or removed is never restored: undo
// refuses the whole entry, names the file, and touches nothing.
func TestUndoVerifiesEveryBackup(t *testing.T) {
	for name, damage := range map[string]func(path string){
		"truncated": func(p string) { data, _ := os.ReadFile(p); os.WriteFile(p, data[:len(data)/2], 0o600) },
		"emptied":   func(p string) { os.WriteFile(p, nil, 0o600) },
		"missing":   func(p string) { os.Remove(p) },
	} {
		t.Run(name, func(t *testing.T) {
			j, e, _, after := twoFiles(t)
			var damaged string
			for _, f := range e.Files {
				if strings.HasSuffix(f.Path, ".bashrc") {
					damaged = filepath.Join(j.Dir, e.ID, f.Backup)
				}
			}
			damage(damaged)
			_, err := j.Undo(true)
			var de *DamagedError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), ".bashrc") || !strings.Contains(err.Error(), "nothing was restored") {
				t.Fatalf("undo with a %s backup: %v", name, err)
			}
			sameContents(t, "after the refused undo", contents(t, after), after)
			if _, err := os.Stat(filepath.Join(j.Dir, e.ID, "entry.json")); err != nil {
				t.Errorf("the damaged entry was deleted: %v", err)
			}
		})
	}
}

// An entry.json that says nothing possible is refused, never acted on, and
// never deletes anything outside the journal.
func TestUndoRefusesDamagedEntries(t *testing.T) {
	for name, entry := range map[string]string{
		"empty object":     `{}`,
		"not json":         `{"id": `,
		"id climbs out":    `{"version": 2, "id": "../..", "time": "2026-01-01T00:00:00Z", "files": []}`,
		"relative path":    `{"version": 2, "id": "ID", "time": "2026-01-01T00:00:00Z", "files": [{"path": "x", "after": "` + strings.Repeat("0", 64) + `"}]}`,
		"backup climbs":    `{"version": 2, "id": "ID", "time": "2026-01-01T00:00:00Z", "files": [{"path": "/x", "existed": true, "backup": "../../../x", "backup_sha256": "` + strings.Repeat("0", 64) + `", "after": "` + strings.Repeat("0", 64) + `"}]}`,
		"unknown version":  `{"version": 9, "id": "ID", "time": "2026-01-01T00:00:00Z", "files": []}`,
		"no backup hash":   `{"version": 2, "id": "ID", "time": "2026-01-01T00:00:00Z", "files": [{"path": "/x", "existed": true, "backup": "0-x", "after": "` + strings.Repeat("0", 64) + `"}]}`,
		"unknown field":    `{"version": 2, "id": "ID", "time": "2026-01-01T00:00:00Z", "rm": "-rf", "files": []}`,
		"no file at all":   `{"version": 2, "id": "ID", "time": "2026-01-01T00:00:00Z", "files": []}`,
		"no time recorded": `{"version": 2, "id": "ID", "files": [{"path": "/x", "after": "` + strings.Repeat("0", 64) + `"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			m := fakesys.New(t)
			keep := m.Home(".config/keep")
			m.WriteFile(keep, "mine")
			j := Journal{Dir: m.Home(".config/godoctor/journal")}
			id := "20261201T000000.000000000-0000abcd"
			m.WriteFile(filepath.Join(j.Dir, id, "entry.json"), strings.ReplaceAll(entry, `"ID"`, `"`+id+`"`))
			_, err := j.Undo(true)
			var de *DamagedError
			if !errors.As(err, &de) || de.Dir != filepath.Join(j.Dir, id) {
				t.Fatalf("undo: %v", err)
			}
			if _, err := os.Stat(keep); err != nil {
				t.Errorf("undo removed a file outside the journal: %v", err)
			}
		})
	}
	// Directories that are no entry of godoctor's are not entries at all.
	m := fakesys.New(t)
	j := Journal{Dir: m.Home(".config/godoctor/journal")}
	m.WriteFile(filepath.Join(j.Dir, "..", "..", "keep"), "mine")
	os.MkdirAll(filepath.Join(j.Dir, "not-an-entry"), 0o755)
	if _, err := j.Undo(true); !errors.Is(err, ErrNothingToUndo) {
		t.Errorf("a directory that is not an entry: %v", err)
	}
	if _, err := os.Stat(filepath.Join(j.Dir, "not-an-entry")); err != nil {
		t.Errorf("undo removed a directory that is not its own: %v", err)
	}
}

// An Apply killed after its backups but before entry.json touched no file
// of the user's: undo removes it and steps back the change before it.
func TestUndoSkipsAnApplyThatNeverStarted(t *testing.T) {
	j, e, before, _ := twoFiles(t)
	later := filepath.Join(j.Dir, "29991231T000000.000000000-ffffffff")
	os.MkdirAll(later, 0o700)
	os.WriteFile(filepath.Join(later, "0-.bashrc"), []byte("a backup"), 0o600)
	got, err := j.Undo(false)
	if err != nil || got.ID != e.ID {
		t.Fatalf("undo = %s, %v; want %s", got.ID, err, e.ID)
	}
	sameContents(t, "after undo", contents(t, before), before)
	if _, err := os.Stat(later); !os.IsNotExist(err) {
		t.Errorf("the unfinished entry is still there")
	}
}

// Undo restores every file of an entry or none: when a write fails half
// way, the files restored before it are put back as they were.
func TestUndoIsAllOrNothing(t *testing.T) {
	m := fakesys.New(t)
	u := m.Windows()
	u.Set("Path", `C:\a`)
	j := Journal{Dir: m.Home("journal"), UserEnv: u}
	file := m.Home("profile")
	m.WriteFile(file, "old\n")
	p := Plan{Title: "both", Edits: []Edit{
		{Path: file, Before: []byte("old\n"), After: []byte("new\n")},
		{Path: "Path", UserVar: true, Before: userVarLines(`C:\a`), After: userVarLines(`C:\go\bin;C:\a`)},
	}}
	if _, err := j.Apply(p); err != nil {
		t.Fatal(err)
	}
	u.Fail = errors.New("access denied")
	if _, err := j.Undo(false); err == nil || !strings.Contains(err.Error(), "access denied") {
		t.Fatalf("undo with a failing registry: %v", err)
	}
	if data, _ := os.ReadFile(file); string(data) != "new\n" {
		t.Errorf("a half undo left the file at %q", data)
	}
	u.Fail = nil
	if _, err := j.Undo(false); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(file); string(data) != "old\n" {
		t.Errorf("after undo the file holds %q", data)
	}
}

// When a write fails and putting back the files before it fails too, the
// backups stay and say how to finish: undo.
func TestFailedRollbackKeepsTheBackups(t *testing.T) {
	m := fakesys.New(t)
	u := m.Windows()
	u.Set("Path", `C:\a`)
	j := Journal{Dir: m.Home("journal"), UserEnv: u}
	blocked := m.Home("file-in-the-way")
	m.WriteFile(blocked, "a file where a directory should be")
	p := Plan{Title: "t", Edits: []Edit{
		{Path: "Path", UserVar: true, Before: userVarLines(`C:\a`), After: userVarLines(`C:\go\bin;C:\a`)},
		{Path: filepath.Join(blocked, "profile"), After: []byte("new\n"), Mode: 0o644},
	}}
	u.FailAfter(1, errors.New("access denied")) // the change goes in, its rollback does not
	_, err := j.Apply(p)
	if err == nil || !strings.Contains(err.Error(), "backups are kept") || !strings.Contains(err.Error(), "godoctor undo") {
		t.Fatalf("apply: %v", err)
	}
	u.Fail = nil
	if _, err := j.Undo(false); err != nil {
		t.Fatalf("undo after a failed rollback: %v", err)
	}
	if v, _, _ := u.Get("Path"); v != `C:\a` {
		t.Errorf("user PATH = %q", v)
	}
}

// A profile that is a link into a dotfiles repository stays a link: the
// change and its undo go to the file it leads to.
func TestEditsGoThroughSymlinks(t *testing.T) {
	m := fakesys.New(t)
	repo := m.Home("dotfiles/bashrc")
	m.WriteFile(repo, "# from my dotfiles\n")
	os.Chmod(repo, 0o640)
	link := m.Home(".bashrc")
	if err := os.Symlink("dotfiles/bashrc", link); err != nil {
		t.Fatal(err)
	}
	m.Setenv("SHELL", "/bin/bash")
	e, err := blockEdit(m.Sys, []string{"/opt/go/bin"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	j := Journal{Dir: m.Home("journal")}
	if _, err := j.Apply(Plan{Title: "path", Edits: []Edit{e}}); err != nil {
		t.Fatal(err)
	}
	isLink := func() bool { fi, err := os.Lstat(link); return err == nil && fi.Mode()&os.ModeSymlink != 0 }
	data, _ := os.ReadFile(repo)
	if !isLink() || !strings.Contains(string(data), "/opt/go/bin") {
		t.Fatalf("after the change: link %v, dotfile %q", isLink(), data)
	}
	if fi, _ := os.Stat(repo); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640 kept", fi.Mode().Perm())
	}
	if _, err := j.Undo(false); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(repo); !isLink() || string(data) != "# from my dotfiles\n" {
		t.Errorf("after undo: link %v, dotfile %q", isLink(), data)
	}
	// A link to nothing is left alone.
	os.Remove(repo)
	if _, err := blockEdit(m.Sys, []string{"/opt/go/bin"}, nil); err == nil || !strings.Contains(err.Error(), "leads nowhere") {
		t.Errorf("a dangling link: %v", err)
	}
}

// A block with one marker and not the other is reported and left alone:
// the user's lines after a lone start marker are never taken for the block.
func TestBrokenBlocksAreLeftAlone(t *testing.T) {
	for name, text := range map[string]string{
		"start without end": "a\n" + blockStart + "\nexport PATH=\"/x:$PATH\"\nmy line\n",
		"end without start": "a\n" + blockEnd + "\nmy line\n",
		"two blocks":        blockStart + "\n" + blockEnd + "\nmine\n" + blockStart + "\n" + blockEnd + "\n",
		"end before start":  blockEnd + "\nmine\n" + blockStart + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			m := fakesys.New(t)
			m.WriteFile(m.Home(".profile"), text)
			_, err := blockEdit(m.Sys, []string{"/opt/go/bin"}, nil)
			var be *BrokenBlockError
			if !errors.As(err, &be) || !strings.Contains(err.Error(), m.Home(".profile")) {
				t.Errorf("edit: %v", err)
			}
		})
	}
}

// No value reaches the go env file that would plant a second line, with or
// without a go command to write it.
func TestValuesAreCheckedBeforeAnyWrite(t *testing.T) {
	m := fakesys.New(t)
	for _, set := range []map[string]string{
		{"GOSUMDB": "sum.golang.org\nGOFLAGS=-toolexec=/tmp/evil"},
		{"GOPROXY": "https://a.example\r\nGOFLAGS=-x"},
		{"GOPRIVATE": "a\x00b"},
		{"GOPROXY": "ftp://mirror.example"},
		{"GOSUMDB": "sum.goproxy.cn"},
		{"GO PROXY": "x"},
		{"GOPRIVATE": "\xff"},
	} {
		if _, err := goEnvEdit(t.Context(), m.Sys, "", set, nil); err == nil {
			t.Errorf("%q accepted", set)
		}
	}
	if _, err := os.Stat(m.Home(".config/go/env")); !os.IsNotExist(err) {
		t.Error("a refused value left a go env file")
	}
}

// A new go env file that holds a credential is the user's alone; one that
// does not gets the mode the umask gives, as go env -w's.
func TestNewFilesModes(t *testing.T) {
	m := fakesys.New(t)
	j := Journal{Dir: m.Home("journal")}
	e, err := goEnvEdit(t.Context(), m.Sys, "", map[string]string{"GOPROXY": "https://alice:S3CRET@corp.example,direct"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Apply(Plan{Title: "secret", Edits: []Edit{e}}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(e.Path); fi.Mode().Perm() != 0o600 {
		t.Errorf("a go env file with a password: mode %v", fi.Mode().Perm())
	}
	os.Remove(e.Path)
	e, _ = goEnvEdit(t.Context(), m.Sys, "", map[string]string{"GOPROXY": "https://goproxy.cn,direct"}, nil)
	j.Apply(Plan{Title: "plain", Edits: []Edit{e}})
	if fi, _ := os.Stat(e.Path); fi.Mode().Perm() != 0o666&^umask(t) {
		t.Errorf("a plain go env file: mode %v, want 0666 under the umask", fi.Mode().Perm())
	}
}

// umask reads the process's umask the way files are created under it.
func umask(t *testing.T) os.FileMode {
	p := filepath.Join(t.TempDir(), "probe")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o777)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	fi, _ := os.Stat(p)
	return 0o777 &^ fi.Mode().Perm()
}

// A godoctor killed between writing two files leaves a complete entry,
// one file changed and one as before: undo puts it all back, and neither
// file counts as changed by hand.
func TestUndoAfterAKillBetweenWrites(t *testing.T) {
	j, e, before, _ := twoFiles(t)
	// As if the process died before its second write: that file still
	// holds what the backup holds.
	second := e.Files[1].Path
	os.WriteFile(second, []byte(before[second]), 0o644)
	if _, err := j.Undo(false); err != nil {
		t.Fatalf("undo: %v", err)
	}
	sameContents(t, "after undo", contents(t, before), before)
}
