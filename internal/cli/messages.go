package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/arcdiag/arcdiag/kb"
)

// msgID names one of the CLI's own messages: an error, a hint or a notice
// on standard error (the output's own words are the report's).
type msgID string

// messages holds the CLI's own messages in every language, as fmt formats
// that take the same arguments (a translation reorders them with %[n]s).
// The output's catalog will take the same shape, so the two can merge.
// TestMessages checks that every message has both languages and that they
// take the same arguments.
var messages = map[msgID]kb.Text{
	"usage.command": {EN: "Run 'arcdiag %s --help' for usage.", JA: "使い方は 'arcdiag %s --help' で表示されます。"},
	"usage.root":    {EN: "Run 'arcdiag --help' for usage.", JA: "使い方は 'arcdiag --help' で表示されます。"},
	"kb.notLoaded":  {EN: "knowledge base not loaded: %d problem(s)", JA: "ナレッジ ベースを読み込めませんでした: 問題 %d 件"},

	"explain.empty":      {EN: "explain: nothing to explain; give a code such as AZCM0041 or a message", JA: "explain: 説明する対象がありません。AZCM0041 のようなコードかメッセージを指定してください"},
	"explain.stdinLarge": {EN: "explain: standard input is over %d KiB; for a whole log use arcdiag analyze", JA: "explain: 標準入力が %d KiB を超えています。ログ全体には arcdiag analyze を使用してください"},
	"explain.unknown":    {EN: "%s is not a known code", JA: "%s はナレッジ ベースにありません"},
	"explain.nearest":    {EN: "; nearest known codes: %s", JA: "。近いコード: %s"},
	"explain.noMatch":    {EN: "nothing in the knowledge base matches this text; try a keyword search: arcdiag search <words>", JA: "このテキストに一致する項目はありません。キーワードで探すには: arcdiag search <語句>"},

	"search.empty":   {EN: "search: nothing to search for; give a word, a code or a filter such as tag:proxy", JA: "search: 検索する語句がありません。語句、コード、または tag:proxy のようなフィルターを指定してください"},
	"search.limit":   {EN: "search: --limit %d: give 0 (all) or more", JA: "search: --limit %d: 0 (すべて) 以上を指定してください"},
	"search.shown":   {EN: "showing %d of %d entries; --limit 0 shows all", JA: "%[2]d 件中 %[1]d 件を表示しました。すべて表示するには --limit 0"},
	"search.none":    {EN: "no entry matches %q", JA: "「%s」に一致する項目はありません"},
	"search.didYou":  {EN: "; did you mean %s?", JA: "。もしかして: %s"},
	"kb.listNone":    {EN: "no entry matches these filters", JA: "これらの条件に一致する項目はありません"},
	"kb.showNone":    {EN: "no entry %q", JA: "項目 %q はありません"},
	"kb.lintFailed":  {EN: "%d problem(s)", JA: "問題 %d 件"},
	"analyze.noLogs": {EN: "no agent logs found in the given paths", JA: "指定されたパスにエージェントのログが見つかりません"},
	"analyze.notLog": {EN: "not an agent log: no line in a log format arcdiag reads, and nothing the knowledge base recognises",
		JA: "エージェントのログではありません: arcdiag が読めるログ形式の行も、ナレッジ ベースが認識する内容もありません"},
	"analyze.partly": {EN: "%s (the records before it were analyzed)", JA: "%s (それより前のレコードは分析済みです)"},
	"analyze.longLine": {EN: "%s: line longer than %d MiB: its start was analyzed, the rest skipped",
		JA: "%s: 行が %d MiB を超えています。先頭を分析し、残りは読み飛ばしました"},
	"analyze.moreLong": {EN: "%d more line(s) longer than %d MiB were truncated", JA: "ほかに %d 行が %d MiB を超えていたため切り詰めました"},
	"time.order":       {EN: "--since %s is not before --until %s", JA: "--since %s が --until %s より前ではありません"},
	"time.form": {EN: "%s %q: want RFC 3339 (2031-02-03T04:05:06Z), a date (2031-02-03) or a duration (90m, 2h, 3d)",
		JA: "%s %q: RFC 3339 (2031-02-03T04:05:06Z)、日付 (2031-02-03)、または期間 (90m、2h、3d) を指定してください"},
	"time.negative": {EN: "%s %q: a duration counts back from now and must be positive", JA: "%s %q: 期間は現在からさかのぼる長さで、正の値が必要です"},

	"tail.following": {EN: "following %s; Ctrl-C stops", JA: "%s を監視しています。Ctrl-C で終了します"},
	"tail.waiting":   {EN: "%s does not exist yet; waiting for it", JA: "%s はまだ存在しません。作成されるのを待っています"},
	"tail.truncated": {EN: "%s was truncated (copytruncate rotation); lines written just before the truncation may be missing", JA: "%s が切り詰められました (copytruncate によるローテーション)。切り詰めの直前に書き込まれた行が欠けている可能性があります"},
	"tail.denied":    {EN: "%s: permission denied (%s)", JA: "%s: アクセスが拒否されました (%s)"},
	"tail.asRoot":    {EN: "run as root (sudo arcdiag tail)", JA: "root として実行してください (sudo arcdiag tail)"},
	"tail.asAdmin":   {EN: "run from an elevated prompt (Run as administrator)", JA: "管理者として実行したプロンプトから実行してください"},
	"tail.cannot":    {EN: "cannot follow %s", JA: "%s を監視できません"},
}

// msg formats a message in the user's language.
func (g Globals) msg(id msgID, args ...any) string {
	t, ok := messages[id]
	if !ok {
		panic("cli: no message " + string(id)) // a typo in the code: TestMessagesUsed finds it
	}
	return fmt.Sprintf(t.In(g.language()), args...)
}

// say writes a message on standard error, after the program's name.
func (e *env) say(id msgID, args ...any) {
	fmt.Fprintln(e.stderr, "arcdiag: "+e.msg(id, args...))
}

// usagef is a usage error with a message in the user's language.
func (g Globals) usagef(id msgID, args ...any) error {
	return usageError{errors.New(g.msg(id, args...))}
}

// langFromArgs finds --lang in arguments kong could not parse, so that even
// a usage error is explained in the user's language.
func langFromArgs(args []string) Globals {
	var g Globals
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			g.Lang = v
		} else if a == "--lang" && i+1 < len(args) {
			g.Lang = args[i+1]
		}
	}
	if g.Lang != "en" && g.Lang != "ja" {
		g.Lang = ""
	}
	return g
}
