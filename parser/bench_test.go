package parser

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

// benchLog is a generated azcmagent.log of about 64 MB: mostly debug and
// info lines of 150-250 bytes, a few warnings, and error lines carrying an
// escaped HTTP exchange, several lines per second as in a verbose run.
var benchLog = sync.OnceValue(func() []byte { return genLog(64<<20, 1) })

func genLog(size int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 2))
	words := []string{"endpoint", "token", "heartbeat", "metadata", "identity", "certificate", "proxy", "region",
		"extension", "status", "config", "socket", "request", "response", "handler", "renewal", "arc", "himds"}
	pad := func() string {
		var b []byte
		for n := 2 + rng.IntN(6); n > 0; n-- {
			b = append(b, ' ')
			b = append(b, words[rng.IntN(len(words))]...)
		}
		return string(b)
	}
	t := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	b := make([]byte, 0, size+4096)
	for len(b) < size {
		if rng.IntN(6) == 0 {
			t = t.Add(time.Second)
		}
		ts := t.Format(time.RFC3339)
		switch n := rng.IntN(100); {
		case n < 65:
			b = fmt.Appendf(b, "time=%q level=debug msg=\"Example: resolving regional endpoint%s\" Endpoint=\"https://contoso.example/healthcheck/%d?api-version=2031-01-01\" Request Id=%08x-0000-0000-0000-000000000001\n",
				ts, pad(), rng.IntN(1000), rng.Uint32())
		case n < 92:
			b = fmt.Appendf(b, "time=%q level=info msg=\"Example: heartbeat sent to the service%s\" Status Code=200 VM Id=00000000-0000-0000-0000-%012x\n",
				ts, pad(), rng.Uint64()&0xffffffffffff)
		case n < 96:
			b = fmt.Appendf(b, "time=%q level=warning msg=\"Example clock offset noticed%s\" Offset=%ds\n", ts, pad(), rng.IntN(300))
		default:
			b = fmt.Appendf(b, "time=%q level=error msg=\"Example request failed\" Error=\"GET https://contoso.example/api/%d\\nRESPONSE 503 Service Unavailable\\r\\nContent-Type: application/json\\r\\n{\\\"error\\\":{\\\"code\\\":\\\"ExampleCode\\\",\\\"message\\\":\\\"Example%s\\\"}}\" Status Code=503\n",
				ts, rng.IntN(1000), pad())
		}
	}
	return b
}

// BenchmarkScan measures the scan loop alone: records with format, level
// and time, nothing decoded.
func BenchmarkScan(b *testing.B) {
	data := benchLog()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	lines := 0
	for b.Loop() {
		s := NewScanner(bytes.NewReader(data), "azcmagent.log", Options{})
		lines = 0
		for s.Scan() {
			if s.Record().Level >= LevelDebug {
				lines++
			}
		}
		if err := s.Err(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(lines), "lines/op")
}

// BenchmarkMessageFields measures the lazy decoding: message and fields of
// every record, as an analyzer matching Text against patterns pays it.
func BenchmarkMessageFields(b *testing.B) {
	data := benchLog()[:8<<20]
	data = data[:bytes.LastIndexByte(data, '\n')+1]
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s := NewScanner(bytes.NewReader(data), "azcmagent.log", Options{})
		for s.Scan() {
			r := s.Record()
			if len(r.Message())+len(r.Fields()) == 0 {
				b.Fatalf("line %d decoded to nothing", r.Line)
			}
		}
	}
}

// BenchmarkScanUTF16 measures the scan of a UTF-16LE log (Windows writes
// some of its logs so): the transcoding to UTF-8 and the scan loop. SetBytes
// counts the UTF-16 input.
func BenchmarkScanUTF16(b *testing.B) {
	data := utf16LE(benchLog()[:16<<20])
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s := NewScanner(bytes.NewReader(data), "azcmagent.log", Options{})
		for s.Scan() {
		}
		if s.Err() != nil {
			b.Fatal(s.Err())
		}
	}
}

// utf16LE encodes ASCII-or-UTF-8 text as UTF-16LE with a BOM.
func utf16LE(text []byte) []byte {
	out := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(string(text))) {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}
