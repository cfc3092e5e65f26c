package follow

import (
	"context"

	"github.com/arcdiag/arcdiag/parser"
)

// kindLine marks a testEvent that is a line; the stream itself has no such event.
const kindLine Kind = -1

// Line is a line as tail sees it: a record of the parser's Scanner reading the stream.
type Line struct {
	Text   string
	Offset int64
	End    int64 // just past the line's terminator
	// Partial: the line has no newline (its file was rotated away or following stopped).
	Partial bool
	// Truncated: the line is longer than maxLine, and Text is its first maxLine bytes.
	Truncated bool
}

// testEvent is a line or a stream event, in the order a reader meets them.
type testEvent struct {
	Kind Kind
	Line Line
	Err  error
}

// followEvents follows path and reads the stream as tail does, with the parser's Scanner
// bounded to maxLine, turning each record into a line event and each part's end into its
// event. The channel is closed when following has ended.
func followEvents(ctx context.Context, path string, opts Options) (<-chan testEvent, error) {
	st, err := Follow(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	out := make(chan testEvent, 256)
	go func() {
		defer close(out)
		base := st.Start() // the first part's offsets count from where it starts
		for {
			sc := parser.NewScanner(st, path, parser.Options{MaxLineLen: maxLine})
			for sc.Scan() || sc.Paused() {
				if sc.Paused() {
					continue
				}
				r := sc.Record()
				partial := r.End() == r.Offset+int64(len(r.Raw))+r.Skipped
				out <- testEvent{Kind: kindLine, Line: Line{Text: string(r.Raw), Offset: r.Offset + base, End: r.End() + base, Partial: partial, Truncated: r.Truncated}}
			}
			ev, ok := st.Next()
			if !ok {
				return
			}
			out <- testEvent{Kind: ev.Kind, Err: ev.Err}
			base = 0
		}
	}()
	return out, nil
}
