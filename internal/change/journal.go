package change

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/internal/system"
)

// Journal keeps a backup of every file before each change, so that undo
// can step back through the changes one at a time.
type Journal struct {
	Dir string // <user config dir>/godoctor/journal
	Now func() time.Time
	// UserEnv holds the user variables that edits may change (Windows).
	UserEnv system.UserEnv
}

// Entry is one applied change.
type Entry struct {
	ID    string       `json:"id"`
	Time  time.Time    `json:"time"`
	Title string       `json:"title"`
	Files []FileRecord `json:"files"`
}

// FileRecord says what happened to one file or user variable.
type FileRecord struct {
	Path    string      `json:"path"`
	UserVar bool        `json:"user_var,omitempty"` // Path names a user variable
	Existed bool        `json:"existed"`
	Mode    fs.FileMode `json:"mode"`
	Backup  string      `json:"backup,omitempty"` // file name in the entry's directory
	// After is the SHA-256 of what godoctor wrote: undo refuses to
	// overwrite a file changed by hand since, unless told to.
	After string `json:"after"`
}

// ErrNothingToUndo is returned by Undo with an empty journal.
var ErrNothingToUndo = errors.New("nothing to undo")

// ChangedSinceError reports files edited after godoctor changed them.
type ChangedSinceError struct{ Paths []string }

func (e *ChangedSinceError) Error() string {
	return "changed by hand since godoctor wrote them: " + strings.Join(e.Paths, ", ")
}

func hash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Apply makes a plan's edits: every file is backed up into a new journal
// entry first, then written atomically. If a write fails, the files
// already written are restored from the backups.
func (j Journal) Apply(p Plan) (Entry, error) {
	now := time.Now
	if j.Now != nil {
		now = j.Now
	}
	var suffix [4]byte
	rand.Read(suffix[:])
	e := Entry{ID: now().UTC().Format("20060102T150405.000000000") + "-" + hex.EncodeToString(suffix[:]), Time: now(), Title: p.Title}
	dir := filepath.Join(j.Dir, e.ID)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return e, fmt.Errorf("journal: %w", err)
	}
	var edits []Edit
	for i, ed := range p.Edits {
		if !ed.Changed() {
			continue
		}
		// Re-read: the plan may be old, and the backup must be of what is
		// there now.
		cur, mode, err := j.read(ed.UserVar, ed.Path)
		if err != nil {
			os.RemoveAll(dir)
			return e, err
		}
		if string(cur) != string(ed.Before) || (cur == nil) != (ed.Before == nil) {
			os.RemoveAll(dir)
			return e, fmt.Errorf("%s changed since the preview; nothing was written", ed.Name())
		}
		rec := FileRecord{Path: ed.Path, UserVar: ed.UserVar, Existed: cur != nil, Mode: mode, After: hash(ed.After)}
		if cur != nil {
			rec.Backup = fmt.Sprintf("%d-%s", i, filepath.Base(ed.Path))
			if err := writeAtomic(filepath.Join(dir, rec.Backup), cur, 0o600); err != nil {
				os.RemoveAll(dir)
				return e, fmt.Errorf("backing up %s: %w", ed.Name(), err)
			}
		} else {
			rec.Mode = ed.Mode
			if rec.Mode == 0 {
				rec.Mode = 0o644
			}
		}
		e.Files = append(e.Files, rec)
		edits = append(edits, ed)
	}
	if err := j.writeEntry(e); err != nil {
		os.RemoveAll(dir)
		return e, err
	}
	for i, ed := range edits {
		if err := j.write(ed.UserVar, ed.Path, ed.After, e.Files[i].Mode); err != nil {
			// Put back what was written so far; the entry goes with it.
			j.restore(e, e.Files[:i])
			os.RemoveAll(dir)
			return e, fmt.Errorf("writing %s: %w (earlier files restored)", ed.Name(), err)
		}
	}
	return e, nil
}

func (j Journal) writeEntry(e Entry) error {
	data, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(j.Dir, e.ID, "entry.json"), data, 0o600)
}

// Entries returns the journal, newest first.
func (j Journal) Entries() ([]Entry, error) {
	dirs, err := os.ReadDir(j.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, d := range dirs {
		data, err := os.ReadFile(filepath.Join(j.Dir, d.Name(), "entry.json"))
		if err != nil {
			continue // an entry whose writing was interrupted
		}
		var e Entry
		if json.Unmarshal(data, &e) == nil {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID > out[b].ID })
	return out, nil
}

// Undo restores the newest entry's files and removes the entry. Files
// changed since godoctor wrote them are left alone with a
// *ChangedSinceError unless force is set.
func (j Journal) Undo(force bool) (Entry, error) {
	entries, err := j.Entries()
	if err != nil {
		return Entry{}, err
	}
	if len(entries) == 0 {
		return Entry{}, ErrNothingToUndo
	}
	e := entries[0]
	if !force {
		var changed []string
		for _, f := range e.Files {
			cur, _, err := j.read(f.UserVar, f.Path)
			if err != nil {
				return e, err
			}
			if hash(cur) != f.After {
				changed = append(changed, f.Name())
			}
		}
		if changed != nil {
			return e, &ChangedSinceError{Paths: changed}
		}
	}
	if err := j.restore(e, e.Files); err != nil {
		return e, err
	}
	return e, os.RemoveAll(filepath.Join(j.Dir, e.ID))
}

// restore puts files back as the entry found them.
func (j Journal) restore(e Entry, files []FileRecord) error {
	for _, f := range files {
		if !f.Existed {
			if err := j.remove(f.UserVar, f.Path); err != nil {
				return err
			}
			continue
		}
		data, err := os.ReadFile(filepath.Join(j.Dir, e.ID, f.Backup))
		if err != nil {
			return fmt.Errorf("backup of %s: %w", f.Name(), err)
		}
		if err := j.write(f.UserVar, f.Path, data, f.Mode); err != nil {
			return err
		}
	}
	return nil
}

// Name is how the file or variable is shown to a person.
func (f FileRecord) Name() string { return displayName(f.UserVar, f.Path) }

// read, write and remove reach a file or, for userVar, a variable of
// j.UserEnv.
func (j Journal) read(userVar bool, path string) ([]byte, fs.FileMode, error) {
	if userVar {
		return readUserVar(j.UserEnv, path)
	}
	return readFile(path)
}

func (j Journal) write(userVar bool, path string, data []byte, mode fs.FileMode) error {
	if userVar && data == nil {
		return j.remove(true, path)
	}
	if userVar {
		return writeUserVar(j.UserEnv, path, data)
	}
	return writeAtomic(path, data, mode)
}

func (j Journal) remove(userVar bool, path string) error {
	if userVar {
		if j.UserEnv == nil {
			return errNoUserEnv
		}
		return j.UserEnv.Delete(path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
