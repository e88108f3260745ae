package installer

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// writeError is a failure to write the unpacked tree (a full disk, a
// permission), not a fault of the archive: the download is kept for the
// next attempt.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// isWriteError reports whether an unpack failed writing, not reading.
func isWriteError(err error) bool {
	var we *writeError
	return errors.As(err, &we)
}

// countingFile is the file an entry is written to, keeping the error of
// its writes apart from the archive's read errors.
type countingFile struct {
	f   *os.File
	err error
}

func (w *countingFile) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// safeJoin joins a slash-separated archive name to root, refusing names
// that are absolute, climb out with "..", or are not local on this system.
func safeJoin(root, name string) (string, error) {
	clean := path.Clean(name)
	if path.IsAbs(name) || strings.Contains(name, `\`) || !filepath.IsLocal(filepath.FromSlash(clean)) {
		return "", fmt.Errorf("archive entry %q would land outside the target directory", name)
	}
	return filepath.Join(root, filepath.FromSlash(clean)), nil
}

// executable reports whether a toolchain file needs its execute bits: the
// go command makes bin/*, pkg/tool/** and lib/**/go_*_exec executable when
// it unpacks a toolchain module, whose zip carries no modes.
func executable(rel string) bool {
	return strings.HasPrefix(rel, "bin/") || strings.HasPrefix(rel, "pkg/tool/") ||
		strings.HasPrefix(rel, "lib/") && strings.HasPrefix(path.Base(rel), "go_") && strings.HasSuffix(rel, "_exec")
}

// unpackModuleZip checks a toolchain module zip as the go command checks
// module zips, unpacks it into dir (unpackWorkers at once) and returns
// its h1: hash, computed from the same reads as the unpacking: one pass.
func unpackModuleZip(ctx context.Context, zipPath string, mv module.Version, dir string, report func(Progress)) (string, error) {
	if _, err := modzip.CheckZip(mv, zipPath); err != nil {
		return "", fmt.Errorf("the toolchain zip is not a valid module zip: %v", err)
	}
	file, err := os.Open(zipPath)
	if err != nil {
		return "", err
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil {
		return "", err
	}
	zr, err := zip.NewReader(file, fi.Size())
	if err != nil {
		return "", err
	}
	prefix := mv.Path + "@" + mv.Version + "/"
	var total int64
	for _, f := range zr.File {
		total += int64(f.UncompressedSize64)
	}
	batches, err := batchByDir(zr.File, prefix, dir)
	if err != nil {
		return "", err
	}
	sums := make([]string, len(zr.File))
	m := &meter{phase: "verify and unpack", total: total, report: report, now: time.Now}
	var mu sync.Mutex
	var done int64
	jobs := make(chan []entry)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for w := 0; w < unpackWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newEntryReader(file)
			for batch := range jobs {
				for _, e := range batch {
					if ctx.Err() != nil || len(errs) > 0 {
						break
					}
					sum, n, err := r.extract(zr.File[e.file], e.target, e.mode)
					if err != nil {
						sendErr(errs, err)
						break
					}
					sums[e.file] = sum
					mu.Lock()
					done += n
					m.update(done, false)
					mu.Unlock()
				}
			}
		}()
	}
	for _, batch := range batches {
		if ctx.Err() != nil || len(errs) > 0 {
			break
		}
		jobs <- batch
	}
	close(jobs)
	wg.Wait()
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	select {
	case err := <-errs:
		return "", err
	default:
	}
	m.update(done, true)
	// dirhash.Hash1: SHA-256 over "<hex sha256>  <name>\n" in name order.
	order := make([]int, len(zr.File))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return zr.File[order[a]].Name < zr.File[order[b]].Name })
	h := sha256.New()
	for _, i := range order {
		fmt.Fprintf(h, "%s  %s\n", sums[i], zr.File[i].Name)
	}
	return "h1:" + base64.StdEncoding.EncodeToString(h.Sum(nil)), nil
}

// unpackWorkers is how many files are written at once. Much of the time
// goes to the kernel creating files, which workers in different
// directories (see batchByDir) do side by side. On two cores 2 and 4
// workers measured the same and 8 slower (docs/performance.md).
const unpackWorkers = 4

// entry is a zip entry ready to be written: its index in the zip, where
// it goes and with which mode.
type entry struct {
	file   int
	target string
	mode   os.FileMode
}

// batchByDir checks every entry's name, makes every directory once, and
// groups the entries by directory, largest group first: one worker writes a
// whole directory, so that workers do not queue for the same directory's
// lock, and the long groups start early enough to balance the load.
func batchByDir(files []*zip.File, prefix, dir string) ([][]entry, error) {
	t := newTree(dir)
	byDir := map[string][]entry{}
	var order []string
	for i, f := range files {
		rel, ok := strings.CutPrefix(f.Name, prefix)
		if !ok || rel == "" {
			return nil, fmt.Errorf("zip entry %q is outside %s", f.Name, prefix)
		}
		target, err := t.file(rel)
		if err != nil {
			return nil, err
		}
		mode := os.FileMode(0o644)
		if executable(rel) {
			mode = 0o755
		}
		d := path.Dir(rel)
		if _, seen := byDir[d]; !seen {
			order = append(order, d)
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return nil, &writeError{err}
			}
		}
		byDir[d] = append(byDir[d], entry{file: i, target: target, mode: mode})
	}
	batches := make([][]entry, len(order))
	for i, d := range order {
		batches[i] = byDir[d]
	}
	sort.SliceStable(batches, func(a, b int) bool { return len(batches[a]) > len(batches[b]) })
	return batches, nil
}

func sendErr(ch chan error, err error) {
	select {
	case ch <- err:
	default:
	}
}

// entryReader unpacks zip entries with buffers that one worker reuses.
// archive/zip's File.Open reads the archive 4 KiB at a time, and io.Copy
// takes a new 32 KiB buffer for every entry: for go1.21.5's 9,269 files,
// 52,000 reads of the archive, against 19,000 this way.
type entryReader struct {
	src     io.ReaderAt
	in      *bufio.Reader
	inflate io.ReadCloser
	hash    hash.Hash
	copyBuf []byte
}

func newEntryReader(src io.ReaderAt) *entryReader {
	return &entryReader{src: src, in: bufio.NewReaderSize(nil, 256<<10), hash: sha256.New(), copyBuf: make([]byte, 256<<10)}
}

// extract writes one zip entry to target and returns the hex SHA-256 of
// its content.
// The zip's CRC-32 is not checked: the SHA-256 sums go into the h1: hash,
// which must match the checksum database's.
func (r *entryReader) extract(f *zip.File, target string, mode os.FileMode) (string, int64, error) {
	content, err := r.open(f)
	if err != nil {
		return "", 0, fmt.Errorf("unpacking %s: %w", f.Name, err)
	}
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return "", 0, &writeError{err}
	}
	r.hash.Reset()
	// One byte more than the zip says, to notice an entry that inflates
	// to more.
	w := &countingFile{f: out}
	n, err := io.CopyBuffer(io.MultiWriter(w, r.hash), io.LimitReader(content, int64(f.UncompressedSize64)+1), r.copyBuf)
	if cerr := out.Close(); err == nil && cerr != nil {
		err, w.err = cerr, cerr
	}
	if w.err != nil {
		return "", n, &writeError{fmt.Errorf("unpacking %s: %w", f.Name, w.err)}
	}
	if err == nil && uint64(n) != f.UncompressedSize64 {
		err = fmt.Errorf("%d bytes, but the zip says %d", n, f.UncompressedSize64)
	}
	if err != nil {
		return "", n, fmt.Errorf("unpacking %s: %w", f.Name, err)
	}
	return hex.EncodeToString(r.hash.Sum(nil)), n, nil
}

// open returns a reader of an entry's content.
func (r *entryReader) open(f *zip.File) (io.Reader, error) {
	offset, err := f.DataOffset()
	if err != nil {
		return nil, err
	}
	r.in.Reset(io.NewSectionReader(r.src, offset, int64(f.CompressedSize64)))
	switch f.Method {
	case zip.Store:
		return r.in, nil
	case zip.Deflate:
		if r.inflate == nil {
			r.inflate = flate.NewReader(r.in)
		} else if err := r.inflate.(flate.Resetter).Reset(r.in, nil); err != nil {
			return nil, err
		}
		return r.inflate, nil
	}
	return nil, fmt.Errorf("compression method %d, which module zips do not use", f.Method)
}

// restoreGoMods copies every _go.mod to go.mod, as the go command does
// after unpacking a toolchain module (module zips cannot hold nested
// go.mod files).
func restoreGoMods(dir string) error {
	return filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "_go.mod" {
			return err
		}
		data, err := os.ReadFile(p)
		if err == nil {
			err = os.WriteFile(filepath.Join(filepath.Dir(p), "go.mod"), data, 0o644)
		}
		if err != nil {
			return &writeError{err}
		}
		return nil
	})
}

// unpackTarGz unpacks an official .tar.gz archive (a single go/ directory)
// into dir, keeping modes and refusing entries or links that escape.
func unpackTarGz(ctx context.Context, archive, dir string, report func(Progress)) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, _ := f.Stat()
	counted := &countingReader{r: f}
	zr, err := gzip.NewReader(counted)
	if err != nil {
		return fmt.Errorf("the archive is not gzip: %v", err)
	}
	m := &meter{phase: "unpack", total: fi.Size(), report: report, now: time.Now}
	t := newTree(dir)
	tr := tar.NewReader(zr)
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading the archive: %v", err)
		}
		rel, ok := strings.CutPrefix(hdr.Name, "go/")
		if !ok {
			if hdr.Name == "go/" || hdr.Name == "go" {
				continue
			}
			return fmt.Errorf("archive entry %q is not under go/", hdr.Name)
		}
		if rel == "" {
			continue
		}
		if hdr.Typeflag == tar.TypeSymlink {
			if err := t.link(rel, hdr.Linkname); err != nil {
				return err
			}
			m.update(counted.n, false)
			continue
		}
		target, err := t.file(rel)
		if err != nil {
			return err
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := t.mkdir(target); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := t.mkdir(filepath.Dir(target)); err != nil {
				return err
			}
			if err := writeEntry(target, tr, os.FileMode(hdr.Mode).Perm()); err != nil {
				return err
			}
		default:
			return fmt.Errorf("archive entry %q is a %q, which a Go archive does not contain", hdr.Name, hdr.Typeflag)
		}
		m.update(counted.n, false)
	}
	m.update(counted.n, true)
	return t.verifyLinks()
}

// unpackArchiveZip unpacks an official .zip archive (Windows) into dir.
func unpackArchiveZip(ctx context.Context, archive, dir string, report func(Progress)) error {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return fmt.Errorf("the archive is not a zip: %v", err)
	}
	defer zr.Close()
	m := &meter{phase: "unpack", total: int64(len(zr.File)), report: report, now: time.Now}
	t := newTree(dir)
	for i, f := range zr.File {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, ok := strings.CutPrefix(f.Name, "go/")
		if !ok {
			return fmt.Errorf("archive entry %q is not under go/", f.Name)
		}
		if rel == "" || strings.HasSuffix(rel, "/") {
			continue
		}
		if f.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("archive entry %q is a link", f.Name)
		}
		target, err := t.file(rel)
		if err != nil {
			return err
		}
		if err := t.mkdir(filepath.Dir(target)); err != nil {
			return err
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		err = writeEntry(target, rc, f.Mode().Perm()|0o600)
		rc.Close()
		if err != nil {
			return err
		}
		m.update(int64(i+1), false)
	}
	return nil
}

func writeEntry(target string, r io.Reader, mode os.FileMode) error {
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return &writeError{err}
	}
	w := &countingFile{f: out}
	_, err = io.Copy(w, r)
	if cerr := out.Close(); w.err == nil {
		w.err = cerr
	}
	if w.err != nil {
		return &writeError{w.err}
	}
	return err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
