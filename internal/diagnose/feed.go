package diagnose

import (
	"context"
	"encoding/binary"
	"io"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// Matching lines against the knowledge base is most of the cost of reading
// a big log, and each line can be matched on its own; so Feed has one
// goroutine per core read chunks of the input and scan and match them, and
// whichever of them is free hands the chunks' records to the analyzer in
// their original order (see pool). Memory stays bounded: a fixed number of
// batches circulate.

const (
	batchRecords = 1024
	// batchBytes is the size of the chunks handed to the workers: 256 KiB
	// chunks took 5 % less time than 128 KiB (fewer hand-overs) and than
	// 512 KiB (a chunk and its buffer no longer fit a core's cache).
	batchBytes = 256 << 10
)

type batch struct {
	recs []parser.Record
	// raw is the chunk of input the records were scanned from, which
	// starts at line and offset off; final is set when it ends the input,
	// inexact when it cannot be scanned apart from the lines around it.
	raw     []byte
	line    int
	off     int64
	final   bool
	inexact bool
	// arena holds the records' texts when they were scanned in order
	// (feedScanner) rather than from raw.
	arena []byte
	facts []facts
	// text holds the records' texts in order (raw or arena), and ends
	// where each ends in it.
	text []byte
	ends []int
	// marks and known are batchFacts's working memory: what each record
	// holds a candidate for, and whether the cache knew its facts.
	marks []kb.Candidate
	known []bool
	// repeats marks the records that repeat the one before them for the
	// run logic (see repeatsPrevious): the analysis in order only counts
	// them.
	repeats []bool
	// tails holds, for each record, the lines after it that were not made
	// records (scanChunk); looked is set when the cache was already asked
	// for the records' facts.
	tails  []tail
	looked bool
}

// tail is the agent log lines after a record that scanChunk did not make
// records: lines of the agent's own shape at debug or info level, holding
// nothing for the knowledge base or only what a benign entry knows (the
// cache knows their text after the time), each written at most Options.RunGap after the line before (the
// record, for the first) and never before it. To the run logic they only extend the run (applyTail);
// when they may do more, addBatch scans them after all (tailLines).
type tail struct {
	n int
	// first and last are the first and last lines' times, level the last
	// line's level; debug is set when one of them is at debug level.
	first, last time.Time
	level       parser.Level
	debug       bool
	// benign counts the lines only a benign entry knows.
	benign int
	// line is the first line's number and off its offset in the input;
	// from and to are the lines' bytes in the batch's chunk.
	line     int
	off      int64
	from, to int
}

func (b *batch) reset() {
	b.recs = b.recs[:0]
	if cap(b.arena) > 4*batchBytes {
		b.arena = make([]byte, 0, batchBytes) // a huge line passed: give it back
	}
	if cap(b.raw) > 4*batchBytes {
		b.raw = nil
	}
	b.arena, b.raw = b.arena[:0], b.raw[:0]
	b.inexact, b.final, b.looked = false, false, false
	b.tails = b.tails[:0]
	b.facts = b.facts[:0]
}

// slot returns the record after the batch's last, for the scanner to fill
// in place (parser.Scanner.ScanTo); add then takes it into the batch.
func (b *batch) slot() *parser.Record {
	n := len(b.recs)
	if n == cap(b.recs) {
		b.recs = append(b.recs, parser.Record{})[:n]
	}
	return &b.recs[:n+1][n]
}

// add takes the record filled in slot into the batch, copying its text:
// the scanner reuses its buffer.
func (b *batch) add(rec *parser.Record) {
	start := len(b.arena)
	if cap(b.arena)-start < len(rec.Raw) {
		// Grown to the size needed, not doubled: a line of megabytes
		// would leave as much again unused.
		b.arena = append(make([]byte, 0, start+len(rec.Raw)), b.arena...)
	}
	b.arena = append(b.arena, rec.Raw...)
	rec.Raw = b.arena[start:len(b.arena):len(b.arena)]
	b.recs = b.recs[:len(b.recs)+1]
}

func (b *batch) full(chunk int) bool { return len(b.recs) >= batchRecords || len(b.arena) >= chunk }

// Keep decides whether an analysis takes rec, standing for n lines: 1;
// for a record's tail (lines after it that hold nothing for the knowledge
// base, see tail), the tail's last line standing for all of them; or 0,
// for each line of a tail keep refused, when they are analysed one by one
// (they were counted already). It must decide by the format, level and
// clock time alone, and take every line whose time lies between those of
// two lines of one format it takes (a window of time); a caller counting
// lines counts n.
type Keep func(rec *parser.Record, n int) bool

// FeedLines analyses every record of sc that keep accepts (nil keeps all)
// one line after the other, each through Add: the plain path that Feed's
// must equal, record for record (the differential tests compare them).
func (a *Analyzer) FeedLines(ctx context.Context, sc *parser.Scanner, keep Keep) error {
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if rec := sc.Record(); keep == nil || keep(rec, 1) {
			a.Add(rec)
		}
	}
	return sc.Err()
}

