package parser

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// FuzzScanner feeds arbitrary bytes to the scanner, whole and one byte per
// Read, with a small MaxLineLen so that truncation and the GuestConfig
// bounds are reached. It must never panic, and the records must account
// for every byte of the decoded input: offsets strictly increase, each
// record starts where the previous ended, and Raw, the skipped bytes and
// the terminators tile the stream decoded independently here.
func FuzzScanner(f *testing.F) {
	var lines []string
	for _, tt := range sampleTests {
		lines = append(lines, tt.line)
	}
	for _, tt := range fieldTests {
		lines = append(lines, tt.line)
	}
	for _, tt := range terminalFieldTests {
		lines = append(lines, tt.line)
	}
	for _, tt := range otherFormatTests {
		lines = append(lines, tt.line)
	}
	for _, l := range lines {
		f.Add([]byte(l))
	}
	all := strings.Join(lines, "\n") + "\n"
	f.Add([]byte(all))
	f.Add([]byte(strings.ReplaceAll(all, "\n", "\r\n")))
	for _, tt := range scanTests {
		f.Add([]byte(tt.input))
	}
	f.Add([]byte(consoleCapture))
	f.Add([]byte(termWrap(consoleCapture, 80)))
	f.Add([]byte(encodingSample))
	f.Add(append([]byte{0xef, 0xbb, 0xbf}, encodingSample...))
	f.Add(utf16Bytes(encodingSample, binary.LittleEndian, true))
	f.Add(utf16Bytes(encodingSample, binary.BigEndian, true))
	f.Add(utf16Bytes(encodingSample, binary.LittleEndian, false))
	f.Add(append(utf16Bytes("a\n", binary.LittleEndian, true), 0x00, 0xd8, 'Z'))
	f.Add(gzipBytes(f, []byte(encodingSample)))
	f.Add(gzipBytes(f, utf16Bytes(encodingSample, binary.LittleEndian, true)))
	f.Add([]byte("\x1f\x8b"))
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wantErr := referenceDecode(data)
		opts := Options{MaxLineLen: 32}
		whole := checkScan(t, want, wantErr, bytes.NewReader(data), opts)
		bytewise := checkScan(t, want, wantErr, iotest.OneByteReader(bytes.NewReader(data)), opts)
		if diff := cmp.Diff(whole, bytewise); diff != "" {
			t.Fatalf("reading one byte at a time differs (-whole +bytewise):\n%s", diff)
		}
		checkScan(t, want, wantErr, bytes.NewReader(data), Options{})

		r := ParseLine(data)
		_, _, _ = r.Message(), r.Text(), r.Fields()
	})
}

// isUnwrapped reports whether rec, a wrapped console line joined back, is
// span (the input it came from) without the line breaks between its lines.
func isUnwrapped(rec *Record, span []byte) bool {
	pieces := bytes.Split(span, []byte("\n"))
	for i := range pieces[:len(pieces)-1] {
		pieces[i] = bytes.TrimSuffix(pieces[i], []byte("\r"))
	}
	return len(pieces) == rec.Lines && bytes.Equal(bytes.Join(pieces, nil), rec.Raw)
}

