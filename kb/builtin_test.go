package kb

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// loadBuiltinVerified loads the built-in entries with every per-entry check
// on, as `arcdiag kb lint` does.
func loadBuiltinVerified(t *testing.T) *KB {
	t.Helper()
	layer := Builtin()
	layer.Trusted = false
	k, err := Load(layer)
	if err != nil {
		t.Fatalf("built-in knowledge base does not load:\n%v", err)
	}
	return k
}

func TestBuiltinEntriesAreValid(t *testing.T) {
	k := loadBuiltinVerified(t)
	if len(k.Entries()) == 0 {
		t.Fatal("no built-in entries")
	}
	for _, p := range k.Lint() {
		t.Errorf("%s", p)
	}
}

// TestBuiltinMessagesMatchOnlyTheirOwnExamples walks every pattern-bearing
// entry against every example, so that a failure names both entries.
func TestBuiltinMessagesMatchOnlyTheirOwnExamples(t *testing.T) {
	k := loadBuiltinVerified(t)
	var withPatterns int
	for _, e := range k.Entries() {
		if len(e.Patterns) == 0 {
			continue
		}
		withPatterns++
		for i, ex := range e.Examples {
			if !e.Matches(ex) {
				t.Errorf("%s does not match its own example %d: %q", e.ID, i+1, ex)
			}
			for _, m := range k.Match(ex) {
				if m.Entry != e && !m.Entry.IsGeneric() {
					t.Errorf("%s's example %d is also matched by %s: %q", e.ID, i+1, m.Entry.ID, ex)
				}
			}
		}
	}
	if withPatterns < 20 {
		t.Errorf("only %d entries recognise text; the message table alone has 9", withPatterns)
	}
}

// seedRow is one row of the seed page's error-code table.
type seedRow struct{ code, cause, remediation string }

var markdownLink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)

// normalizeSeedText reduces markdown links to their text and folds white
// space, the two ways a faithful YAML copy may differ from the page.
func normalizeSeedText(s string) string {
	s = markdownLink.ReplaceAllString(s, "$1")
	// The seed page sets a space after 。 (its HTML's line breaks); arcdiag's
	// Japanese does not (unfoldJapanese): the words are what must agree.
	return unfoldJapanese(strings.Join(strings.Fields(s), " "))
}

