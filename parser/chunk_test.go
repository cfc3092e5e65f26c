package parser

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// scanRecords returns the records of sc, cloned.
func scanRecords(sc *Scanner) []*Record {
	var recs []*Record
	for sc.Scan() {
		r := sc.Record().Clone()
		r.decoded, r.msg, r.fields = false, "", nil
		recs = append(recs, r)
	}
	return recs
}

// scanChunked reads data in chunks of about size bytes, scans each with a
// chunk scanner while they are exact, and the rest with one continuing
// scanner, as diagnose.Analyzer.Feed does. It returns the records and how
// many chunks were scanned on their own. Before each record of a chunk, it
// asks NextAgentLine what the record will be, and panics if that was wrong;
// saidAgentLines counts the lines it foretold.
func scanChunked(data []byte, size int, opts Options) ([]*Record, int) {
	sc := NewScanner(bytes.NewReader(data), "a.log", opts)
	cs := sc.ChunkScanner()
	var recs []*Record
	exact := 0
	var chunk []byte
	for {
		line, off := sc.Position()
		var ok bool
		// The chunk before is given back.
		chunk, ok = sc.ReadChunk(chunk[:0], size)
		if !ok {
			return recs, exact
		}
		cs.SetChunk(chunk, sc.AtEnd(), line, off)
		var got []*Record
		var said *Record // what NextAgentLine says the next record is
		for cs.Scan() {
			r := cs.Record().Clone()
			r.decoded, r.msg, r.fields = false, "", nil
			if said != nil {
				if cs.Inexact() {
					panic("NextAgentLine took a line that makes its chunk inexact: " + string(said.Raw))
				}
				scanned := &Record{File: r.File, Line: r.Line, Offset: r.Offset, Raw: r.Raw, Format: r.Format,
					Time: r.Time, Elapsed: r.Elapsed, Level: r.Level, Truncated: r.Truncated, Lines: r.Lines}
				if diff := cmp.Diff(said, scanned, cmpopts.IgnoreUnexported(Record{})); diff != "" {
					panic("NextAgentLine misjudged a line (-said +scanned):\n" + diff)
				}
				saidAgentLines++
			}
			got = append(got, r)
			said = nil
			line, level, _, ok := cs.NextAgentLine("", LevelNone)
			if len(r.Raw) > agentStampLen {
				// The same line, looked at as one expected to hold the
				// record's text after its time, with the level
				// NextAgentLine gives the record's own line, or none.
				text := r.Raw[agentStampLen:]
				known, _ := agentShape(r.Raw)
				for _, known := range []Level{LevelNone, known} {
					line2, level2, same, ok2 := cs.NextAgentLine(string(text), known)
					if ok2 != ok || string(line2) != string(line) || level2 != level ||
						same != (ok && len(line) >= agentStampLen && string(line[agentStampLen:]) == string(text)) {
						panic(fmt.Sprintf("NextAgentLine(%q, %v) = %q %v %v %v, NextAgentLine(\"\") %q %v", text, known, line2, level2, same, ok2, line, ok))
					}
				}
			}
			if ok {
				said = &Record{File: r.File, Line: r.Line + r.Lines, Offset: r.End(), Raw: bytes.Clone(line),
					Format: FormatLogrus, Time: cs.StampTime(line[6:26]), Elapsed: -1, Level: level, Lines: 1}
			}
		}
		if !cs.Inexact() {
			recs = append(recs, got...)
			exact++
			continue
		}
		var rest bytes.Buffer
		rest.Write(chunk)
		for {
			var ok bool
			if chunk, ok = sc.ReadChunk(chunk[:0], size); !ok {
				break
			}
			rest.Write(chunk)
		}
		return append(recs, scanRecords(sc.Continue(&rest, line, off))...), exact
	}
}

// saidAgentLines counts the lines scanChunked checked NextAgentLine on.
var saidAgentLines int