// checkScan scans r and checks its records against want, the decoded
// input. It returns the records, fields decoded.
func checkScan(t *testing.T, want []byte, wantErr error, r io.Reader, opts Options) []got {
	t.Helper()
	s := NewScanner(r, "fuzz", opts)
	limit := opts.MaxLineLen
	if limit == 0 {
		limit = DefaultMaxLineLen
	}
	var out []got
	var off int64
	line := 1
	for s.Scan() {
		rec := s.Record()
		end := rec.End()
		switch {
		case rec.Offset != off:
			t.Fatalf("record at %d, want %d (the previous record's end)", rec.Offset, off)
		case rec.Line != line:
			t.Fatalf("record at %d: line %d, want %d", off, rec.Line, line)
		case end <= rec.Offset || end > int64(len(want)):
			t.Fatalf("record at %d ends at %d; decoded input is %d bytes", off, end, len(want))
		case len(rec.Raw) > limit:
			t.Fatalf("record at %d: Raw of %d bytes, longer than MaxLineLen %d", off, len(rec.Raw), limit)
		case rec.Truncated != (rec.Skipped > 0):
			t.Fatalf("record at %d: Truncated %v but Skipped %d", off, rec.Truncated, rec.Skipped)
		case rec.joined == 0 && rec.Lines != 1+bytes.Count(rec.Raw, []byte{'\n'}):
			t.Fatalf("record at %d: Lines %d for Raw %q", off, rec.Lines, rec.Raw)
		case rec.joined == 0 && !bytes.Equal(rec.Raw, want[off:off+int64(len(rec.Raw))]):
			t.Fatalf("record at %d: Raw %q is not the input %q", off, rec.Raw, want[off:off+int64(len(rec.Raw))])
		case rec.joined > 0 && !isUnwrapped(rec, want[off:off+int64(len(rec.Raw))+rec.joined]):
			t.Fatalf("record at %d: Raw %q (%d lines) is not the input %q without its line breaks", off, rec.Raw, rec.Lines, want[off:off+int64(len(rec.Raw))+rec.joined])
		case (rec.Elapsed >= 0) != (rec.Format == FormatTerminal):
			t.Fatalf("record at %d: Elapsed %d in format %v", off, rec.Elapsed, rec.Format)
		}
		// What follows Raw and the skipped bytes is the terminator: LF, CR
		// LF, or nothing at the end of input. A CR before LF is never in Raw.
		termStart := off + int64(len(rec.Raw)) + rec.Skipped + rec.joined
		switch term := string(want[termStart:end]); term {
		case "\n":
			if termStart > off && want[termStart-1] == '\r' {
				t.Fatalf("record at %d: Raw %q keeps the CR of its CRLF", off, rec.Raw)
			}
		case "\r\n":
		case "":
			if end != int64(len(want)) {
				t.Fatalf("record at %d: no terminator before the end of input", off)
			}
		default:
			t.Fatalf("record at %d: terminator %q", off, term)
		}
		_ = rec.Text()
		rec.Field("Error")
		out = append(out, gotOf(rec))
		off, line = end, line+rec.Lines
	}
	if off != int64(len(want)) {
		t.Fatalf("records cover %d bytes of %d", off, len(want))
	}
	if (s.Err() != nil) != (wantErr != nil) {
		t.Fatalf("Err() = %v, want %v", s.Err(), wantErr)
	}
	return out
}

// referenceDecode decodes data the simple way, all in memory: gzip, then a
// BOM, UTF-16 through utf16.Decode. On a gzip error it returns what was
// decompressed before it.
func referenceDecode(data []byte) ([]byte, error) {
	var err error
	if bytes.HasPrefix(data, gzipMagic) {
		zr, zerr := gzip.NewReader(bytes.NewReader(data))
		if zerr != nil {
			return nil, zerr
		}
		data, err = io.ReadAll(zr)
	}
	var order binary.ByteOrder
	bom := 2
	// Without a BOM, UTF-16 is two ASCII characters whose other byte is 0.
	ascii := func(c byte) bool { return c == '\t' || c == '\n' || c == '\r' || c >= ' ' && c <= '~' }
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		return data[len(bomUTF8):], err
	case bytes.HasPrefix(data, bomUTF16LE):
		order = binary.LittleEndian
	case bytes.HasPrefix(data, bomUTF16BE):
		order = binary.BigEndian
	case len(data) >= 4 && data[1] == 0 && data[3] == 0 && ascii(data[0]) && ascii(data[2]):
		order, bom = binary.LittleEndian, 0
	case len(data) >= 4 && data[0] == 0 && data[2] == 0 && ascii(data[1]) && ascii(data[3]):
		order, bom = binary.BigEndian, 0
	default:
		return data, err
	}
	// The decoding itself is x/text's, as in the scanner: what this checks
	// is how the scanner cuts the decoded stream, not the decoder (which
	// turns two unpaired low surrogates into one U+FFFD where
	// unicode/utf16 gives two).
	endian := xunicode.LittleEndian
	if order == binary.BigEndian {
		endian = xunicode.BigEndian
	}
	dec := xunicode.UTF16(endian, xunicode.IgnoreBOM).NewDecoder()
	if err != nil {
		// The stream broke (a truncated .gz): the scanner decodes the whole
		// code units before the break and reports the error; an incomplete
		// one at the break is not text yet, so it is not turned into U+FFFD.
		dst := make([]byte, 3*len(data)+16)
		n, _, terr := dec.Transform(dst, data[bom:], false)
		if terr != nil && terr != transform.ErrShortSrc {
			return nil, terr
		}
		return dst[:n], err
	}
	out, derr := dec.Bytes(data[bom:])
	if derr != nil {
		return nil, derr
	}
	return out, err
}
