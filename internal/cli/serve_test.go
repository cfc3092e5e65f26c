package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/internal/serve"
	"github.com/arcdiag/arcdiag/kb"
)

// plantedLog is an agent log with secrets that no page may show.
const plantedLog = `time="2031-02-03T04:05:01Z" level=debug msg="Agent Version: 1.40.02664.1629"
time="2031-02-03T04:05:01Z" level=debug msg="Agent Command: connect --service-principal-id 00000000-0000-0000-0000-000000000001 --service-principal-secret Zx8Q~PLANTED-SECRET-1 --resource-group rg"
time="2031-02-03T04:05:02Z" level=debug msg="POST https://login.microsoftonline.com/00000000-0000-0000-0000-000000000002/oauth2/token" Body="client_id=00000000-0000-0000-0000-000000000001&client_secret=Zx8Q~PLANTED-SECRET-2&grant_type=client_credentials"
time="2031-02-03T04:05:03Z" level=error msg="Request failed" Error="GET https://management.azure.com/subscriptions/x\nAuthorization: Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2lnbmF0dXJlLVBMQU5URUQ\nRESPONSE 403 Forbidden"
time="2031-02-03T04:05:04Z" level=error msg="Download failed" Error="GET https://contoso.blob.core.windows.net/ext/pkg.zip?sv=2031-01-01&sig=PLANTED%2BSAS%3D&se=2031: 403"
time="2031-02-03T04:05:05Z" level=info msg="Exit Code:  AZCM0041: Failed to Get Access Token"
`

// planted are the secrets of plantedLog, or pieces of them.
var planted = []string{"PLANTED", "eyJ0eXAi"}

// served is the server the tests share: the built-in knowledge base and
// its indexes take seconds to build under the race detector.
var served struct {
	once sync.Once
	k    *kb.KB
	hs   *httptest.Server
	err  error
}

// startServe serves the built-in knowledge base as `arcdiag serve` does.
func startServe(t testing.TB) (*httptest.Server, *kb.KB) {
	t.Helper()
	served.once.Do(func() {
		if served.k, served.err = kb.Load(kb.Builtin()); served.err != nil {
			return
		}
		srv, err := newServer(&env{Globals: Globals{Lang: "en"}}, served.k, serve.DefaultMaxUpload, nil)
		if served.err = err; err != nil {
			return
		}
		// Left running until the test binary exits, like the shared KB.
		served.hs = httptest.NewUnstartedServer(nil)
		served.hs.Config.Handler = srv.Handler(served.hs.Listener.Addr().String())
		served.hs.Start()
	})
	if served.err != nil {
		t.Fatal(served.err)
	}
	return served.hs, served.k
}

// sampleLogs are every file of testdata/logs: agent logs of both systems,
// rotated and gzip copies, installer and extension logs, the bundles
// (including the damaged and the unsafe zip) and files that are not logs.
func sampleLogs(t testing.TB) []string {
	t.Helper()
	var paths []string
	root, _ := filepath.Abs("../../testdata/logs")
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && filepath.Base(p) != "README.md" {
			paths = append(paths, p)
		}
		return err
	})
	if len(paths) < 20 {
		t.Fatalf("%d sample logs in testdata/logs", len(paths))
	}
	return paths
}

// cliAnalyze runs `arcdiag analyze --json` in dir on its files, named as
// the server names uploads (their base names).
func cliAnalyze(t testing.TB, dir string, stdin io.Reader, args ...string) string {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out bytes.Buffer
	Main(context.Background(), append([]string{"analyze", "--json"}, args...), stdin, &out, io.Discard)
	return out.String()
}

