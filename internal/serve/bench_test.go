package serve

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
)

// The server's time for a page, from the request to the last byte written
// (no network): the targets are 20 ms for an explain page and 30 ms for a
// search on the 2-core reference machine (README, "Web page"). The search
// indexes are built once, by New (BenchmarkStart).

func benchPage(b *testing.B, path string) {
	var n atomic.Int32
	srv := newServer(b, Options{}, &n)
	h := srv.Handler("127.0.0.1:8080")
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", "http://127.0.0.1:8080"+path, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: status %d", path, rec.Code)
		}
	}
}

func BenchmarkExplainPage(b *testing.B) {
	for _, bc := range []struct{ name, path string }{
		{"code", "/explain/AZCM0041"},
		{"code-ja", "/explain/AZCM0041?lang=ja"},
		{"logline", "/explain?q=" + url.QueryEscape(`time="2031-02-03T04:05:06Z" level=fatal msg="Invalid client secret is provided"`)},
	} {
		b.Run(bc.name, func(b *testing.B) { benchPage(b, bc.path) })
	}
}

func BenchmarkSearchPage(b *testing.B) {
	for _, bc := range []struct{ name, path string }{
		{"word", "/search?q=proxy"},
		{"words", "/search?q=" + url.QueryEscape("proxy blocking login")},
		{"typo", "/search?q=certficate+expired"},
		{"japanese", "/search?lang=ja&q=" + url.QueryEscape("プロキシ 経由")},
		{"filter", "/search?q=" + url.QueryEscape("tag:proxy kind:message")},
	} {
		b.Run(bc.name, func(b *testing.B) { benchPage(b, bc.path) })
	}
}

// BenchmarkStart is what serve does once before it listens: templates and
// the three search indexes.
func BenchmarkStart(b *testing.B) {
	var n atomic.Int32
	opts := newServer(b, Options{}, &n).opts
	for b.Loop() {
		srv, err := New(opts)
		if err != nil {
			b.Fatal(err)
		}
		srv.Close()
	}
}
