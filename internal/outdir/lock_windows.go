//go:build windows

package outdir

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

var errLocked = errors.New("locked")

// lockRange is where the lock lies: one byte far past the process id the
// file holds, since Windows locks are mandatory and a locked byte cannot
// be read by another process.
const lockRange = 1 << 30

// lockFile takes LockFileEx's exclusive lock, failing at once if another
// handle holds it.
func lockFile(f *os.File) error {
	ol := &windows.Overlapped{Offset: lockRange}
	err := windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
		return errLocked
	}
	return err
}

func unlockFile(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &windows.Overlapped{Offset: lockRange})
}
