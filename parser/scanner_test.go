package parser

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
)

// got is the part of a scanned record the table tests compare.
type got struct {
	Line, Lines int
	Offset      int64
	Raw         string
	Format      Format
	Level       Level
	Truncated   bool
	Skipped     int64
}

func gotOf(r *Record) got {
	return got{r.Line, r.Lines, r.Offset, string(r.Raw), r.Format, r.Level, r.Truncated, r.Skipped}
}

func scanAll(t testing.TB, r io.Reader, opts Options) ([]got, error) {
	t.Helper()
	s := NewScanner(r, "test.log", opts)
	var out []got
	for s.Scan() {
		r := s.Record()
		if r.File != "test.log" {
			t.Fatalf("record File = %q", r.File)
		}
		out = append(out, gotOf(r))
	}
	return out, s.Err()
}

// scanEach scans input whole and one byte per Read, which moves every
// buffer boundary through every line, and checks both give the same.
func scanEach(t *testing.T, input string, opts Options) []got {
	t.Helper()
	whole, err := scanAll(t, strings.NewReader(input), opts)
	if err != nil {
		t.Fatalf("Err() = %v", err)
	}
	bytewise, err := scanAll(t, iotest.OneByteReader(strings.NewReader(input)), opts)
	if err != nil {
		t.Fatalf("Err() one byte at a time = %v", err)
	}
	if diff := cmp.Diff(whole, bytewise); diff != "" {
		t.Fatalf("reading one byte at a time differs (-whole +bytewise):\n%s", diff)
	}
	return whole
}

const gcFirst = "<GCLOG>[2031-02-03 13:05:06.789] [PID 4321] [TID 8765] [EXAMPLE COMPONENT] [ERROR] [00000000-0000-0000-0000-000000000000] first"

// scanTests are inputs whose every record is known; they also seed
// FuzzScanner.
var scanTests = []struct {
	name  string
	input string
	opts  Options
	want  []got
}{
	{"empty", "", Options{}, nil},
	{"LF, CRLF and a last line without LF", "a\r\nb\nc", Options{}, []got{
		{1, 1, 0, "a", FormatPlain, LevelNone, false, 0},
		{2, 1, 3, "b", FormatPlain, LevelNone, false, 0},
		{3, 1, 5, "c", FormatPlain, LevelNone, false, 0},
	}},
	{"empty lines", "\n\r\n\n", Options{}, []got{
		{1, 1, 0, "", FormatPlain, LevelNone, false, 0},
		{2, 1, 1, "", FormatPlain, LevelNone, false, 0},
		{3, 1, 3, "", FormatPlain, LevelNone, false, 0},
	}},
	{"lone CRs are content", "a\rb\r\r\nc\r", Options{}, []got{
		{1, 1, 0, "a\rb\r", FormatPlain, LevelNone, false, 0},
		{2, 1, 6, "c\r", FormatPlain, LevelNone, false, 0},
	}},
	{"invalid UTF-8 and NUL bytes kept", "ok \xff\xfe\xc3(\n\x00\x00bin\x00ary\x01\n", Options{}, []got{
		{1, 1, 0, "ok \xff\xfe\xc3(", FormatPlain, LevelNone, false, 0},
		{2, 1, 8, "\x00\x00bin\x00ary\x01", FormatPlain, LevelNone, false, 0},
	}},
	{"UTF-8 BOM in the middle is content", "a\n\xef\xbb\xbfb\n", Options{}, []got{
		{1, 1, 0, "a", FormatPlain, LevelNone, false, 0},
		{2, 1, 2, "\xef\xbb\xbfb", FormatPlain, LevelNone, false, 0},
	}},
	{"truncated lines", "0123456789abc\r\nshort\n01234567\r\n012345678\r\n0123456789", Options{MaxLineLen: 8}, []got{
		{1, 1, 0, "01234567", FormatPlain, LevelNone, true, 5},
		{2, 1, 15, "short", FormatPlain, LevelNone, false, 0},
		{3, 1, 21, "01234567", FormatPlain, LevelNone, false, 0},
		{4, 1, 31, "01234567", FormatPlain, LevelNone, true, 1},
		{5, 1, 42, "01234567", FormatPlain, LevelNone, true, 2},
	}},
	{"truncated line with CRs inside", "0123456789\r\r\r\nx", Options{MaxLineLen: 8}, []got{
		{1, 1, 0, "01234567", FormatPlain, LevelNone, true, 4},
		{2, 1, 14, "x", FormatPlain, LevelNone, false, 0},
	}},
	{"truncated logrus line keeps its level", `time="2031-02-03T04:05:06Z" level=error msg="` + strings.Repeat("x", 100) + "\"\nnext\n", Options{MaxLineLen: 50}, []got{
		{1, 1, 0, `time="2031-02-03T04:05:06Z" level=error msg="xxxxx`, FormatLogrus, LevelError, true, 96},
		{2, 1, 147, "next", FormatPlain, LevelNone, false, 0},
	}},
	{"GuestConfig record spanning lines", gcFirst + "\r\nsecond\n\nthird</GCLOG>\nnext\n", Options{}, []got{
		{1, 4, 0, gcFirst + "\r\nsecond\n\nthird</GCLOG>", FormatGuestConfig, LevelError, false, 0},
		{5, 1, int64(len(gcFirst)) + 24, "next", FormatPlain, LevelNone, false, 0},
	}},
	{"GuestConfig record closed by the next one", gcFirst + "\ncont\n" + gcFirst + "</GCLOG>\n", Options{}, []got{
		{1, 2, 0, gcFirst + "\ncont", FormatGuestConfig, LevelError, false, 0},
		{3, 1, int64(len(gcFirst)) + 6, gcFirst + "</GCLOG>", FormatGuestConfig, LevelError, false, 0},
	}},
	{"GuestConfig record open at the end", gcFirst + "\ncont\nlast", Options{}, []got{
		{1, 3, 0, gcFirst + "\ncont\nlast", FormatGuestConfig, LevelError, false, 0},
	}},
	{"GuestConfig record bounded by MaxLineLen", "<GCLOG>[x] a\n0123\n0123456789\nz\n", Options{MaxLineLen: 20}, []got{
		{1, 2, 0, "<GCLOG>[x] a\n0123", FormatGuestConfig, LevelNone, false, 0},
		{3, 1, 18, "0123456789", FormatPlain, LevelNone, false, 0},
		{4, 1, 29, "z", FormatPlain, LevelNone, false, 0},
	}},
	{"GuestConfig first line truncated", "<GCLOG>[2031-02-03 13:05:06.789] long\nn</GCLOG>\n", Options{MaxLineLen: 10}, []got{
		{1, 1, 0, "<GCLOG>[20", FormatGuestConfig, LevelNone, true, 27},
		{2, 1, 38, "n</GCLOG>", FormatPlain, LevelNone, false, 0},
	}},
}

