package suggest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/arcdiag/arcdiag/kb"
)

func builtin(t *testing.T) *kb.KB {
	t.Helper()
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestWords: the framing, times, identifiers, addresses, paths and numbers
// go; error codes, names and words stay, each once.
func TestWords(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{`time="2031-02-03T04:05:06Z" level=error msg="Failed to acquire token" Error="AADSTS700027: Client assertion contains an invalid signature. Trace ID: 6b6a1b6e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"`,
			"Failed acquire token AADSTS700027 Client assertion contains invalid signature"},
		{`HCRP400: dial tcp 10.0.0.4:443: i/o timeout at 04:05:06.123 on [fe80::1]:443`, "HCRP400 dial tcp timeout"},
		{`Failed with 0x80070005 reading C:\ProgramData\AzureConnectedMachineAgent\Config\agentconfig.json and /var/opt/azcmagent/log/himds.log`,
			"Failed 0x80070005 reading"},
		{`{"error":{"code":"AuthorizationFailed","message":"The client 'abc' does not have authorization"}} Status Code=403`,
			"code AuthorizationFailed message client abc authorization Status"},
		{`GET https://gbl.his.arc.azure.com/discovery?location=eastus failed: host login.microsoftonline.com unreachable`, "failed host unreachable"},
		{`vm-01a2b3 12345 deadbeef ERROR Error error`, ""},
		{`[PID 3816] [TID 3834] [DOWNLOAD MANAGER] Component=DOWNLOAD MANAGER GUID=461c1d04-a181-4f62-aea8-fa973771b1c0 Failed`, "PID TID DOWNLOAD MANAGER Failed"},
		{`接続に失敗しました proxy`, "proxy"},
	} {
		if got := strings.Join(Words(tc.text), " "); got != tc.want {
			t.Errorf("Words(%q)\n got %q\nwant %q", tc.text, got, tc.want)
		}
	}
}

// TestNameParts: a CamelCase or underscored name is cut into its words; a
// plain word and an error code are not.
func TestNameParts(t *testing.T) {
	for name, want := range map[string]string{
		"ManagedIdentityCredential":                  "Managed Identity Credential",
		"HTTPConnectionPool":                         "HTTP Connection Pool",
		"AzConnectedMachineExtension_CreateExpanded": "Az Connected Machine Extension Create Expanded",
		"Win32Exception":                             "Win 32 Exception",
		"dsc_refresh_timer":                          "dsc refresh timer",
		"Failed":                                     "",
		"proxy":                                      "",
		"AADSTS700027":                               "",
		"HCRP400":                                    "",
	} {
		if got := strings.Join(nameParts(name), " "); got != want {
			t.Errorf("nameParts(%q) = %q, want %q", name, got, want)
		}
	}
}

// caseExcerpt reads a real case's excerpt from testdata/cases.
func caseExcerpt(t *testing.T, path string) string {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", "cases", path))
	if err != nil {
		t.Fatal(err)
	}
	return string(a.Files[0].Data)
}

// TestSuggestRealMessages: real messages get the entry that explains them
// first, from a real index of the built-in knowledge base. Whether a
// pattern also recognises them (the knowledge base grows) does not matter:
// the search is what is tested.
func TestSuggestRealMessages(t *testing.T) {
	k := builtin(t)
	s := New(k, Options{})
	for _, tc := range []struct{ name, text, want string }{
		{"tune case (patterns missed it when written)", caseExcerpt(t, "extensions/gh-docs-112219-connectedmachine-module-not-installed.txtar"), "az-connectedmachine-module-outdated"},
		{"tune case (patterns missed it when written)", caseExcerpt(t, "network/edyoung-docs-fork-proxy-settings-mismatch.txtar"), "proxy-misconfiguration"},
		// Error lines of testdata/logs that no pattern recognises.
		{"linux/azcmagent.log:43", `TLS handshake failed; certificate chain presented by the server Chain=[0] subject="CN=gbl.his.arc.azure.com" issuer="CN=Contoso Web Gateway Inspection CA"`, "tls-untrusted-certificate"},
		{"linux/azcmagent.log:86", `Unable to reach the agent service`, "AZCM0061"},
	} {
		got := s.Suggest(tc.text)
		if len(got) == 0 || got[0].Entry.ID != tc.want {
			t.Errorf("%s: Suggest(%q) = %v, want %s first", tc.name, tc.text, ids(got), tc.want)
		}
		// Not on a knife-edge: the first rival answer could score half as
		// much again and the entry would still be offered, so that an entry
		// added elsewhere in the knowledge base does not silently take
		// the answer away.
		ranked, _ := s.rank(strings.Join(Words(tc.text), " "))
		if m := margin(ranked); len(ranked) > 0 && m < 1.5*MinMargin {
			t.Errorf("%s: %s first by a margin of %.2f over its first rival, want %.2f or more", tc.name, ranked[0].Entry.ID, m, 1.5*MinMargin)
		}
		if len(got) > MaxSuggestions {
			t.Errorf("%s: %d suggestions, at most %d", tc.name, len(got), MaxSuggestions)
		}
		for _, sg := range got {
			if sg.Score < MinOfFirst*got[0].Score || (sg.Entry.Kind != kb.KindMessage && sg.Entry.Kind != kb.KindCode) {
				t.Errorf("%s: %s offered with score %.2f, kind %s", tc.name, sg.Entry.ID, sg.Score, sg.Entry.Kind)
			}
		}
	}
}

