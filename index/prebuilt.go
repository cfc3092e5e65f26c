package index

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"

	"github.com/arcdiag/arcdiag/kb"
)

// Building the index of the built-in entries took a twentieth of a second
// of two cores, in every process that needed it: explain with a pasted
// message, search, serve, and analyze at its first unexplained error. So
// make golden builds it once and keeps its segment (zap's file format) in
// the binary, for each set of languages indexed; New opens it in about a
// millisecond when the documents it is given are those it was built from
// (their fingerprint), and builds the index itself otherwise (a --kb-dir
// layer, or a binary whose segments make golden has not rewritten).
// TestBuiltinSegments checks that the kept segments answer every query as a
// fresh build does.

var (
	//go:embed builtin-en.seg
	builtinEN []byte
	//go:embed builtin-ja.seg
	builtinJA []byte
	//go:embed builtin-all.seg
	builtinAll []byte
)

// builtinSegment returns the kept segments for langs, and the name of the
// file that holds them.
func builtinSegment(langs []kb.Lang) ([]byte, string) {
	switch {
	case slices.Equal(langs, []kb.Lang{kb.EN}):
		return builtinEN, "builtin-en.seg"
	case slices.Equal(langs, []kb.Lang{kb.JA}):
		return builtinJA, "builtin-ja.seg"
	case slices.Equal(langs, []kb.Lang{kb.EN, kb.JA}):
		return builtinAll, "builtin-all.seg"
	}
	return nil, ""
}

// open returns the index of the documents: the kept segment when it was
// built from them, else a new build.
func open(m mapping.IndexMapping, langs []kb.Lang, entries []*kb.Entry, data []map[string]any) (bleve.Index, error) {
	if kept, _ := builtinSegment(langs); len(kept) > 0 {
		if raws, ok := segmentsFor(kept, fingerprint(entries, data)); ok {
			if bi, err := loadSegments(m, entries, raws); err == nil {
				return bi, nil
			}
		}
	}
	return build(m, entries, data, nil)
}

// segmentMagic starts a kept segments' file, before the fingerprint of
// their documents and each segment, after its length (8 bytes, little
// endian), in order.
const segmentMagic = "arcdiag index segments 2\n"

// segmentsFor returns the segments of a kept file when its fingerprint is
// fp.
func segmentsFor(file []byte, fp [sha256.Size]byte) ([][]byte, bool) {
	rest, ok := bytes.CutPrefix(file, []byte(segmentMagic))
	if !ok || len(rest) < len(fp) || !bytes.Equal(rest[:len(fp)], fp[:]) {
		return nil, false
	}
	rest = rest[len(fp):]
	var segs [][]byte
	for len(rest) >= 8 {
		n := binary.LittleEndian.Uint64(rest)
		if n > uint64(len(rest)-8) {
			return nil, false
		}
		segs = append(segs, rest[8:8+n])
		rest = rest[8+n:]
	}
	return segs, len(rest) == 0 && len(segs) == segments
}

// fingerprint identifies the documents an index is built from: each
// entry's id and its fields' values, in order.
func fingerprint(entries []*kb.Entry, data []map[string]any) [sha256.Size]byte {
	h := sha256.New()
	var n [8]byte
	write := func(s string) {
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	for i, e := range entries {
		write(e.ID)
		fields := make([]string, 0, len(data[i]))
		for f := range data[i] {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		for _, f := range fields {
			write(f)
			vs, _ := data[i][f].([]string)
			binary.LittleEndian.PutUint64(n[:], uint64(len(vs)))
			h.Write(n[:])
			for _, v := range vs {
				write(v)
			}
		}
	}
	var fp [sha256.Size]byte
	h.Sum(fp[:0])
	return fp
}

// keptSegments builds the index of the documents and returns the file that
// keeps its segments (see open).
func keptSegments(m mapping.IndexMapping, entries []*kb.Entry, data []map[string]any) ([]byte, error) {
	var segs []segment.Segment
	bi, err := build(m, entries, data, &segs)
	if err != nil {
		return nil, err
	}
	defer bi.Close()
	fp := fingerprint(entries, data)
	buf := bytes.NewBufferString(segmentMagic)
	buf.Write(fp[:])
	for _, seg := range segs {
		sb, ok := seg.(*zap.SegmentBase)
		if !ok {
			return nil, fmt.Errorf("index: segment of type %T, not zap's", seg)
		}
		var b bytes.Buffer
		if _, err := sb.WriteTo(&b); err != nil {
			return nil, err
		}
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(b.Len()))
		buf.Write(n[:])
		buf.Write(b.Bytes())
	}
	return buf.Bytes(), nil
}

// loadSegments opens an index whose segments are read from raws, in the
// order build made them: the entries are given to it as documents without
// fields, batch by batch as build split them, so that nothing is analysed,
// and the plugin hands over each segment instead of building one.
func loadSegments(m mapping.IndexMapping, entries []*kb.Entry, raws [][]byte) (bleve.Index, error) {
	given := &givenSegments{}
	for k, raw := range raws {
		seg, err := readSegment(raw)
		if err != nil {
			return nil, err
		}
		if want := (len(entries) - k + segments - 1) / segments; seg.Count() != uint64(want) {
			return nil, fmt.Errorf("index: kept segment %d of %d documents for %d entries", k, seg.Count(), want)
		}
		given.segs = append(given.segs, seg)
	}
	bi, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, pluginConfig(configGiven, given))
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	for k := range raws {
		b := bi.NewBatch()
		for i := k; i < len(entries); i += segments {
			if err := b.Index(entries[i].ID, map[string]any{}); err != nil {
				bi.Close()
				return nil, err
			}
		}
		if err := bi.Batch(b); err != nil {
			bi.Close()
			return nil, err
		}
	}
	return bi, nil
}

