package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/arcdiag/arcdiag/index"
	"github.com/arcdiag/arcdiag/internal/logsource"
	"github.com/arcdiag/arcdiag/internal/report"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/kb"
)

// testServer is a Server on the built-in knowledge base whose analysis
// only counts its calls: these tests are about what reaches it.
type testServer struct {
	*httptest.Server
	analyzed atomic.Int32
	srv      *Server
}

func newTestServer(t *testing.T, opts Options) *testServer {
	t.Helper()
	ts := &testServer{}
	ts.srv = newServer(t, opts, &ts.analyzed)
	ts.Server = httptest.NewUnstartedServer(nil)
	ts.Config.Handler = ts.srv.Handler(ts.Listener.Addr().String())
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

// built is the built-in knowledge base and its search indexes, built once
// for all the tests (the race detector makes a build take seconds).
var built struct {
	once sync.Once
	k    *kb.KB
	si   *searchIndexes
	err  error
}

// newServer builds a Server on the built-in knowledge base whose analysis,
// unless opts gives one, only counts its calls in analyzed.
func newServer(tb testing.TB, opts Options, analyzed *atomic.Int32) *Server {
	tb.Helper()
	built.once.Do(func() {
		if built.k, built.err = kb.Load(kb.Builtin()); built.err == nil {
			built.si, built.err = newSearchIndexes(built.k)
		}
	})
	if built.err != nil {
		tb.Fatal(built.err)
	}
	opts.KB = built.k
	if opts.Analyze == nil {
		opts.Analyze = func(ctx context.Context, req AnalyzeRequest, w io.Writer) error {
			analyzed.Add(1)
			return nil
		}
	}
	opts.SearchJSON = func(w io.Writer, res *index.Result, lang kb.Lang) error { return json.NewEncoder(w).Encode(res.Total) }
	opts.Explain = built.k.Explain
	opts.ExplainJSON = func(w io.Writer, q string, a kb.Answer, lang kb.Lang) error { return json.NewEncoder(w).Encode(q) }
	srv, err := newServerWith(opts, built.si)
	if err != nil {
		tb.Fatal(err)
	}
	return srv
}

func (ts *testServer) do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (ts *testServer) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ts.do(t, req)
}

