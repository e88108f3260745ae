package gosettings

import "strings"

// ParseEnvFile parses the go env file format as cmd/go's readEnvFile does:
// KEY=VALUE lines split at "\n" only, no quoting, the value everything after
// the first "="; lines without "=" or not starting with A-Z are ignored
// (that is how go.env has comments); the last duplicate wins.
func ParseEnvFile(data []byte) (values map[string]string, lines map[string]int) {
	values, lines = map[string]string{}, map[string]int{}
	for n, line := range strings.Split(string(data), "\n") {
		key, val, ok := strings.Cut(line, "=")
		if !ok || line[0] < 'A' || 'Z' < line[0] {
			continue
		}
		values[key] = val
		lines[key] = n + 1
	}
	return values, lines
}