// Feed analyses every record of sc that keep accepts (nil keeps all), using
// workers goroutines for scanning and matching (0 means one per CPU). It
// returns the scanner's error or ctx's. keep is called for every line, in
// order and one call at a time, but not always on the calling goroutine
// (the analysis and the sink neither): once for each record, and once for
// each record's tail (see Keep).
func (a *Analyzer) Feed(ctx context.Context, sc *parser.Scanner, keep Keep, workers int) error {
	return a.FeedWith(ctx, sc, keep, FeedOptions{Workers: workers})
}

// FeedOptions tune Feed; the zero value is what Feed uses.
type FeedOptions struct {
	// Workers is the number of goroutines scanning and matching (0: one
	// per CPU).
	Workers int
	// ChunkBytes is the size of the pieces of input handed to them (0:
	// batchBytes); tests make it tiny so that piece edges fall everywhere.
	ChunkBytes int
}

// FeedWith is Feed with its options.
//
// The input is read in chunks of whole lines (parser.Scanner.ReadChunk),
// which the workers scan and match on their own, and analyse in order
// (pool). A chunk that cannot be scanned apart from the lines around it (a
// console capture, an installer log; see parser.Scanner.Inexact) ends
// that: the rest of the input is scanned in order from its start by one
// scanner (feedScanner), as the plain path does, and matched batch by
// batch on the calling goroutine.
func (a *Analyzer) FeedWith(ctx context.Context, sc *parser.Scanner, keep Keep, opts FeedOptions) error {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	chunk := opts.ChunkBytes
	if chunk <= 0 {
		chunk = batchBytes
	}
	if workers == 1 {
		return a.feedChunks(ctx, sc, keep, chunk)
	}
	p := &pool{a: a, ctx: ctx, sc: sc, keep: keep, chunk: chunk}
	p.cond.L = &p.mu
	// Two batches a worker: one it scans, one read or waiting its turn.
	// More only put the batches out of the cores' caches (six took 2 %
	// more CPU than four on 2 cores, twelve 12 %).
	window := 2 * workers
	p.ring, p.ready = make([]*batch, window), make([]bool, window)
	for range window {
		p.free = append(p.free, a.spareBatch())
	}
	a.tailScanner = sc.ChunkScanner()
	scanners := make([]*parser.Scanner, workers)
	for i := range scanners {
		scanners[i] = sc.ChunkScanner() // here: it reads the input's first bytes
	}
	// Each worker's fact cache is kept for the next input: a folder of
	// small logs would otherwise match each log's first lines afresh (50
	// agent logs of 20 MB took 1.4 s, against 0.6 s for one of 1 GiB).
	for len(a.caches) < workers {
		a.caches = append(a.caches, &factCache{})
	}
	var wg sync.WaitGroup
	for i, cs := range scanners[1:] {
		wg.Go(func() { p.work(cs, a.caches[i+1]) })
	}
	p.work(scanners[0], a.caches[0])
	wg.Wait()
	if p.err == nil && p.inexact {
		// The batches read after the analysed ones, in order, then the
		// rest of the input.
		b := p.ring[p.added%window]
		p.added++
		rest := &chunkStream{b: b, next: func() *batch {
			if p.added < p.read {
				b := p.ring[p.added%window]
				p.added++
				return b
			}
			return a.readSpare(sc, chunk)
		}, done: a.keepSpare}
		p.err = a.feedScanner(ctx, sc.Continue(rest, b.line, b.off), keep, chunk)
	}
	for ; p.added < p.read; p.added++ {
		p.free = append(p.free, p.ring[p.added%window])
	}
	a.spare = append(a.spare, p.free...)
	if p.err != nil {
		return p.err
	}
	return sc.Err()
}

