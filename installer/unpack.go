package installer

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

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
// module zips, unpacks it into dir (with two or more workers) and returns
// its h1: hash, computed from the same reads as the unpacking: one pass.
func unpackModuleZip(ctx context.Context, zipPath string, mv module.Version, dir string, report func(Progress)) (string, error) {
	if _, err := modzip.CheckZip(mv, zipPath); err != nil {
		return "", fmt.Errorf("the toolchain zip is not a valid module zip: %v", err)
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return "", err
	}
	defer zr.Close()
	prefix := mv.Path + "@" + mv.Version + "/"
	var total int64
	for _, f := range zr.File {
		total += int64(f.UncompressedSize64)
	}
	// Directories first, once each, so that the workers only create files.
	dirs := map[string]bool{}
	for _, f := range zr.File {
		if rel, ok := strings.CutPrefix(f.Name, prefix); ok {
			if d := path.Dir(rel); d != "." && !dirs[d] {
				dirs[d] = true
				target, err := safeJoin(dir, d)
				if err != nil {
					return "", err
				}
				if err := os.MkdirAll(target, 0o755); err != nil {
					return "", err
				}
			}
		}
	}
	sums := make([]string, len(zr.File))
	m := &meter{phase: "verify and unpack", total: total, report: report, now: time.Now}
	var mu sync.Mutex
	var done int64
	jobs := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for w := 0; w < max(2, min(runtime.NumCPU(), 4)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				f := zr.File[i]
				rel, ok := strings.CutPrefix(f.Name, prefix)
				if !ok || rel == "" {
					sendErr(errs, fmt.Errorf("zip entry %q is outside %s", f.Name, prefix))
					continue
				}
				mode := os.FileMode(0o644)
				if executable(rel) {
					mode = 0o755
				}
				sum, n, err := extract(f, dir, rel, mode)
				if err != nil {
					sendErr(errs, err)
					continue
				}
				sums[i] = sum
				mu.Lock()
				done += n
				m.update(done, false)
				mu.Unlock()
			}
		}()
	}
	for i := range zr.File {
		if ctx.Err() != nil || len(errs) > 0 {
			break
		}
		jobs <- i
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

func sendErr(ch chan error, err error) {
	select {
	case ch <- err:
	default:
	}
}

// extract writes one zip entry and returns the hex SHA-256 of its content.
func extract(f *zip.File, dir, rel string, mode os.FileMode) (string, int64, error) {
	target, err := safeJoin(dir, rel)
	if err != nil {
		return "", 0, err
	}
	rc, err := f.Open()
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return "", 0, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), rc)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", n, fmt.Errorf("unpacking %s: %w", rel, err)
	}
	return fmt.Sprintf("%x", h.Sum(nil)), n, nil
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
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(filepath.Dir(p), "go.mod"), data, 0o644)
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
		target, err := safeJoin(dir, rel)
		if err != nil {
			return err
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := writeEntry(target, tr, os.FileMode(hdr.Mode).Perm()); err != nil {
				return err
			}
		case tar.TypeSymlink:
			if err := linkInside(dir, target, hdr.Linkname); err != nil {
				return err
			}
		default:
			return fmt.Errorf("archive entry %q is a %q, which a Go archive does not contain", hdr.Name, hdr.Typeflag)
		}
		m.update(counted.n, false)
	}
	m.update(counted.n, true)
	return nil
}

// unpackArchiveZip unpacks an official .zip archive (Windows) into dir.
func unpackArchiveZip(ctx context.Context, archive, dir string, report func(Progress)) error {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return fmt.Errorf("the archive is not a zip: %v", err)
	}
	defer zr.Close()
	m := &meter{phase: "unpack", total: int64(len(zr.File)), report: report, now: time.Now}
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
		target, err := safeJoin(dir, rel)
		if err != nil {
			return err
		}
		if f.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("archive entry %q is a link", f.Name)
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
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, r)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// linkInside makes a symlink whose target stays inside root.
func linkInside(root, link, target string) error {
	if filepath.IsAbs(target) {
		return fmt.Errorf("link %s points outside the toolchain (%s)", link, target)
	}
	resolved := filepath.Join(filepath.Dir(link), target)
	if rel, err := filepath.Rel(root, resolved); err != nil || !filepath.IsLocal(rel) {
		return fmt.Errorf("link %s points outside the toolchain (%s)", link, target)
	}
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		return err
	}
	return os.Symlink(target, link)
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