// multipartBody is a form with one file of data and the pasted text.
func multipartBody(t *testing.T, name string, data []byte, text string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if text != "" {
		mw.WriteField("text", text)
	}
	if name != "" {
		fw, err := mw.CreateFormFile("files", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func TestUploadLimit(t *testing.T) {
	const limit = 64 << 10
	ts := newTestServer(t, Options{MaxUpload: limit})
	over := bytes.Repeat([]byte("x"), limit+1)
	form, ctype := multipartBody(t, "azcmagent.log", bytes.Repeat([]byte("y"), limit), "")
	cases := []struct {
		name    string
		body    []byte
		ctype   string
		chunked bool // sent without a length
		want    int
	}{
		{"declared length over the limit", over, "text/plain", false, http.StatusRequestEntityTooLarge},
		{"chunked body over the limit", over, "text/plain", true, http.StatusRequestEntityTooLarge},
		{"multipart file over the limit", form.Bytes(), ctype, true, http.StatusRequestEntityTooLarge},
		{"body at the limit", over[:limit], "text/plain", false, http.StatusOK},
	}
	for _, path := range []string{"/api/analyze", "/analyze"} {
		for _, c := range cases {
			t.Run(path+"/"+c.name, func(t *testing.T) {
				before := ts.analyzed.Load()
				var body io.Reader = bytes.NewReader(c.body)
				if c.chunked {
					body = io.MultiReader(body) // hides the length
				}
				req, _ := http.NewRequest("POST", ts.URL+path, body)
				req.Header.Set("Content-Type", c.ctype)
				resp, _ := ts.do(t, req)
				if resp.StatusCode != c.want {
					t.Errorf("status %d, want %d", resp.StatusCode, c.want)
				}
				if ran := ts.analyzed.Load() > before; ran != (c.want == http.StatusOK) {
					t.Errorf("analysis ran: %v, want %v", ran, c.want == http.StatusOK)
				}
			})
		}
	}
}

func TestMisdirectedHost(t *testing.T) {
	ts := newTestServer(t, Options{Hosts: []string{"arcdiag.contoso.example"}})
	_, port, _ := strings.Cut(strings.TrimPrefix(ts.URL, "http://"), ":")
	for host, want := range map[string]int{
		"127.0.0.1:" + port:               http.StatusOK,
		"localhost:" + port:               http.StatusOK,
		"LOCALHOST":                       http.StatusOK,
		"[::1]:" + port:                   http.StatusOK,
		"arcdiag.contoso.example:" + port: http.StatusOK,
		"evil.example:" + port:            http.StatusMisdirectedRequest,
		"evil.example":                    http.StatusMisdirectedRequest,
		"localhost.evil.example":          http.StatusMisdirectedRequest,
		"10.1.2.3:" + port:                http.StatusMisdirectedRequest,
	} {
		req, _ := http.NewRequest("GET", ts.URL+"/", nil)
		req.Host = host
		resp, _ := ts.do(t, req)
		if resp.StatusCode != want {
			t.Errorf("Host %s: status %d, want %d", host, resp.StatusCode, want)
		}
	}
	// A POST for another name is refused before it is read.
	req, _ := http.NewRequest("POST", ts.URL+"/api/analyze", strings.NewReader("line\n"))
	req.Host = "evil.example"
	if resp, _ := ts.do(t, req); resp.StatusCode != http.StatusMisdirectedRequest || ts.analyzed.Load() != 0 {
		t.Errorf("POST for evil.example: status %d, analyzed %d times", resp.StatusCode, ts.analyzed.Load())
	}
}

func TestCrossOriginRefused(t *testing.T) {
	ts := newTestServer(t, Options{})
	cases := []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"another site, by Sec-Fetch-Site", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}, http.StatusForbidden},
		{"another origin, older browser", map[string]string{"Origin": "http://evil.example"}, http.StatusForbidden},
		{"same origin", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": ts.URL}, http.StatusOK},
		{"not a browser (curl)", nil, http.StatusOK},
	}
	for _, path := range []string{"/analyze", "/api/analyze"} {
		for _, c := range cases {
			before := ts.analyzed.Load()
			req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader("time=\"2031-02-03T04:05:06Z\" level=error msg=\"x\"\n"))
			req.Header.Set("Content-Type", "text/plain")
			for k, v := range c.headers {
				req.Header.Set(k, v)
			}
			resp, _ := ts.do(t, req)
			if resp.StatusCode != c.want {
				t.Errorf("%s, %s: status %d, want %d", path, c.name, resp.StatusCode, c.want)
			}
			if ran := ts.analyzed.Load() > before; ran != (c.want == http.StatusOK) {
				t.Errorf("%s, %s: analysis ran: %v", path, c.name, ran)
			}
		}
	}
	// Reading is not refused: a link from a ticket opens the page.
	req, _ := http.NewRequest("GET", ts.URL+"/explain/AZCM0041", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, _ := ts.do(t, req); resp.StatusCode != http.StatusOK {
		t.Errorf("cross-site GET: status %d, want 200", resp.StatusCode)
	}
}

// inlineScript returns the first script the page would run that is not
// the server's script file: a <script> element without src, an on*
// event-handler attribute, or a javascript: URL in an attribute. The
// policy would block them, and no page may depend on them.
func inlineScript(page string) string {
	for _, m := range tagPattern.FindAllStringSubmatch(page, -1) {
		name, attrs := strings.ToLower(m[1]), attrPattern.FindAllStringSubmatch(m[2], -1)
		hasSrc := false
		for _, a := range attrs {
			attr, value := strings.ToLower(a[1]), html.UnescapeString(strings.Trim(a[2], `"'`))
			switch {
			case strings.HasPrefix(attr, "on"):
				return m[0]
			case strings.HasPrefix(strings.TrimSpace(strings.ToLower(value)), "javascript:"):
				return m[0]
			case attr == "src":
				hasSrc = true
			}
		}
		if name == "script" && !hasSrc {
			return m[0]
		}
	}
	return ""
}

var (
	// tagPattern matches a start tag, its attributes quoted as html/template
	// quotes them.
	tagPattern  = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*/?>`)
	attrPattern = regexp.MustCompile(`\s+([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?`)
)

// A page built to fail shows that inlineScript can fail.
func TestInlineScriptFinds(t *testing.T) {
	for _, bad := range []string{`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`, `<a href="javascript:alert(1)">`, `<p title='x' onmouseover='y'>`} {
		if inlineScript("<p>ok</p>"+bad) == "" {
			t.Errorf("inlineScript missed %s", bad)
		}
	}
	for _, good := range []string{`<script src="/static/app.js" defer></script>`, `<input value="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;">`, `<p>onerror=alert(1)</p>`} {
		if m := inlineScript(good); m != "" {
			t.Errorf("inlineScript found %s in %s", m, good)
		}
	}
}

func TestEveryPageHeadersAndNoInlineScript(t *testing.T) {
	ts := newTestServer(t, Options{})
	paths := []string{"/", "/?lang=ja", "/search?q=proxy", "/search?q=nosuchwordatall", "/explain/AZCM0041", "/explain?q=exit+42",
		"/kb", "/kb?tag=proxy&lang=ja", "/analyze"}
	for _, e := range ts.srv.k.Entries() {
		paths = append(paths, "/explain/"+url.PathEscape(e.ID), "/explain/"+url.PathEscape(e.ID)+"?lang=ja")
	}
	for _, p := range paths {
		resp, body := ts.get(t, p)
		if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d", p, resp.StatusCode)
		}
		if got := resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(got, "default-src 'self'") {
			t.Errorf("%s: Content-Security-Policy %q", p, got)
		}
		if m := inlineScript(body); m != "" {
			t.Errorf("%s: inline script %q", p, m)
		}
		if !strings.Contains(body, `<script src="/static/app.js" defer></script>`) {
			t.Errorf("%s: the page does not load its script from the server", p)
		}
	}
	resp, body := ts.get(t, "/static/app.js")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "javascript") || len(body) == 0 {
		t.Errorf("/static/app.js: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
}

// Text from the request is shown as text: a script or an attribute
// injected in a query is escaped on every page that echoes it.
func TestQueriesEscaped(t *testing.T) {
	ts := newTestServer(t, Options{})
	payloads := []string{
		`<script>alert(1)</script>`,
		`"><img src=x onerror=alert(1)>`,
		`' onmouseover='alert(1)`,
		`</textarea><script>alert(1)</script>`,
	}
	for _, p := range payloads {
		for _, path := range []string{"/search?q=", "/explain?q=", "/explain/", "/kb?tag="} {
			u := ts.URL + path + url.QueryEscape(p)
			if path == "/explain/" {
				u = ts.URL + path + url.PathEscape(p)
			}
			req, _ := http.NewRequest("GET", u, nil)
			_, body := ts.do(t, req)
			if strings.Contains(body, p) {
				t.Errorf("%s%s: the payload is in the page unescaped", path, p)
			}
			if m := inlineScript(body); m != "" {
				t.Errorf("%s%s: inline script %q", path, p, m)
			}
		}
	}
}

func TestExplainForms(t *testing.T) {
	ts := newTestServer(t, Options{})
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for path, want := range map[string]string{
		"/explain/41":           "/explain/AZCM0041",
		"/explain/azcm41":       "/explain/AZCM0041",
		"/explain/0041?lang=ja": "/explain/AZCM0041?lang=ja",
	} {
		resp, err := client.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
			t.Errorf("%s: %d to %q, want a permanent redirect to %s", path, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
	e, _ := ts.srv.k.Get("login-blocked")
	for lang, title := range map[string]string{"en": e.Title.EN, "ja": e.Title.JA} {
		resp, body := ts.get(t, "/explain/login-blocked?lang="+lang)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, htmlText(title)) {
			t.Errorf("/explain/login-blocked?lang=%s: %d, title %q not shown", lang, resp.StatusCode, title)
		}
	}
	if resp, _ := ts.get(t, "/explain/no-such-entry-id"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown id: status %d, want 404", resp.StatusCode)
	}
}

// htmlText is s as html/template writes it in text.
func htmlText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '+':
			b.WriteString("&#43;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// catalogNames are the Go names of msg's IDs, in order: the i-th is ID(i).
func catalogNames(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "report", "msg", "msg.go"))
	if err != nil {
		t.Fatal(err)
	}
	block := src[bytes.Index(src, []byte("const (")):]
	block = block[:bytes.Index(block, []byte("\n)"))]
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^\t([A-Z]\w*)`).FindAllSubmatch(block, -1) {
		names = append(names, string(m[1]))
	}
	if len(names) != len(msg.All()) {
		t.Fatalf("read %d names in msg.go's const block, the catalog has %d IDs", len(names), len(msg.All()))
	}
	return names
}

func clipAt(b []byte, n int) string { return string(b[:min(len(b), n)]) }

// TestWordsAreTheCatalogs: the pages have no words of their own (and so no
// Japanese but the catalog's and the knowledge base's, both held to
// kb.JapaneseTermProblem). Every
// name a template gives .T is in words, each key of words is the Go name
// of the ID it maps to, and every key is used by a template.
func TestWordsAreTheCatalogs(t *testing.T) {
	names := catalogNames(t)
	used := map[string]bool{}
	tmpls, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(tmpls) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	call := regexp.MustCompile(`\.T\b(\s+"?)([^"\s}]*)`)
	for _, name := range tmpls {
		data, _ := templateFS.ReadFile(name)
		if i := bytes.IndexFunc(data, func(r rune) bool { return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) }); i >= 0 {
			t.Errorf("%s: Japanese of its own (%q): a page's words belong in msg, where their terms are checked", name, clipAt(data[i:], 30))
		}
		for _, m := range call.FindAllSubmatch(data, -1) {
			if string(m[1]) != ` "` {
				t.Errorf("%s: .T %s: a template names a message by a literal, so that this test sees it", name, m[2])
				continue
			}
			used[string(m[2])] = true
			if _, ok := words[string(m[2])]; !ok {
				t.Errorf("%s: .T %q is not in words", name, m[2])
			}
		}
	}
	if len(used) < 40 {
		t.Fatalf("found %d message names in the templates", len(used))
	}
	for key, id := range words {
		if int(id) >= len(names) || names[id] != key {
			t.Errorf("words[%q] is msg ID %d, not msg.%s", key, id, key)
		}
		if !used[key] {
			t.Errorf("words[%q] is used by no template", key)
		}
	}
}

