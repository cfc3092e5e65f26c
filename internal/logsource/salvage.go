package logsource

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// A zip whose central directory is missing (the usual damage: a download or
// copy cut short) still holds its entries one after another, each behind a
// local file header. The walker finds them the way a streaming unzip does.
//
// An entry written with the data-descriptor flag (what Go's archive/zip,
// and so the agent, writes) has no sizes in its header: a deflate entry is
// inflated to the end of its stream to find where it stops, a stored one is
// scanned for a descriptor whose sizes and checksum match the bytes before
// it.

var ddMagic = []byte("PK\x07\x08")

const (
	localHeaderLen = 30
	flagEncrypted  = 0x1
	flagDescriptor = 0x8
	zip64ExtraTag  = 0x0001
	sizeUnknown32  = math.MaxUint32
)

// walker reads a zip from its first byte, tracking the offset so that every
// entry's data can later be read in place.
type walker struct {
	r        *bufio.Reader
	off      int64 // offset in the zip of the next byte r returns
	size     int64
	maxEntry int64
	maxTotal int64
	inflated int64 // decompressed while walking, against maxTotal
	// maxEntries bounds the local headers walked (see Options.MaxEntries).
	maxEntries int
	// stop says why the walk ended before the central directory or the end
	// of the file, where the damage is.
	stop error
}

type walkedEntry struct {
	e     entry
	flags uint16
}

func bufioReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 64<<10) }

// ReadByte and Read let flate read exactly the deflate stream and no
// further (it reads byte by byte from an io.ByteReader), so w.off lands on
// the byte after it.
func (w *walker) ReadByte() (byte, error) {
	b, err := w.r.ReadByte()
	if err == nil {
		w.off++
	}
	return b, err
}

func (w *walker) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	w.off += int64(n)
	return n, err
}

func (w *walker) discard(n int64) error {
	for n > 0 {
		k := int(min(n, math.MaxInt32))
		d, err := w.r.Discard(k)
		w.off += int64(d)
		n -= int64(d)
		if err != nil {
			return err
		}
	}
	return nil
}

// walk returns every entry whose header could be read, in file order.
func (w *walker) walk() []walkedEntry {
	var out []walkedEntry
	for n := 0; ; n++ {
		if w.maxEntries > 0 && n >= w.maxEntries {
			w.stop = fmt.Errorf("%w: stopped after %d local headers", ErrTooManyEntries, n)
			return out
		}
		we, found, more := w.next()
		if found {
			out = append(out, we)
		}
		if !more {
			return out
		}
	}
}

// next reads one local header and finds the end of its data.
func (w *walker) next() (we walkedEntry, found, more bool) {
	start := w.off
	head, _ := w.r.Peek(4)
	if !bytes.Equal(head, zipMagic) {
		switch {
		case len(head) == 0, bytes.Equal(head, []byte("PK\x01\x02")), bytes.Equal(head, emptyZipMagic):
			// The end of the file, or the central directory: every entry is found.
		default:
			w.stop = fmt.Errorf("no local file header at offset %d", start)
		}
		return we, false, false
	}
	var h [localHeaderLen]byte
	if _, err := io.ReadFull(w, h[:]); err != nil {
		w.stop = fmt.Errorf("local file header at offset %d cut short", start)
		return we, false, false
	}
	le := binary.LittleEndian
	flags := le.Uint16(h[6:])
	crc := le.Uint32(h[14:])
	csize := int64(le.Uint32(h[18:]))
	usize := int64(le.Uint32(h[22:]))
	nameAndExtra := make([]byte, int(le.Uint16(h[26:]))+int(le.Uint16(h[28:])))
	if _, err := io.ReadFull(w, nameAndExtra); err != nil {
		w.stop = fmt.Errorf("local file header at offset %d cut short", start)
		return we, false, false
	}
	nameLen := int(le.Uint16(h[26:]))
	zip64 := zip64Sizes(nameAndExtra[nameLen:], &csize, &usize)
	e := entry{name: string(nameAndExtra[:nameLen]), method: le.Uint16(h[8:]), dataOff: w.off, usize: -1}
	we.flags = flags

	if flags&flagDescriptor == 0 {
		// The sizes are in the header: skip the data without reading it.
		e.crc, e.crcKnown, e.usize = crc, true, max(usize, -1)
		if avail := w.size - w.off; csize < 0 || csize > avail {
			e.csize = avail
			e.brk = fmt.Errorf("entry data cut short at offset %d: %w", w.size, io.ErrUnexpectedEOF)
			w.stop = e.brk
			we.e = e
			return we, true, false
		}
		e.csize = csize
		we.e = e
		return we, true, w.discard(csize) == nil
	}

	switch {
	case flags&flagEncrypted != 0:
		w.stop = fmt.Errorf("encrypted entry %q at offset %d: its end cannot be found", printable(e.name), start)
		we.e = e
		return we, true, false
	case e.method == zip.Deflate:
		lim := max(min(w.maxEntry, w.maxTotal-w.inflated), 0)
		if lim == math.MaxInt64 {
			lim-- // room for the byte that tells "more than lim"
		}
		n, err := io.Copy(io.Discard, io.LimitReader(flate.NewReader(w), lim+1))
		w.inflated += n
		e.csize = w.off - e.dataOff
		switch {
		case err != nil:
			e.brk = fmt.Errorf("entry data breaks at offset %d: %w", w.off, err)
			w.stop = e.brk
			we.e = e
			return we, true, false
		case n > lim:
			// Too large to walk past within the limits: its own reader
			// stops at MaxEntrySize, and the entries after it are lost.
			e.csize = w.size - e.dataOff
			w.stop = fmt.Errorf("entry %q at offset %d decompresses past the size limits: the entries after it are not read", printable(e.name), start)
			we.e = e
			return we, true, false
		}
	case e.method == zip.Store:
		n, found := w.scanStored()
		e.csize = n
		if !found {
			e.brk = fmt.Errorf("entry data cut short at offset %d: %w", w.off, io.ErrUnexpectedEOF)
			w.stop = e.brk
			we.e = e
			return we, true, false
		}
	default:
		w.stop = fmt.Errorf("entry %q at offset %d: the end of data compressed with method %d cannot be found", printable(e.name), start, e.method)
		we.e = e
		return we, true, false
	}
	more = w.readDescriptor(&e, zip64)
	we.e = e
	return we, true, more
}

