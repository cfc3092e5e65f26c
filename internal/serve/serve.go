// Package serve is `arcdiag serve`: the knowledge base and the log analysis
// as web pages and a JSON API, for support teams that work in a browser.
//
// It owns HTTP only: the answers come from the same code the CLI runs
// (kb for explain, index for search, and the analyze command's pipeline,
// handed in as Options.Analyze), so a page and the CLI never disagree.
//
// Safety is part of the design, since one server is shared by a team and
// receives customers' logs: nothing uploaded touches the disk (uploads are
// read from the request into memory, within MaxUpload, and dropped with the
// response); a Host header that is not the server's own name or a loopback
// name is refused (DNS rebinding); cross-origin POSTs are refused; every page
// is sent with a content security policy that allows only the server's own
// script and style, and no page carries inline script.
package serve

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/arcdiag/arcdiag/index"
	"github.com/arcdiag/arcdiag/internal/logsource"
	"github.com/arcdiag/arcdiag/kb"
)

// DefaultMaxUpload bounds what one POST may carry: the request body, all
// files and pasted text together.
const DefaultMaxUpload int64 = 512 << 20

// CSP is the content security policy of every answer: the server's own
// script, style and images only, no inline script, no framing.
const CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// AnalyzeRequest is one analysis asked for over HTTP.
type AnalyzeRequest struct {
	// Uploads are files, read as `arcdiag analyze FILE...` reads files of
	// those names.
	Uploads []logsource.Upload
	// Stdin, when Uploads is empty, is read as `arcdiag analyze -` reads
	// standard input (pasted text, or a raw request body).
	Stdin io.Reader
	Lang  kb.Lang
}

// AnalyzeFunc runs the analyze command's pipeline on a request and writes
// exactly what `arcdiag analyze --json` writes on standard output.
type AnalyzeFunc func(ctx context.Context, req AnalyzeRequest, ndjson io.Writer) error

// SearchJSONFunc writes `arcdiag search --json`'s answer for a search's
// result.
type SearchJSONFunc func(w io.Writer, res *index.Result, lang kb.Lang) error

// ExplainFunc answers a query as `arcdiag explain` does: the entries that
// recognise it, else, for pasted text, the suggested ones.
type ExplainFunc func(query string) kb.Answer

// ExplainJSONFunc writes `arcdiag explain --json`'s answer a to a query.
type ExplainJSONFunc func(w io.Writer, query string, a kb.Answer, lang kb.Lang) error

// Options configure a Server.
type Options struct {
	KB *kb.KB
	// Lang is the language of a page that does not ask for one.
	Lang kb.Lang
	// MaxUpload bounds a POST's body; 0 means DefaultMaxUpload.
	MaxUpload int64
	// Hosts are the names the server answers to besides loopback names
	// and the listening address (a team server's DNS name).
	Hosts []string
	// MaxAnalyses bounds the uploads read and analyzed at once, each held
	// in memory (up to MaxUpload): more wait their turn. 0 means 2.
	MaxAnalyses int
	Analyze     AnalyzeFunc
	// Explain is explain's answer, which the explain page and the API
	// show (so that both suggest what the CLI suggests).
	Explain ExplainFunc
	// SearchJSON and ExplainJSON write `search --json` and `explain --json`.
	SearchJSON  SearchJSONFunc
	ExplainJSON ExplainJSONFunc
}