// pool is FeedWith's workers and what they share. Each worker reads the
// next chunk, then scans and matches it while its bytes are still in its
// core's cache; whichever worker is free analyses the next chunk in order
// once it is matched, so no core waits while there is work: with one
// goroutine reading and another analysing, the cores sat idle an eighth
// of the time, waiting for each other to wake up or for the analysis.
type pool struct {
	a     *Analyzer
	ctx   context.Context
	sc    *parser.Scanner
	keep  Keep
	chunk int

	mu   sync.Mutex
	cond sync.Cond
	// ring holds the batches read and not yet analysed, by their
	// sequence number modulo its length; ready marks those matched.
	ring  []*batch
	ready []bool
	free  []*batch
	// read and added count the batches read and analysed; used is the
	// bytes of the batches in ring. The ring's length bounds them: a chunk
	// is at most the reader's buffer (ReadChunk cuts a longer line, and
	// such a chunk is left to the ordered scan).
	read, added int
	used        int
	// reading and adding are set while a worker reads a chunk, or
	// analyses one; eof once the input is read.
	reading, adding, eof bool
	// inexact is set once a chunk needs the lines before it: the workers
	// then only read, and FeedWith analyses the rest in order when they
	// have stopped at that chunk.
	inexact bool
	// stop is set when the workers are to stop: on an error, or at an
	// inexact chunk's turn; err is the error.
	stop bool
	err  error
}

// work is one worker's loop: analyse the next batch in order when it is
// matched and no one else is, else read and match the next chunk when
// there is room, else wait.
func (p *pool) work(cs *parser.Scanner, cache *factCache) {
	scratch := p.a.matcher.NewScratch()
	window := len(p.ring)
	p.mu.Lock()
	defer p.mu.Unlock()
	for !p.stop {
		next := p.added % window
		switch {
		case !p.adding && p.added < p.read && p.ready[next]:
			b := p.ring[next]
			if b.inexact {
				p.stop = true // FeedWith takes it from here
				break
			}
			p.adding = true
			p.mu.Unlock()
			err := p.ctx.Err()
			if err == nil {
				p.a.addBatch(b, p.keep)
			}
			p.mu.Lock()
			p.adding = false
			if err != nil {
				p.err, p.stop = err, true
				break
			}
			p.ring[next], p.ready[next] = nil, false
			p.used -= len(b.raw)
			p.free = append(p.free, b)
			p.added++
		case !p.reading && !p.eof && p.read-p.added < window:
			p.reading = true
			b := p.free[len(p.free)-1]
			p.free = p.free[:len(p.free)-1]
			p.mu.Unlock()
			b.reset()
			var ok bool
			b.line, b.off = p.sc.Position()
			b.raw, ok = p.sc.ReadChunk(b.raw[:0], p.chunk)
			b.final = p.sc.AtEnd()
			p.mu.Lock()
			p.reading = false
			if !ok {
				p.eof = true
				p.free = append(p.free, b)
				break
			}
			slot := p.read % window
			p.ring[slot] = b
			p.read++
			p.used += len(b.raw)
			if p.a.readAhead != nil {
				p.a.readAhead(p.used)
			}
			scan := !p.inexact
			p.cond.Broadcast() // the next chunk can be read
			p.mu.Unlock()
			if scan {
				p.a.scanChunk(b, cs, cache)
				if !b.inexact {
					p.a.batchFacts(b, scratch, cache)
				}
			}
			p.mu.Lock()
			p.inexact = p.inexact || b.inexact
			p.ready[slot] = true
		case p.eof && !p.reading && p.added == p.read:
			p.stop = true
		default:
			p.cond.Wait()
			continue
		}
		p.cond.Broadcast()
	}
}

// spareBatch returns a batch kept from an earlier Feed, or a new one:
// a zip of thousands of small logs would otherwise allocate megabytes of
// buffers per entry.
func (a *Analyzer) spareBatch() *batch {
	if n := len(a.spare); n > 0 {
		b := a.spare[n-1]
		a.spare = a.spare[:n-1]
		return b
	}
	return &batch{}
}