func readSeedCodes(t *testing.T) []seedRow {
	t.Helper()
	f, err := os.Open("../testdata/docs/troubleshoot-agent-onboard.ja-2021-07-16.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []seedRow
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "| AZCM") {
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) < 3 {
			t.Fatalf("seed row with %d cells: %s", len(cells), line)
		}
		// A cell may itself contain "|" only inside code; the seed has none.
		rows = append(rows, seedRow{
			code:        strings.TrimSpace(cells[0]),
			cause:       normalizeSeedText(cells[1]),
			remediation: normalizeSeedText(strings.Join(cells[2:], "|")),
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// seedDate is the date of the seed page: the meaning in force then is the one
// the page describes.
var seedDate = time.Date(2021, 7, 16, 0, 0, 0, 0, time.UTC)

// meaningOn returns the entry's meaning in force on a date: the history item
// whose dates cover it, else the current meaning.
func meaningOn(t *testing.T, e *Entry, day time.Time) Meaning {
	for _, h := range e.History {
		from, err1 := time.Parse(time.DateOnly, h.From)
		to, err2 := time.Parse(time.DateOnly, h.To)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: bad history dates %q..%q", e.ID, h.From, h.To)
		}
		if !day.Before(from) && day.Before(to) {
			return h
		}
	}
	return Meaning{Title: e.Title, Cause: e.Cause, Remediation: e.Remediation}
}

// startsWithSentences reports whether text is the seed's text, or the seed's
// text as its first whole sentences followed by more: where the current
// English says more than the 2021 page did, the Japanese keeps the page's
// words first and adds the rest after a sentence end.
func startsWithSentences(text, seed string) bool {
	rest, ok := strings.CutPrefix(text, seed)
	switch {
	case !ok:
		return false
	case rest == "":
		return true
	case strings.HasSuffix(seed, "。") || strings.HasSuffix(seed, "."):
		return true
	default:
		return strings.HasPrefix(rest, "。")
	}
}

func TestStartsWithSentences(t *testing.T) {
	for _, tc := range []struct {
		text, seed string
		want       bool
	}{
		{"不明なエラーが発生しました", "不明なエラーが発生しました", true},
		{"不明なエラーが発生しました。既定のエラーです。", "不明なエラーが発生しました", true},
		{"再試行してください。 詳細です。", "再試行してください。", true},
		{"不明なエラーが発生しましたが", "不明なエラーが発生しました", false},
		{"既定のエラーです。不明なエラーが発生しました", "不明なエラーが発生しました", false},
	} {
		if got := startsWithSentences(tc.text, tc.seed); got != tc.want {
			t.Errorf("startsWithSentences(%q, %q) = %v, want %v", tc.text, tc.seed, got, tc.want)
		}
	}
}

func TestBuiltinFollowsSeedJapanese(t *testing.T) {
	k := loadBuiltinVerified(t)
	rows := readSeedCodes(t)
	if len(rows) != 27 {
		t.Fatalf("parsed %d code rows from the seed page, want 27", len(rows))
	}
	for _, row := range rows {
		t.Run(row.code, func(t *testing.T) {
			e, ok := k.Get(row.code)
			if !ok {
				t.Fatalf("seed code %s has no entry", row.code)
			}
			m := meaningOn(t, e, seedDate)
			if got := normalizeSeedText(m.Cause.JA); !startsWithSentences(got, row.cause) {
				t.Errorf("cause.ja in force on 2021-07-16 does not start with the seed's text:\n got %q\nwant %q", got, row.cause)
			}
			if got := normalizeSeedText(m.Remediation.JA); !startsWithSentences(got, row.remediation) {
				t.Errorf("remediation.ja in force on 2021-07-16 does not start with the seed's text:\n got %q\nwant %q", got, row.remediation)
			}
		})
	}
}

// readReferenceTable returns the first column of every row of the table that
// follows heading in the reference document.
func readReferenceTable(t *testing.T, heading string) []string {
	t.Helper()
	data, err := os.ReadFile("../testdata/docs/azcm-codes.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), heading)
	if !ok {
		t.Fatalf("reference has no heading %q", heading)
	}
	var firsts []string
	inTable := false
	for _, line := range strings.Split(rest, "\n") {
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		cell := strings.TrimSpace(strings.Split(line, "|")[1])
		if cell == "" || strings.HasPrefix(cell, "---") || cell == "code" || cell == "exit" {
			continue
		}
		firsts = append(firsts, cell)
	}
	return firsts
}

func TestBuiltinHasEveryOfficialCode(t *testing.T) {
	k := loadBuiltinVerified(t)
	codes := readReferenceTable(t, "## Table A: current AZCM error codes")
	if len(codes) != 69 {
		t.Fatalf("parsed %d rows of Table A, want 69", len(codes))
	}
	for _, code := range codes {
		e, ok := k.Get(code)
		if !ok {
			t.Errorf("current code %s has no entry", code)
			continue
		}
		if e.Historic() {
			t.Errorf("%s is in the current table but marked historic", code)
		}
	}
	for _, code := range []string{"AZCM0013", "AZCM0014", "AZCM0015", "AZCM0017", "AZCM0104"} {
		if e, ok := k.Get(code); !ok || !e.Historic() {
			t.Errorf("dropped code %s should stay, marked historic (found: %v)", code, ok)
		}
	}
}

func TestBuiltinHasEveryExitCode(t *testing.T) {
	k := loadBuiltinVerified(t)
	exits := readReferenceTable(t, "## Table B: process exit codes")
	if len(exits) != 47 {
		t.Fatalf("parsed %d rows of Table B, want 47", len(exits))
	}
	for _, s := range exits {
		kind, code := ParseQuery("exit " + s)
		if kind != QueryExit {
			t.Fatalf("exit row %q does not read as an exit status", s)
		}
		e, ok := k.Get(code)
		if !ok {
			t.Errorf("exit %s: no entry %s", s, code)
			continue
		}
		if e.Exit == nil && s != "0" {
			t.Errorf("exit %s: entry %s has no exit: text from the exit-code table", s, code)
		}
	}
}

func TestBuiltinConnectionTableIDs(t *testing.T) {
	k := loadBuiltinVerified(t)
	for _, id := range []string{
		"login-unreachable", "login-blocked", "login-dns-gpo", "spn-token-blocked",
		"spn-invalid-secret", "spn-app-not-found", "arm-authorization-403",
		"arm-provider-not-registered", "arm-blocked",
	} {
		e, ok := k.Get(id)
		if !ok {
			t.Errorf("connection-table entry %s is missing", id)
			continue
		}
		if e.Kind != KindMessage {
			t.Errorf("%s is a %s entry, want message", id, e.Kind)
		}
	}
	gpo, ok := k.Get("login-dns-gpo")
	if !ok || len(gpo.Footnotes) == 0 || gpo.Footnotes[0] != "gpo-profile-deletion" {
		t.Errorf("login-dns-gpo must cite the gpo-profile-deletion note")
	}
	for _, id := range []string{"gpo-profile-deletion", "verbose-log", "next-steps"} {
		if e, ok := k.Get(id); !ok || e.Kind != KindNote {
			t.Errorf("note %s is missing", id)
		}
	}
}

// TestBuiltinJapaneseTerms keeps one Japanese word per concept
// (JapaneseTermProblem): コンピューター for the machine the agent runs on,
// as the seed page says. The catalog's and the web pages' tests apply the
// same rule (internal/report/msg, internal/serve).
// It also keeps each word to its sense (JapaneseSenseProblem): 展開 where
// the English extracts files, デプロイ where it deploys.
func TestBuiltinJapaneseTerms(t *testing.T) {
	k := loadBuiltinVerified(t)
	for _, e := range k.Entries() {
		texts := e.texts() // each English text, then its Japanese
		for i, ft := range texts {
			if !strings.HasSuffix(ft.path, ".ja") {
				continue
			}
			if p := JapaneseTermProblem(ft.text); p != "" {
				t.Errorf("%s (%s) %s: %s: %q", e.ID, e.Origin, ft.path, p, clip(ft.text))
			}
			if p := JapaneseSenseProblem(texts[i-1].text, ft.text); p != "" {
				t.Errorf("%s (%s) %s: %s: %q", e.ID, e.Origin, ft.path, p, clip(ft.text))
			}
		}
	}
}

// TestJapaneseTermProblem: every variant of a word is found, and the word
// arcdiag uses is not.
func TestJapaneseTermProblem(t *testing.T) {
	for _, tt := range []struct {
		ja   string
		want bool
	}{
		{"このコンピューターには", false},
		{"このマシンには", true},
		{"Azure の仮想マシンでは", false},
		{"マシン構成の拡張機能", false},
		{"仮想マシンとマシン", true},
		{"", false},
		// Every variant of japaneseVariants, and its word.
		{"サービスプリンシパルのシークレット", true},
		{"サービス プリンシパルのシークレット", false},
		{"プロキシサーバーを経由", true},
		{"プロキシ サーバーを経由", false},
		{"リソースプロバイダーを登録", true},
		{"リソース プロバイダーを登録", false},
		{"リソースグループに", true},
		{"リソース グループに", false},
		{"ファイヤーウォールで", true},
		{"ファイアウォールで", false},
		{"エラーコードを確認", true},
		{"エラー コードを確認", false},
		{"ユーザのアカウント", true},
		{"ユーザ", true},
		{"ユーザーのアカウント", false},
		{"サーバに接続", true},
		{"サーバーに接続", false},
		{"パラメータを指定", true},
		{"パラメーターを指定", false},
		{"コンピュータで", true},
		{"コンピューターで", false},
		{"VM エクステンション", true},
		{"VM 拡張機能", false},
		{"コマンドラインで", true},
		{"コマンド ラインで", false},
		{"マネージドIDを使用", true},
		{"マネージド ID を使用", false},
		{"プライベートエンドポイント経由", true},
		{"プライベート エンドポイント経由", false},
		{"デバイスコードでサインイン", true},
		{"デバイス コードでサインイン", false},
		{"プロキシーの設定", true},
		{"プロキシの設定", false},
	} {
		if got := JapaneseTermProblem(tt.ja) != ""; got != tt.want {
			t.Errorf("JapaneseTermProblem(%q) = %v, want %v", tt.ja, got, tt.want)
		}
	}
}

func TestJapaneseSenseProblem(t *testing.T) {
	for _, tt := range []struct {
		en, ja string
		want   bool
	}{
		{"Deploy the resource bridge again.", "リソース ブリッジを展開し直してください。", true},
		{"Deploy the resource bridge again.", "リソース ブリッジをデプロイし直してください。", false},
		{"Extensions are unpacked and run from directories under /opt.", "拡張機能は /opt の下のディレクトリに展開され、そこから実行されます。", false},
		{"Agent 1.66 extracts it again when it is missing.", "1.66 ではファイルがない場合に再展開されます。", false},
		{"a placeholder left in a script, an unresolved variable", "スクリプトに残ったプレースホルダー、展開されていない変数", true},
	} {
		if got := JapaneseSenseProblem(tt.en, tt.ja) != ""; got != tt.want {
			t.Errorf("JapaneseSenseProblem(%q, %q) = %v, want %v", tt.en, tt.ja, got, tt.want)
		}
	}
}