// uploadForm is a multipart form with files (read from paths) and text.
func uploadForm(t testing.TB, paths []string, text string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if text != "" {
		mw.WriteField("text", text)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fw, _ := mw.CreateFormFile("files", filepath.Base(p))
		fw.Write(data)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func post(t testing.TB, hs *httptest.Server, path string, body io.Reader, ctype string) (int, string) {
	t.Helper()
	resp, err := hs.Client().Post(hs.URL+path, ctype, body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// POST /api/analyze answers exactly what analyze --json prints for the
// same files: every sample alone, the bundles together, pasted text.
func TestServeAnalyzeAsCLI(t *testing.T) {
	hs, _ := startServe(t)
	check := func(name string, paths []string) {
		t.Helper()
		args := make([]string, len(paths))
		for i, p := range paths {
			args[i] = filepath.Base(p)
		}
		want := cliAnalyze(t, filepath.Dir(paths[0]), nil, args...)
		body, ctype := uploadForm(t, paths, "")
		status, got := post(t, hs, "/api/analyze", body, ctype)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d: %s", name, status, got)
		}
		if want == "" || !strings.Contains(want, `"type":"summary"`) {
			t.Fatalf("%s: analyze --json printed no summary: %q", name, want)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: /api/analyze differs from analyze --json (-cli +api):\n%s", name, diff)
		}
	}
	if !testing.Short() { // the race pass (-short) checks the bundles only
		for _, p := range sampleLogs(t) {
			check(filepath.Base(p), []string{p})
		}
	}
	bundles, _ := filepath.Glob("../../testdata/logs/bundles/*.zip")
	check("every bundle", bundles)

	// Pasted text, or a raw body, is standard input: analyze -.
	line := "time=\"2031-02-03T04:05:06Z\" level=fatal msg=\"Invalid client secret is provided\"\n"
	want := cliAnalyze(t, ".", strings.NewReader(line), "-")
	status, got := post(t, hs, "/api/analyze", strings.NewReader(line), "text/plain")
	if status != http.StatusOK || got != want {
		t.Errorf("raw body: status %d\n got %s\nwant %s", status, got, want)
	}
	form, ctype := uploadForm(t, nil, line)
	if status, got = post(t, hs, "/api/analyze", form, ctype); status != http.StatusOK || got != want {
		t.Errorf("pasted text: status %d\n got %s\nwant %s", status, got, want)
	}
}

// The JSON API answers as search --json and explain --json.
func TestServeAPIAsCLI(t *testing.T) {
	hs, k := startServe(t)
	for _, c := range []struct{ cmd, lang, q string }{
		{"search", "en", "proxy blocking login"},
		{"search", "ja", "プロキシ 経由"},
		{"search", "ja", "proxy"},
		{"search", "en", "tag:proxy kind:message"},
		{"search", "en", "certficate"},
		{"search", "en", "AZCM004*"},
		{"explain", "en", "41"},
		{"explain", "ja", "AZCM0018"},
		{"explain", "en", `time="2031-02-03T04:05:06Z" level=fatal msg="Invalid client secret is provided"`},
		{"explain", "en", "AZCM9999"},
		// No pattern recognises it: the closest entries, as suggestions.
		{"explain", "en", unmatchedLine(t, k)},
		{"explain", "ja", unmatchedLine(t, k)},
	} {
		var want bytes.Buffer
		Main(context.Background(), []string{"--lang", c.lang, c.cmd, "--json", c.q}, strings.NewReader(""), &want, io.Discard)
		resp, err := hs.Client().Get(hs.URL + "/api/" + c.cmd + "?lang=" + c.lang + "&q=" + url.QueryEscape(c.q))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want.Len() == 0 {
			t.Fatalf("%s --json %q printed nothing", c.cmd, c.q)
		}
		if diff := cmp.Diff(want.String(), string(got)); diff != "" {
			t.Errorf("/api/%s?q=%s differs from %s --json (-cli +api):\n%s", c.cmd, c.q, c.cmd, diff)
		}
	}
}

// Nothing uploaded is written to disk: a 40 MiB upload (over the 32 MiB
// that net/http's form parsing keeps in memory before it spills to a
// temporary file) is analyzed with TMPDIR pointing nowhere, where any such
// file would fail to be created, and leaves TMPDIR empty.
func TestServeWritesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("40 MiB analyzed twice: run without -short")
	}
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	big := bytes.Repeat([]byte("time=\"2031-02-03T04:05:06Z\" level=info msg=\"heartbeat\"\n"), 40<<20/55)
	p := filepath.Join(dir, "azcmagent.log")
	if err := os.WriteFile(p, append(big, plantedLog...), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)
	hs, _ := startServe(t)
	for _, path := range []string{"/analyze", "/api/analyze"} {
		form, ctype := uploadForm(t, []string{p}, "")
		status, page := post(t, hs, path, form, ctype)
		if status != http.StatusOK || !strings.Contains(page, "AZCM0041") {
			t.Errorf("%s: status %d, verdict AZCM0041 not shown", path, status)
		}
		for _, s := range planted {
			if strings.Contains(page, s) {
				t.Errorf("%s: the page shows the planted secret %q", path, s)
			}
		}
		if _, err := os.Stat(tmp); !os.IsNotExist(err) {
			t.Errorf("%s: TMPDIR was created (%v)", path, err)
		}
	}
}

// The analyze page shows the verdict of every run analyze --json gives,
// in its order, with the findings' neighbouring lines redacted.
func TestServeAnalyzePage(t *testing.T) {
	hs, _ := startServe(t)
	bundles, _ := filepath.Glob("../../testdata/logs/bundles/*.zip")
	args := make([]string, len(bundles))
	for i, p := range bundles {
		args[i] = filepath.Base(p)
	}
	want := verdictsOf(t, cliAnalyze(t, filepath.Dir(bundles[0]), nil, args...))
	form, ctype := uploadForm(t, bundles, "")
	status, page := post(t, hs, "/analyze", form, ctype)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if diff := cmp.Diff(want, pageVerdicts(page)); diff != "" {
		t.Errorf("verdicts on the page differ from analyze --json (-cli +page):\n%s", diff)
	}
	for _, s := range []string{`id="by-verdict"`, "arc-web-01", "CONTOSO-FS01", `class="context"`} {
		if !strings.Contains(page, s) {
			t.Errorf("the page has no %s", s)
		}
	}
}

// verdictsOf lists each run's verdict ("-" for none) from analyze --json.
func verdictsOf(t testing.TB, ndjson string) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(ndjson), "\n") {
		var obj struct {
			Type    string  `json:"type"`
			Verdict *string `json:"verdict"`
		}
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		switch obj.Type {
		case "run", "incident", "warning":
			v := "-"
			if obj.Verdict != nil {
				v = *obj.Verdict
			}
			out = append(out, v)
		}
	}
	return out
}