// keepSpare keeps b for spareBatch.
func (a *Analyzer) keepSpare(b *batch) { a.spare = append(a.spare, b) }

// readSpare reads the next chunk of sc into a spare batch, or returns nil
// at the end of the input.
func (a *Analyzer) readSpare(sc *parser.Scanner, chunk int) *batch {
	b := a.spareBatch()
	b.reset()
	var ok bool
	if b.raw, ok = sc.ReadChunk(b.raw[:0], chunk); !ok {
		a.keepSpare(b)
		return nil
	}
	return b
}

// scanChunk scans the batch's chunk into its records, and takes their
// facts from the cache where it knows them. After a record with a clock
// time, the agent log lines the cache knows hold nothing, within the run's
// time (see tail), are not made records: most lines of a big agent log are
// such lines, and they would only extend the run. What the record itself
// holds does not matter: the run logic's state after it is checked when
// the tail is applied (applyTail).
func (a *Analyzer) scanChunk(b *batch, cs *parser.Scanner, cache *factCache) {
	cs.SetChunk(b.raw, b.final, b.line, b.off)
	b.recs, b.facts, b.known, b.tails = b.recs[:0], b.facts[:0], b.known[:0], b.tails[:0]
	useCache := cache.worthTrying()
	collapse := useCache && !a.opts.All
	hits, lines := 0, 0
	for rec := b.slot(); cs.ScanTo(rec); rec = b.slot() {
		b.recs = b.recs[:len(b.recs)+1]
		var f facts
		known := false
		if useCache {
			f, known = cache.lookup(rec)
		}
		var t tail
		if collapse && !rec.Time.IsZero() {
			t = a.scanTail(b, cs, cache, rec)
		}
		if known {
			hits += 1 + t.n
		}
		lines += 1 + t.n
		b.facts = append(b.facts, f)
		b.known = append(b.known, known)
		b.tails = append(b.tails, t)
	}
	if useCache {
		cache.account(hits, lines)
	}
	b.looked = useCache
	b.inexact = cs.Inexact()
	// The records' texts lie in the chunk in order, apart from their line
	// terminators and the lines not made records.
	b.text = b.raw
	b.ends = b.ends[:0]
	for i := range b.recs {
		b.ends = append(b.ends, int(b.recs[i].Offset-b.off)+len(b.recs[i].Raw))
	}
}

// scanTail passes over the lines of the tail of rec, and returns it.
// Their times are compared as text (the agent's layout orders as its times
// do) and read only for the first and the last of them, or where the text
// does not tell.
func (a *Analyzer) scanTail(b *batch, cs *parser.Scanner, cache *factCache, rec *parser.Record) tail {
	var t tail
	line, off := cs.Position()
	// prev is the time of the line before, as text, nil when it was not
	// in the agent's layout (the record may be in another format).
	var prev, first []byte
	if agentTime(rec) {
		prev = rec.Raw[6:stampEnd]
	}
	for {
		// The line the cache guesses comes next most often does: its end
		// is then where its text ends, with no search.
		guess := cache.guess()
		var want string
		var known parser.Level
		if guess != nil {
			want, known = guess.key, guess.level
		}
		text, level, same, ok := cs.NextAgentLine(want, known)
		if !ok || len(text) > maxCachedLine {
			break
		}
		stamp := text[6:stampEnd]
		if prev == nil || !sameStamp(stamp, prev) {
			if !agentStamp(stamp) || !a.soonAfter(cs, rec, prev, stamp) {
				break
			}
		}
		e := guess
		if !same {
			e = cache.findAfterGuess(text[stampEnd:])
		}
		if e == nil || !e.benign && !e.facts.empty() {
			break
		}
		e.level = level
		cache.follow(e)
		cs.SkipLine()
		if first == nil {
			first = stamp
		}
		t.n++
		t.level = level
		t.debug = t.debug || level == parser.LevelDebug
		if e.benign {
			t.benign++
		}
		prev = stamp
	}
	if t.n > 0 {
		_, end := cs.Position()
		t.first, t.last = cs.StampTime(first), cs.StampTime(prev)
		t.line, t.off = line, off
		t.from, t.to = int(off-b.off), int(end-b.off)
	}
	return t
}