// Server answers the pages and the API. It holds the knowledge base and
// its search indexes, built once by New; it is safe for concurrent use.
type Server struct {
	opts  Options
	k     *kb.KB
	index *searchIndexes
	pages map[string]*template.Template
	hosts map[string]bool
	slots chan struct{} // one per analysis under way
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// New builds the server: templates, and the search indexes (once, so that
// a search costs only the search).
func New(opts Options) (*Server, error) { return newServerWith(opts, nil) }

// newServerWith builds a server on search indexes already built for
// opts.KB, or builds them when si is nil.
func newServerWith(opts Options, si *searchIndexes) (*Server, error) {
	if opts.KB == nil || opts.Analyze == nil || opts.Explain == nil || opts.SearchJSON == nil || opts.ExplainJSON == nil {
		return nil, errors.New("serve: KB, Analyze, Explain, SearchJSON and ExplainJSON are required")
	}
	if opts.MaxUpload <= 0 {
		opts.MaxUpload = DefaultMaxUpload
	}
	if opts.Lang == "" {
		opts.Lang = kb.EN
	}
	if opts.MaxAnalyses <= 0 {
		opts.MaxAnalyses = 2
	}
	s := &Server{opts: opts, k: opts.KB, hosts: map[string]bool{}, slots: make(chan struct{}, opts.MaxAnalyses)}
	for _, h := range opts.Hosts {
		s.hosts[strings.ToLower(h)] = true
	}
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	if s.index = si; si == nil {
		if s.index, err = newSearchIndexes(opts.KB); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Close releases the search indexes.
func (s *Server) Close() error { return s.index.Close() }

// Handler returns the server's routes behind its safety checks. addr is
// the address the server listens on; its host is one of the names the
// server answers to.
func (s *Server) Handler(addr string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /search", s.search)
	mux.HandleFunc("GET /explain", s.explainQuery)
	mux.HandleFunc("GET /explain/{id}", s.explainID)
	mux.HandleFunc("GET /kb", s.kbPage)
	mux.HandleFunc("GET /analyze", s.analyzeForm)
	mux.HandleFunc("POST /analyze", s.analyzePage)
	mux.HandleFunc("GET /api/search", s.apiSearch)
	mux.HandleFunc("GET /api/explain", s.apiExplain)
	mux.HandleFunc("POST /api/analyze", s.apiAnalyze)
	mux.HandleFunc("/api/", apiNotFound)
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))

	hosts := maps(s.hosts)
	if h, _, err := net.SplitHostPort(addr); err == nil && h != "" && !isAnyAddr(h) {
		hosts[strings.ToLower(h)] = true
	}
	if h, _, err := net.SplitHostPort(addr); err == nil && (h == "" || isAnyAddr(h)) {
		// Listening on every interface: the machine's own names and
		// addresses are the listening names.
		for _, n := range machineNames() {
			hosts[n] = true
		}
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPI(r) {
			apiError(w, http.StatusForbidden, "cross-origin request refused")
			return
		}
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
	}))
	return hostCheck(hosts, headers(cop.Handler(mux)))
}

func maps(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func isAnyAddr(h string) bool {
	ip := net.ParseIP(h)
	return ip != nil && ip.IsUnspecified()
}

// machineNames are the host name and the interface addresses of this
// machine, for a server listening on every interface.
func machineNames() []string {
	var names []string
	if h, err := os.Hostname(); err == nil {
		h = strings.ToLower(h)
		names = append(names, h)
		if short, _, ok := strings.Cut(h, "."); ok {
			names = append(names, short)
		}
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok {
			names = append(names, ipn.IP.String())
		}
	}
	return names
}

// hostCheck answers 421 to a request whose Host is not one of hosts or a
// loopback name: a page of another site whose name was pointed at this
// machine (DNS rebinding) must not reach the server as a same-origin page.
func hostCheck(hosts map[string]bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !allowedHost(hosts, r.Host) {
			if isAPI(r) {
				apiError(w, http.StatusMisdirectedRequest, "misdirected request: this server does not answer to that host name")
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusMisdirectedRequest)
			fmt.Fprintln(w, "421 misdirected request: this server does not answer to that host name")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func allowedHost(hosts map[string]bool, hostport string) bool {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	h = strings.ToLower(strings.TrimSuffix(strings.Trim(h, "[]"), "."))
	switch {
	case h == "":
		return false
	case h == "localhost" || strings.HasSuffix(h, ".localhost"):
		return true
	case hosts[h]:
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// headers sets what every answer carries.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// slot waits for a turn to read and analyze an upload: the memory uploads
// take is bounded by MaxAnalyses × MaxUpload.
func (s *Server) slot(ctx context.Context) (release func(), err error) {
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// lang is the language a request asks for (?lang=), else the default. It
// reads the URL only: parsing a POST's form would spill uploads to disk.
func (s *Server) lang(r *http.Request) kb.Lang {
	return s.langOf(r.URL.Query().Get("lang"))
}

func (s *Server) langOf(v string) kb.Lang {
	switch v {
	case "ja":
		return kb.JA
	case "en":
		return kb.EN
	}
	return s.opts.Lang
}
