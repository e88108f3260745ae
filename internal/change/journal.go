package change

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/internal/system"
)

// Journal keeps a backup of every file before each change, so that undo
// can step back through the changes one at a time. An entry is a
// directory: the backups first, each synced, then entry.json, written
// atomically, and only then the user's files. An entry is therefore
// either complete or has no entry.json and changed nothing.
type Journal struct {
	Dir string // <user config dir>/godoctor/journal
	Now func() time.Time
	// UserEnv holds the user variables that edits may change (Windows).
	UserEnv system.UserEnv
	// LockWait is how long Apply and Undo wait for another godoctor that
	// is changing files; 0 means a few seconds.
	LockWait time.Duration
}

// entryVersion is the format of entry.json written now. Version 1 entries
// (no "version" field) recorded no hash of their backups.
const entryVersion = 2

// Entry is one applied change.
type Entry struct {
	Version int          `json:"version"`
	ID      string       `json:"id"`
	Time    time.Time    `json:"time"`
	Title   string       `json:"title"`
	Files   []FileRecord `json:"files"`
}

// FileRecord says what happened to one file or user variable.
type FileRecord struct {
	Path    string `json:"path"`
	UserVar bool   `json:"user_var,omitempty"` // Path names a user variable
	Link    bool   `json:"link,omitempty"`     // Path is a symbolic link; its content is the target
	Existed bool   `json:"existed"`
	// Mode is the file's mode before the change, or the new file's.
	Mode   fs.FileMode `json:"mode"`
	Backup string      `json:"backup,omitempty"` // file name in the entry's directory
	// BackupHash is the SHA-256 of the backup: undo restores nothing from
	// a backup that no longer has it.
	BackupHash string `json:"backup_sha256,omitempty"`
	// After is the SHA-256 of what godoctor wrote: undo asks before it
	// overwrites a file changed by hand since.
	After string `json:"after"`
}

// ErrNothingToUndo is returned by Undo with an empty journal.
var ErrNothingToUndo = errors.New("nothing to undo")

// ChangedSinceError reports files edited after godoctor changed them.
type ChangedSinceError struct{ Paths []string }

func (e *ChangedSinceError) Error() string {
	return "changed by hand since godoctor wrote them: " + strings.Join(e.Paths, ", ")
}

// DamagedError is a journal entry that cannot be trusted: an entry.json
// that does not parse or says something impossible, or a backup that is
// missing or differs from what was recorded. Nothing was restored.
type DamagedError struct {
	Dir    string // the entry's directory
	Reason string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("the journal entry %s is damaged: %s; nothing was restored. To undo the changes before it, move it out of the way first: mv %s %s.damaged",
		e.Dir, e.Reason, e.Dir, e.Dir)
}

// ErrBusy says another godoctor is changing files.
var ErrBusy = errors.New("another godoctor is changing files right now; try again when it is done")