// agentTime reports whether rec starts with a time in the agent's layout.
func agentTime(rec *parser.Record) bool {
	raw := rec.Raw
	return rec.Format == parser.FormatLogrus && len(raw) > stampEnd && raw[stampEnd] == '"' &&
		string(raw[:6]) == `time="` && agentStamp(raw[6:stampEnd])
}

// soonAfter reports whether stamp, a time in the agent's layout, is a
// valid time no earlier than the line before's and at most Options.RunGap
// after it: prev, that line's time as text (nil: rec's time). Within the
// same hour, the minutes and seconds tell; else both are read.
func (a *Analyzer) soonAfter(cs *parser.Scanner, rec *parser.Record, prev, stamp []byte) bool {
	const hour = len("2031-02-03T04:") // then mm:ssZ
	if prev != nil && string(stamp[:hour]) == string(prev[:hour]) {
		mm, ss := twoDigits(stamp[hour:]), twoDigits(stamp[hour+3:])
		if mm <= 59 && ss <= 59 {
			d := mm*60 + ss - twoDigits(prev[hour:])*60 - twoDigits(prev[hour+3:])
			return d >= 0 && time.Duration(d)*time.Second <= a.opts.RunGap
		}
	}
	before := rec.Time
	if prev != nil {
		before = cs.StampTime(prev)
	}
	at := cs.StampTime(stamp)
	return !at.IsZero() && !before.IsZero() && !at.Before(before) && at.Sub(before) <= a.opts.RunGap
}

// sameStamp reports whether two times in the agent's layout are the same
// text, in three loads each: most lines of a tail have the time of the
// line before, and a call to compare bytes cost more than the loads.
func sameStamp(a, b []byte) bool {
	a, b = a[:20], b[:20]
	return binary.LittleEndian.Uint64(a) == binary.LittleEndian.Uint64(b) &&
		binary.LittleEndian.Uint64(a[8:]) == binary.LittleEndian.Uint64(b[8:]) &&
		binary.LittleEndian.Uint32(a[16:]) == binary.LittleEndian.Uint32(b[16:])
}

// twoDigits reads two ASCII digits (agentStamp checked they are).
func twoDigits(b []byte) int { return int(b[0]-'0')*10 + int(b[1]-'0') }

// chunkStream reads the chunks of b and of the batches next gives after
// it (nil: none left), handing each batch to done once read.
type chunkStream struct {
	b    *batch
	pos  int
	next func() *batch
	done func(*batch)
}

func (c *chunkStream) Read(p []byte) (int, error) {
	for c.b != nil && c.pos == len(c.b.raw) {
		c.done(c.b)
		c.b, c.pos = c.next(), 0
	}
	if c.b == nil {
		return 0, io.EOF
	}
	n := copy(p, c.b.raw[c.pos:])
	c.pos += n
	return n, nil
}

// feedChunks is Feed on one core: the same chunks, without goroutines.
func (a *Analyzer) feedChunks(ctx context.Context, sc *parser.Scanner, keep Keep, chunk int) error {
	if a.scratch == nil {
		a.scratch = a.matcher.NewScratch()
	}
	cs := sc.ChunkScanner()
	a.tailScanner = sc.ChunkScanner()
	b := a.spareBatch()
	defer func() { a.spare = append(a.spare, b) }()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		b.reset()
		var ok bool
		b.line, b.off = sc.Position()
		if b.raw, ok = sc.ReadChunk(b.raw[:0], chunk); !ok {
			return sc.Err()
		}
		b.final = sc.AtEnd()
		a.scanChunk(b, cs, &a.cache)
		if b.inexact {
			rest := &chunkStream{b: b, next: func() *batch { return a.readSpare(sc, chunk) }, done: a.keepSpare}
			cont := sc.Continue(rest, b.line, b.off)
			b = a.spareBatch() // the stream hands the other back
			if err := a.feedScanner(ctx, cont, keep, chunk); err != nil {
				return err
			}
			return sc.Err()
		}
		a.batchFacts(b, a.scratch, &a.cache)
		a.addBatch(b, keep)
	}
}

