// Package modcache checks the go command's module cache (GOMODCACHE) the
// way the go command should but does not: every downloaded module version,
// not one build list, against its own zip, the go.sum files in reach and
// the checksum database; and it removes exactly the bad versions, so that
// the go command downloads them again.
//
// The layout it reads is the go command's (cmd/go/internal/modfetch):
// cache/download/ESCAPED-PATH/@v/ESCAPED-VERSION.{info,mod,zip,ziphash,lock,partial},
// temporary files VERSION.EXT<digits>.tmp while a download runs, and the
// extracted tree ESCAPED-PATH@ESCAPED-VERSION, made read-only.
package modcache

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"

	"github.com/godoctorhq/godoctor/internal/system"
)

// Status says what is wrong with a module version in the cache.
type Status string

const (
	// Altered: the cache disagrees with itself (zip and .ziphash, or the
	// extracted tree and its zip).
	Altered Status = "altered"
	// Incomplete: a download or an extraction that did not finish.
	Incomplete Status = "incomplete"
	// Mismatch: the bytes differ from the checksum database or a go.sum,
	// or the database refused to vouch for a version it should know (one
	// outside GONOSUMDB), which the go command refuses too.
	Mismatch Status = "mismatch"
	// Unverified: nothing is asked to vouch for it (GONOSUMDB,
	// GOSUMDB=off); not bad, reported apart.
	Unverified Status = "unverified"
)

// Entry is one module version that is wrong or unverified.
type Entry struct {
	Module  string `json:"module"`
	Version string `json:"version"`
	Status  Status `json:"status"`
	Reason  string `json:"reason"`
}

// Bad reports whether the entry should be removed.
func (e Entry) Bad() bool { return e.Status != Unverified }

// Toolchain is a Go toolchain kept in the cache as the module
// golang.org/toolchain.
type Toolchain struct {
	Version string `json:"version"`
	Bytes   int64  `json:"bytes"`
}

// Report is what a scan found.
type Report struct {
	ModCache   string      `json:"modcache"`
	Modules    int         `json:"modules"`
	Bytes      int64       `json:"bytes"`
	Entries    []Entry     `json:"entries"`
	Toolchains []Toolchain `json:"toolchains"`
	// Database names the checksum database and its route, "" offline.
	Database string `json:"database,omitempty"`
	// DatabaseError says why some versions could not be checked against
	// the database; the scan is then not a clean bill of health.
	DatabaseError string `json:"database_error,omitempty"`
}

// Bad reports whether any entry should be removed.
func (r *Report) Bad() bool {
	for _, e := range r.Entries {
		if e.Bad() {
			return true
		}
	}
	return false
}

// Options say what to check the cache against.
type Options struct {
	// Root is GOMODCACHE.
	Root string
	// GoSums are go.sum (and go.work.sum) files in reach; missing ones
	// are skipped.
	GoSums []string
	// Lookup returns the go.sum lines the checksum database holds for
	// path@version, verified; nil checks nothing against a database. An
	// error that Is fs.ErrNotExist means the database does not know it:
	// a mismatch, as the go command sees it.
	Lookup func(path, version string) ([]string, error)
	// Unchecked names the setting that keeps path out of the database
	// (GONOSUMDB=..., GOSUMDB=off), "" when it is checked.
	Unchecked func(path string) string
	// Workers bounds the versions hashed at once (0: GOMAXPROCS).
	Workers int
	// Summed limits the scan to the versions whose code the go.sum files
	// hold a hash for: a module's build list as go mod verify sees it,
	// without walking the rest of the cache.
	Summed bool
	// Only, when not nil, limits the scan to these versions.
	Only []module.Version
	// Stamps, when not nil, spare the hashing of versions whose files are
	// as when they last verified whole (Stamps), and learn the rest.
	Stamps *Stamps
}