func hash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// idPattern is the form of every entry ID Apply makes; nothing else in the
// journal directory is an entry.
var idPattern = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}\.[0-9]{9}-[0-9a-f]{8}$`)

// lock serialises every change of files between godoctor processes, from
// re-reading the files to writing the journal.
func (j Journal) lock() (func(), error) {
	if err := j.own(); err != nil {
		return nil, err
	}
	wait := j.LockWait
	if wait == 0 {
		wait = 5 * time.Second
	}
	f, err := system.LockFile(filepath.Join(j.Dir, ".lock"), wait)
	if errors.Is(err, system.ErrLocked) {
		return nil, ErrBusy
	}
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return func() { f.Close() }, nil
}

// own refuses a journal directory, or the godoctor directory that holds
// it, that is a symbolic link (kept in a dotfiles repository, say): undo
// removes entries there, and must never reach a directory of the user's.
func (j Journal) own() error {
	for _, dir := range []string{filepath.Dir(j.Dir), j.Dir} {
		fi, err := os.Lstat(dir)
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("journal: %s is a symbolic link; godoctor keeps its backups only in a directory of its own (move the link away)", dir)
		}
	}
	return nil
}

// Apply makes a plan's edits: every file is backed up into a new journal
// entry first, then written atomically. If a write fails, the files
// already written are restored from the backups; if that fails too, the
// entry stays, so that undo can finish the job.
func (j Journal) Apply(p Plan) (Entry, error) {
	unlock, err := j.lock()
	if err != nil {
		return Entry{}, err
	}
	defer unlock()
	now := time.Now
	if j.Now != nil {
		now = j.Now
	}
	var suffix [4]byte
	rand.Read(suffix[:])
	e := Entry{Version: entryVersion, ID: now().UTC().Format("20060102T150405.000000000") + "-" + hex.EncodeToString(suffix[:]), Time: now(), Title: p.Title}
	dir := filepath.Join(j.Dir, e.ID)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return e, fmt.Errorf("journal: %w", err)
	}
	var edits []Edit
	for i, ed := range p.Edits {
		if !ed.Changed() {
			continue
		}
		// Re-read under the lock: the plan may be old, and the backup
		// must be of what is there now.
		cur, mode, err := j.read(ed.where())
		if err != nil {
			os.RemoveAll(dir)
			return e, err
		}
		if !bytes.Equal(cur, ed.Before) || (cur == nil) != (ed.Before == nil) {
			os.RemoveAll(dir)
			return e, fmt.Errorf("%s changed since the preview (another godoctor, go env -w or an editor?); nothing was written; run the command again to see the change as it would be now", ed.Name())
		}
		rec := FileRecord{Path: ed.Path, UserVar: ed.UserVar, Link: ed.Link, Existed: cur != nil, Mode: mode, After: hash(ed.After)}
		if cur != nil {
			rec.Backup = fmt.Sprintf("%d-%s", i, filepath.Base(ed.Path))
			rec.BackupHash = hash(cur)
			if err := writeAtomic(filepath.Join(dir, rec.Backup), cur, 0o600); err != nil {
				os.RemoveAll(dir)
				return e, fmt.Errorf("backing up %s: %w", ed.Name(), err)
			}
		} else {
			rec.Mode = ed.Mode
		}
		e.Files = append(e.Files, rec)
		edits = append(edits, ed)
	}
	if err := j.writeEntry(e); err != nil {
		os.RemoveAll(dir)
		return e, err
	}
	for i, ed := range edits {
		if err := j.write(ed.where(), ed.After, e.Files[i].Mode); err != nil {
			werr := fmt.Errorf("writing %s: %w", ed.Name(), err)
			if rerr := j.restore(dir, e.Files[:i]); rerr != nil {
				return e, fmt.Errorf("%w; putting back the files written before it failed too (%v): the backups are kept in %s, and godoctor undo restores them", werr, rerr, dir)
			}
			os.RemoveAll(dir)
			return e, fmt.Errorf("%w; the files written before it were put back", werr)
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

// newest returns the newest entry, verified: a readable entry.json that
// says something possible, and every backup it names whole. A directory
// without entry.json is an Apply that stopped before it touched any file
// of the user's: it is removed, and the entry before it is the newest.
func (j Journal) newest() (Entry, string, error) {
	dirs, err := os.ReadDir(j.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return Entry{}, "", ErrNothingToUndo
	}
	if err != nil {
		return Entry{}, "", err
	}
	var ids []string
	for _, d := range dirs {
		if d.IsDir() && idPattern.MatchString(d.Name()) {
			ids = append(ids, d.Name())
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(ids)))
	for _, id := range ids {
		dir := filepath.Join(j.Dir, id)
		data, err := system.ReadFileNoFollow(filepath.Join(dir, "entry.json"), maxEntry)
		if errors.Is(err, fs.ErrNotExist) {
			removeUnfinished(dir)
			continue
		}
		if err != nil {
			return Entry{}, dir, &DamagedError{Dir: dir, Reason: err.Error()}
		}
		e, err := parseEntry(data, id)
		if err != nil {
			return Entry{}, dir, &DamagedError{Dir: dir, Reason: err.Error()}
		}
		for _, f := range e.Files {
			if !f.Existed {
				continue
			}
			b, err := system.ReadFileNoFollow(filepath.Join(dir, f.Backup), maxBackup)
			switch {
			case err != nil:
				return e, dir, &DamagedError{Dir: dir, Reason: fmt.Sprintf("the backup of %s cannot be read (%v)", f.Name(), err)}
			case f.BackupHash != "" && hash(b) != f.BackupHash:
				return e, dir, &DamagedError{Dir: dir, Reason: fmt.Sprintf("the backup of %s is not what was saved (%d bytes, another SHA-256)", f.Name(), len(b))}
			}
		}
		return e, dir, nil
	}
	return Entry{}, "", ErrNothingToUndo
}

// Bounds of what the journal reads back: an entry names a few files, and
// a backup is of a file that the change package read under its own cap.
const (
	maxEntry  = 1 << 20
	maxBackup = system.MaxSettingsFile
)

// backupName is the name Apply gives a backup: the edit's index, a dash,
// the file's base name.
var backupName = regexp.MustCompile(`^[0-9]+-[^/\\]+$`)

// removeUnfinished removes an entry directory that an Apply left without
// its entry.json, but only when it holds nothing but what Apply writes
// (backups and their temporary files): a directory that merely looks like
// an entry is left alone.
func removeUnfinished(dir string) {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return
	}
	names, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, n := range names {
		if !n.Type().IsRegular() || !backupName.MatchString(n.Name()) && !strings.Contains(n.Name(), ".godoctor-") {
			return
		}
	}
	os.RemoveAll(dir)
}

var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// parseEntry reads an entry.json and checks that it can be acted on.
func parseEntry(data []byte, id string) (Entry, error) {
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return e, fmt.Errorf("entry.json does not parse: %v", err)
	}
	switch {
	case e.Version != 0 && e.Version != entryVersion:
		return e, fmt.Errorf("entry.json has version %d, which this godoctor does not know", e.Version)
	case e.ID != id:
		return e, fmt.Errorf("entry.json names entry %q", e.ID)
	case e.Time.IsZero():
		return e, errors.New("entry.json has no time")
	case len(e.Files) == 0:
		return e, errors.New("entry.json names no file")
	}
	for _, f := range e.Files {
		switch {
		case !f.UserVar && !filepath.IsAbs(f.Path):
			return e, fmt.Errorf("entry.json names %q, which is not an absolute path", f.Path)
		case f.UserVar && (f.Path == "" || strings.ContainsAny(f.Path, "\x00\n=")):
			return e, fmt.Errorf("entry.json names the variable %q", f.Path)
		case !hexHash.MatchString(f.After):
			return e, fmt.Errorf("entry.json has no hash of what was written to %s", f.Path)
		case f.Existed && (f.Backup == "" || f.Backup != filepath.Base(f.Backup) || !filepath.IsLocal(f.Backup) || f.Backup == "entry.json"):
			return e, fmt.Errorf("entry.json names the backup %q for %s", f.Backup, f.Path)
		case f.Existed && e.Version == entryVersion && !hexHash.MatchString(f.BackupHash):
			return e, fmt.Errorf("entry.json has no hash of the backup of %s", f.Path)
		}
	}
	return e, nil
}

// Undo restores the newest entry's files, all of them or none, and removes
// the entry. Every backup is checked before anything is touched. Files
// changed since godoctor wrote them are left alone with a
// *ChangedSinceError unless force is set.
func (j Journal) Undo(force bool) (Entry, error) {
	unlock, err := j.lock()
	if err != nil {
		return Entry{}, err
	}
	defer unlock()
	e, dir, err := j.newest()
	if err != nil {
		return e, err
	}
	if !force {
		var changed []string
		for _, f := range e.Files {
			cur, _, err := j.read(f.where())
			if err != nil {
				return e, err
			}
			// What godoctor wrote, or (after an Apply that stopped half
			// way) what was there before: neither is a hand edit.
			if h := hash(cur); h != f.After && !(f.Existed && h == f.BackupHash) && !(!f.Existed && cur == nil) {
				changed = append(changed, f.Name())
			}
		}
		if changed != nil {
			return e, &ChangedSinceError{Paths: changed}
		}
	}
	if err := j.restore(dir, e.Files); err != nil {
		return e, err
	}
	return e, os.RemoveAll(dir)
}

// restore puts files back as the entry in dir found them, all or none:
// when one cannot be written, those already restored get back what they
// held a moment ago.
func (j Journal) restore(dir string, files []FileRecord) error {
	type state struct {
		data []byte
		mode fs.FileMode
	}
	var done []state
	var err error
	for _, f := range files {
		cur, mode, rerr := j.read(f.where())
		if rerr != nil {
			err = rerr
			break
		}
		if !f.Existed {
			err = j.remove(f.where())
		} else {
			var data []byte
			if data, err = system.ReadFileNoFollow(filepath.Join(dir, f.Backup), maxBackup); err == nil {
				err = j.write(f.where(), data, f.Mode)
			}
		}
		if err != nil {
			err = fmt.Errorf("restoring %s: %w", f.Name(), err)
			break
		}
		done = append(done, state{cur, mode})
	}
	if err == nil {
		return nil
	}
	for i, s := range done {
		f := files[i]
		if s.data == nil {
			j.remove(f.where())
		} else {
			j.write(f.where(), s.data, s.mode)
		}
	}
	return err
}

// Name is how the file or variable is shown to a person.
func (f FileRecord) Name() string { return displayName(f.UserVar, f.Path) }

func (f FileRecord) where() place { return place{f.Path, f.UserVar, f.Link} }

// place is what a change reaches: a file, a variable of the user
// environment, or a symbolic link (whose content is its target).
type place struct {
	path          string
	userVar, link bool
}

// read, write and remove reach a file, a variable of j.UserEnv or a link.
func (j Journal) read(w place) ([]byte, fs.FileMode, error) {
	switch {
	case w.userVar:
		return readUserVar(j.UserEnv, w.path)
	case w.link:
		return readLink(w.path)
	}
	return readFile(w.path)
}

func (j Journal) write(w place, data []byte, mode fs.FileMode) error {
	switch {
	case data == nil:
		return j.remove(w)
	case w.userVar:
		return writeUserVar(j.UserEnv, w.path, data)
	case w.link:
		return writeLink(w.path, string(data))
	}
	return writeAtomic(w.path, data, mode)
}

func (j Journal) remove(w place) error {
	switch {
	case w.userVar:
		if j.UserEnv == nil {
			return errNoUserEnv
		}
		return j.UserEnv.Delete(w.path)
	case w.link:
		fi, err := os.Lstat(w.path)
		if notExist(err) {
			return nil
		}
		if err == nil && fi.Mode()&fs.ModeSymlink == 0 {
			return fmt.Errorf("%s is no longer a link; godoctor leaves it alone", w.path)
		}
		if err := os.Remove(w.path); err != nil && !notExist(err) {
			return err
		}
		return nil
	}
	t, err := target(w.path)
	if err != nil {
		return err
	}
	if err := os.Remove(t); err != nil && !notExist(err) {
		return err
	}
	return nil
}
