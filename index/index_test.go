package index

import (
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/arcdiag/arcdiag/kb"
)

var (
	builtinOnce sync.Once
	builtinKB   *kb.KB
	builtinErr  error
)

// loadKB loads the built-in knowledge base once for the package's tests.
func loadKB(t testing.TB) *kb.KB {
	t.Helper()
	builtinOnce.Do(func() { builtinKB, builtinErr = kb.Load(kb.Builtin()) })
	if builtinErr != nil {
		t.Fatal(builtinErr)
	}
	return builtinKB
}

func newIndex(t testing.TB, k *kb.KB, opts Options) *Index {
	t.Helper()
	ix, err := New(k.Entries(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func ids(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

// TestEveryEntryFoundByID searches every built-in entry's id, as typed and
// in upper case, and each code in its short form: the entry must come first.
func TestEveryEntryFoundByID(t *testing.T) {
	k := loadKB(t)
	ix := newIndex(t, k, Options{})
	if len(k.Entries()) < 100 {
		t.Fatalf("only %d built-in entries", len(k.Entries()))
	}
	for _, e := range k.Entries() {
		queries := []string{e.ID, strings.ToUpper(e.ID)}
		if e.Kind == kb.KindCode {
			queries = append(queries, strings.TrimLeft(e.ID[4:], "0")+"", e.ID[4:])
		}
		for _, q := range queries {
			if q == "" {
				q = "0" // AZCM0000
			}
			res, err := ix.Search(q, SearchOptions{Limit: 3})
			if err != nil {
				t.Errorf("%s: %v", q, err)
				continue
			}
			if len(res.Hits) == 0 || res.Hits[0].ID != e.ID || !res.Hits[0].Exact {
				t.Errorf("search %q: got %v, want %s first (exact)", q, ids(res.Hits), e.ID)
			}
		}
	}
}

func TestSearch(t *testing.T) {
	k := loadKB(t)
	ix := newIndex(t, k, Options{})
	tests := []struct {
		name  string
		query string
		lang  kb.Lang
		// first is the id expected first; first5 the ids expected first, in
		// order; all, every id expected, in order; in, ids expected
		// somewhere among the hits.
		first  string
		first5 []string
		all    []string
		in     []string
		none   bool
	}{
		{name: "plain word", query: "noexec", first: "extension-noexec"},
		{name: "stemmed word", query: "expiring secrets", first: "entra-secret-expired"},
		{name: "code with colon, as pasted", query: "AZCM0018:", first: "AZCM0018"},
		{name: "code named by a message entry", query: "AZCM0042", first: "AZCM0042", in: []string{"arm-provider-not-registered", "arm-blocked"}},
		{name: "code prefix, in code order", query: "AZCM004*", first5: []string{"AZCM0041", "AZCM0042", "AZCM0043", "AZCM0044", "AZCM0045"}, in: []string{"spn-invalid-secret"}},
		{name: "code prefix lower case", query: "azcm015*", first: "AZCM0150"},
		{name: "word prefix", query: "misconfig*", first: "proxy-misconfiguration"},
		{name: "typo", query: "firewal", in: []string{"arm-blocked"}},
		{name: "typo with swapped letters", query: "certifciate", in: []string{"tls-untrusted-certificate"}},
		{name: "phrase", query: `"negative serial number"`, first: "certificate-negative-serial"},
		{name: "phrase out of order finds nothing", query: `"number serial negative"`, none: true},
		{name: "kind filter", query: "kind:note", all: []string{"gpo-profile-deletion", "next-steps", "verbose-log"}},
		{name: "kind and tag filters", query: "proxy kind:benign", first: "arc-proxy-stopped"},
		{name: "tag filter", query: "tag:proxy certificate", in: []string{"tls-untrusted-certificate"}},
		{name: "code filter", query: "code:41 secret", first: "spn-invalid-secret"},
		{name: "status filter", query: "status:historic group policy", first: "login-dns-gpo"},
		{name: "Japanese word", query: "プロキシ", lang: kb.JA, in: []string{"proxy-misconfiguration"}},
		{name: "Japanese word shown in English", query: "多要素認証", lang: kb.EN, first: "entra-mfa-required"},
		{name: "Japanese quotes", query: "「サービスとしてログオン」", lang: kb.JA, first: "logon-as-service-right"},
		{name: "alias", query: "Control C Pressed", first: "AZCM0011"},
		{name: "unknown word", query: "frobnicator", none: true},
		{name: "stop word only", query: "the", none: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lang := cmpOr(tt.lang, kb.EN)
			res, err := ix.Search(tt.query, SearchOptions{Lang: lang})
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res.Hits)
			if res.Total != len(res.Hits) {
				t.Errorf("total %d, %d hits without a limit", res.Total, len(res.Hits))
			}
			if tt.none {
				if len(got) > 0 {
					t.Errorf("got %v, want nothing", got)
				}
				return
			}
			if len(got) == 0 {
				t.Fatalf("nothing found")
			}
			if tt.first != "" && got[0] != tt.first {
				t.Errorf("got %v, want %s first", got[:min(5, len(got))], tt.first)
			}
			if tt.first5 != nil {
				if diff := cmp.Diff(tt.first5, got[:min(len(got), len(tt.first5))]); diff != "" {
					t.Errorf("first hits (-want +got):\n%s", diff)
				}
			}
			if tt.all != nil {
				if diff := cmp.Diff(tt.all, got); diff != "" {
					t.Errorf("hits (-want +got):\n%s", diff)
				}
			}
			for _, id := range tt.in {
				if !slices.Contains(got, id) {
					t.Errorf("%s not among %v", id, got)
				}
			}
		})
	}
}

func cmpOr(l, def kb.Lang) kb.Lang {
	if l == "" {
		return def
	}
	return l
}

func TestSearchLimitAndTotal(t *testing.T) {
	ix := newIndex(t, loadKB(t), Options{})
	res, err := ix.Search("proxy", SearchOptions{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 2 || res.Total <= 2 {
		t.Errorf("limit 2: %d hits of %d", len(res.Hits), res.Total)
	}
	for i := 1; i < len(res.Hits); i++ {
		if res.Hits[i].Score > res.Hits[i-1].Score {
			t.Errorf("hit %d scores more than hit %d", i, i-1)
		}
	}
}

func TestQueryErrors(t *testing.T) {
	ix := newIndex(t, loadKB(t), Options{Langs: []kb.Lang{kb.EN}})
	for _, q := range []string{"", "   ", `""`, "kind:poem", "status:old proxy", "code:hello"} {
		_, err := ix.Search(q, SearchOptions{})
		var qe *QueryError
		if !errors.As(err, &qe) {
			t.Errorf("Search(%q): got %v, want a *QueryError", q, err)
		}
		if err := Validate(q); !errors.As(err, &qe) {
			t.Errorf("Validate(%q): got %v, want a *QueryError", q, err)
		}
	}
	if err := Validate("kind:message tag:whatever proxy"); err != nil {
		t.Errorf("Validate of a good query: %v", err)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		query   string
		terms   []term
		filters map[string][]string
	}{
		{query: "proxy  login", terms: []term{{termWord, "proxy"}, {termWord, "login"}}},
		{query: `"secret expired" now`, terms: []term{{termPhrase, "secret expired"}, {termWord, "now"}}},
		{query: `"unterminated phrase`, terms: []term{{termPhrase, "unterminated phrase"}}},
		{query: "「プロキシ 経由」　設定", terms: []term{{termPhrase, "プロキシ 経由"}, {termWord, "設定"}}},
		{query: "AZCM004* *", terms: []term{{termPrefix, "AZCM004"}}},
		{query: "Kind:Message tag:proxy TAG:tls", filters: map[string][]string{fieldKind: {"message"}, fieldTag: {"proxy", "tls"}}},
		{query: `code:41 code:azcm004*`, filters: map[string][]string{fieldCode: {"azcm0041", "azcm004*"}}},
		{query: `tag:"private-link"`, filters: map[string][]string{fieldTag: {"private-link"}}},
		{query: "x509: https://login.windows.net", terms: []term{{termWord, "x509:"}, {termWord, "https://login.windows.net"}}},
	}
	for _, tt := range tests {
		p, err := parse(tt.query)
		if err != nil {
			t.Errorf("%q: %v", tt.query, err)
			continue
		}
		if tt.filters == nil {
			tt.filters = map[string][]string{}
		}
		if diff := cmp.Diff(tt.terms, p.terms, cmp.AllowUnexported(term{})); diff != "" {
			t.Errorf("%q terms (-want +got):\n%s", tt.query, diff)
		}
		if diff := cmp.Diff(tt.filters, p.filters); diff != "" {
			t.Errorf("%q filters (-want +got):\n%s", tt.query, diff)
		}
	}
}

func TestLangsFor(t *testing.T) {
	tests := []struct {
		query string
		want  []kb.Lang
	}{
		{"proxy", []kb.Lang{kb.EN}},
		{"tag:proxy", []kb.Lang{kb.EN}},
		{"プロキシ", []kb.Lang{kb.JA}},
		{"root 権限", []kb.Lang{kb.EN, kb.JA}},
	}
	for _, tt := range tests {
		if got := LangsFor(tt.query); !slices.Equal(got, tt.want) {
			t.Errorf("LangsFor(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
}

// TestIndexedLanguagesOnly checks that an index of one language answers
// queries in it like the full index, and finds nothing in the other.
func TestIndexedLanguagesOnly(t *testing.T) {
	k := loadKB(t)
	full := newIndex(t, k, Options{})
	enOnly := newIndex(t, k, Options{Langs: []kb.Lang{kb.EN}})
	for _, q := range []string{"proxy blocking login", "AZCM0041", "tag:tls certificate"} {
		a, err1 := full.Search(q, SearchOptions{})
		b, err2 := enOnly.Search(q, SearchOptions{})
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if diff := cmp.Diff(ids(a.Hits), ids(b.Hits)); diff != "" {
			t.Errorf("%q: English-only index differs (-full +en):\n%s", q, diff)
		}
	}
	if res, _ := enOnly.Search("プロキシ", SearchOptions{}); res.Total != 0 {
		t.Errorf("English-only index found %d entries for a Japanese word", res.Total)
	}
}

func TestFragments(t *testing.T) {
	ix := newIndex(t, loadKB(t), Options{})
	res, err := ix.Search("negative serial", SearchOptions{Limit: 1})
	if err != nil || len(res.Hits) == 0 {
		t.Fatal(err, res)
	}
	h := res.Hits[0]
	if got := marked(h.Title, h.TitleMarks); got != "Certificate with a [negative] [serial] number" {
		t.Errorf("title marks: %s", got)
	}
	if len(h.Fragments) == 0 {
		t.Fatal("no fragments")
	}
	for _, f := range h.Fragments {
		if len(f.Marks) == 0 {
			t.Errorf("%s fragment without marks: %q", f.Field, f.Text)
		}
		for _, m := range f.Marks {
			if w := strings.ToLower(f.Text[m.Start:m.End]); w != "negative" && w != "serial" {
				t.Errorf("%s fragment marks %q: %s", f.Field, w, marked(f.Text, f.Marks))
			}
		}
		if strings.ContainsAny(f.Text, "\n\t") || strings.Contains(f.Text, "  ") {
			t.Errorf("white space not folded: %q", f.Text)
		}
	}

	// Japanese: the bigrams of a word are marked as one run.
	res, err = ix.Search("多要素認証", SearchOptions{Limit: 1, Lang: kb.JA})
	if err != nil || len(res.Hits) == 0 {
		t.Fatal(err, res)
	}
	if got := marked(res.Hits[0].Title, res.Hits[0].TitleMarks); !strings.Contains(got, "[多要素認証]") {
		t.Errorf("Japanese title marks: %s", got)
	}

	// An entry found by its code alone gets the start of its cause.
	res, err = ix.Search("AZCM0068", SearchOptions{Limit: 1})
	if err != nil || len(res.Hits) == 0 {
		t.Fatal(err, res)
	}
	if fs := res.Hits[0].Fragments; len(fs) != 1 || fs[0].Field != "cause" || len(fs[0].Marks) != 0 {
		t.Errorf("code hit fragments: %+v", fs)
	}
}

// marked brackets the marked ranges of text.
func marked(text string, marks []Span) string {
	var b strings.Builder
	last := 0
	for _, m := range marks {
		b.WriteString(text[last:m.Start] + "[" + text[m.Start:m.End] + "]")
		last = m.End
	}
	return b.String() + text[last:]
}

func TestCut(t *testing.T) {
	long := strings.Repeat("word ", 40) + "target " + strings.Repeat("more ", 40)
	text, marks := cut(long, []mark{{Span{200, 206}, 1}}, 60)
	if !strings.HasPrefix(text, "… ") || !strings.HasSuffix(text, " …") {
		t.Errorf("cut text not marked as cut: %q", text)
	}
	if len(marks) != 1 || text[marks[0].Start:marks[0].End] != "target" {
		t.Errorf("marks %v in %q", marks, text)
	}
	text, marks = cut("short\n  text", []mark{{Span{0, 5}, 1}}, 60)
	if text != "short text" || !slices.Equal(marks, []Span{{0, 5}}) {
		t.Errorf("short text: %q %v", text, marks)
	}
}

func TestSuggestions(t *testing.T) {
	ix := newIndex(t, loadKB(t), Options{})
	tests := []struct {
		query string
		want  string // expected among the suggestions
	}{
		{"sertifcat", "certificate"},
		{"tag:proxi", "tag:proxy"},
		{"kind:note firewall", "firewall"},
		{`"expired secret client"`, "expired secret client"},
	}
	for _, tt := range tests {
		res, err := ix.Search(tt.query, SearchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 0 {
			t.Errorf("%q found %v; the test wants a query that finds nothing", tt.query, ids(res.Hits))
			continue
		}
		if !slices.Contains(res.Suggestions, tt.want) {
			t.Errorf("%q: suggestions %q, want %q among them", tt.query, res.Suggestions, tt.want)
		}
	}
	if res, _ := ix.Search("proxy", SearchOptions{}); res.Suggestions != nil {
		t.Errorf("suggestions for a query with hits: %q", res.Suggestions)
	}
}

func TestLevenshtein(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"firewall", "firewal", 1},
		{"certificate", "certifciate", 1}, // a swap is one edit
		{"proxy", "proxy", 0},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
	}
	for _, tt := range tests {
		if got := levenshtein([]rune(tt.a), []rune(tt.b), 5); got != tt.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestRankingRules checks the rules that weigh what the words alone would
// not, each on entries made for it, listed so that without the rule the
// wrong one would come first.
func TestRankingRules(t *testing.T) {
	entry := func(id, en, ja string, tags ...string) *kb.Entry {
		return &kb.Entry{ID: id, Kind: kb.KindMessage, Title: kb.Text{EN: en, JA: ja},
			Cause: kb.Text{EN: "Cause.", JA: "原因。"}, Remediation: kb.Text{EN: "Fix.", JA: "対処。"}, Tags: tags}
	}
	// ending makes e an entry of that kind that ends in code.
	ending := func(kind kb.Kind, code string, e *kb.Entry) *kb.Entry {
		e.Kind, e.Codes = kind, []string{code}
		return e
	}
	tests := []struct {
		name    string
		entries []*kb.Entry
		query   string
		lang    kb.Lang
		first   string
		absent  string
	}{
		{
			name: "マシン also finds the KB's コンピューター",
			entries: []*kb.Entry{
				entry("vm-config", "VM configuration", "仮想マシンの構成"),
				entry("cloned", "Cloned machines", "複製されたコンピューター"),
			},
			query: "複製 マシン", lang: kb.JA, first: "cloned",
		},
		{
			name: "展開 also finds the KB's デプロイ",
			entries: []*kb.Entry{
				entry("bridge-deploy", "Resource bridge deployment fails", "リソース ブリッジのデプロイが失敗する"),
				entry("arb-offline", "Resource bridge offline", "リソース ブリッジがオフライン"),
			},
			query: "ブリッジ 展開", lang: kb.JA, first: "bridge-deploy",
		},
		{
			name: "a compound typed without the KB's space",
			entries: []*kb.Entry{
				entry("provider-resource", "The provider's resource", "プロバイダーのリソース"),
				entry("rp", "Resource provider", "リソース プロバイダーが登録されていない"),
			},
			query: "リソースプロバイダー", lang: kb.JA, first: "rp",
		},
		{
			name: "a long word's ending alone does not find it",
			entries: []*kb.Entry{
				entry("dns", "Cannot resolve the host name", "ホスト名を解決できない"),
				entry("hostname", "Cannot get the host name", "コンピューター名を取得できない"),
			},
			query: "取得できない", lang: kb.JA, first: "hostname", absent: "dns",
		},
		{
			name: "a code after its known cause that the same words find",
			entries: []*kb.Entry{
				// Alone, the code's shorter title would rank it first (1.61
				// against 1.35).
				ending(kb.KindCode, "AZCM0145", entry("AZCM0145", "dpkg lock not released after 5 minutes", "5 分経過しても dpkg のロックが解放されない")),
				ending(kb.KindMessage, "AZCM0145", entry("package-manager-locked", "Another process holds the package manager's lock (apt/dpkg)",
					"別のプロセスがパッケージ マネージャーのロックを保持している (apt/dpkg)")),
				entry("other", "Something else", "別の問題"),
			},
			query: "dpkg lock", first: "package-manager-locked",
		},
		{
			name: "a reader's word finds the KB's word for the same thing",
			entries: []*kb.Entry{
				entry("clock-skew", "Clock skew makes certificates look expired", "時刻のずれ"),
				entry("tls", "TLS handshake failed", "TLS ハンドシェイクの失敗"),
			},
			query: "out of sync", first: "clock-skew",
		},
		{
			name: "a generic entry after a specific one",
			entries: []*kb.Entry{
				entry("any-timeout", "Connection timed out", "接続がタイムアウトした", "generic"),
				entry("gw-timeout", "Connection timed out", "接続がタイムアウトした"),
			},
			query: "connection timed out", first: "gw-timeout",
		},
		{
			name: "a word one entry uses still abbreviates others'",
			entries: []*kb.Entry{
				entry("sync-button", "Sync button", "同期ボタン"),
				entry("clock", "Clock not synchronised, time wrong", "時刻のずれ"),
			},
			query: "time sync", first: "clock",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := newIndexOf(t, tt.entries)
			res, err := ix.Search(tt.query, SearchOptions{Lang: cmpOr(tt.lang, kb.EN)})
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res.Hits)
			if len(got) == 0 || got[0] != tt.first {
				t.Errorf("got %v, want %s first", got, tt.first)
			}
			if tt.absent != "" && slices.Contains(got, tt.absent) {
				t.Errorf("got %v, want no %s", got, tt.absent)
			}
		})
	}
}

func newIndexOf(t *testing.T, entries []*kb.Entry) *Index {
	t.Helper()
	ix, err := New(entries, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// A synonym is a guess, as a typo's correction is: text a person did not
// type (NoGuesses) finds only its own words.
func TestSynonymsAreGuesses(t *testing.T) {
	ix := newIndexOf(t, []*kb.Entry{{ID: "clock-skew", Kind: kb.KindMessage, Title: kb.Text{EN: "Clock skew", JA: "時刻のずれ"},
		Cause: kb.Text{EN: "Cause.", JA: "原因。"}, Remediation: kb.Text{EN: "Fix.", JA: "対処。"}}})
	for _, noGuesses := range []bool{false, true} {
		res, err := ix.Search("sync", SearchOptions{NoGuesses: noGuesses})
		if err != nil {
			t.Fatal(err)
		}
		if found := res.Total > 0; found == noGuesses {
			t.Errorf("NoGuesses %v: sync found %v, want %v", noGuesses, ids(res.Hits), !noGuesses)
		}
	}
}

// TestEntriesWith: a word some entries have counts them, in any form the
// English analyzer folds to the same stem; an unknown word and a stop word
// count none.
func TestEntriesWith(t *testing.T) {
	ix := newIndex(t, loadKB(t), Options{Langs: []kb.Lang{kb.EN}})
	proxy, err := ix.EntriesWith("proxy")
	if err != nil || proxy < 2 {
		t.Errorf("EntriesWith(proxy) = %d, %v; want several entries", proxy, err)
	}
	if n, _ := ix.EntriesWith("Proxies"); n == 0 {
		t.Errorf("EntriesWith(Proxies) = 0, want the entries of its stem")
	}
	for _, w := range []string{"frobnicate", "the", ""} {
		if n, err := ix.EntriesWith(w); n != 0 || err != nil {
			t.Errorf("EntriesWith(%q) = %d, %v; want 0", w, n, err)
		}
	}
}

// TestCoverage: with Coverage 2, an entry that matches part of the query's
// words loses that share of its score twice, one that matches them all
// nothing.
func TestCoverage(t *testing.T) {
	ix := newIndex(t, loadKB(t), Options{Langs: []kb.Lang{kb.EN}})
	const q = "proxy dpkg"
	plain, err := ix.Search(q, SearchOptions{NoGuesses: true})
	if err != nil {
		t.Fatal(err)
	}
	strict, err := ix.Search(q, SearchOptions{NoGuesses: true, Coverage: 2})
	if err != nil {
		t.Fatal(err)
	}
	scores := map[string]float64{}
	for _, h := range strict.Hits {
		scores[h.ID] = h.Score
	}
	partial := 0
	for _, h := range plain.Hits {
		share := float64(h.Matched) / float64(plain.Terms)
		if want := h.Score * share; math.Abs(scores[h.ID]-want) > 1e-9*want {
			t.Errorf("%s: matched %d of %d words, score %.4f with Coverage 2, want %.4f", h.ID, h.Matched, plain.Terms, scores[h.ID], want)
		}
		if share < 1 {
			partial++
		}
	}
	if partial == 0 || partial == len(plain.Hits) {
		t.Fatalf("%d of %d hits match part of %q: the test checks nothing", partial, len(plain.Hits), q)
	}
}

// TestNoFragments: the same hits, in the same order, without fragments.
func TestNoFragments(t *testing.T) {
	ix := newIndex(t, loadKB(t), Options{Langs: []kb.Lang{kb.EN}})
	with, err := ix.Search("proxy certificate", SearchOptions{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	without, err := ix.Search("proxy certificate", SearchOptions{Limit: 5, NoFragments: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(with.Hits) == 0 || len(with.Hits[0].Fragments) == 0 {
		t.Fatal("no fragments to leave out: the test checks nothing")
	}
	if len(with.Hits) != len(without.Hits) {
		t.Fatalf("%d hits without fragments, %d with", len(without.Hits), len(with.Hits))
	}
	for i, h := range without.Hits {
		if h.ID != with.Hits[i].ID || h.Score != with.Hits[i].Score || len(h.Fragments) > 0 || len(h.TitleMarks) > 0 {
			t.Errorf("hit %d: %s (score %.3f, %d fragments), want %s (score %.3f) without fragments", i, h.ID, h.Score, len(h.Fragments), with.Hits[i].ID, with.Hits[i].Score)
		}
	}
}

// A title that starts with the query's first Japanese word is about it
// (weightHead), also when the word is a compound the title writes apart
// and the reader types together, as the index matches it: of two titles
// with both words, the one that starts with リソース プロバイダー wins
// for "リソースプロバイダー 登録" however it is typed.
func TestJapaneseHeadJoinsCompounds(t *testing.T) {
	entry := func(id, title string) *kb.Entry {
		return &kb.Entry{ID: id, Kind: kb.KindMessage, Title: kb.Text{EN: id, JA: title},
			Cause: kb.Text{EN: "Cause.", JA: "原因。"}, Remediation: kb.Text{EN: "Fix.", JA: "対処。"}}
	}
	ix := newIndexOf(t, []*kb.Entry{
		entry("other", "接続: リソース プロバイダーが登録されていない"),
		entry("head", "リソース プロバイダーがサブスクリプションに登録されていない"),
	})
	for _, q := range []string{"リソース 登録", "リソースプロバイダー 登録", "リソース プロバイダー 登録"} {
		res, err := ix.Search(q, SearchOptions{Lang: kb.JA})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(res.Hits); len(got) != 2 || got[0] != "head" {
			t.Errorf("%q: got %v, want head first", q, got)
		}
	}
}