func TestScan(t *testing.T) {
	for _, tt := range scanTests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, scanEach(t, tt.input, tt.opts)); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScanGuestConfigLineBound checks that a record never closed stops
// after 1000 lines, and that numbering goes on correctly.
func TestScanGuestConfigLineBound(t *testing.T) {
	input := "<GCLOG>[2031-02-03 13:05:06.789] never closed\n" + strings.Repeat("x\n", 1500)
	recs, err := scanAll(t, strings.NewReader(input), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 502 || recs[0].Lines != 1000 || recs[1].Line != 1001 || recs[501].Line != 1501 {
		t.Fatalf("got %d records, the first of %d lines, then lines %d..%d; want 502 records, 1000 lines, then 1001..1501",
			len(recs), recs[0].Lines, recs[1].Line, recs[len(recs)-1].Line)
	}
}

// consoleCapture is a raw terminal capture: colour sequences, prompts and
// device-login text between log lines.
var consoleCapture = strings.Join([]string{
	"$ sudo azcmagent connect --resource-group rg --location eastus",
	"\x1b[37mDEBUG\x1b[0m[0003] Example: contacting contoso.example          ",
	"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code XXXXXXXXX to authenticate.",
	"  20% [=====>                    ]",
	"\x1b[31mERROR\x1b[0m[0007] Example request failed                        \x1b[31mError\x1b[0m=\"dial tcp 192.0.2.10:443: i/o timeout\"",
	"\x1b[36mINFO\x1b[0m[0007] Exit Code:  AZCM0044: Resource Already Exists",
	"\x1b[31mFATAL\x1b[0m[0007] Example request failed                       ",
	"\x1b[1;32m$\x1b[0m ",
}, "\r\n")

// TestScanConsoleCapture reads a raw terminal capture: colour sequences,
// prompts and device-login text between log lines.
func TestScanConsoleCapture(t *testing.T) {
	input := consoleCapture
	s := NewScanner(strings.NewReader(input), "capture.txt", Options{})
	type line struct {
		Format  Format
		Level   Level
		Elapsed int
		Message string
		Fields  []Field
	}
	var out []line
	for s.Scan() {
		r := s.Record()
		if bytes.IndexByte(r.Raw, esc) < 0 && strings.Contains(r.Message(), "\x1b") {
			t.Errorf("line %d: message kept a colour sequence", r.Line)
		}
		out = append(out, line{r.Format, r.Level, r.Elapsed, r.Message(), r.Fields()})
	}
	want := []line{
		{FormatPlain, LevelNone, -1, "$ sudo azcmagent connect --resource-group rg --location eastus", nil},
		{FormatTerminal, LevelDebug, 3, "Example: contacting contoso.example", nil},
		{FormatPlain, LevelNone, -1, "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code XXXXXXXXX to authenticate.", nil},
		{FormatPlain, LevelNone, -1, "  20% [=====>                    ]", nil},
		{FormatTerminal, LevelError, 7, "Example request failed", []Field{{"Error", "dial tcp 192.0.2.10:443: i/o timeout"}}},
		{FormatTerminal, LevelInfo, 7, "Exit Code:  AZCM0044: Resource Already Exists", nil},
		{FormatTerminal, LevelFatal, 7, "Example request failed", nil},
		{FormatPlain, LevelNone, -1, "$ ", nil},
	}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("capture (-want +got):\n%s", diff)
	}
}

