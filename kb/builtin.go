package kb

import (
	"embed"
	"io/fs"
)

//go:embed data
var builtinFiles embed.FS

// Builtin returns the layer of entries compiled into the binary. Its files
// are reported under kb/data/, where a contributor edits them.
func Builtin() Layer {
	sub, err := fs.Sub(builtinFiles, "data")
	if err != nil {
		panic(err) // cannot happen: "data" is a fixed, embedded directory
	}
	return Layer{Name: "built-in", FS: sub, Prefix: "kb/data/", Trusted: true, snapshot: builtinSnapshot, embedded: true}
}
