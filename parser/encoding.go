package parser

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Charset is the text encoding found at the start of the input, its
// byte-order mark included.
type Charset uint8

// The charsets the scanner recognises. Anything else is read as UTF-8;
// invalid bytes are kept, not replaced.
const (
	UTF8    Charset = iota // no BOM
	UTF8BOM                // EF BB BF, stripped
	UTF16LE                // FF FE, or no BOM (see bomlessUTF16); transcoded to UTF-8
	UTF16BE                // FE FF, or no BOM; transcoded to UTF-8
)

var charsetNames = [...]string{"utf-8", "utf-8-bom", "utf-16le", "utf-16be"}

// String returns the charset's name: "utf-8", "utf-8-bom", "utf-16le" or
// "utf-16be".
func (c Charset) String() string {
	if int(c) < len(charsetNames) {
		return charsetNames[c]
	}
	return fmt.Sprintf("Charset(%d)", c)
}

// Encoding is how the input was stored: gzip-compressed or not, and in
// which charset (of the decompressed bytes).
type Encoding struct {
	Charset Charset
	Gzip    bool
}

// String returns the charset's name, prefixed with "gzip+" when compressed.
func (e Encoding) String() string {
	if e.Gzip {
		return "gzip+" + e.Charset.String()
	}
	return e.Charset.String()
}

// errInvalidRead reports a reader breaking the io.Reader contract.
var errInvalidRead = errors.New("reader returned an invalid count")

var (
	bomUTF8    = []byte{0xef, 0xbb, 0xbf}
	bomUTF16LE = []byte{0xff, 0xfe}
	bomUTF16BE = []byte{0xfe, 0xff}
	gzipMagic  = []byte{0x1f, 0x8b}
)

// readHead reads the first bytes of r, enough to see a BOM or the gzip
// magic. A short stream is not an error.
func readHead(r io.Reader) ([]byte, error) {
	return readMore(r, make([]byte, 0, 4), 3)
}

// readMore appends up to want bytes of r to head.
func readMore(r io.Reader, head []byte, want int) ([]byte, error) {
	n := len(head)
	head = append(head, make([]byte, want)...)
	// Like io.ReadFull, but a reader that keeps returning nothing is an
	// error rather than a hang.
	for tries := 0; n < len(head); tries++ {
		if tries == 100 {
			return head[:n], io.ErrNoProgress
		}
		m, err := r.Read(head[n:])
		if m < 0 || m > len(head)-n {
			return head[:n], errInvalidRead
		}
		n += m
		if err == io.EOF {
			break
		}
		if err != nil {
			return head[:n], err // ErrPaused included: the head is what came
		}
	}
	return head[:n], nil
}

// sniff looks at the start of src and returns a reader of the decoded
// stream, the bytes already read from it (to be consumed first) and the
// encoding found. A gzip stream is decompressed and sniffed again for a
// BOM, not for gzip: rotated logs are compressed once.
func sniff(src io.Reader, gzipLimit *gzipLimit) (io.Reader, []byte, Encoding, error) {
	var enc Encoding
	r := src
	head, err := readHead(r)
	if err != nil {
		return r, head, enc, err
	}
	if bytes.HasPrefix(head, gzipMagic) {
		r = waitPauses{r}
		gz, err := gzip.NewReader(io.MultiReader(bytes.NewReader(head), r))
		if err != nil {
			return r, nil, enc, fmt.Errorf("gzip: %w", err)
		}
		enc.Gzip = true
		gzipLimit.r = gz
		r = gzipLimit
		// A gzip.Reader returns its error again on the next Read, so an
		// error here is reported after the bytes before it are scanned.
		head, _ = readHead(r)
	}
	if len(head) == 3 && (head[0] == 0 || head[1] == 0) {
		// Perhaps UTF-16 without a BOM: its second code unit decides. Half
		// a code unit is no place to stop, so a pause is waited out. A read
		// error comes again on the next Read, after these bytes are scanned.
		head, _ = readMore(waitPauses{r}, head, 1)
	}
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		enc.Charset = UTF8BOM
		head = head[len(bomUTF8):]
	case bytes.HasPrefix(head, bomUTF16LE):
		enc.Charset = UTF16LE
		r = utf16Reader(io.MultiReader(bytes.NewReader(head[2:]), waitPauses{r}), xunicode.LittleEndian)
		head = nil
	case bytes.HasPrefix(head, bomUTF16BE):
		enc.Charset = UTF16BE
		r = utf16Reader(io.MultiReader(bytes.NewReader(head[2:]), waitPauses{r}), xunicode.BigEndian)
		head = nil
	case bomlessUTF16(head, 1):
		enc.Charset = UTF16LE
		r = utf16Reader(io.MultiReader(bytes.NewReader(head), waitPauses{r}), xunicode.LittleEndian)
		head = nil
	case bomlessUTF16(head, 0):
		enc.Charset = UTF16BE
		r = utf16Reader(io.MultiReader(bytes.NewReader(head), waitPauses{r}), xunicode.BigEndian)
		head = nil
	}
	return r, head, enc, nil
}

