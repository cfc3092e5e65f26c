package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// anyArg formats as "X" whatever the verb, so that a format's arguments
// can be counted without knowing their types.
type anyArg struct{}

func (anyArg) Format(f fmt.State, verb rune) { f.Write([]byte("X")) }

// argCount returns how many arguments format takes, or -1.
func argCount(format string) int {
	for n := 0; n < 6; n++ {
		args := make([]any, n)
		for i := range args {
			args[i] = anyArg{}
		}
		if out := fmt.Sprintf(format, args...); !strings.Contains(out, "%!") {
			return n
		}
	}
	return -1
}

// TestMessages: every message of the CLI's own is in English and Japanese,
// the Japanese one takes the same arguments, and it is Japanese.
func TestMessages(t *testing.T) {
	for id, text := range messages {
		if text.EN == "" || text.JA == "" {
			t.Errorf("%s: a language is missing: %+v", id, text)
			continue
		}
		en, ja := argCount(text.EN), argCount(text.JA)
		if en < 0 || en != ja {
			t.Errorf("%s: English takes %d arguments, Japanese %d", id, en, ja)
		}
		if !strings.ContainsFunc(text.JA, func(r rune) bool { return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) }) {
			t.Errorf("%s: the Japanese text has no Japanese in it: %q", id, text.JA)
		}
	}
}

// TestMessagesUsed: every message the code asks for is in the catalog (a
// missing one would panic), and every message in the catalog is used.
func TestMessagesUsed(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files: %v", err)
	}
	call := regexp.MustCompile(`\b(?:msg|say|usagef)\("([^"]+)"`)
	used := map[msgID]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllSubmatch(data, -1) {
			id := msgID(m[1])
			used[id] = true
			if _, ok := messages[id]; !ok {
				t.Errorf("%s: message %q is not in the catalog", f, id)
			}
		}
	}
	for id := range messages {
		if !used[id] {
			t.Errorf("message %q is never used", id)
		}
	}
}

// TestMessagesInJapanese: under --lang ja the tool's own errors and hints
// are in Japanese, usage errors included.
func TestMessagesInJapanese(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--lang", "ja", "frobnicate"}, "使い方は 'arcdiag --help' で表示されます。"},
		{[]string{"--lang=ja", "search"}, "使い方は 'arcdiag search --help'"},
		{[]string{"--lang", "ja", "search", "--limit=-1", "proxy"}, "0 (すべて) 以上を指定してください"},
		{[]string{"--lang", "ja", "search", " "}, "検索する語句がありません"},
		{[]string{"--lang", "ja", "explain", "AZCM0047"}, "AZCM0047 はナレッジ ベースにありません。近いコード: "},
		{[]string{"--lang", "ja", "kb", "list", "--tag", "none"}, "これらの条件に一致する項目はありません"},
		{[]string{"--lang", "ja", "kb", "show", "login-blockd"}, "項目 \"login-blockd\" はありません。もしかして: "},
		{[]string{"--lang", "ja", "analyze", "--since", "yesterday", "x.log"}, "--since \"yesterday\": RFC 3339"},
		{[]string{"--lang", "ja", "tail", filepath.Join(t.TempDir(), "nodir", "x.log")}, "を監視できません"},
	} {
		var stdout, stderr bytes.Buffer
		Main(t.Context(), tt.args, strings.NewReader(""), &stdout, &stderr)
		if !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: stderr %q does not contain %q", tt.args, stderr.String(), tt.want)
		}
	}
}
