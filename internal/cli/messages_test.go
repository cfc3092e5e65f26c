package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMessagesUsed: every ID of the catalog (internal/report/msg) is used
// by the CLI, the report package or the web pages (serve, whose templates
// name their words in serve's words map); an unused one is a word nobody
// prints.
func TestMessagesUsed(t *testing.T) {
	catalog, err := os.ReadFile(filepath.Join("..", "report", "msg", "msg.go"))
	if err != nil {
		t.Fatal(err)
	}
	block := catalog[bytes.Index(catalog, []byte("const (")):]
	block = block[:bytes.Index(block, []byte("\n)"))]
	ids := regexp.MustCompile(`(?m)^\t([A-Z]\w*)`).FindAllSubmatch(block, -1)
	if len(ids) < 50 {
		t.Fatalf("found %d IDs in the catalog", len(ids))
	}
	var code []byte
	for _, glob := range []string{"*.go", filepath.Join("..", "report", "*.go"), filepath.Join("..", "serve", "*.go")} {
		files, err := filepath.Glob(glob)
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", glob, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			code = append(code, data...)
		}
	}
	for _, m := range ids {
		if !regexp.MustCompile(`\bmsg\.` + string(m[1]) + `\b`).Match(code) {
			t.Errorf("message %s is never used", m[1])
		}
	}
}

// TestMessagesInJapanese: under --lang ja the tool's own errors and hints
// are in Japanese, usage errors included.
func TestMessagesInJapanese(t *testing.T) {
	brokenKB := t.TempDir()
	if err := os.WriteFile(filepath.Join(brokenKB, "a.yaml"), []byte("- id: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--lang", "ja", "frobnicate"}, "使い方は 'arcdiag --help' で表示されます。"},
		{[]string{"--lang=ja", "search"}, "使い方は 'arcdiag search --help'"},
		{[]string{"--lang", "ja", "search", "--limit=-1", "proxy"}, "0 (すべて) 以上を指定してください"},
		{[]string{"--lang", "ja", "search", " "}, "検索する語句がありません"},
		{[]string{"--lang", "ja", "search", "kind:poem", "proxy"}, "search: kind:poem: 種類は code、message、note、benign のいずれかです"},
		{[]string{"--lang", "ja", "search", "code:hello"}, "search: code:hello は AZCM コードではありません"},
		{[]string{"--lang", "ja", "explain", "AZCM0047"}, "AZCM0047 はナレッジ ベースにありません。近いコード: "},
		{[]string{"--lang", "ja", "kb", "list", "--tag", "none"}, "これらの条件に一致する項目はありません"},
		{[]string{"--lang", "ja", "kb", "show", "login-blockd"}, "項目 \"login-blockd\" はありません。もしかして: "},
		{[]string{"--lang", "ja", "analyze", "--since", "yesterday", "x.log"}, "--since \"yesterday\": RFC 3339"},
		{[]string{"--lang", "ja", "tail", filepath.Join(t.TempDir(), "nodir", "x.log")}, "を監視できません"},
		{[]string{"--lang", "ja", "--kb-dir", brokenKB, "explain", "41"}, filepath.Join(brokenKB, "a.yaml") + ":1: ナレッジ ベースの問題: invalid YAML: "},
	} {
		var stdout, stderr bytes.Buffer
		Main(t.Context(), tt.args, strings.NewReader(""), &stdout, &stderr)
		if !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: stderr %q does not contain %q", tt.args, stderr.String(), tt.want)
		}
	}
}
