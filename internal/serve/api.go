package serve

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/arcdiag/arcdiag/internal/redact"
)

// apiSearch answers as `arcdiag search --json` prints: the same search on
// the index built at start.
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	q, ok := apiQuery(w, r)
	if !ok {
		return
	}
	lang := s.lang(r)
	res, err := s.runSearch(q, lang)
	if err != nil {
		http.Error(w, redact.String(err.Error()), http.StatusBadRequest)
		return
	}
	var buf bytes.Buffer
	if err := s.opts.SearchJSON(&buf, res, lang); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeAPI(w, buf.Bytes())
}

// apiExplain answers as `arcdiag explain --json` prints.
func (s *Server) apiExplain(w http.ResponseWriter, r *http.Request) {
	q, ok := apiQuery(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := s.opts.ExplainJSON(&buf, q, s.lang(r)); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeAPI(w, buf.Bytes())
}

func apiQuery(w http.ResponseWriter, r *http.Request) (string, bool) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	switch {
	case q == "":
		http.Error(w, "give a query: ?q=", http.StatusBadRequest)
		return "", false
	case len(q) > maxQuery:
		http.Error(w, "query too long", http.StatusRequestEntityTooLarge)
		return "", false
	}
	return q, true
}

// writeAPI sends a JSON answer; nothing found is still an answer (200), as
// its JSON says so.
func writeAPI(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(body)
}