func ids(ss []Suggestion) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Entry.ID)
	}
	return out
}

// TestNoSuggestionForUnrelated: a message with no words related to the
// agent, or only words every entry shares, gets nothing; so do the ordinary
// lines of the sample logs.
func TestNoSuggestionForUnrelated(t *testing.T) {
	s := New(builtin(t), Options{})
	for _, text := range []string{
		"frobnicate the widget at 10.0.0.1 before 2031-02-03T04:05:06Z",
		"the quick brown fox jumps over the lazy dog",
		`time="2031-02-03T04:05:06Z" level=error msg="Failed"`,
		"12345 0x1 6b6a1b6e-1c2d-4e5f-8a9b-0c1d2e3f4a5b /var/opt/azcmagent",
		// Unexplained error lines of testdata/logs whose words fit no entry
		// well: a wrapper that says only that something failed.
		"Failed to AzcmagentConnect ARM resource",
		// Not "Network check failed": the sample logs end that line's run in
		// AZCM0026, whose cause names the failed network check, so a guess
		// of AZCM0026 is right, and it scores about MinScore.
		"Failed to update local configuration",
		"Failed to download the extension package: \ufffd\ufffd [system:10060] PID=3816 TID=3834 Component=DOWNLOAD MANAGER GUID=461c1d04-a181-4f62-aea8-fa973771b1c0",
	} {
		if got := s.Suggest(text); len(got) > 0 {
			t.Errorf("Suggest(%q) = %v, want nothing", text, ids(got))
		}
	}
	if s.lookups == 0 || s.ix.ix == nil {
		t.Error("the messages above were not searched: the test checked nothing")
	}
}

