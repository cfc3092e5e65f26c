package outdir

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/arcdiag/arcdiag/internal/follow"
)

// fingerprintSize is how much of a log's beginning identifies it. An agent
// log starts with a timestamped line, so its first KiB tells one file from
// the next; unlike an inode it survives copytruncate's copy and works alike
// on every OS.
const fingerprintSize = 1024

// Position is where tail stopped in one followed log: the offset of the
// first byte not yet analyzed, in the file whose beginning has the
// fingerprint Sum (of its first SumLen bytes).
type Position struct {
	Offset int64  `json:"offset"`
	Sum    string `json:"sum"`
	SumLen int    `json:"sum_len"`
}

// State is the resume state of a tail --output-dir: a Position per followed
// log, by path.
type State struct {
	Version int                 `json:"version"`
	Logs    map[string]Position `json:"logs"`
}

const stateVersion = 1

// LoadState reads the state file at path; a missing file is an empty state.
func LoadState(path string) (*State, error) {
	st := &State{Version: stateVersion, Logs: map[string]Position{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("%s: not a resume state: %w", path, err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("%s: resume state version %d, want %d", path, st.Version, stateVersion)
	}
	if st.Logs == nil {
		st.Logs = map[string]Position{}
	}
	return st, nil
}

// Save writes the state to path atomically: a temporary file in the same
// directory, synced, then renamed over path, so that a crash leaves the old
// state or the new one, never half of either.
func (st *State) Save(path string) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(append(data, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save resume state: %w", err)
	}
	return nil
}

// Fingerprint returns the fingerprint of the file at path as it is now.
func Fingerprint(path string) (sum string, n int, err error) {
	f, err := follow.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	buf := make([]byte, fingerprintSize)
	n, err = io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", 0, err
	}
	h := sha256.Sum256(buf[:n])
	return hex.EncodeToString(h[:]), n, nil
}

// LastLineEnd returns the offset just after the last newline of the file at
// path (0 if there is none in its last 64 KiB): where following it from its
// end starts, a last line still being written included.
func LastLineEnd(path string) (int64, error) {
	f, err := follow.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	start := max(fi.Size()-64<<10, 0)
	buf := make([]byte, fi.Size()-start)
	if _, err := f.ReadAt(buf, start); err != nil && err != io.EOF {
		return 0, err
	}
	if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
		return start + int64(i) + 1, nil
	}
	return 0, nil
}

// matches reports whether the file at path is the one p was taken in: its
// first SumLen bytes are the same and it holds at least Offset bytes.
func (p Position) matches(path string) bool {
	f, err := follow.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() < p.Offset {
		return false
	}
	buf := make([]byte, p.SumLen)
	if _, err := io.ReadFull(f, buf); err != nil {
		return false
	}
	h := sha256.Sum256(buf)
	return hex.EncodeToString(h[:]) == p.Sum
}

// Plan says how to resume following a log.
type Plan struct {
	// Rotated, if set, is the file the log was rotated to while tail was
	// stopped: its lines from RotatedAt to its end come first.
	Rotated   string
	RotatedAt int64
	// At is where to start in the file at the log's path: Offset when it is
	// still the same file, else 0 (a new file, read whole).
	At int64
	// Lost is set when the file tail stopped in is gone (rotated away and
	// deleted or compressed): what it held past Offset cannot be read.
	Lost bool
}

// Locate finds where the log at path continues from p. The file at path
// is the one p was taken in if its fingerprint matches; otherwise the log
// was rotated while tail was stopped, and the rotated copy is looked for
// beside it (path.1, path-20261204, ...: a name that starts with path's
// base name; compressed copies cannot be read on from an offset).
func (p Position) Locate(path string) Plan {
	if p.matches(path) {
		return Plan{At: p.Offset}
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	entries, _ := os.ReadDir(dir)
	var candidates []string
	for _, e := range entries {
		name := e.Name()
		if name == base || !strings.HasPrefix(name, base) || e.IsDir() || compressed(name) {
			continue
		}
		candidates = append(candidates, name)
	}
	// The most recent rotation is the likeliest: path.1 before path.2.
	sort.Strings(candidates)
	for _, name := range candidates {
		if p.matches(filepath.Join(dir, name)) {
			return Plan{Rotated: filepath.Join(dir, name), RotatedAt: p.Offset}
		}
	}
	return Plan{Lost: p.Offset > 0}
}

func compressed(name string) bool {
	for _, ext := range []string{".gz", ".zip", ".bz2", ".xz", ".zst"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}