// version is one module version as the cache holds it.
type version struct {
	mv       module.Version
	dir      string   // .../cache/download/ESCAPED/@v
	base     string   // ESCAPED-VERSION
	tree     string   // extracted tree, "" when absent
	treeLink bool     // the tree is a symbolic link
	treeTmp  []string // extraction directories of old go commands
	has      map[string]bool
	bytes    int64
	sumMod   string // h1: of the .mod file, "" when absent
	sumZip   string // h1: of the zip (its .ziphash), "" when absent
	problems []Entry
}

func (v *version) path(ext string) string { return filepath.Join(v.dir, v.base+"."+ext) }

func (v *version) add(status Status, format string, args ...any) {
	v.problems = append(v.problems, Entry{Module: v.mv.Path, Version: v.mv.Version, Status: status, Reason: fmt.Sprintf(format, args...)})
}

// entry is the version's one entry of the report: the gravest status of
// its problems, with every reason; false when nothing is wrong.
func (v *version) entry() (Entry, bool) {
	if len(v.problems) == 0 {
		return Entry{}, false
	}
	e := v.problems[0]
	for _, p := range v.problems[1:] {
		if gravity(p.Status) > gravity(e.Status) {
			e.Status = p.Status
		}
		e.Reason += "; " + p.Reason
	}
	return e, true
}

// gravity orders statuses: bytes that differ from what vouches for them,
// then bytes that disagree with themselves, then an unfinished download.
func gravity(s Status) int {
	switch s {
	case Mismatch:
		return 3
	case Altered:
		return 2
	case Incomplete:
		return 1
	}
	return 0
}

// Scan checks every module version in the cache. A cancelled ctx stops it
// with ctx's error.
func Scan(ctx context.Context, o Options) (*Report, error) {
	sums, err := readGoSums(o.GoSums)
	if err != nil {
		return nil, err
	}
	var versions []*version
	switch {
	case o.Summed:
		versions, err = listOnly(o.Root, sums.versions())
	case o.Only != nil:
		versions, err = listOnly(o.Root, o.Only)
	default:
		versions, err = list(o.Root)
	}
	if err != nil {
		return nil, err
	}
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		dbErrs []string
		next   = make(chan *version)
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hs := newHasher()
			for v := range next {
				check(v, sums, hs, o.Stamps)
				if (o.Lookup == nil && o.Unchecked == nil) || len(v.problems) > 0 {
					continue
				}
				if err := truth(o, v); err != nil && ctx.Err() == nil {
					mu.Lock()
					dbErrs = append(dbErrs, err.Error())
					mu.Unlock()
				}
			}
		}()
	}
	// The largest first, so that no big version starts last while the
	// other workers idle.
	bySize := slices.Clone(versions)
	slices.SortStableFunc(bySize, func(a, b *version) int { return cmp.Compare(b.bytes, a.bytes) })
feed:
	for _, v := range bySize {
		select {
		case next <- v:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	r := &Report{ModCache: o.Root, Entries: []Entry{}, Toolchains: []Toolchain{}}
	for _, v := range versions {
		r.Modules++
		r.Bytes += v.bytes
		if e, ok := v.entry(); ok {
			r.Entries = append(r.Entries, e)
		}
		if v.mv.Path == "golang.org/toolchain" && v.has["zip"] {
			r.Toolchains = append(r.Toolchains, Toolchain{Version: v.mv.Version, Bytes: v.bytes})
		}
	}
	if o.Stamps != nil {
		seen := map[string]bool{}
		for _, v := range versions {
			seen[v.mv.String()] = true
		}
		o.Stamps.Save(seen) // a stamp lost costs a hash next time, no more
	}
	if len(dbErrs) > 0 {
		sort.Strings(dbErrs)
		r.DatabaseError = fmt.Sprintf("%d version(s) not checked against the checksum database: %s", len(dbErrs), dbErrs[0])
	}
	return r, nil
}

// list finds every module version in the download cache, sorted.
func list(root string) ([]*version, error) {
	if !filepath.IsAbs(root) {
		return nil, fmt.Errorf("GOMODCACHE %q is not an absolute path", root)
	}
	download := filepath.Join(root, "cache", "download")
	byKey := map[string]*version{}
	err := filepath.WalkDir(download, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == download && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if p == filepath.Join(download, "sumdb") {
			return fs.SkipDir
		}
		if d.Name() != "@v" {
			return nil
		}
		rel, _ := filepath.Rel(download, filepath.Dir(p))
		path, err := module.UnescapePath(filepath.ToSlash(rel))
		if err != nil {
			return fs.SkipDir // not the go command's
		}
		if err := collect(root, p, path, byKey); err != nil {
			return err
		}
		return fs.SkipDir
	})
	if err != nil {
		return nil, err
	}
	return sorted(byKey), nil
}

