package kb

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io/fs"
)

// BuiltinRevision identifies the content of the built-in knowledge base: a
// hash of kb/data's file names and bytes, so that two binaries with the
// same entries report the same revision whatever commit built them.
func BuiltinRevision() string {
	rev, err := revisionOf(Builtin().FS)
	if err != nil {
		return "unknown"
	}
	return rev
}

// revisionOf hashes every file of fsys, in fs.WalkDir's lexical order, and
// returns the first 12 hex digits.
func revisionOf(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		// Name and length first, so that moving bytes between files
		// changes the hash.
		h.Write([]byte(path))
		h.Write([]byte{0})
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(data))))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}
