package diagnose

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/arcdiag/arcdiag/internal/loggen"
	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// discard is a Sink that keeps nothing.
type discard struct{}

func (discard) Finding(*Finding)                 {}
func (discard) RunEnd(*Run)                      {}
func (discard) Record(*parser.Record, *kb.Entry) {}

// BenchmarkFeed measures the analysis of a generated 64 MiB agent log in
// memory (no file I/O, no output), sequentially and with the matching
// spread over goroutines.
func BenchmarkFeed(b *testing.B) {
	var log bytes.Buffer
	if err := loggen.Write(&log, 64<<20, 1); err != nil {
		b.Fatal(err)
	}
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.SetBytes(int64(log.Len()))
			for b.Loop() {
				a := New(k, discard{}, Options{})
				a.StartFile("big.log", "linux")
				sc := parser.NewScanner(bytes.NewReader(log.Bytes()), "big.log", parser.Options{})
				if err := a.Feed(b.Context(), sc, nil, workers); err != nil {
					b.Fatal(err)
				}
				a.EndFile()
			}
		})
	}
}
