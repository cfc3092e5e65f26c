//go:build unix

package outdir

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestModes: with umask 022, the directory Open creates is 0755 and the
// daily file 0644, readable by a collector running as another user; the
// resume state stays 0600.
func TestModes(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "out")
	w, err := Open(dir, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("{\"type\":\"run\"}\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, ".state.json")
	if err := (&State{Version: stateVersion, Logs: map[string]Position{}}).Save(state); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{
		dir:                                      0o755,
		filepath.Join(dir, FileName(time.Now())): 0o644,
		state:                                    0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", path, got, want)
		}
	}
}