// encodingSample holds a BMP and a non-BMP character (a surrogate pair in
// UTF-16), CRLF and a last line without LF.
const encodingSample = "time=\"2031-02-03T13:05:06+09:00\" level=error msg=\"接続に失敗しました\" Error=\"x\"\r\n" +
	"ERROR[0007] 😀 failed                                     Error=boom\r\n" +
	"<GCLOG>[2031-02-03 13:05:06.789] [PID 1] [TID 2] [C] [INFO] [g] multi\r\nline</GCLOG>\n" +
	"last line"

func utf16Bytes(s string, order binary.AppendByteOrder, bom bool) []byte {
	var b []byte
	if bom {
		b = order.AppendUint16(b, 0xfeff)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = order.AppendUint16(b, u)
	}
	return b
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestScanEncodings writes the same log in every encoding to real files
// and expects the same records, offsets being those of the UTF-8 text.
func TestScanEncodings(t *testing.T) {
	want, err := scanAll(t, strings.NewReader(encodingSample), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 4 || want[2].Lines != 2 {
		t.Fatalf("sample scanned to %d records: %+v", len(want), want)
	}
	utf8BOM := append([]byte{0xef, 0xbb, 0xbf}, encodingSample...)
	le := utf16Bytes(encodingSample, binary.LittleEndian, true)
	tests := []struct {
		name string
		data []byte
		enc  Encoding
	}{
		{"utf8.log", []byte(encodingSample), Encoding{UTF8, false}},
		{"utf8-bom.log", utf8BOM, Encoding{UTF8BOM, false}},
		{"utf16le.log", le, Encoding{UTF16LE, false}},
		{"utf16be.log", utf16Bytes(encodingSample, binary.BigEndian, true), Encoding{UTF16BE, false}},
		{"utf8.log.gz", gzipBytes(t, []byte(encodingSample)), Encoding{UTF8, true}},
		{"utf8-bom.log.gz", gzipBytes(t, utf8BOM), Encoding{UTF8BOM, true}},
		{"utf16le.log.gz", gzipBytes(t, le), Encoding{UTF16LE, true}},
		// A UTF-16 log without a BOM: cut from a longer one, or appended to
		// by a tool that writes none.
		{"utf16le-nobom.log", utf16Bytes(encodingSample, binary.LittleEndian, false), Encoding{UTF16LE, false}},
		{"utf16be-nobom.log", utf16Bytes(encodingSample, binary.BigEndian, false), Encoding{UTF16BE, false}},
		{"utf16le-nobom.log.gz", gzipBytes(t, utf16Bytes(encodingSample, binary.LittleEndian, false)), Encoding{UTF16LE, true}},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			if err := os.WriteFile(path, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, oneByte := range []bool{false, true} {
				f, err := os.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				var r io.Reader = f
				if oneByte {
					r = iotest.OneByteReader(f)
				}
				s := NewScanner(r, "test.log", Options{})
				if got := s.Encoding(); got != tt.enc {
					t.Errorf("Encoding() = %v, want %v", got, tt.enc)
				}
				var recs []got
				for s.Scan() {
					recs = append(recs, gotOf(s.Record()))
				}
				if err := s.Err(); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, recs); diff != "" {
					t.Errorf("records, one byte per read %v (-want +got):\n%s", oneByte, diff)
				}
			}
		})
	}
}

