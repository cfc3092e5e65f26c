package outdir

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestTryLock: a second lock on the same file is refused with the holder's
// process id while the first is held, and granted once it is released.
func TestTryLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), LockName)
	first, err := TryLock(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = TryLock(path)
	var locked *LockedError
	if !errors.As(err, &locked) || locked.Path != path || locked.PID != os.Getpid() {
		t.Fatalf("second lock: %v, want a LockedError for %s by %d", err, path, os.Getpid())
	}
	if err := first.Unlock(); err != nil {
		t.Fatal(err)
	}
	again, err := TryLock(path)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	again.Unlock()
}