// verdictCell is a run's verdict cell on the analyze page.
// A row of ok runs in a row says how many it stands for.
var verdictCell = regexp.MustCompile(`<td class="verdict" data-verdict="([^"]*)"(?: data-runs="(\d+)")?(?: data-match="suggested")?>`)

// pageVerdicts lists the verdict of each run of the analyze page.
func pageVerdicts(page string) []string {
	var out []string
	for _, m := range verdictCell.FindAllStringSubmatch(page, -1) {
		v, n := m[1], 1
		if v == "" {
			v = "-"
		}
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
		}
		for range n {
			out = append(out, v)
		}
	}
	return out
}

// TestServeMachinesAsCLI: the page's view by machine and analyze --by
// machine follow one rule (machine.Row): for the sample bundles uploaded
// together, the same machines with the same verdicts.
func TestServeMachinesAsCLI(t *testing.T) {
	hs, _ := startServe(t)
	bundles, _ := filepath.Glob("../../testdata/logs/bundles/*.zip")
	cli, web := machinesBothWays(t, hs, bundles)
	t.Logf("machines: %v", web)
	if diff := cmp.Diff(cli, web); diff != "" {
		t.Errorf("machines and verdicts differ (-cli +page):\n%s", diff)
	}
	// The rule itself: arc-web-01's last run (10:48) went well, but an
	// incident that did not recover came after it.
	if v := cli["arc-web-01"]; v == "ok" || v == "" {
		t.Errorf("arc-web-01: verdict %q, want the incident after its last run", v)
	}
}

// machinesBothWays gives each machine's verdict by analyze --by machine
// and by the analyze page's view by verdict, for the same zips.
func machinesBothWays(t *testing.T, hs *httptest.Server, zips []string) (cli, web map[string]string) {
	t.Helper()
	cli, web = map[string]string{}, map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(cliAnalyze(t, ".", nil, append([]string{"--by", "machine"}, zips...)...)), "\n") {
		var obj struct{ Type, Machine, Verdict string }
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if obj.Type == "machine" {
			cli[obj.Machine] = obj.Verdict
		}
	}
	form, ctype := uploadForm(t, zips, "")
	status, page := post(t, hs, "/analyze", form, ctype)
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, m := range machineRowOnPage.FindAllStringSubmatch(page, -1) {
		web[html.UnescapeString(m[2])] = html.UnescapeString(m[1])
	}
	return cli, web
}

