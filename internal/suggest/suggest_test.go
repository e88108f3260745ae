package suggest

import "testing"

func TestClosest(t *testing.T) {
	commands := []string{"check", "fix", "install", "mirrors", "undo", "use", "version"}
	for word, want := range map[string]string{"chek": "check", "instal": "install", "mirror": "mirrors", "vesion": "version", "xyzzy": ""} {
		got, ok := Closest(word, commands, 2)
		if ok != (want != "") || ok && got != want {
			t.Errorf("Closest(%q) = %q, %v; want %q", word, got, ok, want)
		}
	}
	if distance("GONOSUMCHECK", "GONOSUMDB") != 5 || distance("", "ab") != 2 || distance("ab", "ab") != 0 {
		t.Error("distance")
	}
}
