package einvoice

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// TestClipCutsOnRuneBoundary moves the 40-byte limit of clip across every
// byte of "é€😀" (runes of 2, 3 and 4 bytes): the cut backs off to the start
// of the rune it would split.
func TestClipCutsOnRuneBoundary(t *testing.T) {
	const group = "é€😀" // bytes 0-1, 2-4 and 5-8
	want := []string{
		"é€😀é€😀é€😀é€😀é…",       // byte 40 is the 2nd byte of €
		"aé€😀é€😀é€😀é€😀é…",      // the 1st byte of €
		"aaé€😀é€😀é€😀é€😀é…",     // the 2nd byte of é: é ends at 40
		"aaaé€😀é€😀é€😀é€😀…",     // the 2nd byte of é
		"aaaaé€😀é€😀é€😀é€😀…",    // the 1st byte of é: 😀 ends at 40
		"aaaaaé€😀é€😀é€😀é€…",    // the 4th byte of 😀
		"aaaaaaé€😀é€😀é€😀é€…",   // the 3rd byte of 😀
		"aaaaaaaé€😀é€😀é€😀é€…",  // the 2nd byte of 😀
		"aaaaaaaaé€😀é€😀é€😀é€…", // the 1st byte of 😀: € ends at 40
	}
	for k, w := range want {
		s := strings.Repeat("a", k) + strings.Repeat(group, 6)
		got := clip(s)
		assert.True(t, utf8.ValidString(got), "clip(%q) = %q is not valid UTF-8", s, got)
		assert.Equal(t, w, got, "clip(%q)", s)
	}
}

func TestClipShortAndASCII(t *testing.T) {
	forty := strings.Repeat("x", 40)
	assert.Equal(t, forty, clip(forty), "40 bytes fit")
	assert.Equal(t, forty+"…", clip(forty+"y"), "41 ASCII bytes are cut at 40")
	assert.Equal(t, "short", clip("short"))
	assert.Equal(t, "", clip(""))
}
