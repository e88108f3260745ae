package modcache

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/godoctorhq/godoctor/internal/system"
)

// Stamps remember the versions a scan hashed whole and found right, by
// the metadata of their files (size, modification time, inode, mode of the
// zip, the .ziphash and every file of the extracted tree): a later scan
// that finds the same metadata takes the hashes as known and does not read
// the bytes again, as make and the go command's own build cache trust
// file metadata. Anything that changes a file's size or time, or replaces
// it, changes the stamp. godoctor cache does not use them: it hashes
// everything, every time.
type Stamps struct {
	mu     sync.Mutex
	file   string
	known  map[string]string // "path@version" -> fingerprint
	hashed map[string]string // what this scan hashed and found right
	kept   map[string]string // what this scan found as it was
}

// maxStamps bounds the stamps file: a fingerprint per version.
const maxStamps = 16 << 20

// LoadStamps reads the stamps kept in file; a missing or damaged file is
// an empty set, rebuilt by the next scan.
func LoadStamps(file string) *Stamps {
	s := &Stamps{file: file, known: map[string]string{}, hashed: map[string]string{}, kept: map[string]string{}}
	if data, err := system.ReadFileNoFollow(file, maxStamps); err == nil {
		json.Unmarshal(data, &s.known)
	}
	return s
}

// Save writes the stamps: those of the versions this scan verified or
// found unchanged, and those of versions it did not look at (seen are
// those it did). A version that changed and did not verify loses its
// stamp.
func (s *Stamps) Save(seen map[string]bool) error {
	s.mu.Lock()
	out := map[string]string{}
	for k, v := range s.known {
		if !seen[k] {
			out[k] = v
		}
	}
	for k, v := range s.kept {
		out[k] = v
	}
	for k, v := range s.hashed {
		out[k] = v
	}
	s.mu.Unlock()
	data, err := json.Marshal(out)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.file), 0o700); err != nil {
		return err
	}
	tmp := s.file + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, s.file)
}

// fingerprint is the metadata of a version's files.
func fingerprint(v *version) string {
	h := fnv.New64a()
	add := func(p string) {
		if fi, err := os.Lstat(p); err == nil {
			fmt.Fprintf(h, "%s %d %d %o %v\n", filepath.Base(p), fi.Size(), fi.ModTime().UnixNano(), fi.Mode(), inode(fi))
		} else {
			fmt.Fprintf(h, "%s -\n", filepath.Base(p))
		}
	}
	add(v.path("zip"))
	add(v.path("ziphash"))
	if v.tree != "" {
		filepath.WalkDir(v.tree, func(p string, d fs.DirEntry, err error) error {
			if err == nil {
				rel, _ := filepath.Rel(v.tree, p)
				fmt.Fprintf(h, "%s ", rel)
				add(p)
			}
			return nil
		})
	}
	return fmt.Sprintf("%x", h.Sum64())
}

// matches reports whether v's files are as when it last verified whole.
func (s *Stamps) matches(v *version, fp string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.known[v.mv.String()] != fp {
		return false
	}
	s.kept[v.mv.String()] = fp
	return true
}

// verified records that v hashed whole and right.
func (s *Stamps) verified(v *version, fp string) {
	s.mu.Lock()
	s.hashed[v.mv.String()] = fp
	s.mu.Unlock()
}