// listOnly finds the given versions in the cache, reading only their
// modules' @v directories. A version not in the cache is not downloaded
// yet, which is no fault.
func listOnly(root string, only []module.Version) ([]*version, error) {
	if !filepath.IsAbs(root) {
		return nil, fmt.Errorf("GOMODCACHE %q is not an absolute path", root)
	}
	want := map[string]bool{}
	byKey := map[string]*version{}
	read := map[string]bool{}
	for _, mv := range only {
		want[mv.String()] = true
		if read[mv.Path] {
			continue
		}
		read[mv.Path] = true
		esc, err := module.EscapePath(mv.Path)
		if err != nil {
			continue // the go command reports a bad go.sum line itself
		}
		dir := filepath.Join(root, "cache", "download", filepath.FromSlash(esc), "@v")
		err = collect(root, dir, mv.Path, byKey)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	for key := range byKey {
		if !want[key] {
			delete(byKey, key)
		}
	}
	return sorted(byKey), nil
}

// sorted lists versions by path, then version.
func sorted(byKey map[string]*version) []*version {
	out := make([]*version, 0, len(byKey))
	for _, v := range byKey {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].mv.Path != out[j].mv.Path {
			return out[i].mv.Path < out[j].mv.Path
		}
		return out[i].mv.Version < out[j].mv.Version
	})
	return out
}

// cacheExts are the files the go command keeps for a version.
var cacheExts = []string{"info", "mod", "zip", "ziphash", "partial"}

// collect adds the versions of one @v directory to byKey. A directory
// reached through a link is not read: the scan, like cache clean, never
// follows a link out of the cache (system.NoLinkBelow).
func collect(root, dir, path string, byKey map[string]*version) error {
	if err := system.NoLinkBelow(root, dir); err != nil {
		return nil
	}
	names, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	get := func(base string) *version {
		vers, err := module.UnescapeVersion(base)
		if err != nil {
			return nil
		}
		key := path + "@" + vers
		v := byKey[key]
		if v == nil {
			v = &version{mv: module.Version{Path: path, Version: vers}, dir: dir, base: base, has: map[string]bool{}}
			byKey[key] = v
		}
		return v
	}
	for _, n := range names {
		name := n.Name()
		if name == "list" || name == "list.lock" {
			continue
		}
		base, kind, ok := fileOf(name)
		if !ok {
			continue
		}
		v := get(base)
		if v == nil {
			continue
		}
		info, err := n.Info()
		if err != nil {
			continue
		}
		switch {
		case !info.Mode().IsRegular() && kind != "tmp":
			// The go command writes only files here: a directory, a link
			// or a FIFO named like one is no download of its, and reading
			// it could block or lead out of the cache.
			v.add(Altered, "%s is %s, not a file the go command wrote", name, system.Describe(info.Mode()))
		case kind == "tmp":
			v.bytes += info.Size()
			v.add(Incomplete, "a download that did not finish left %s", name)
		default:
			v.bytes += info.Size()
			v.has[kind] = true
		}
	}
	escPath, err := module.EscapePath(path)
	if err != nil {
		return nil
	}
	// The extracted trees of every version of the module sit side by side
	// in one directory: it is listed once, not once per version.
	trees := treesOf(root, escPath)
	for _, v := range byKey {
		if v.dir == dir {
			v.tree, v.treeTmp, v.treeLink = trees.of(v.base)
		}
	}
	return nil
}

// moduleTrees are the extracted trees of one module's versions: the
// entries of the directory that holds them, by name.
type moduleTrees struct {
	dir     string
	entries map[string]fs.DirEntry
	names   []string // sorted
}