func TestSwitchKeepsThePage(t *testing.T) {
	ts := newTestServer(t, Options{})
	_, body := ts.get(t, "/search?q=proxy+tag%3Aproxy")
	m := regexp.MustCompile(`id="lang-switch"[^>]*href="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no language switch on the search page")
	}
	u, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil || u.Path != "/search" || u.Query().Get("q") != "proxy tag:proxy" || u.Query().Get("lang") != "ja" {
		t.Errorf("switch goes to %q, want the same search in Japanese", m[1])
	}
}

// Uploads beyond MaxAnalyses wait: what uploads hold in memory is bounded.
func TestAnalysesWaitTheirTurn(t *testing.T) {
	var running, most atomic.Int32
	release := make(chan struct{})
	ts := newTestServer(t, Options{MaxAnalyses: 1, Analyze: func(ctx context.Context, req AnalyzeRequest, w io.Writer) error {
		n := running.Add(1)
		defer running.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-release
		return nil
	}})
	done := make(chan int, 3)
	for range 3 {
		go func() {
			resp, err := ts.Client().Post(ts.URL+"/api/analyze", "text/plain", strings.NewReader("line\n"))
			if err != nil {
				done <- 0
				return
			}
			resp.Body.Close()
			done <- resp.StatusCode
		}()
	}
	// Once one analysis runs, the others have had time to start, were
	// nothing holding them back.
	for running.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	for range 3 {
		release <- struct{}{}
	}
	for range 3 {
		if code := <-done; code != http.StatusOK {
			t.Errorf("status %d", code)
		}
	}
	if m := most.Load(); m != 1 {
		t.Errorf("%d analyses ran at once, want 1", m)
	}
}

// Indented lines of an entry's text are commands: shown as code, escaped.
func TestProse(t *testing.T) {
	got := string(prose("Run the check:\n  azcmagent check --location <region>\n  azcmagent show\nThen <b>retry</b>."))
	want := `<p>Run the check:</p><pre class="cmd"><code>azcmagent check --location &lt;region&gt;` + "\n" +
		`azcmagent show</code></pre><p>Then &lt;b&gt;retry&lt;/b&gt;.</p>`
	if got != want {
		t.Errorf("prose:\n got %s\nwant %s", got, want)
	}
}

// A finding's neighbouring lines: two records before and after it, clipped
// at the ends of the log, shared by findings close together, secrets
// redacted.
func TestNeighbours(t *testing.T) {
	var log strings.Builder
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&log, "time=\"2031-02-03T04:05:%02dZ\" level=info msg=\"line %d\"\n", i, i)
	}
	secret := "time=\"2031-02-03T04:05:11Z\" level=error msg=\"x\" Body=\"client_secret=Zx8Q~PLANTED-SECRET-9&grant_type=client_credentials\"\n"
	inputs, _ := logsource.ResolveUploads([]logsource.Upload{{Name: "azcmagent.log", Data: []byte(log.String() + secret)}}, logsource.Options{})
	findings := map[int]*findingView{1: {Line: 1}, 5: {Line: 5}, 6: {Line: 6}, 10: {Line: 10}}
	readNeighbours(inputs[0], findings)
	want := map[int][]int{1: {1, 2, 3}, 5: {3, 4, 5, 6, 7}, 6: {4, 5, 6, 7, 8}, 10: {8, 9, 10, 11}}
	for at, lines := range want {
		var got []int
		for _, c := range findings[at].Context {
			got = append(got, c.Line)
			if c.Here != (c.Line == at) {
				t.Errorf("finding %d: line %d marked Here=%v", at, c.Line, c.Here)
			}
			if strings.Contains(c.Text, "PLANTED") {
				t.Errorf("finding %d: line %d shows the secret: %s", at, c.Line, c.Text)
			}
		}
		if !slices.Equal(got, lines) {
			t.Errorf("finding %d: neighbours %v, want %v", at, got, lines)
		}
	}
}

// Every error of the JSON API is JSON: {"error": "..."}, whoever answers it
// (the handler, the mux's 404 and 405, the host and origin checks).
func TestAPIErrorsAreJSON(t *testing.T) {
	ts := newTestServer(t, Options{MaxUpload: 1 << 10})
	_, port, _ := strings.Cut(strings.TrimPrefix(ts.URL, "http://"), ":")
	cases := []struct {
		name, method, path, ctype, body, host, origin string
		want                                          int
	}{
		{name: "empty search", method: "GET", path: "/api/search?q=", want: http.StatusBadRequest},
		{name: "no explain query", method: "GET", path: "/api/explain", want: http.StatusBadRequest},
		{name: "query too long", method: "GET", path: "/api/explain?q=" + strings.Repeat("x", maxQuery+1), want: http.StatusRequestEntityTooLarge},
		{name: "unknown route", method: "GET", path: "/api/nothing", want: http.StatusNotFound},
		{name: "POST to search", method: "POST", path: "/api/search", want: http.StatusMethodNotAllowed},
		{name: "GET analyze", method: "GET", path: "/api/analyze", want: http.StatusMethodNotAllowed},
		{name: "nothing to analyze", method: "POST", path: "/api/analyze", ctype: "text/plain", body: " \n", want: http.StatusBadRequest},
		{name: "upload too large", method: "POST", path: "/api/analyze", ctype: "text/plain", body: strings.Repeat("x", 2<<10), want: http.StatusRequestEntityTooLarge},
		{name: "JSON body", method: "POST", path: "/api/analyze", ctype: "application/json", body: `{"text":"x"}`, want: http.StatusUnsupportedMediaType},
		{name: "another host", method: "GET", path: "/api/search?q=proxy", host: "evil.example:" + port, want: http.StatusMisdirectedRequest},
		{name: "another origin", method: "POST", path: "/api/analyze", ctype: "text/plain", body: "line\n", origin: "http://evil.example", want: http.StatusForbidden},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, ts.URL+c.path, strings.NewReader(c.body))
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		if c.host != "" {
			req.Host = c.host
		}
		if c.origin != "" {
			req.Header.Set("Origin", c.origin)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
		}
		resp, body := ts.do(t, req)
		var e struct{ Error string }
		if resp.StatusCode != c.want {
			t.Errorf("%s: status %d, want %d: %s", c.name, resp.StatusCode, c.want, body)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %q, want application/json", c.name, ct)
		}
		if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error == "" {
			t.Errorf("%s: body %q is not {\"error\": \"...\"} (%v)", c.name, body, err)
		}
	}
	// A page's errors stay pages.
	if resp, body := ts.get(t, "/no-such-page"); strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Errorf("a page's 404 is JSON: %s", body)
	}
}

// An explanation that finds nothing offers the keyword search of the same
// text, in the page's language.
func TestExplainNoMatchOffersSearch(t *testing.T) {
	ts := newTestServer(t, Options{})
	q := "xyzzy plugh & more"
	resp, body := ts.get(t, "/explain?lang=ja&q="+url.QueryEscape(q))
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d, want 404", resp.StatusCode)
	}
	m := regexp.MustCompile(`id="try-search" href="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no search link on the page")
	}
	u, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil || u.Path != "/search" || u.Query().Get("q") != q || u.Query().Get("lang") != "ja" {
		t.Errorf("the search link goes to %q, want /search of %q in Japanese", m[1], q)
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{
		512: "512 bytes", 1 << 10: "1 KiB", 102400: "100 KiB", 1536: "1.5 KiB", 1<<20 + 1: "1 MiB",
		1<<20 - 1: "1023.9 KiB", 512 << 20: "512 MiB", 3 << 29: "1.5 GiB", 2 << 40: "2 TiB", 1<<62 - 1: "4194303.9 TiB",
	} {
		if got := humanSize(n); got != want {
			t.Errorf("humanSize(%d) = %q, want %q", n, got, want)
		}
	}
	ts := newTestServer(t, Options{MaxUpload: 102400})
	for _, lang := range []string{"en", "ja"} {
		_, body := ts.get(t, "/?lang="+lang)
		if !strings.Contains(body, "100 KiB") || strings.Contains(body, "102400") {
			t.Errorf("the %s form does not give its limit as 100 KiB", lang)
		}
	}
}

// A query the parser refuses is explained in the page's language, on the
// page and by the API, with the filter as typed.
func TestSearchErrorInPagesLanguage(t *testing.T) {
	ts := newTestServer(t, Options{})
	for _, lang := range []kb.Lang{kb.EN, kb.JA} {
		want := html.EscapeString(report.SearchProblem(&index.QueryError{Reason: index.QueryBadKind, Filter: "kind:poem"}, lang))
		resp, body := ts.get(t, "/search?lang="+string(lang)+"&q="+url.QueryEscape("kind:poem proxy"))
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `class="error" role="alert">`+want+"<") {
			t.Errorf("%s page: status %d, want 400 and %q", lang, resp.StatusCode, want)
		}
		_, body = ts.get(t, "/api/search?lang="+string(lang)+"&q="+url.QueryEscape("kind:poem proxy"))
		var got struct{ Error string }
		if err := json.Unmarshal([]byte(body), &got); err != nil || got.Error != html.UnescapeString(want) {
			t.Errorf("%s API: %s, want the error %q", lang, body, want)
		}
	}
}
