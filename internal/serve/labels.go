package serve

import (
	"fmt"

	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/kb"
)

// labels are the pages' own words (the words they share with the CLI's
// output are in shared). TestLabels checks that both languages have every
// key.
var labels = map[kb.Lang]map[string]string{
	kb.EN: {
		"title": "arcdiag", "tagline": "Azure Arc Connected Machine agent failures, explained",
		"nav.search": "Search", "nav.kb": "Knowledge base", "nav.analyze": "Analyze logs",
		"switch": "日本語", "switch.lang": "ja",
		"search.label": "Search the knowledge base", "search.button": "Search",
		"search.hint":  "Words in English or Japanese, \"phrases\", AZCM004*, and filters kind:, tag:, code:",
		"search.total": "%d entries match", "search.none": "No entry matches %q.", "search.didYou": "Did you mean:",
		"explain.label": "Explain an error message or code", "explain.button": "Explain",
		"explain.hint": "Paste an error line, or give a code: AZCM0041, 41, exit 42",
		"explain.none": "Nothing in the knowledge base matches this text.", "explain.unknown": "%s is not a known code.",
		"explain.nearest": "Nearest known codes:", "explain.try": "Try a keyword search:",
		"analyze.label": "Analyze agent logs", "analyze.paste": "Paste log lines",
		"analyze.files":  "Or choose files: logs, .gz copies, azcmagent logs zips (several at once)",
		"analyze.button": "Analyze", "analyze.max": "Up to %s in all. Nothing is stored: the files are read in memory and dropped with the answer.",
		"analyze.nothing":     "Nothing to analyze: paste log lines or choose files.",
		"analyze.tooLarge":    "Upload over %s (--max-upload).",
		"analyze.noText":      "A form-encoded body needs the field text (the log lines); send a raw log as text/plain, or files as multipart/form-data.",
		"analyze.unsupported": "Unsupported Content-Type: send multipart/form-data (fields text and files), application/x-www-form-urlencoded (field text) or a raw log as text/plain.",
		"analyze.relang":      "The analysis is not kept: to see it in the other language, submit the files again.", "footnotes": "Footnotes", "kind": "Kind", "permalink": "Permanent link",
		"kb.count": "%d entries", "kb.all": "All tags",
		"runs": "Runs", "file": "File", "command": "Command", "agent": "Agent",
		"verdict": "Verdict", "time": "Time", "lines": "Lines",
		"failed": "Failed", "ok": "OK", "incident": "Incident", "warning": "Warning (recovered)",
		"noFailure": "No failure", "problems": "Not read, or read in part",
		"byVerdict": "Machines by verdict", "machine": "Machine", "latestVerdict": "Each machine's current state, by the rule of analyze --by machine: its last run's verdict, unless an incident that did not recover (himds, extensions, guest configuration) started after that run.",
		"context": "Lines around it", "moreFindings": "%d more findings not shown", "pasted": "pasted text",
		"okRuns": "%d run(s) ok", "moreRuns": "%d more runs not shown (the JSON API gives them all)",
		"summary.counts": "%d file(s), %d records, %d run(s) (%d failed), %d incident(s), %d finding(s)",
		"error":          "Error",
	},
	kb.JA: {
		"title": "arcdiag", "tagline": "Azure Arc Connected Machine エージェントの失敗の説明",
		"nav.search": "検索", "nav.kb": "ナレッジ ベース", "nav.analyze": "ログの分析",
		"switch": "English", "switch.lang": "en",
		"search.label": "ナレッジ ベースを検索", "search.button": "検索",
		"search.hint":  "英語または日本語の語句、\"フレーズ\"、AZCM004*、フィルター kind:、tag:、code:",
		"search.total": "%d 件が一致しました", "search.none": "「%s」に一致する項目はありません。", "search.didYou": "もしかして:",
		"explain.label": "エラー メッセージまたはコードの説明", "explain.button": "説明",
		"explain.hint": "エラー行を貼り付けるか、コードを指定します: AZCM0041、41、exit 42",
		"explain.none": "このテキストに一致する項目はナレッジ ベースにありません。", "explain.unknown": "%s はナレッジ ベースにありません。",
		"explain.nearest": "近いコード:", "explain.try": "キーワードで検索:",
		"analyze.label": "エージェントのログを分析", "analyze.paste": "ログの行を貼り付け",
		"analyze.files":  "またはファイルを選択: ログ、.gz、azcmagent logs の zip (複数可)",
		"analyze.button": "分析", "analyze.max": "合計 %s まで。何も保存されません: ファイルはメモリ上で読み取られ、応答とともに破棄されます。",
		"analyze.nothing":     "分析する対象がありません: ログの行を貼り付けるか、ファイルを選択してください。",
		"analyze.tooLarge":    "アップロードが %s (--max-upload) を超えています。",
		"analyze.noText":      "フォーム エンコードの本文にはフィールド text (ログの行) が必要です。生のログは text/plain で、ファイルは multipart/form-data で送信してください。",
		"analyze.unsupported": "サポートされていない Content-Type です: multipart/form-data (フィールド text と files)、application/x-www-form-urlencoded (フィールド text)、または text/plain の生のログを送信してください。",
		"analyze.relang":      "分析結果は保存されません。別の言語で表示するには、ファイルをもう一度送信してください。", "footnotes": "脚注", "kind": "種類", "permalink": "固定リンク",
		"kb.count": "%d 件", "kb.all": "すべてのタグ",
		"runs": "実行", "file": "ファイル", "command": "コマンド", "agent": "エージェント",
		"verdict": "判定", "time": "日時", "lines": "行",
		"failed": "失敗", "ok": "正常", "incident": "インシデント", "warning": "警告 (自動的に回復)",
		"noFailure": "失敗なし", "problems": "読み取れなかったもの、一部のみ読み取ったもの",
		"byVerdict": "判定ごとのマシン", "machine": "マシン", "latestVerdict": "各マシンの現在の状態です（analyze --by machine と同じ規則）。最後の実行の判定です。ただし、その実行より後に始まり回復していないインシデント（himds、拡張機能、ゲスト構成）があれば、その判定です。",
		"context": "前後の行", "moreFindings": "ほかに %d 件の検出結果 (省略)", "pasted": "貼り付けたテキスト",
		"okRuns": "%d 回の実行が正常", "moreRuns": "ほかに %d 回の実行 (省略。JSON API ではすべて取得できます)",
		"summary.counts": "%d ファイル、%d レコード、%d 回の実行 (%d 件失敗)、%d 件のインシデント、%d 件の検出",
		"error":          "エラー",
	},
}

