package gosettings

import (
	"fmt"
	"strings"
)

// GoFlag is one flag of GOFLAGS.
type GoFlag struct {
	Word  string // as written, "-mod=vendor"
	Name  string // "mod"
	Value string // "vendor"; "" when the flag has no "="
}

// ParseGOFLAGS splits and checks GOFLAGS as the go command does before
// every command but go env and go bug: words split at spaces with ” or ""
// quoting, each word "-flag" or "-flag=value" naming a flag that some go
// subcommand has. The error is the one every go command would print.
func ParseGOFLAGS(value string) ([]GoFlag, error) {
	words, err := splitQuoted(value)
	if err != nil {
		return nil, fmt.Errorf("go: parsing $GOFLAGS: %v", err)
	}
	var flags []GoFlag
	for _, w := range words {
		if !strings.HasPrefix(w, "-") || w == "-" || w == "--" || strings.HasPrefix(w, "---") ||
			strings.HasPrefix(w, "-=") || strings.HasPrefix(w, "--=") {
			return flags, fmt.Errorf("go: parsing $GOFLAGS: non-flag %q", w)
		}
		name := strings.TrimPrefix(w[1:], "-")
		f := GoFlag{Word: w, Name: name}
		if n, v, ok := strings.Cut(name, "="); ok {
			f.Name, f.Value = n, v
		}
		if !isKnownGoFlag(f.Name) {
			return flags, fmt.Errorf("go: parsing $GOFLAGS: unknown flag -%s", f.Name)
		}
		flags = append(flags, f)
	}
	return flags, nil
}

// splitQuoted is cmd/internal/quoted.Split.
func splitQuoted(s string) ([]string, error) {
	var words []string
	for len(s) > 0 {
		s = strings.TrimLeft(s, " \t\n\r")
		if s == "" {
			break
		}
		if q := s[0]; q == '"' || q == '\'' {
			end := strings.IndexByte(s[1:], q)
			if end < 0 {
				return nil, fmt.Errorf("unterminated %c string", q)
			}
			words = append(words, s[1:1+end])
			s = s[end+2:]
			continue
		}
		end := strings.IndexAny(s, " \t\n\r")
		if end < 0 {
			end = len(s)
		}
		words = append(words, s[:end])
		s = s[end:]
	}
	return words, nil
}