// machineRowOnPage is a machine's row in the page's view by verdict.
var machineRowOnPage = regexp.MustCompile(`<tr data-verdict="([^"]*)" data-machine="([^"]*)">`)

// englishLabels are the words a page in English uses as labels: the
// catalog's (msg) and the index's field names, which a page in Japanese
// must never show as a label. Kinds and tags are identifiers (kind:,
// tag: filters), the same in both languages.
func englishLabels(k *kb.KB) []string {
	ids := map[string]bool{}
	for _, kind := range kb.Kinds {
		ids[string(kind)] = true
	}
	for _, e := range k.Entries() {
		for _, tag := range e.Tags {
			ids[tag] = true
		}
	}
	words := []string{"cause", "example", "remediation", "title", "alias"}
	for _, id := range msg.All() {
		if id == msg.LanguageName {
			continue // "English" is the Japanese page's link to the English one
		}
		en, ja := id.Text().EN, id.Text().JA
		if en != ja && !strings.Contains(en, "%") && len(en) > 1 && !ids[en] {
			words = append(words, en)
		}
	}
	return words
}

// Every page in Japanese shows no English label: a label is the whole text
// of an element, or the text before a colon at the start of one or of a
// line. And it keeps to the knowledge base's Japanese terms
// (kb.JapaneseTermProblem), in its words and in the entries it shows.
func TestServeJapanesePages(t *testing.T) {
	hs, k := startServe(t)
	pages := map[string]string{}
	for _, path := range []string{"/", "/search?q=proxy", "/search?q=zzqqxxv", "/explain/AZCM0041", "/explain/41",
		"/explain?q=" + url.QueryEscape("no entry matches this xyzzy"), "/explain?q=AZCM9999", "/kb"} {
		resp, err := hs.Client().Get(hs.URL + path + sep(path) + "lang=ja")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		pages[path] = string(body)
	}
	bundles, _ := filepath.Glob("../../testdata/logs/bundles/*.zip")
	form, ctype := uploadForm(t, bundles, "")
	_, pages["POST /analyze"] = post(t, hs, "/analyze?lang=ja", form, ctype)
	if !strings.Contains(pages["/search?q=proxy"], `class="field"`) {
		t.Fatal("the search for proxy shows no fragment: the test checks nothing")
	}
	if !strings.Contains(pages["POST /analyze"], `id="by-verdict"`) {
		t.Fatal("the bundles' analysis shows no machines: the terms of that view are not checked")
	}
	for path, page := range pages {
		if p := kb.JapaneseTermProblem(html.UnescapeString(page)); p != "" {
			i := strings.Index(page, "マシン")
			t.Errorf("%s in Japanese: %s: %q", path, p, page[max(0, i-60):min(len(page), i+60)])
		}
	}
	for _, w := range englishLabels(k) {
		e := regexp.QuoteMeta(html.EscapeString(w))
		re := regexp.MustCompile(`(>\s*` + e + `\s*(<|:))|((^|\n)\s*` + e + `:)`)
		for path, page := range pages {
			if m := re.FindString(page); m != "" {
				t.Errorf("%s in Japanese shows the English label %q (%q)", path, w, m)
			}
		}
	}
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

// A form-encoded POST (curl -d 'text=…') is the paste box's text, decoded:
// analyzed as analyze - analyzes the text, its secrets redacted. A body of
// another type is refused with 415.
func TestServeFormEncoded(t *testing.T) {
	hs, _ := startServe(t)
	want := cliAnalyze(t, ".", strings.NewReader(plantedLog), "-")
	if !strings.Contains(want, "AZCM0041") {
		t.Fatalf("analyze - of the planted log gives no AZCM0041: %s", want)
	}
	form := url.Values{"text": {plantedLog}}.Encode()
	if !strings.Contains(form, "PLANTED") {
		t.Fatal("the encoded form lost the planted secret: the test checks nothing")
	}
	status, got := post(t, hs, "/api/analyze", strings.NewReader(form), "application/x-www-form-urlencoded")
	if status != http.StatusOK || got != want {
		t.Errorf("/api/analyze, form-encoded: status %d\n got %s\nwant %s", status, got, want)
	}
	status, page := post(t, hs, "/analyze", strings.NewReader(form+"&lang=ja"), "application/x-www-form-urlencoded")
	if status != http.StatusOK || !strings.Contains(page, "AZCM0041") || !strings.Contains(page, `lang="ja"`) {
		t.Errorf("/analyze, form-encoded: status %d, verdict AZCM0041 or Japanese not shown", status)
	}
	for _, s := range append(planted, "%3D", "client_secret%") {
		for name, body := range map[string]string{"/api/analyze": got, "/analyze": page} {
			if strings.Contains(body, s) {
				t.Errorf("%s shows %q: the form was not decoded, or not redacted", name, s)
			}
		}
	}
	for _, path := range []string{"/analyze", "/api/analyze"} {
		if status, body := post(t, hs, path, strings.NewReader(`{"text": "x"}`), "application/json"); status != http.StatusUnsupportedMediaType {
			t.Errorf("%s, application/json: status %d, want 415: %s", path, status, body)
		}
		if status, body := post(t, hs, path, strings.NewReader("files=x"), "application/x-www-form-urlencoded"); status != http.StatusBadRequest || !strings.Contains(body, "text") {
			t.Errorf("%s, a form without text: status %d, want 400 naming the field: %s", path, status, body)
		}
	}
}

// unmatchedLine is an error line of the sample logs that no entry's
// pattern recognises (linux/azcmagent.log:43, a TLS inspection device's
// chain), for which explain and analyze suggest the closest entries.
func unmatchedLine(t testing.TB, k *kb.KB) string {
	t.Helper()
	data, err := os.ReadFile("../../testdata/logs/linux/azcmagent.log")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	if len(lines) < 43 {
		t.Fatalf("linux/azcmagent.log has %d lines", len(lines))
	}
	line := lines[42]
	if a := k.Explain(line); len(a.Entries) > 0 || !strings.Contains(line, "level=error") {
		t.Fatalf("linux/azcmagent.log:43 is no unmatched error line (entries %v): %s", a.Entries, line)
	}
	return line
}

// cliSuggested runs explain --json on text and returns the ids it suggests.
func cliSuggested(t testing.TB, lang, text string) []string {
	t.Helper()
	var out bytes.Buffer
	Main(context.Background(), []string{"--lang", lang, "explain", "--json", text}, strings.NewReader(""), &out, io.Discard)
	var a struct {
		Match     string `json:"match"`
		Suggested []struct {
			ID string `json:"id"`
		} `json:"suggested"`
	}
	if err := json.Unmarshal(out.Bytes(), &a); err != nil {
		t.Fatalf("explain --json: %v: %s", err, out.String())
	}
	if a.Match != "suggested" || len(a.Suggested) == 0 {
		t.Fatalf("explain --json suggests nothing (match %q): the test checks nothing", a.Match)
	}
	var ids []string
	for _, s := range a.Suggested {
		ids = append(ids, s.ID)
	}
	return ids
}

// An unmatched message gets on the pages the suggestions the CLI gives,
// labelled as the CLI labels them, in English and in Japanese: the explain
// page under explain's heading, each entry marked "(suggestion)"; the
// analyze page with the run's verdict as a "Suggested cause" and the line's
// entries as "≈ id (suggestion)". /api/explain stays explain --json.
func TestServeShowsSuggestions(t *testing.T) {
	hs, k := startServe(t)
	line := unmatchedLine(t, k)
	for _, lang := range []kb.Lang{kb.EN, kb.JA} {
		ids := cliSuggested(t, string(lang), line)
		resp, err := hs.Client().Get(hs.URL + "/explain?lang=" + string(lang) + "&q=" + url.QueryEscape(line))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := string(body)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: explain page status %d, want 404 (a suggestion explains nothing)", lang, resp.StatusCode)
		}
		for _, want := range []string{
			`<p class="suggested-head" id="suggested">` + html.EscapeString(msg.ExplainSuggested.In(lang)) + `</p>`,
			`<span class="suggestion">(` + msg.Suggested.In(lang) + `)</span>`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the explain page has no %s", lang, want)
			}
		}
		if strings.Contains(page, html.EscapeString(msg.WebExplainNone.In(lang))) {
			t.Errorf("%s: the explain page says nothing matches beside its suggestions", lang)
		}
		for _, id := range ids {
			if !strings.Contains(page, `<article class="entry suggested" id="`+id+`" data-match="suggested">`) {
				t.Errorf("%s: the explain page does not show %s as a suggestion", lang, id)
			}
		}
		if n := strings.Count(page, `<article class="entry`); n != len(ids) {
			t.Errorf("%s: the explain page shows %d entries, explain --json suggests %d", lang, n, len(ids))
		}

		// analyze: the same line pasted, as analyze - reads it.
		var run struct{ Verdict, VerdictMatch string }
		var finding []string
		for _, l := range strings.Split(strings.TrimSpace(cliAnalyze(t, ".", strings.NewReader(line+"\n"), "-")), "\n") {
			var obj struct {
				Type         string `json:"type"`
				Verdict      string `json:"verdict"`
				VerdictMatch string `json:"verdict_match"`
				Suggested    []struct {
					ID string `json:"id"`
				} `json:"suggested"`
			}
			if err := json.Unmarshal([]byte(l), &obj); err != nil {
				t.Fatal(err)
			}
			switch obj.Type {
			case "run":
				run.Verdict, run.VerdictMatch = obj.Verdict, obj.VerdictMatch
			case "finding":
				for _, s := range obj.Suggested {
					finding = append(finding, s.ID)
				}
			}
		}
		if run.VerdictMatch != "suggested" || len(finding) == 0 {
			t.Fatalf("analyze --json: run %+v, finding's suggestions %v: the test checks nothing", run, finding)
		}
		form, ctype := uploadForm(t, nil, line)
		status, page := post(t, hs, "/analyze?lang="+string(lang), form, ctype)
		if status != http.StatusOK {
			t.Fatalf("%s: analyze page status %d", lang, status)
		}
		cell := `<td class="verdict" data-verdict="` + run.Verdict + `" data-match="suggested"><span class="suggested-cause">` +
			html.EscapeString(msg.SuggestedCause.In(lang)) + `:</span> <a href="/explain/` + run.Verdict
		if !strings.Contains(page, cell) {
			t.Errorf("%s: the analyze page does not label the verdict %s as a suggestion (want %s)", lang, run.Verdict, cell)
		}
		for _, id := range finding {
			item := regexp.MustCompile(`<li data-match="suggested"><span class="approx" aria-hidden="true">≈</span> <a href="[^"]*">` +
				regexp.QuoteMeta(id) + `</a> [^<]* <span class="suggestion">\(` + regexp.QuoteMeta(msg.Suggested.In(lang)) + `\)</span></li>`)
			if !item.MatchString(page) {
				t.Errorf("%s: the analyze page does not show %s as the line's suggestion", lang, id)
			}
		}
	}
}