// shared are the words the pages say as the CLI's output says them: one
// concept, one word, from the one catalog (msg).
var shared = map[string]msg.ID{
	"cause":       msg.ProbableCause,
	"remediation": msg.Remediation,
	"exit":        msg.ExitStatus,
	"history":     msg.History,
	"variants":    msg.Variants,
	"links":       msg.Links,
	"knownCauses": msg.KnownCauses,
	"historic":    msg.Historic,
	"scope":       msg.Scope,
	"aliases":     msg.Aliases,
	"codes":       msg.Codes,
	"tags":        msg.Tags,
	"sources":     msg.Sources,
	"exitcode":    msg.ExitCode,
	"findings":    msg.FindingsHead,
	"unexplained": msg.Unexplained,
	"summary":     msg.Summary,
	"workingNow":  msg.WorkingNow,
	"readAs":      msg.Inputs,
	"notAgentLog": msg.NotAgentLog,
	"level":       msg.Level,
	"line":        msg.Line,
	"notes":       msg.Note,
}

// label returns a page word, formatted with args when it takes any.
func label(lang kb.Lang, key string, args ...any) string {
	if id, ok := shared[key]; ok {
		return id.In(lang, args...)
	}
	s, ok := labels[lang][key]
	if !ok {
		panic("serve: no label " + key) // a typo in a template: every page test finds it
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}