// FuzzChunks checks that scanning in chunks gives the records one scanner
// gives, whatever the chunk size: each chunk on its own while nothing in it
// depends on the lines around it, and from the first chunk where something
// does, one scanner carrying its state (a console capture, an installer
// log, a GuestConfig record open at the chunk's end, a cut line).
func FuzzChunks(f *testing.F) {
	for _, tt := range scanTests {
		f.Add([]byte(tt.input), uint16(7))
	}
	var lines []string
	for _, tt := range sampleTests {
		lines = append(lines, tt.line)
	}
	for _, tt := range otherFormatTests {
		lines = append(lines, tt.line)
	}
	all := strings.Join(lines, "\n") + "\n"
	f.Add([]byte(all), uint16(50))
	f.Add([]byte(strings.ReplaceAll(all, "\n", "\r\n")), uint16(97))
	f.Add([]byte(consoleCapture), uint16(64))
	f.Add([]byte(termWrap(consoleCapture, 80)), uint16(200))
	f.Add([]byte(encodingSample), uint16(3))
	f.Add(utf16Bytes(encodingSample, binary.LittleEndian, true), uint16(40))
	f.Add([]byte("time=\"2031-02-03T04:05:06Z\" level=debug msg=a\ntime=\"2031-02-03T04:05:06Z\" level=debug msg=b\r\n"+
		"time=\"2031-02-03T04:05:06Z\" level=debugx\ntime=\"2031-02-03T04:05:06Z\" level=info\ntime=\"2031-02-03T04:05:06Z\" level=info\n"), uint16(299))
	f.Add([]byte("<GCLOG>[2031-02-03 04:05:06.789] [PID 1] [TID 2] [X] [INFO] [g] a\nb\n</GCLOG>\nc\n"), uint16(50))
	f.Fuzz(func(t *testing.T, data []byte, size uint16) {
		opts := Options{MaxLineLen: 64}
		want := scanRecords(NewScanner(bytes.NewReader(data), "a.log", opts))
		got, _ := scanChunked(data, int(size%300)+1, opts)
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(Record{})); diff != "" {
			t.Fatalf("chunks of %d differ from one scanner (-want +got):\n%s", int(size%300)+1, diff)
		}
	})
}

// TestChunksOfAgentLog checks that an agent log is scanned in chunks on
// their own all through: the fast path is taken where it matters.
func TestChunksOfAgentLog(t *testing.T) {
	data := benchLog()[:256<<10]
	saidAgentLines = 0
	got, exact := scanChunked(data, 4096, Options{})
	want := scanRecords(NewScanner(bytes.NewReader(data), "a.log", Options{}))
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(Record{})); diff != "" {
		t.Fatalf("chunks differ from one scanner (-want +got):\n%s", diff)
	}
	if n := (len(data) + 4095) / 4096; exact < n-1 {
		t.Errorf("%d of about %d chunks scanned on their own", exact, n)
	}
	if saidAgentLines < len(got)/2 {
		t.Errorf("NextAgentLine foretold %d of %d records: the lines Feed skips were not checked", saidAgentLines, len(got))
	}
}

// endless reads data over and over.
type endless struct {
	data []byte
	pos  int
}

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.data[e.pos:])
	e.pos = (e.pos + n) % len(e.data)
	return n, nil
}

// TestReadChunkHandsOver: ReadChunk gives its buffer to the caller and
// reads on into the chunk given back, so that reading a big log in chunks
// neither allocates nor copies a chunk.
func TestReadChunkHandsOver(t *testing.T) {
	sc := NewScanner(&endless{data: benchLog()[:1<<20]}, "a.log", Options{})
	chunk, _ := sc.ReadChunk(nil, 128<<10)
	allocs := testing.AllocsPerRun(100, func() {
		before := &chunk[:1][0]
		var ok bool
		if chunk, ok = sc.ReadChunk(chunk[:0], 128<<10); !ok || len(chunk) < 100<<10 || chunk[len(chunk)-1] != '\n' {
			t.Fatalf("chunk of %d bytes, %v", len(chunk), ok)
		}
		if &chunk[0] == before {
			t.Fatal("the chunk given back was read into while the caller held the next")
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations a chunk", allocs)
	}
}
