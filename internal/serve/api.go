package serve

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/arcdiag/arcdiag/internal/redact"
	"github.com/arcdiag/arcdiag/internal/report"
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
		apiError(w, http.StatusBadRequest, redact.String(report.SearchProblem(err, lang)))
		return
	}
	var buf bytes.Buffer
	if err := s.opts.SearchJSON(&buf, res, lang); err != nil {
		apiError(w, http.StatusInternalServerError, err.Error())
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
	if err := s.opts.ExplainJSON(&buf, q, s.opts.Explain(q), s.lang(r)); err != nil {
		apiError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeAPI(w, buf.Bytes())
}

// apiRoutes are the API's paths and the method each answers.
var apiRoutes = map[string]string{"/api/search": "GET", "/api/explain": "GET", "/api/analyze": "POST"}

// apiNotFound answers what the mux would (404, or 405 with Allow) under
// /api/, in JSON: a client of the API reads every answer as JSON.
func apiNotFound(w http.ResponseWriter, r *http.Request) {
	method, ok := apiRoutes[r.URL.Path]
	if !ok {
		apiError(w, http.StatusNotFound, "no such API route: "+r.URL.Path)
		return
	}
	if method == "GET" {
		method = "GET, HEAD"
	}
	w.Header().Set("Allow", method)
	apiError(w, http.StatusMethodNotAllowed, r.Method+" "+r.URL.Path+": method not allowed (use "+method+")")
}

// isAPI tells a request to the JSON API, whose errors are JSON too.
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// apiError answers an API request's error as JSON: {"error": "..."}.
func apiError(w http.ResponseWriter, status int, message string) {
	body, _ := json.Marshal(struct {
		Error string `json:"error"`
	}{message})
	h := w.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

func apiQuery(w http.ResponseWriter, r *http.Request) (string, bool) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	switch {
	case q == "":
		apiError(w, http.StatusBadRequest, "give a query: ?q=")
		return "", false
	case len(q) > maxQuery:
		apiError(w, http.StatusRequestEntityTooLarge, "query too long")
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
