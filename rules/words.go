package rules

import (
	"strings"
	"unicode/utf8"
)

// Word lists (banned words in site names, sector words that imply a
// pre-approval …) are matched as substrings of short texts. A matcher keeps
// every word of every list in one map from word to the bitmask of its
// lists, so one pass over a name answers every list: for each rune
// position it looks up the substrings that start there, up to the longest
// word. Names are a few dozen runes, so this is a few hundred map look-ups
// and no allocation.

// matcher finds words of up to 16 lists in a text.
type matcher struct {
	words    map[string]uint16
	maxBytes int
}

// maxLists is the number of lists one matcher holds.
const maxLists = 16

// hits holds, per list, the first word of that list found in a text ("" for
// none).
type hits [maxLists]string

// newMatcher builds a matcher from lists indexed by list number. Words are
// trimmed and ASCII letters folded to lower case; empty words are ignored.
func newMatcher(lists [][]string) *matcher {
	m := &matcher{words: map[string]uint16{}}
	for i, list := range lists {
		for _, w := range list {
			w = strings.ToLower(strings.TrimSpace(w))
			if w == "" {
				continue
			}
			m.words[w] |= 1 << uint(i)
			if len(w) > m.maxBytes {
				m.maxBytes = len(w)
			}
		}
	}
	return m
}

// scan records in h the first word of each list that occurs in s.
func (m *matcher) scan(s string, h *hits) {
	if m == nil || len(m.words) == 0 {
		return
	}
	s = foldASCII(s)
	for i := 0; i < len(s); {
		for j := i + 1; j <= len(s) && j-i <= m.maxBytes; j++ {
			if j < len(s) && !utf8.RuneStart(s[j]) {
				continue
			}
			if mask, ok := m.words[s[i:j]]; ok {
				for b := 0; mask != 0; b++ {
					if mask&1 != 0 && h[b] == "" {
						h[b] = s[i:j]
					}
					mask >>= 1
				}
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
}

// find returns the first word of list i in s.
func (m *matcher) find(s string, i int) string {
	var h hits
	m.scan(s, &h)
	return h[i]
}

// foldASCII lower-cases ASCII letters, allocating only when there are any
// upper-case ones.
func foldASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
