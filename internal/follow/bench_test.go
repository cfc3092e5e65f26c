package follow

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arcdiag/arcdiag/internal/follow/rotationtest"
)

// BenchmarkFollowFromStart reads an existing 10 MB log from its start: the catch-up speed
// when the follower lags or starts with FromStart.
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
		events, err := Follow(ctx, path, Options{FromStart: true})
		if err != nil {
			b.Fatal(err)
		}
		for n := 0; n < lines; n++ {
			if ev := <-events; ev.Kind != KindLine {
				b.Fatalf("got %v", ev.Kind)
			}
		}
		cancel()
		for range events {
		}
	}
}
