package installer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/godoctorhq/godoctor/internal/redact"
	"github.com/godoctorhq/godoctor/internal/web"
)

// Progress reports an install's progress.
type Progress struct {
	Phase     string // "download", "verify and unpack"
	Done      int64  // bytes
	Total     int64  // bytes, 0 if unknown
	Speed     float64
	Remaining time.Duration // 0 if unknown
}

// progressEvery throttles progress reports.
const progressEvery = 100 * time.Millisecond

// meter turns byte counts into throttled progress reports with a speed
// averaged over the recent past.
type meter struct {
	phase    string
	total    int64
	report   func(Progress)
	last     time.Time
	lastDone int64
	speed    float64
	now      func() time.Time
}

func (m *meter) update(done int64, final bool) {
	if m.report == nil {
		return
	}
	now := m.now()
	if m.last.IsZero() {
		m.last, m.lastDone = now, done
	}
	dt := now.Sub(m.last)
	if dt < progressEvery && !final {
		return
	}
	if dt > 0 {
		inst := float64(done-m.lastDone) / dt.Seconds()
		if m.speed == 0 {
			m.speed = inst
		} else {
			m.speed = 0.7*m.speed + 0.3*inst
		}
	}
	m.last, m.lastDone = now, done
	p := Progress{Phase: m.phase, Done: done, Total: m.total, Speed: m.speed}
	if m.total > 0 && m.speed > 0 {
		p.Remaining = time.Duration(float64(m.total-done) / m.speed * float64(time.Second))
	}
	m.report(p)
}

// ErrTruncated means the server closed the body early; the partial file is
// kept so that the next attempt resumes it.
var ErrTruncated = errors.New("download cut short")

// download fetches url into path, at most limit bytes. A partial file left
// by an earlier attempt is resumed with an HTTP Range request where the
// server allows it; otherwise the download starts over. It returns the
// file's size.
func download(ctx context.Context, c web.Client, url, path string, size, limit int64, report func(Progress), room func(total, have int64) error) (int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	have, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, err
	}
	if size > 0 && have == size {
		return have, nil // complete already; the hash check decides
	}
	if size > 0 && have > size {
		have = 0
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	if have > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", have))
	}
	resp, err := c.Open(req, limit)
	if err != nil {
		return have, err
	}
	defer resp.Body.Close()
	rangeStart, rangeTotal := contentRange(resp.Header.Get("Content-Range"))
	switch {
	case resp.StatusCode == http.StatusPartialContent && have > 0 && rangeStart == have:
		// resume
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && have > 0:
		// Nothing after byte have: the file is whole (an earlier attempt
		// stopped after downloading), or longer than the server's, which
		// starts over.
		if rangeTotal == have {
			return have, nil
		}
		if err := f.Truncate(0); err != nil {
			return 0, err
		}
		resp.Body.Close()
		f.Close()
		return download(ctx, c, url, path, size, limit, report, room)
	case resp.StatusCode == http.StatusOK:
		have = 0
	default:
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return have, web.StatusError(url, &web.Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body})
	}
	if err := f.Truncate(have); err != nil {
		return 0, err
	}
	if _, err := f.Seek(have, io.SeekStart); err != nil {
		return 0, err
	}
	total := size
	if total == 0 && resp.ContentLength > 0 {
		total = have + resp.ContentLength
	}
	if total > limit {
		return have, fmt.Errorf("GET %s: %d bytes, more than the %d a %s may have", redact.URL(url), total, limit, limitName(size))
	}
	if room != nil && total > 0 {
		if err := room(total, have); err != nil {
			return have, err
		}
	}
	m := &meter{phase: "download", total: total, report: report, now: time.Now}
	buf := make([]byte, 256<<10)
	done := have
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			if _, err := f.Write(buf[:n]); err != nil {
				return done, err
			}
			done += int64(n)
			m.update(done, false)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if ctx.Err() != nil {
				return done, ctx.Err()
			}
			var tl *web.TooLargeError
			if errors.As(rerr, &tl) {
				// Not the file asked for, and nothing to resume: gone.
				f.Close()
				os.Remove(path)
				return 0, fmt.Errorf("GET %s: more than the %d bytes a %s may have; nothing was kept", redact.URL(url), limit, limitName(size))
			}
			return done, fmt.Errorf("%w after %d bytes (kept, the next install resumes it): %w", ErrTruncated, done, rerr)
		}
	}
	m.update(done, true)
	if total > 0 && done < total {
		return done, fmt.Errorf("%w: %d of %d bytes", ErrTruncated, done, total)
	}
	if size > 0 && done != size {
		return done, fmt.Errorf("downloaded %d bytes, the release list says %d", done, size)
	}
	// No fsync: the file is read back at once and deleted after unpacking;
	// one damaged by a crash fails its hash check and is fetched again.
	return done, nil
}

// limitName says what bounds a download's size.
func limitName(size int64) string {
	if size > 0 {
		return "release whose official list gives its size"
	}
	return "module zip (the go command's own cap)"
}

// contentRange reads a Content-Range header, "bytes 100-199/200" or
// "bytes */200": the first byte and the whole size, -1 for each that it
// does not say.
func contentRange(cr string) (start, total int64) {
	start, total = -1, -1
	rest, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return
	}
	span, size, _ := strings.Cut(rest, "/")
	if n, err := strconv.ParseInt(size, 10, 64); err == nil {
		total = n
	}
	if first, _, ok := strings.Cut(span, "-"); ok {
		if n, err := strconv.ParseInt(first, 10, 64); err == nil {
			start = n
		}
	}
	return start, total
}