// treesOf lists the directory that holds a module's extracted trees
// (ROOT/ESCAPED-PARENT), once. A link on the way is not followed.
func treesOf(root, escPath string) moduleTrees {
	full := filepath.Join(root, filepath.FromSlash(escPath))
	t := moduleTrees{dir: filepath.Dir(full), entries: map[string]fs.DirEntry{}}
	if system.NoLinkBelow(root, t.dir) != nil {
		return t
	}
	list, _ := os.ReadDir(t.dir)
	prefix := filepath.Base(full) + "@"
	for _, e := range list {
		if strings.HasPrefix(e.Name(), prefix) {
			t.entries[e.Name()] = e
			t.names = append(t.names, e.Name())
		}
	}
	return t
}

// of returns a version's extracted tree, "" when there is none, the
// extraction directories that old go commands left beside it
// (TREE.tmp-*), and whether the tree is a link (which the go command never
// makes). The names were listed once: Glob cannot escape a module path's
// characters on Windows, and a glob per version is quadratic.
func (t moduleTrees) of(escVers string) (tree string, unfinished []string, link bool) {
	if len(t.names) == 0 {
		return "", nil, false
	}
	// The module's base name is the part of every listed name before "@".
	base, _, _ := strings.Cut(t.names[0], "@")
	name := base + "@" + escVers
	if e, ok := t.entries[name]; ok {
		switch {
		case e.Type()&fs.ModeSymlink != 0:
			tree, link = filepath.Join(t.dir, name), true
		case e.IsDir():
			tree = filepath.Join(t.dir, name)
		}
	}
	prefix := name + ".tmp-"
	i := sort.SearchStrings(t.names, prefix)
	for ; i < len(t.names) && strings.HasPrefix(t.names[i], prefix); i++ {
		unfinished = append(unfinished, filepath.Join(t.dir, t.names[i]))
	}
	return tree, unfinished, link
}

// tmpOf splits a download's temporary file name, VERSION.EXT<digits>.tmp.
func tmpOf(name string) (base string, ok bool) {
	rest, ok := strings.CutSuffix(name, ".tmp")
	if !ok {
		return "", false
	}
	rest = strings.TrimRight(rest, "0123456789")
	i := strings.LastIndexByte(rest, '.')
	if i < 0 || !slices.Contains(cacheExts, rest[i+1:]) {
		return "", false
	}
	return rest[:i], true
}

// fileOf says which version a file of an @v directory belongs to, and
// what it is: one of cacheExts, or "tmp" for a download's temporary file.
// The version list, .lock files and anything else are not a version's.
func fileOf(name string) (base, kind string, ok bool) {
	if base, ok := tmpOf(name); ok {
		return base, "tmp", true
	}
	i := strings.LastIndexByte(name, '.')
	if i < 0 || !slices.Contains(cacheExts, name[i+1:]) {
		return "", "", false
	}
	return name[:i], name[i+1:], true
}

// goSums maps "path version" and "path version/go.mod" to the hashes the
// go.sum files in reach give, with the file each comes from.
type goSums map[string][]sumLine

type sumLine struct{ hash, file string }

// versions are the module versions whose code the sums hold a hash for.
func (sums goSums) versions() []module.Version {
	var out []module.Version
	for key := range sums {
		path, vers, _ := strings.Cut(key, " ")
		if !strings.HasSuffix(vers, "/go.mod") {
			out = append(out, module.Version{Path: path, Version: vers})
		}
	}
	return out
}

func readGoSums(files []string) (goSums, error) {
	sums := goSums{}
	for _, file := range files {
		data, err := system.ReadFile(file, system.MaxSumFile)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading %w", err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			fields := strings.Fields(line)
			if len(fields) != 3 {
				continue // the go command reports malformed lines itself
			}
			key := fields[0] + " " + fields[1]
			sums[key] = append(sums[key], sumLine{hash: fields[2], file: file})
		}
	}
	return sums, nil
}

