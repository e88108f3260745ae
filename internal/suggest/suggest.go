// Package suggest finds what a person probably meant: the known word
// nearest to a mistyped one.
package suggest

// Closest returns the candidate nearest to word by edit distance, when it
// is at most max edits away; ties go to the first in sort order.
func Closest(word string, candidates []string, max int) (string, bool) {
	best, bestDist := "", max+1
	for _, c := range candidates {
		if d := distance(word, c); d < bestDist || d == bestDist && c < best {
			best, bestDist = c, d
		}
	}
	return best, bestDist <= max
}

// distance is the Levenshtein distance of two short strings, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