// batchFacts computes the facts of a batch's records. Rather than look at
// every record, it first takes the facts of lines seen before with another
// time from the cache, then searches the text of the other records as a
// whole, stretch by stretch, for what a fact needs (kb.Matcher.Candidates:
// the knowledge base's literals, codes, exit statuses and run headers) and
// computes the facts of only the records holding one: most lines of a big
// log hold none, and their facts are empty.
func (a *Analyzer) batchFacts(b *batch, scratch *kb.Scratch, cache *factCache) {
	n := len(b.recs)
	b.marks = slices.Grow(b.marks[:0], n)[:n]
	clear(b.marks)
	if len(b.tails) != n {
		b.tails = slices.Grow(b.tails[:0], n)[:n]
		clear(b.tails)
	}
	useCache := b.looked
	if !b.looked {
		b.facts = slices.Grow(b.facts[:0], n)[:n]
		clear(b.facts)
		b.known = slices.Grow(b.known[:0], n)[:n]
		clear(b.known)
		useCache = cache.worthTrying()
		hits := 0
		if useCache {
			for i := range b.recs {
				if f, ok := cache.lookup(&b.recs[i]); ok {
					b.facts[i], b.known[i] = f, true
					hits++
				}
			}
			cache.account(hits, n)
		}
	}
	mark := func(pos int, c kb.Candidate) {
		i, _ := slices.BinarySearch(b.ends, pos+1)
		if i < n {
			b.marks[i] |= c
		}
	}
	for i := 0; i < n; {
		if b.known[i] {
			i++
			continue
		}
		j := i + 1
		// A stretch ends at a tail: its lines hold no candidate.
		for j < n && !b.known[j] && b.tails[j-1].n == 0 {
			j++
		}
		start := b.ends[i] - len(b.recs[i].Raw)
		if !a.matcher.Candidates(b.text[start:b.ends[j-1]], func(pos int, c kb.Candidate) { mark(start+pos, c) }) {
			for k := i; k < j; k++ {
				b.marks[k] = needAll
			}
		}
		for k := i; k < j; k++ {
			if need := b.marks[k]; need != 0 {
				b.facts[k] = a.factsFor(&b.recs[k], scratch, need)
			}
			if useCache {
				cache.store(&b.recs[k], b.facts[k])
			}
		}
		i = j
	}
	b.repeats = slices.Grow(b.repeats[:0], n)[:n]
	clear(b.repeats)
	if !a.opts.All {
		for k := 1; k < n; k++ {
			// After a tail, the line before is its last, not the record.
			b.repeats[k] = b.tails[k-1].n == 0 && repeatsPrevious(&b.recs[k-1], &b.facts[k-1], &b.recs[k], &b.facts[k])
		}
	}
}

// repeatsPrevious reports whether add, given rec after prev, would change
// nothing but the counts and where the run ends (addRepeat): both lines
// hold nothing for the knowledge base, and rec has prev's format, clock
// time, elapsed seconds and level, below error. Most lines of a big log
// are such debug lines, written within the same second as the line before.
// Every test of add's run logic then gives rec prev's answer: the time
// since the last record is zero, no header or code can start or close a
// run, and the echo of an exit (echoesExit) looks only at what they share.
// Lines without a clock time are left to add: there the echo also counts
// lines.
func repeatsPrevious(prev *parser.Record, pf *facts, rec *parser.Record, f *facts) bool {
	return f.empty() && pf.empty() && rec.Lines == 1 && !rec.Truncated && rec.Level < parser.LevelError &&
		rec.Level == prev.Level && rec.Format == prev.Format && rec.Elapsed == prev.Elapsed &&
		!rec.Time.IsZero() && rec.Time == prev.Time
}

// empty reports whether the record holds nothing for the knowledge base.
func (f *facts) empty() bool { return len(f.matches) == 0 && len(f.refs) == 0 && f.header == notHeader }

// addBatch analyses the batch's records that keep accepts (nil: all), in
// order, once their facts are known, and the tails after them.
func (a *Analyzer) addBatch(b *batch, keep Keep) {
	prevKept := true
	for i := range b.recs {
		rec := &b.recs[i]
		kept := keep == nil || keep(rec, 1)
		if kept {
			// A record repeats the one before it, which keep must have taken.
			switch {
			case b.repeats[i] && prevKept:
				a.addRepeat(rec)
			case !b.facts[i].empty() || !a.addPlain(rec):
				a.add(rec, b.facts[i])
			}
		}
		prevKept = kept
		if t := &b.tails[i]; t.n > 0 {
			a.addTail(b, t, keep, kept)
		}
	}
}

