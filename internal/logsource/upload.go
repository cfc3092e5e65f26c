package logsource

import (
	"bytes"
	"io"
	"path"
	"strings"
)

// Upload is a file handed over in memory, as a web form's upload is: its
// name as the sender gave it and its bytes.
type Upload struct {
	Name string
	Data []byte
}

// ResolveUploads resolves files held in memory as Resolve resolves files
// given by path: a zip (by its first bytes or its .zip name) yields its log
// entries, read in place with the same checks and limits, and anything else
// is one input. Nothing is written to disk. Inputs and problems follow the
// uploads' order; an upload that yields no input has its problems Fatal.
func ResolveUploads(files []Upload, opts Options) ([]Input, []*Problem) {
	r := &resolver{opts: opts.withDefaults(), seen: map[string]bool{}}
	var inputs []Input
	var problems []*Problem
	for _, f := range files {
		ins, probs := r.upload(f)
		if len(ins) == 0 {
			if len(probs) == 0 {
				probs = append(probs, &Problem{Path: f.Name, Err: ErrNoLogFiles, Hint: HintExpectedLogs})
			}
			for _, p := range probs {
				p.Fatal = true
			}
		}
		inputs = append(inputs, ins...)
		problems = append(problems, probs...)
	}
	return inputs, problems
}

func (r *resolver) upload(f Upload) ([]Input, []*Problem) {
	head := f.Data[:min(len(f.Data), len(zipMagic))]
	size := int64(len(f.Data))
	if bytes.Equal(head, zipMagic) || bytes.Equal(head, emptyZipMagic) || strings.EqualFold(path.Ext(f.Name), ".zip") {
		return r.zip(f.Name, zipFromMemory(f.Data), size, bytes.Equal(head, zipMagic))
	}
	data := f.Data
	open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return []Input{{Name: f.Name, Size: size, OS: InferOS(f.Name), open: open}}, nil
}
