package diagnose

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/arcdiag/arcdiag/internal/loggen"
	"github.com/arcdiag/arcdiag/internal/suggest"
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
// spread over goroutines. ARCDIAG_BENCH_PROFILE=dense measures loggen's
// dense profile instead of the ordinary one.
func BenchmarkFeed(b *testing.B) { benchFeed(b, false) }

// BenchmarkFeedSuggest is BenchmarkFeed with analyze's suggester: each
// iteration searches the log's distinct unexplained errors again (a new
// Suggester, an empty cache); the index is the process's, built once
// before the timer (internal/suggest's BenchmarkBuild measures it).
func BenchmarkFeedSuggest(b *testing.B) { benchFeed(b, true) }

func benchFeed(b *testing.B, suggesting bool) {
	var log bytes.Buffer
	profile := loggen.Ordinary
	if name := os.Getenv("ARCDIAG_BENCH_PROFILE"); name != "" {
		profile = loggen.Profiles[name]
	}
	if err := loggen.WriteProfile(&log, 64<<20, 1, profile); err != nil {
		b.Fatal(err)
	}
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.SetBytes(int64(log.Len()))
			if suggesting {
				suggest.New(k, suggest.Options{}).Suggest("Unable to reach the agent service") // the index
			}
			for b.Loop() {
				var opts Options
				if suggesting {
					opts.Suggester = suggest.New(k, suggest.Options{})
				}
				a := New(k, discard{}, opts)
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
