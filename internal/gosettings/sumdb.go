package gosettings

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/godoctorhq/godoctor/internal/redact"
)

// KnownSumDBKeys are the checksum database keys built into the go command
// (cmd/go/internal/modfetch knownGOSUMDB).
var KnownSumDBKeys = map[string]string{
	"sum.golang.org": "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
}

// sumDBAliases are names the go command rewrites to "name URL": a mirror
// of a known database that serves the same signed contents.
var sumDBAliases = map[string]string{
	"sum.golang.google.cn": "sum.golang.org https://sum.golang.google.cn",
}

// SumDB is a resolved GOSUMDB setting.
type SumDB struct {
	Name string // the database name, as it signs its tree heads
	Key  string // the full verifier key
	// URL is the explicit base URL from GOSUMDB ("name URL"); when set the
	// go command goes there directly, bypassing GOPROXY. Empty means the
	// database is reached through the proxies that support it, or at
	// https://Name/.
	URL      string
	Verifier note.Verifier
}

// KeyError is a GOSUMDB whose first field is neither a database the go
// command knows nor a verifier key: sum.goproxy.cn, say.
type KeyError struct{ Err error }

func (e *KeyError) Error() string { return "invalid GOSUMDB: " + e.Err.Error() }

// ErrSumDBOff is the go command's error for GOSUMDB=off.
var ErrSumDBOff = errors.New("checksum database disabled by GOSUMDB=off")

// ParseGOSUMDB resolves a GOSUMDB value as cmd/go's dbDial does, returning
// ErrSumDBOff for "off" and otherwise the error the go command prints.
func ParseGOSUMDB(value string) (SumDB, error) {
	if alias, ok := sumDBAliases[value]; ok {
		value = alias
	}
	if value == "off" {
		return SumDB{}, ErrSumDBOff
	}
	fields := strings.Fields(value)
	if len(fields) == 0 {
		return SumDB{}, errors.New("missing GOSUMDB")
	}
	if len(fields) > 2 {
		return SumDB{}, errors.New("invalid GOSUMDB: too many fields")
	}
	if k := KnownSumDBKeys[fields[0]]; k != "" {
		fields[0] = k
	}
	verifier, err := note.NewVerifier(fields[0])
	if err != nil {
		return SumDB{}, &KeyError{Err: err}
	}
	name := verifier.Name()
	direct, err := url.Parse("https://" + name)
	if err != nil || strings.HasSuffix(name, "/") || direct.Host == "" || direct.RawPath != "" ||
		*direct != (url.URL{Scheme: "https", Host: direct.Host, Path: direct.Path}) {
		return SumDB{}, fmt.Errorf("invalid sumdb name (must be host[/path]): %s", name)
	}
	db := SumDB{Name: name, Key: fields[0], Verifier: verifier}
	if len(fields) == 2 {
		if _, err := url.Parse(fields[1]); err != nil {
			return SumDB{}, fmt.Errorf("invalid GOSUMDB URL: %v", redact.Error(err))
		}
		db.URL = fields[1]
	}
	return db, nil
}