// TestBenignEntriesNeverOffered: analyze never asks about a benign or state
// line (it is no finding), and a benign or state entry is never offered as
// the cause of an error, even for its own example text.
func TestBenignEntriesNeverOffered(t *testing.T) {
	k := builtin(t)
	s := New(k, Options{MaxLookups: 1 << 20})
	checked := 0
	for _, e := range k.Entries() {
		if e.Kind != kb.KindBenign && e.Kind != kb.KindState {
			continue
		}
		for _, ex := range e.Examples {
			for _, sg := range s.Suggest(ex) {
				if sg.Entry.Kind == kb.KindBenign || sg.Entry.Kind == kb.KindState {
					t.Errorf("%s's example %q: %s (%s) offered", e.ID, ex, sg.Entry.ID, sg.Entry.Kind)
				}
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no benign or state example checked")
	}
}

// TestLazyAndBounded: no index before a lookup needs one; a message asked
// again is answered from the cache; past MaxLookups distinct messages,
// nothing more is searched.
func TestLazyAndBounded(t *testing.T) {
	k := builtin(t)
	s := New(k, Options{MaxLookups: 2})
	if s.ix != builtinIndex || New(k, Options{}).ix != s.ix {
		t.Error("Suggesters of the built-in entries alone do not share its index")
	}
	s.ix = &lazyIndex{} // one of its own, to see when it is built
	if s.Suggest("12345 2031-02-03T04:05:06Z") != nil || s.ix.ix != nil {
		t.Fatal("a message without words built the index")
	}
	first := s.Suggest("Unable to reach the agent service")
	if len(first) == 0 || s.ix.ix == nil {
		t.Fatalf("first lookup: %v, index built: %v", ids(first), s.ix.ix != nil)
	}
	// The same words, other framing: the same cache entry.
	again := s.Suggest(`time="2031-01-01T00:00:00Z" level=error msg="Unable to reach the agent service"`)
	if diff := cmp.Diff(ids(first), ids(again)); diff != "" {
		t.Errorf("the same message answered differently (-first +again):\n%s", diff)
	}
	s.Suggest("Network check failed") // the second lookup
	if got := s.Suggest("TLS handshake failed; certificate chain presented by the server"); got != nil {
		t.Errorf("a third distinct message was searched: %v", ids(got))
	}
	if s.lookups != 2 {
		t.Errorf("%d lookups, want 2", s.lookups)
	}
}

// dirKB loads the built-in entries with a --kb-dir layer holding yaml.
func dirKB(t *testing.T, yaml string) (*kb.KB, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ours.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	k, err := kb.Load(kb.Builtin(), kb.DirLayer(dir, os.DirFS(dir)))
	if err != nil {
		t.Fatal(err)
	}
	return k, dir
}

// TestIndexBuiltOncePerKB: the Suggesters of one knowledge base with a
// --kb-dir layer (serve makes one per request) share one index, built
// once even when they ask at the same time; another load of the same
// directory gets an index of its own.
func TestIndexBuiltOncePerKB(t *testing.T) {
	k, dir := dirKB(t, frobnicatorYAML)
	before := builds.Load()
	var wg sync.WaitGroup
	got := make([][]Suggestion, 8)
	for i := range got {
		wg.Go(func() {
			// Each Suggester searches: its cache is its own.
			got[i] = New(k, Options{}).Suggest("Unable to reach the frobnicator of the agent service")
		})
	}
	wg.Wait()
	for i, g := range got {
		if len(g) == 0 || g[0].Entry.ID != "AZCM0061" {
			t.Errorf("request %d: got %v, want AZCM0061 first", i, ids(g))
		}
	}
	if n := builds.Load() - before; n != 1 {
		t.Errorf("%d indexes built for one knowledge base, want 1", n)
	}
	if New(k, Options{}).ix != New(k, Options{}).ix {
		t.Error("two Suggesters of one knowledge base do not share its index")
	}
	again, err := kb.Load(kb.Builtin(), kb.DirLayer(dir, os.DirFS(dir)))
	if err != nil {
		t.Fatal(err)
	}
	if New(again, Options{}).ix == New(k, Options{}).ix {
		t.Error("another load shares the first load's index: its entries could differ")
	}
}

// frobnicatorYAML replaces a built-in entry with one whose words no
// built-in entry has.
const frobnicatorYAML = `
- id: AZCM0061
  kind: code
  title: {en: Our agent service frobnicator is unreachable, ja: サービスに接続できません}
  cause: {en: The frobnicator of our agent service cannot be reached., ja: 独自の原因。}
  remediation: {en: Restart the frobnicator service., ja: 再起動します。}
`

// TestKBDirLayerHasItsOwnIndex: an entry of a --kb-dir layer, here one that
// replaces a built-in entry, is searched in an index of that knowledge base,
// never in the built-in one, and is what the suggestion names.
func TestKBDirLayerHasItsOwnIndex(t *testing.T) {
	k, dir := dirKB(t, frobnicatorYAML)
	s := New(k, Options{})
	if s.ix == builtinIndex {
		t.Fatal("a knowledge base with a --kb-dir layer uses the built-in index")
	}
	got := s.Suggest("Unable to reach the frobnicator of the agent service")
	if len(got) == 0 || got[0].Entry.ID != "AZCM0061" || got[0].Entry.Origin.Layer != dir {
		t.Errorf("got %v, want the layer's AZCM0061 first", ids(got))
	}
}

// TestOneAnswer: a cause and the codes it ends in are one answer; two causes
// of one code are rivals.
func TestOneAnswer(t *testing.T) {
	k := builtin(t)
	ranked := func(ids ...string) []candidate {
		var out []candidate
		for i, id := range ids {
			e, ok := k.Get(id)
			if !ok {
				t.Fatalf("no entry %s", id)
			}
			out = append(out, candidate{Suggestion{e, float64(10 - i)}, 2})
		}
		return out
	}
	for _, tt := range []struct {
		ranked []string
		want   []string // the entries of one answer with the first
	}{
		// The causes of a code first, and the other codes of those causes
		// (himds-not-running ends in AZCM0061 and AZCM0070 alike); a
		// code no cause found links stays a rival.
		{[]string{"AZCM0061", "himds-not-running", "AZCM0070", "AZCM0041"}, []string{"AZCM0061", "himds-not-running", "AZCM0070"}},
		// Without the cause among the hits, another code is a rival.
		{[]string{"AZCM0061", "AZCM0070"}, []string{"AZCM0061"}},
		// A cause first: the codes it ends in; another cause of the same
		// code is a rival (a different remediation).
		{[]string{"login-blocked", "AZCM0041", "login-unreachable", "AZCM0026"}, []string{"login-blocked", "AZCM0041", "AZCM0026"}},
	} {
		rs := ranked(tt.ranked...)
		one := oneAnswer(rs)
		var got []string
		for _, c := range rs {
			if one[c.Entry] {
				got = append(got, c.Entry.ID)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("oneAnswer(%v) = %v, want %v", tt.ranked, got, tt.want)
		}
	}
}