// TestScanUTF16Damage checks what is done with UTF-16 that is not valid:
// unpaired surrogates and an odd last byte become U+FFFD.
func TestScanUTF16Damage(t *testing.T) {
	units := []uint16{'a', 0xd800, 'b', 0xdc00, '\n', 0xd83d, 0xde00, 0xdbff}
	for _, tt := range []struct {
		name  string
		order binary.AppendByteOrder
		bom   uint16
	}{{"LE", binary.LittleEndian, 0xfeff}, {"BE", binary.BigEndian, 0xfeff}} {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.order.AppendUint16(nil, tt.bom)
			for _, u := range units {
				b = tt.order.AppendUint16(b, u)
			}
			b = append(b, 'Z') // the odd byte
			want := []got{
				{1, 1, 0, "a\uFFFDb\uFFFD", FormatPlain, LevelNone, false, 0},
				{2, 1, 9, "😀\uFFFD\uFFFD", FormatPlain, LevelNone, false, 0},
			}
			for _, r := range []io.Reader{bytes.NewReader(b), iotest.OneByteReader(bytes.NewReader(b))} {
				got, err := scanAll(t, r, Options{})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("records (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestScanLongLines reads a 16 MiB line whole and truncates a 17 MiB one,
// the line after it intact and correctly numbered.
func TestScanLongLines(t *testing.T) {
	const mib = 1 << 20
	input := strings.Repeat("a", 16*mib) + "\n" +
		strings.Repeat("b", 17*mib) + "\r\n" +
		"after\n"
	// Reads of an odd size put buffer boundaries everywhere, CR included.
	r := &chunkReader{r: strings.NewReader(input), n: 4093}
	got, err := scanAll(t, r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d records, want 3", len(got))
	}
	if g := got[0]; len(g.Raw) != 16*mib || g.Truncated || strings.Trim(g.Raw, "a") != "" {
		t.Errorf("16 MiB line: len %d, truncated %v", len(g.Raw), g.Truncated)
	}
	if g := got[1]; len(g.Raw) != 16*mib || !g.Truncated || g.Skipped != mib || g.Line != 2 || g.Offset != 16*mib+1 {
		t.Errorf("17 MiB line: line %d, offset %d, len %d, truncated %v, skipped %d", g.Line, g.Offset, len(g.Raw), g.Truncated, g.Skipped)
	}
	want := got[2]
	want.Raw, want.Line, want.Offset = "after", 3, 33*mib+3
	if diff := cmp.Diff(want, got[2]); diff != "" {
		t.Errorf("line after the truncated one (-want +got):\n%s", diff)
	}
}

// chunkReader returns at most n bytes per Read.
type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	return c.r.Read(p[:min(len(p), c.n)])
}

// TestScanErrors checks that a read error ends the scan after the bytes
// read before it, the last partial line included, and is reported.
func TestScanErrors(t *testing.T) {
	boom := errors.New("boom")
	t.Run("read error", func(t *testing.T) {
		r := io.MultiReader(strings.NewReader("abc\ndef"), iotest.ErrReader(boom))
		s := NewScanner(r, "x.log", Options{})
		var raws []string
		for s.Scan() {
			raws = append(raws, string(s.Record().Raw))
		}
		if diff := cmp.Diff([]string{"abc", "def"}, raws); diff != "" {
			t.Errorf("records (-want +got):\n%s", diff)
		}
		if err := s.Err(); !errors.Is(err, boom) || !strings.Contains(err.Error(), "x.log") {
			t.Errorf("Err() = %v, want boom naming x.log", err)
		}
	})
	// The input is named once: by the error when it already names it (a
	// file's or a zip entry's *fs.PathError), else by the scanner, even
	// when the error's text merely contains the name.
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"path error", &fs.PathError{Op: "read", Path: "x.log", Err: boom}, "read x.log: boom"},
		{"path error of another file", &fs.PathError{Op: "read", Path: "other.log", Err: boom}, "read x.log: read other.log: boom"},
		{"name in the text only", fmt.Errorf("x.log is cursed: %w", boom), "read x.log: x.log is cursed: boom"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := NewScanner(iotest.ErrReader(tt.err), "x.log", Options{})
			for s.Scan() {
			}
			if err := s.Err(); err == nil || err.Error() != tt.want || !errors.Is(err, boom) {
				t.Errorf("Err() = %v, want %q wrapping boom", err, tt.want)
			}
		})
	}
	t.Run("truncated gzip", func(t *testing.T) {
		z := gzipBytes(t, []byte(strings.Repeat("line of text\n", 1000)))
		s := NewScanner(bytes.NewReader(z[:len(z)-4]), "x.log.gz", Options{})
		n := 0
		for s.Scan() {
			n++
		}
		if s.Err() == nil || n != 1000 {
			t.Errorf("got %d records and Err() = %v; want 1000 and an error", n, s.Err())
		}
	})
	t.Run("bad gzip header", func(t *testing.T) {
		s := NewScanner(strings.NewReader("\x1f\x8bnot gzip at all\n"), "x.log", Options{})
		if s.Scan() || s.Err() == nil || !strings.Contains(s.Err().Error(), "gzip") {
			t.Errorf("Scan() gave a record or Err() = %v; want a gzip error", s.Err())
		}
	})
	t.Run("no progress", func(t *testing.T) {
		s := NewScanner(emptyReader{}, "x.log", Options{})
		if s.Scan() || !errors.Is(s.Err(), io.ErrNoProgress) {
			t.Errorf("Err() = %v, want io.ErrNoProgress", s.Err())
		}
	})
	// The same inside UTF-16, where the decoder reads: an error, not a hang.
	t.Run("no progress in UTF-16", func(t *testing.T) {
		done := make(chan error, 1)
		go func() {
			s := NewScanner(io.MultiReader(bytes.NewReader(utf16Bytes("a\nb", binary.LittleEndian, true)), emptyReader{}), "x.log", Options{})
			for s.Scan() {
			}
			done <- s.Err()
		}()
		select {
		case err := <-done:
			if !errors.Is(err, io.ErrNoProgress) {
				t.Errorf("Err() = %v, want io.ErrNoProgress", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the scan of a UTF-16 input that stops making progress does not end")
		}
	})
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

func TestEncodingString(t *testing.T) {
	got := []string{Encoding{}.String(), Encoding{UTF8BOM, false}.String(), Encoding{UTF16LE, true}.String(),
		Encoding{UTF16BE, false}.String(), Charset(7).String()}
	want := []string{"utf-8", "utf-8-bom", "gzip+utf-16le", "utf-16be", "Charset(7)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("encoding names (-want +got):\n%s", diff)
	}
}

// TestGzipBound: a gzip stream stops at MaxGzipSize with ErrTooLarge, after
// the records before the bound.
func TestGzipBound(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	for range 1000 {
		zw.Write([]byte("level=info msg=\"a line of ten thousand\"\n"))
	}
	zw.Close()
	sc := NewScanner(&buf, "big.log.gz", Options{MaxGzipSize: 4096})
	n := 0
	for sc.Scan() {
		n++
	}
	if !errors.Is(sc.Err(), ErrTooLarge) || n == 0 || n >= 1000 || sc.Inflated() != 4096 {
		t.Errorf("after %d records, inflated %d: err %v, want ErrTooLarge at 4096 bytes", n, sc.Inflated(), sc.Err())
	}
}

// TestScanToReusedRecord checks that a record filled again by ScanTo shows
// only what its new line holds: a batch reuses its records across files,
// and a GPO line after a decoded logrus line once showed the latter's
// fields.
func TestScanToReusedRecord(t *testing.T) {
	logrus := `time="2031-02-03T04:05:06Z" level=error msg="Failed" Error="boom"` + "\n"
	var r Record
	sc := NewScanner(strings.NewReader(logrus), "a.log", Options{})
	if !sc.ScanTo(&r) {
		t.Fatal("no record")
	}
	if v, ok := r.Field("Error"); !ok || v != "boom" {
		t.Fatalf("Error = %q, %v", v, ok)
	}
	sc = NewScanner(strings.NewReader("[2031-02-11][02:00:12] ERROR Installation failed\n"), "b.log", Options{})
	if !sc.ScanTo(&r) {
		t.Fatal("no second record")
	}
	if r.Format != FormatGPO || r.File != "b.log" {
		t.Fatalf("format %v, file %q", r.Format, r.File)
	}
	if f := r.Fields(); len(f) != 0 {
		t.Errorf("fields of the line before: %v", f)
	}
	if got, want := r.Text(), "Installation failed"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
}
