package modcache

import (
	"errors"
	"io/fs"
	"strings"
)

// truth checks v's hashes against the checksum database.
func truth(o Options, v *version) error {
	if v.sumMod == "" && v.sumZip == "" {
		return nil
	}
	if o.Unchecked != nil {
		if setting := o.Unchecked(v.mv.Path); setting != "" {
			v.add(Unverified, "%s keeps it out of the checksum database: only go.sum files vouch for it", setting)
			return nil
		}
	}
	if o.Lookup == nil {
		return nil
	}
	lines, err := o.Lookup(v.mv.Path, v.mv.Version)
	if errors.Is(err, fs.ErrNotExist) {
		// The go command refuses a version outside GONOSUMDB that the
		// database does not know ("verifying module: ... 404 Not Found"):
		// so does the scan. A relay that denies every lookup must not turn
		// a rewritten version into a pass.
		v.add(Mismatch, "the checksum database refused to vouch for it: %v", err)
		return nil
	}
	if err != nil {
		return err
	}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 3 || f[0] != v.mv.Path {
			continue
		}
		switch {
		case f[1] == v.mv.Version && v.sumZip != "" && f[2] != v.sumZip:
			v.add(Mismatch, "the checksum database says %s for the zip, the cache holds %s", f[2], v.sumZip)
		case f[1] == v.mv.Version+"/go.mod" && v.sumMod != "" && f[2] != v.sumMod:
			v.add(Mismatch, "the checksum database says %s for the go.mod, the cache holds %s", f[2], v.sumMod)
		}
	}
	return nil
}