// bomlessUTF16 reports whether head starts with two UTF-16 code units of
// ASCII text, their zero high byte at index hi (1: little-endian, 0:
// big-endian): a UTF-16 log without a BOM, cut from a longer one or written
// by a tool that adds none. UTF-8 text holds no NUL bytes.
func bomlessUTF16(head []byte, hi int) bool {
	lo := 1 - hi
	ascii := func(c byte) bool { return c == '\t' || c == '\n' || c == '\r' || ' ' <= c && c < 0x7f }
	return len(head) == 4 && head[hi] == 0 && head[hi+2] == 0 && ascii(head[lo]) && ascii(head[lo+2])
}

// utf16Reader transcodes UTF-16 to UTF-8 as it reads, so that a big
// Windows log is never held whole. Unpaired surrogates and an odd final
// byte become U+FFFD; a code unit cut by a read error (a truncated .gz) is
// not decoded, and the error is reported after the text before it. x/text's decoder replaced a hand-written one that was
// no faster: best of four runs of BenchmarkScanUTF16, 417 MB/s of UTF-16
// against 415 (the shared machine's spread is larger than the gap).
func utf16Reader(r io.Reader, order xunicode.Endianness) io.Reader {
	return transform.NewReader(&guardedReader{r: r}, xunicode.UTF16(order, xunicode.IgnoreBOM).NewDecoder())
}

// guardedReader turns a reader that keeps returning nothing into an
// io.ErrNoProgress error, and a count out of range into errInvalidRead:
// transform.Reader would retry the first forever and panic on the second.
type guardedReader struct {
	r     io.Reader
	empty int
}

func (g *guardedReader) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	switch {
	case n < 0 || n > len(p):
		return 0, errInvalidRead
	case n == 0 && err == nil && len(p) > 0:
		if g.empty++; g.empty == 100 {
			return 0, io.ErrNoProgress
		}
	default:
		g.empty = 0
	}
	return n, err
}

// waitPauses reads on through ErrPaused, for the decoders, which would
// keep it as their final error. A live reader blocks on the read after a
// pause until bytes come or the input ends.
type waitPauses struct{ r io.Reader }

func (w waitPauses) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if n == 0 && errors.Is(err, ErrPaused) {
		return w.r.Read(p)
	}
	if errors.Is(err, ErrPaused) {
		err = nil
	}
	return n, err
}

// gzipLimit bounds what a gzip stream may decompress to: a few kilobytes
// of zeros inflate to gigabytes, which would keep the scanner busy for
// minutes. Past the bound Read fails with ErrTooLarge.
type gzipLimit struct {
	r    io.Reader
	max  int64
	read int64
}

// ErrTooLarge is wrapped by the scanner's error when a gzip stream
// decompresses to more than Options.MaxGzipSize.
var ErrTooLarge = errors.New("decompressed size limit exceeded")

func (g *gzipLimit) Read(p []byte) (int, error) {
	if g.read >= g.max {
		return 0, fmt.Errorf("gzip: %w (%d bytes)", ErrTooLarge, g.max)
	}
	p = p[:min(int64(len(p)), g.max-g.read)]
	n, err := g.r.Read(p)
	g.read += int64(n)
	return n, err
}
