package modcache

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/godoctorhq/godoctor/internal/system"
)

// hasher computes the go command's h1: hashes (dirhash.Hash1) of zips and
// extracted trees, reusing its buffers from one file to the next. The
// library's functions allocate a 32 KiB copy buffer for every file and
// read a zip 4 KiB per system call; on a cache of a hundred thousand files
// that garbage and those calls cost as much as a fifth of the scan. One
// hasher serves one goroutine.
type hasher struct {
	copyBuf []byte
	window  readAhead
}

func newHasher() *hasher {
	return &hasher{copyBuf: make([]byte, 64<<10), window: readAhead{buf: make([]byte, 256<<10)}}
}

// hashZip is dirhash.HashZip.
func (hs *hasher) hashZip(file string) (string, error) {
	f, fi, err := system.OpenRegular(file, false)
	if err != nil {
		return "", err
	}
	defer f.Close()
	hs.window.reset(f)
	z, err := zip.NewReader(&hs.window, fi.Size())
	if err != nil {
		return "", err
	}
	names := make([]string, 0, len(z.File))
	byName := make(map[string]*zip.File, len(z.File))
	for _, zf := range z.File {
		names = append(names, zf.Name)
		byName[zf.Name] = zf
	}
	return hs.hash1(names, func(name string) (io.ReadCloser, error) {
		zf := byName[name]
		if zf == nil {
			return nil, fmt.Errorf("file %q not found in zip", name)
		}
		return zf.Open()
	})
}

// hashDir is dirhash.HashDir.
func (hs *hasher) hashDir(dir, prefix string) (string, error) {
	files, err := dirhash.DirFiles(dir, prefix)
	if err != nil {
		return "", err
	}
	return hs.hash1(files, func(name string) (io.ReadCloser, error) {
		// The go command extracts regular files only: a link, a FIFO or a
		// device in a tree is no file of the module, and is never followed
		// or waited on.
		f, _, err := system.OpenRegular(filepath.Join(dir, strings.TrimPrefix(name, prefix)), false)
		return f, err
	})
}

// hash1 is dirhash.Hash1: the SHA-256 of the lines "HEX  NAME\n" of every
// file's SHA-256, in name order.
func (hs *hasher) hash1(files []string, open func(string) (io.ReadCloser, error)) (string, error) {
	summary := sha256.New()
	files = slices.Clone(files)
	slices.Sort(files)
	for _, name := range files {
		if strings.Contains(name, "\n") {
			return "", errors.New("dirhash: filenames with newlines are not supported")
		}
		r, err := open(name)
		if err != nil {
			return "", err
		}
		sum, err := hs.sum(r)
		r.Close()
		if err != nil {
			return "", err
		}
		fmt.Fprintf(summary, "%x  %s\n", sum, name)
	}
	return "h1:" + base64.StdEncoding.EncodeToString(summary.Sum(nil)), nil
}

// sum is the SHA-256 of what r holds, read through the hasher's buffer
// (io.Copy would take a WriterTo path that allocates its own).
func (hs *hasher) sum(r io.Reader) ([sha256.Size]byte, error) {
	h := sha256.New()
	for {
		n, err := r.Read(hs.copyBuf)
		h.Write(hs.copyBuf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return [sha256.Size]byte{}, err
		}
	}
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out, nil
}

// readAhead is an io.ReaderAt that serves small reads from one window of
// a file, refilled when a read falls outside it. hash1 reads one member at
// a time, front to back, so one refill serves many reads.
type readAhead struct {
	f   *os.File
	buf []byte
	off int64 // file offset of buf[0]
	n   int   // valid bytes in buf
}

func (r *readAhead) reset(f *os.File) { r.f, r.off, r.n = f, 0, 0 }

func (r *readAhead) ReadAt(p []byte, off int64) (int, error) {
	if len(p) > len(r.buf) {
		return r.f.ReadAt(p, off)
	}
	if off < r.off || off+int64(len(p)) > r.off+int64(r.n) {
		n, err := r.f.ReadAt(r.buf, off)
		if n == 0 && err != nil {
			r.n = 0
			return 0, err
		}
		r.off, r.n = off, n
	}
	n := copy(p, r.buf[off-r.off:r.n])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