// addTail analyses a record's tail, the record itself taken when kept
// is set. keep is asked once for the whole tail, with its last line
// standing for its n lines: keep decides by the time, and the tail's times
// lie between the record's and that line's. When keep refuses it, or the
// run logic may do more than extend the run, its lines are scanned and
// analysed one by one (tailLines).
func (a *Analyzer) addTail(b *batch, t *tail, keep Keep, kept bool) {
	if keep != nil {
		last := &a.tailRecord
		*last = parser.Record{File: a.file, Line: t.line + t.n - 1, Format: parser.FormatLogrus, Time: t.last,
			Elapsed: -1, Level: t.level, Lines: 1}
		kept = keep(last, t.n) && kept
	}
	if kept && a.applyTail(t) {
		return
	}
	a.tailLines(b, t, keep)
}

// tailLines analyses the lines of a tail one by one, as the plain path
// does. keep, already asked for the tail, is asked again for each line,
// with n = 0: the lines are counted.
func (a *Analyzer) tailLines(b *batch, t *tail, keep Keep) {
	sc := a.tailScanner
	sc.SetChunk(b.raw[t.from:t.to], true, t.line, t.off)
	rec := &a.tailRecord
	for sc.ScanTo(rec) {
		if keep == nil || keep(rec, 0) {
			a.Add(rec)
		}
	}
}

// factCache remembers the facts of agent log lines that differ only in
// their time. A big log repeats a few messages hundreds of thousands of
// times (the IMDS probe's 404 on every machine outside Azure, each run's
// header and exit lines, the same status lines every minute): a repeat
// costs a map lookup instead of the search and matching. The facts of a
// logrus line do not depend on the digits of its time: kb's
// TestPatternsIgnoreTheTime checks that no pattern looks at them. Each
// worker has its own cache, bounded by maxCached lines; a log whose lines
// rarely repeat turns it off for a while (see worthTrying).
type factCache struct {
	lines map[string]*cached
	// last is the entry of the line looked up or stored last: a big log
	// repeats whole sequences of lines (each run of the same command), so
	// the line after it is most often the one it was followed by before,
	// and comparing with that costs less than hashing the line.
	last *cached
	// gen counts the maps: entries link only to entries of the same map,
	// so that a map given up is not kept alive by the links.
	gen int
	// rest counts the batches left before the cache is tried again.
	rest int
}

// cached is a line's facts in the cache, and the line that came after it.
type cached struct {
	key   string
	facts facts
	// benign is set when the line is only a benign entry's (classify):
	// to the run logic, such a line only counts, as one that holds
	// nothing only extends the run.
	benign bool
	// level is the level NextAgentLine gave the line when it was last
	// passed over in a tail (LevelNone: never).
	level parser.Level
	// next is the line that came after it last, before the one that
	// came after it the time before: runs of two commands in turn
	// follow a line with one or the other.
	next, before *cached
	gen          int
}

const (
	maxCached = 4096
	// maxCachedLine is the longest line cached: an Error= value holding a
	// whole HTTP exchange rarely repeats, and would fill memory.
	maxCachedLine = 4 << 10
	// restBatches is how long the cache rests after a batch whose lines
	// were mostly new.
	restBatches = 16
)

// worthTrying reports whether the next batch should use the cache.
func (c *factCache) worthTrying() bool {
	if c.rest > 0 {
		c.rest--
		return false
	}
	return true
}

// account notes how many of a batch's n records the cache knew.
func (c *factCache) account(hits, n int) {
	if hits*4 < n {
		c.rest = restBatches
	}
}

// stampEnd is the length of `time="2031-02-03T04:05:06Z`, the time the
// agent writes at the start of each line of its logs.
const stampEnd = len(`time="2031-02-03T04:05:06Z`)

// cacheKey returns what a record's facts depend on, or false when the
// record is not a logrus line with the agent's time layout.
func cacheKey(rec *parser.Record) ([]byte, bool) {
	if !agentTime(rec) || len(rec.Raw) > maxCachedLine {
		return nil, false
	}
	return rec.Raw[stampEnd:], true
}

