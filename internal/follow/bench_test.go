package follow

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arcdiag/arcdiag/internal/follow/rotationtest"
	"github.com/arcdiag/arcdiag/parser"
)

// BenchmarkFollowFromStart reads an existing 10 MB log from its start, through the
// parser's Scanner as tail does: the catch-up speed when tail lags or starts with
// FromStart.
func BenchmarkFollowFromStart(b *testing.B) {
	const lines = 100_000
	var sb strings.Builder
	for i := 1; i <= lines; i++ {
		sb.WriteString(rotationtest.Numbered(i))
	}
	path := filepath.Join(b.TempDir(), "agent.log")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(sb.Len()))
	for b.Loop() {
		ctx, cancel := context.WithCancel(b.Context())
		st, err := Follow(ctx, path, Options{FromStart: true})
		if err != nil {
			b.Fatal(err)
		}
		sc := parser.NewScanner(st, path, parser.Options{MaxLineLen: MaxLine})
		for n := 0; n < lines; n++ {
			if !sc.Scan() {
				b.Fatalf("stream ended after %d lines", n)
			}
		}
		cancel()
		for {
			if _, ok := st.Next(); !ok {
				break
			}
		}
	}
}
