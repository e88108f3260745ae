// Package mask hides what a report for an issue tracker must not show:
// credentials, the home directory and the user's name, the machine's
// name, and private hosts and module prefixes, which become consistent
// pseudonyms (private-host-1, private-module-1) so that a reader can still
// follow a route through them.
package mask

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/godoctorhq/godoctor/internal/redact"
)

// Options say what to hide.
type Options struct {
	// Home and User are the home directory and the user's login name;
	// Hostname the machine's name.
	Home, User, Hostname string
	// Hosts are private host names (git.corp.example), Suffixes private
	// domains a glob covers (*.corp.example: corp.example), Prefixes
	// private module path prefixes on public hosts (github.com/acme).
	Hosts, Suffixes, Prefixes []string
	// IncludeHosts keeps host names and module prefixes; IncludePaths
	// keeps paths, the user's name and the machine's name.
	IncludeHosts, IncludePaths bool
}

// Masker applies Options to text, the same pseudonym for the same name
// every time.
type Masker struct {
	o      Options
	names  map[string]string
	counts map[string]int
	words  []word         // the user's and the machine's names, as whole words
	suffix *regexp.Regexp // any host under a private domain
}

// New makes a masker.
func New(o Options) *Masker {
	m := &Masker{o: o, names: map[string]string{}, counts: map[string]int{}}
	if !o.IncludePaths {
		for _, w := range []struct{ name, as string }{{o.User, "USER"}, {o.Hostname, "HOST"}} {
			// A name of one or two letters is everywhere in a text; it is
			// hidden in the home path, which holds it.
			if len(w.name) >= 3 {
				m.words = append(m.words, word{regexp.MustCompile(`(?i)(^|[^A-Za-z0-9_-])` + regexp.QuoteMeta(w.name) + `($|[^A-Za-z0-9_-])`), "${1}" + w.as + "${2}"})
			}
		}
	}
	if !o.IncludeHosts && len(o.Suffixes) > 0 {
		var alts []string
		for _, s := range o.Suffixes {
			alts = append(alts, regexp.QuoteMeta(strings.ToLower(strings.TrimPrefix(s, "."))))
		}
		m.suffix = regexp.MustCompile(`(?i)\b([a-z0-9-]+\.)*(` + strings.Join(alts, "|") + `)\b`)
	}
	return m
}

// String masks a text.
func (m *Masker) String(s string) string {
	s = redact.Text(s)
	if !m.o.IncludeHosts {
		// Module prefixes first: github.com/acme hides acme, not github.com.
		for _, p := range longestFirst(m.o.Prefixes) {
			s = replaceFold(s, p, func(orig string) string { return m.pseudonym("private-module", p) })
		}
		for _, h := range longestFirst(m.o.Hosts) {
			s = replaceFold(s, h, func(orig string) string { return m.pseudonym("private-host", h) })
		}
		if m.suffix != nil {
			s = m.suffix.ReplaceAllStringFunc(s, func(host string) string { return m.pseudonym("private-host", host) })
		}
	}
	if !m.o.IncludePaths {
		if home := strings.TrimRight(m.o.Home, `/\`); len(home) > 1 {
			s = replaceFold(s, home, func(string) string { return "~" })
		}
		for _, w := range m.words {
			// Twice: a match takes the character before the next one.
			s = w.re.ReplaceAllString(w.re.ReplaceAllString(s, w.as), w.as)
		}
	}
	return s
}

// word is a name to hide wherever it stands alone.
type word struct {
	re *regexp.Regexp
	as string
}

// pseudonym is the name a private name gets: the same for the same name.
func (m *Masker) pseudonym(kind, name string) string {
	key := kind + " " + strings.ToLower(name)
	if p, ok := m.names[key]; ok {
		return p
	}
	m.counts[kind]++
	p := fmt.Sprintf("%s-%d", kind, m.counts[kind])
	m.names[key] = p
	return p
}

// replaceFold replaces every occurrence of old in s, whatever its case.
func replaceFold(s, old string, with func(string) string) string {
	if old == "" {
		return s
	}
	// ASCII case only: lengths stay those of s, whatever bytes it holds.
	lower, target := asciiLower(s), asciiLower(old)
	var b strings.Builder
	for {
		i := strings.Index(lower, target)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(with(s[i : i+len(old)]))
		s, lower = s[i+len(old):], lower[i+len(old):]
	}
}

func longestFirst(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