// agentStamp reports whether b is a time in the agent's layout
// (2031-02-03T04:05:06Z): digits where the layout has digits, its
// separators elsewhere. It looks at eight bytes at a time, as the cache
// asks it of most records. Each byte of b xor the layout's (digits as 0)
// must be at most 9 where the layout has a digit and 0 elsewhere: adding
// 0x76 or 0x7f to its low seven bits leaves it below 0x80 then.
func agentStamp(b []byte) bool {
	const low = 0x7f7f7f7f7f7f7f7f
	bad := func(x, add uint64) uint64 { return ((x & low) + add | x) & ^uint64(low) }
	x0 := binary.LittleEndian.Uint64(b) ^ stampLayout[0]
	x1 := binary.LittleEndian.Uint64(b[8:]) ^ stampLayout[1]
	x2 := uint64(binary.LittleEndian.Uint32(b[16:])) ^ stampLayout[2]
	return bad(x0, stampAdd[0])|bad(x1, stampAdd[1])|bad(x2, stampAdd[2]) == 0
}

// stampLayout is the agent's time layout with 0 for each digit, by words;
// stampAdd has 0x76 at its digits and 0x7f at its separators.
var stampLayout, stampAdd = func() (l, a [3]uint64) {
	const layout = "0000-00-00T00:00:00Z"
	for i := range len(layout) {
		l[i/8] |= uint64(layout[i]) << (8 * (i % 8))
		add := uint64(0x7f)
		if layout[i] == '0' {
			add = 0x76
		}
		a[i/8] |= add << (8 * (i % 8))
	}
	return l, a
}()

func (c *factCache) lookup(rec *parser.Record) (facts, bool) {
	key, ok := cacheKey(rec)
	if !ok {
		return facts{}, false
	}
	e := c.find(key)
	if e == nil {
		c.last = nil
		return facts{}, false
	}
	c.follow(e)
	return e.facts, true
}

// guess returns the entry of the line that followed the last line the
// last time, or nil.
func (c *factCache) guess() *cached {
	if c.last == nil {
		return nil
	}
	return c.last.next
}

// findAfterGuess is find for a key already found not to be guess's.
func (c *factCache) findAfterGuess(key []byte) *cached {
	if c.last != nil {
		if next := c.last.before; next != nil && next.key == string(key) {
			return next
		}
	}
	return c.lines[string(key)]
}

// find returns the entry of a line's key (see cacheKey), or nil; follow
// then notes it as the line looked up last.
func (c *factCache) find(key []byte) *cached {
	if g := c.guess(); g != nil && g.key == string(key) {
		return g
	}
	return c.findAfterGuess(key)
}

func (c *factCache) store(rec *parser.Record, f facts) {
	key, ok := cacheKey(rec)
	if !ok {
		return
	}
	if c.lines == nil || len(c.lines) >= maxCached {
		c.lines = make(map[string]*cached, 256)
		c.gen++
		c.last = nil
	}
	e := &cached{key: string(key), facts: f, gen: c.gen}
	if len(f.matches) > 0 && len(f.refs) == 0 && f.header == notHeader {
		e.benign = classify(rec, f.matches, nil).benign != nil
	}
	c.lines[e.key] = e
	c.follow(e)
}

// follow notes that e came after the last line.
func (c *factCache) follow(e *cached) {
	if l := c.last; l != nil && l.gen == e.gen && e.gen == c.gen && l.next != e {
		l.next, l.before = e, l.next
	}
	c.last = e
}

// feedScanner analyses the records of sc in order, matching them batch by
// batch on the calling goroutine: the rest of an input whose chunks cannot
// be scanned on their own.
func (a *Analyzer) feedScanner(ctx context.Context, sc *parser.Scanner, keep Keep, chunk int) error {
	if a.scratch == nil {
		a.scratch = a.matcher.NewScratch()
	}
	b := a.spareBatch()
	b.reset()
	defer func() { a.spare = append(a.spare, b) }()
	flush := func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		// The records' texts lie in the arena one after the other.
		b.text = b.arena
		b.ends = b.ends[:0]
		end := 0
		for i := range b.recs {
			end += len(b.recs[i].Raw)
			b.ends = append(b.ends, end)
		}
		a.batchFacts(b, a.scratch, &a.cache)
		a.addBatch(b, nil)
		b.reset()
		return nil
	}
	for rec := b.slot(); sc.ScanTo(rec); rec = b.slot() {
		if keep == nil || keep(rec, 1) {
			b.add(rec)
			if b.full(chunk) {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return sc.Err()
}
