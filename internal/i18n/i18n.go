// Package i18n picks the interface language (English or Simplified
// Chinese) and translates messages. The English text is the key, as in
// gettext: code reads as English, and a test checks that every text the
// code passes to T has a Chinese entry with the same format verbs.
package i18n

import (
	"fmt"
	"strings"
)

// Lang is an interface language.
type Lang string

const (
	En Lang = "en"
	Zh Lang = "zh"
)

// Parse reads a --lang value or a locale ("zh_CN.UTF-8", "zh-Hans",
// "en_US"); ok is false for anything else.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return En, false
	case strings.HasPrefix(s, "zh"):
		return Zh, true
	case strings.HasPrefix(s, "en"), s == "c", s == "posix", strings.HasPrefix(s, "c."):
		return En, true
	}
	return En, false
}

// Detect chooses the language: the --lang flag, then LC_ALL,
// LC_MESSAGES and LANG as POSIX orders them; English otherwise.
func Detect(flag string, getenv func(string) string) (Lang, error) {
	if flag != "" {
		l, ok := Parse(flag)
		if !ok {
			return En, fmt.Errorf("--lang %s: want en or zh", flag)
		}
		return l, nil
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			l, _ := Parse(v)
			return l, nil
		}
	}
	return En, nil
}

// Printer formats messages in one language.
type Printer struct{ Lang Lang }

// T formats a message: format is the English text, translated first.
func (p Printer) T(format string, args ...any) string {
	if p.Lang == Zh {
		if tr, ok := zh[format]; ok {
			format = tr
		}
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}