// givenSegments are the segments the plugin hands over, one per batch.
type givenSegments struct {
	mu   sync.Mutex
	segs []segment.Segment
}

// next returns the next segment, or nil when there is none.
func (g *givenSegments) next() segment.Segment {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.segs) == 0 {
		return nil
	}
	seg := g.segs[0]
	g.segs = g.segs[1:]
	return seg
}

// readSegment reads a segment in zap's file format: its data, then a
// footer holding the writer's id, its length, the number of documents, the
// offsets of the stored values and of the sections, the chunk mode, the
// version and the data's CRC, as zap's own Segment reads it from a file.
func readSegment(b []byte) (segment.Segment, error) {
	end := len(b)
	if end < zap.FooterSize {
		return nil, errors.New("index: kept segment too short")
	}
	crc := binary.BigEndian.Uint32(b[end-4:])
	version := binary.BigEndian.Uint32(b[end-8:])
	chunkMode := binary.BigEndian.Uint32(b[end-12:])
	sections := binary.BigEndian.Uint64(b[end-20:])
	stored := binary.BigEndian.Uint64(b[end-28:])
	numDocs := binary.BigEndian.Uint64(b[end-36:])
	idLen := binary.BigEndian.Uint32(b[end-40:])
	if version != zap.Version {
		return nil, fmt.Errorf("index: kept segment of zap version %d, not %d", version, zap.Version)
	}
	if idLen != 0 {
		return nil, errors.New("index: kept segment written with a writer id")
	}
	return zap.InitSegmentBase(b[:end-zap.FooterSize], crc, chunkMode, numDocs, stored, sections, nil, new(segment.Stats))
}

// segmentPlugin is zap's, except that it keeps the segments it builds
// (configCapture) or hands over given segments instead of building them
// (configGiven), as its configuration says.
type segmentPlugin struct{ zap.ZapPlugin }

const (
	pluginType    = "arcdiag-zap"
	configCapture = "arcdiag.capture"
	configGiven   = "arcdiag.given"
)

func init() { scorch.RegisterSegmentPlugin(&segmentPlugin{}, false) }

// pluginConfig is scorch's configuration for an index made by the plugin.
func pluginConfig(key string, value any) map[string]any {
	return map[string]any{"forceSegmentType": pluginType, "forceSegmentVersion": int(zap.Version),
		"segmentConfig": map[string]any{key: value}}
}

func (p *segmentPlugin) Type() string { return pluginType }

func (p *segmentPlugin) New(results []index.Document) (segment.Segment, uint64, error) {
	return p.NewUsing(results, nil)
}

func (p *segmentPlugin) NewUsing(results []index.Document, config map[string]any) (segment.Segment, uint64, error) {
	if given, ok := config[configGiven].(*givenSegments); ok {
		if seg := given.next(); seg != nil {
			return seg, 0, nil
		}
		return nil, 0, errors.New("index: no kept segment left for a batch")
	}
	seg, n, err := p.ZapPlugin.NewUsing(results, config)
	if capture, ok := config[configCapture].(*[]segment.Segment); ok && err == nil {
		*capture = append(*capture, seg)
	}
	return seg, n, err
}
