package cli

import (
	"os"
	"testing"
)

// TestMain clears what the developer's environment would change in the
// output: the locale picks the language (20 of the golden cases would come
// out in Japanese under LANG=ja_JP.UTF-8), NO_COLOR and TERM the styling,
// PAGER the pager, ARCDIAG_KB_DIR the entries. A test that wants one sets it.
func TestMain(m *testing.M) {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "NO_COLOR", "TERM", "PAGER", "ARCDIAG_KB_DIR"} {
		os.Unsetenv(name)
	}
	os.Exit(m.Run())
}
