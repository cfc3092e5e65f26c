package kb

import (
	"bytes"
	_ "embed"
	"encoding/gob"
	"fmt"
	"io"
)

// Every command loads the built-in entries, and parsing 500 KB of YAML is
// most of what `arcdiag explain` costs. So the built-in entries are also
// kept as a gob snapshot, decoded in a tenth of the time. The YAML stays the
// source: `kb lint` and the tests read it, and TestBuiltinSnapshot fails
// when the snapshot no longer equals it (`make golden` rewrites it).
//
//go:embed builtin.gob
var builtinSnapshot []byte

// WriteSnapshot encodes entries as a snapshot.
func WriteSnapshot(w io.Writer, entries []*Entry) error {
	return gob.NewEncoder(w).Encode(entries)
}

// readSnapshot decodes a snapshot. The entries come back without their
// per-field line numbers: a trusted layer is not checked, so none are needed.
func readSnapshot(data []byte) ([]*Entry, error) {
	var entries []*Entry
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&entries); err != nil {
		return nil, fmt.Errorf("built-in snapshot: %w", err)
	}
	return entries, nil
}