// readDescriptor reads the data descriptor after an entry's data and takes
// its checksum and size when its compressed size agrees with the data
// found. It reports whether the walk can go on.
func (w *walker) readDescriptor(e *entry, zip64 bool) bool {
	if sig, _ := w.r.Peek(4); bytes.Equal(sig, ddMagic) {
		w.discard(4)
	}
	le := binary.LittleEndian
	d, _ := w.r.Peek(20)
	switch {
	case !zip64 && len(d) >= 12 && int64(le.Uint32(d[4:])) == e.csize:
		e.crc, e.crcKnown, e.usize = le.Uint32(d), true, int64(le.Uint32(d[8:]))
		return w.discard(12) == nil
	case len(d) >= 20 && int64(le.Uint64(d[4:])) == e.csize:
		e.crc, e.crcKnown, e.usize = le.Uint32(d), true, int64(le.Uint64(d[12:]))
		if e.usize < 0 {
			e.usize = -1
		}
		return w.discard(20) == nil
	}
	// No descriptor that fits: the data itself is whole, unchecked.
	w.stop = fmt.Errorf("no data descriptor for entry %q at offset %d", printable(e.name), w.off)
	return false
}

// scanStored finds the end of a stored entry written with a data
// descriptor: the first descriptor signature followed by (twice) the
// length of the bytes before it. The checksum is left to the reader, so
// that a damaged byte is reported as such rather than hiding the end. It
// returns that length, or the length of what is left of the file when
// there is none.
func (w *walker) scanStored() (n int64, found bool) {
	le := binary.LittleEndian
	for {
		buf, err := w.r.Peek(w.r.Size())
		if len(buf) == 0 {
			return n, false
		}
		i := bytes.Index(buf, ddMagic)
		if i < 0 {
			k := len(buf)
			if err == nil {
				// Keep the tail: a signature may straddle the next peek.
				k -= len(ddMagic) - 1
			}
			n += int64(k)
			w.discard(int64(k))
			continue
		}
		n += int64(i)
		w.discard(int64(i))
		d, _ := w.r.Peek(16)
		if len(d) == 16 && int64(le.Uint32(d[8:])) == n&sizeUnknown32 && le.Uint32(d[8:]) == le.Uint32(d[12:]) {
			return n, true
		}
		// The signature bytes are data.
		n++
		w.discard(1)
	}
}

// zip64Sizes replaces sizes marked 0xFFFFFFFF with the 64-bit ones from
// the zip64 extra field, and reports whether there is one (which also
// makes the data descriptor 64-bit).
func zip64Sizes(extra []byte, csize, usize *int64) bool {
	le := binary.LittleEndian
	for len(extra) >= 4 {
		tag, size := le.Uint16(extra), int(le.Uint16(extra[2:]))
		extra = extra[4:]
		if size > len(extra) {
			return false
		}
		if tag != zip64ExtraTag {
			extra = extra[size:]
			continue
		}
		d := extra[:size]
		if *usize == sizeUnknown32 && len(d) >= 8 {
			*usize, d = int64(le.Uint64(d)), d[8:]
		}
		if *csize == sizeUnknown32 && len(d) >= 8 {
			*csize = int64(le.Uint64(d))
		}
		return true
	}
	return false
}
