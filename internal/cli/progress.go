package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/arcdiag/arcdiag/internal/logsource"
)

// progressMinBytes is the input size from which a progress bar is worth
// showing: below it analyze finishes in well under a second.
const progressMinBytes = 64 << 20

// progress draws a bar on stderr while a large input is read, only when
// stderr is a terminal (never in a pipe, a file or CI logs).
type progress struct {
	w        io.Writer
	total    int64
	read     atomic.Int64
	stop     chan struct{}
	finished chan struct{}
}

func newProgress(stderr io.Writer, inputs []logsource.Input) *progress {
	p := &progress{w: stderr}
	for _, in := range inputs {
		if in.Size > 0 {
			p.total += in.Size
		}
	}
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || p.total < progressMinBytes {
		return p
	}
	p.stop, p.finished = make(chan struct{}), make(chan struct{})
	go p.draw()
	return p
}

// reader counts what is read through r.
func (p *progress) reader(r io.Reader) io.Reader {
	if p.stop == nil {
		return r
	}
	return &countingReader{r: r, n: &p.read}
}

func (p *progress) draw() {
	defer close(p.finished)
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	start := time.Now()
	for {
		select {
		case <-p.stop:
			fmt.Fprint(p.w, "\r\x1b[K")
			return
		case <-t.C:
			read := p.read.Load()
			pct := float64(read) / float64(p.total) * 100
			rate := float64(read) / time.Since(start).Seconds() / (1 << 20)
			const width = 30
			filled := min(int(pct/100*width), width)
			fmt.Fprintf(p.w, "\r[%-*s] %5.1f%%  %d/%d MiB  %.0f MiB/s", width,
				strings.Repeat("#", filled), pct, read>>20, p.total>>20, rate)
		}
	}
}

func (p *progress) done() {
	if p.stop != nil {
		close(p.stop)
		<-p.finished
	}
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}