// The page's view by machine follows analyze --by machine, which computes
// no suggestions: a machine whose failure nothing explains is unexplained
// there, not its run's suggested verdict.
func TestServeMachinesIgnoreSuggestions(t *testing.T) {
	hs, k := startServe(t)
	dir := t.TempDir()
	guess := filepath.Join(dir, "azcmagent-20310108T023300-arc-guess-01.zip")
	f, err := os.Create(guess)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, _ := zw.Create("var/opt/azcmagent/log/azcmagent.log")
	io.WriteString(w, `time="2031-01-08T02:32:01Z" level=debug msg="Agent Version: 1.58.03079.1821"`+"\n"+
		`time="2031-01-08T02:32:01Z" level=debug msg="Agent Command: connect"`+"\n"+unmatchedLine(t, k)+"\n")
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	zips := []string{guess, "../../testdata/logs/bundles/azcmagent-20310203T040506-arc-web-01.zip"}
	if !strings.Contains(cliAnalyze(t, ".", nil, guess), `"verdict_match":"suggested"`) {
		t.Fatal("the run of arc-guess-01 has no suggested verdict: the test checks nothing")
	}
	cli, web := machinesBothWays(t, hs, zips)
	if cli["arc-guess-01"] != "unexplained" {
		t.Fatalf("analyze --by machine: arc-guess-01 is %q, want unexplained", cli["arc-guess-01"])
	}
	if diff := cmp.Diff(cli, web); diff != "" {
		t.Errorf("machines and verdicts differ (-cli +page):\n%s", diff)
	}
}