// check finds what is incomplete or altered in v, and what a go.sum
// contradicts.
func check(v *version, sums goSums, hs *hasher, stamps *Stamps) {
	if v.has["partial"] {
		v.add(Incomplete, "its extraction did not finish (%s.partial)", v.base)
	}
	if len(v.treeTmp) > 0 {
		v.add(Incomplete, "an extraction that did not finish left %s", filepath.Base(v.treeTmp[0]))
	}
	// The go command writes the zip, then its .ziphash, then extracts the
	// tree; a zip or a tree without .ziphash is a download cut short (it
	// takes such a tree for a partial one). A .mod is not always fetched
	// with the zip, so its absence says nothing.
	if v.has["zip"] && !v.has["ziphash"] {
		v.add(Incomplete, "the zip has no .ziphash")
	}
	if v.treeLink {
		// go mod verify follows it and hashes whatever it leads to; the
		// go command never makes one.
		v.add(Altered, "its extracted tree %s is a symbolic link", filepath.Base(v.tree))
	}
	if v.tree != "" && !v.has["ziphash"] && !v.has["partial"] {
		v.add(Incomplete, "an extracted tree without .ziphash")
	}
	if len(v.problems) > 0 {
		return
	}

	if v.has["mod"] {
		h, err := hashMod(v.path("mod"))
		if err != nil {
			v.add(Altered, "%v", err)
		} else {
			v.sumMod = h
			compareSums(v, sums, v.mv.Version+"/go.mod", h)
		}
	}
	if !v.has["ziphash"] {
		return
	}
	// A .ziphash is one line of 47 bytes; a read stops well past that.
	data, err := system.ReadFileNoFollow(v.path("ziphash"), 1<<10)
	want := strings.TrimSpace(string(data))
	if err != nil || !strings.HasPrefix(want, "h1:") || strings.ContainsAny(want, " \n") {
		v.add(Altered, "its .ziphash is not a hash: %.80q", data)
		return
	}
	v.sumZip = want
	var fp string
	if stamps != nil {
		if fp = fingerprint(v); stamps.matches(v, fp) {
			compareSums(v, sums, v.mv.Version, want)
			return // hashed whole before, and no file changed since
		}
	}
	if v.has["zip"] {
		if fi, err := os.Lstat(v.path("zip")); err == nil && fi.Size() > modzip.MaxZipFile {
			v.add(Altered, "the zip is larger than a module zip may be (%d bytes)", modzip.MaxZipFile)
			return
		}
		if _, err := modzip.CheckZip(v.mv, v.path("zip")); err != nil {
			v.add(Altered, "the zip is not a valid module zip: %v", err)
			return
		}
		got, err := hs.hashZip(v.path("zip"))
		if err != nil {
			v.add(Altered, "the zip cannot be read: %v", err)
			return
		}
		if got != want {
			v.add(Altered, "the zip hashes to %s, its .ziphash says %s", got, want)
			return
		}
	}
	if v.tree != "" {
		got, err := hs.hashDir(v.tree, v.mv.String())
		if err != nil {
			v.add(Altered, "the extracted tree cannot be read: %v", err)
			return
		}
		if got != want {
			v.add(Altered, "the extracted tree was modified: it hashes to %s, its zip to %s", got, want)
			return
		}
	}
	if stamps != nil {
		stamps.verified(v, fp)
	}
	compareSums(v, sums, v.mv.Version, want)
}

// hashMod is the go.sum hash of a go.mod file.
func hashMod(file string) (string, error) {
	data, err := system.ReadFileNoFollow(file, modzip.MaxGoMod)
	if err != nil {
		return "", err
	}
	return dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
}

func compareSums(v *version, sums goSums, vers, have string) {
	for _, l := range sums[v.mv.Path+" "+vers] {
		if l.hash != have {
			what := "zip"
			if strings.HasSuffix(vers, "/go.mod") {
				what = "go.mod"
			}
			v.add(Mismatch, "%s says %s for the %s, the cache holds %s", l.file, l.hash, what, have)
			return
		}
	}
}

// HumanBytes writes a size for a person: GiB, MiB or KiB.
func HumanBytes(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
