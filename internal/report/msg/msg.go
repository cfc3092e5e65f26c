// Package msg is arcdiag's one catalog of words and sentences, in English
// and Japanese: the labels of every output format and of the web pages
// (serve), and the tool's own errors, hints and notices. Each is an ID,
// never a string key, so that a typo does not compile and TestCatalog can
// check every ID has both languages, takes the same arguments in both, and
// is not empty.
//
// One concept has one ID and so one word: the text that says why a failure
// happens is "Probable cause" wherever it is printed.
package msg

import (
	"fmt"

	"github.com/arcdiag/arcdiag/kb"
)

// ID names one message of the catalog.
type ID int

// In formats the message in lang; a Japanese translation may reorder the
// arguments with %[n]s.
func (id ID) In(lang kb.Lang, args ...any) string {
	if id < 0 || int(id) >= len(catalog) {
		return fmt.Sprintf("msg(%d)", int(id))
	}
	if len(args) == 0 {
		return catalog[id].In(lang)
	}
	return fmt.Sprintf(catalog[id].In(lang), args...)
}

// Text is the message in both languages, unformatted (for tests and for
// a caller that formats it itself).
func (id ID) Text() kb.Text {
	if id < 0 || int(id) >= len(catalog) {
		return kb.Text{}
	}
	return catalog[id]
}

// All lists every ID of the catalog.
func All() []ID {
	ids := make([]ID, len(catalog))
	for i := range ids {
		ids[i] = ID(i)
	}
	return ids
}

// The catalog's IDs. Labels come first, then the tool's own messages.
const (
	// Labels of an entry (explain, kb show) and of a verdict.
	ProbableCause ID = iota
	Remediation
	ExitStatus
	ExitCode
	History
	Variants
	Footnote
	Note
	Links
	KnownCauses
	Historic
	HistoricMark
	Scope
	Origin
	Overrides
	Replaces
	Patterns
	Examples
	Tags
	Codes
	Aliases
	Sources
	Title

	// Labels of analyze and tail.
	Run
	Lines
	OK
	Failed
	Unexplained
	// SuggestedCause labels a verdict that is only the closest entry by
	// full-text search; Suggested a finding's closest entries.
	SuggestedCause
	Suggested
	FindingsHead
	Findings
	More
	UnknownCode
	Summary
	Files
	Records
	Runs
	FailedRuns
	BenignLines
	Top
	Benign
	When
	Line
	Level
	Message
	ExplainedBy
	Sep
	Inputs
	PlainText
	NotAgentLog
	NotRead
	IfScope
	Incident
	Warning
	Failures
	Recovered
	NotRecovered
	Transient
	Incidents
	Warnings
	WorkingNow
	Excerpt
	RunOK
	RunsOK
	WarningOK
	WarningsOK
	OKFindings
	SeeLine
	MoreIn

	// Labels of analyze --by machine.
	ColMachine
	ColOS
	ColAgent
	ColVerdictFrom
	ColVerdict
	ColFailedRuns
	ColIncidents
	ByVerdict
	Machines

	// Labels of the web pages (arcdiag serve). LanguageName is a language's
	// own name for itself: the page in one language links to the other by
	// that language's name.
	LanguageName
	WebTagline
	WebSearch
	WebKB
	WebNavAnalyze
	WebSearchLabel
	WebSearchHint
	WebSearchTotal
	WebSearchNone
	WebDidYouMean
	WebExplainLabel
	WebExplain
	WebExplainHint
	WebExplainNone
	WebExplainUnknown
	WebNearest
	WebTrySearch
	WebAnalyzeLabel
	WebPaste
	WebChooseFiles
	WebAnalyze
	WebMaxUpload
	WebNothing
	WebTooLarge
	WebNoTextField
	WebUnsupported
	WebRelang
	WebFootnotes
	WebEntries
	WebAllTags
	WebRuns
	WebFile
	WebCommand
	WebAgent
	WebVerdict
	WebTime
	WebLines
	WebFailed
	WebOK
	WebIncident
	WebWarning
	WebNoFailure
	WebProblems
	WebByVerdict
	WebMachine
	WebCurrentState
	WebContext
	WebMoreFindings
	WebOKRuns
	WebMoreRuns
	WebSummary

	// The tool's own messages, on standard error.
	UsageCommand
	UsageRoot
	KBNotLoaded
	KBProblem
	ExplainEmpty
	ExplainStdinLarge
	ExplainUnknown
	ExplainNearest
	ExplainNoMatch
	ExplainSuggested
	SearchEmpty
	SearchLimit
	SearchShown
	SearchNone
	SearchDidYou
	SearchNothing
	SearchTooLong
	SearchTooManyWords
	SearchBadKind
	SearchBadStatus
	SearchBadCode
	SearchFailed
	KBListNone
	KBShowNone
	KBLintFailed
	KBLintOK
	AnalyzeNoLogs
	AnalyzeNotLog
	AnalyzeNotLogsFound
	AnalyzePartly
	AnalyzeLongLine
	AnalyzeMoreLong
	TimeOrder
	TimeForm
	TimeNegative
	TailFollowing
	TailWaiting
	TailTruncated
	TailDenied
	TailAsRoot
	TailAsAdmin
	TailCannot
	TailResumeLost
	TailLocked
	TailLockedNoPID
	TailResuming
	TailResumeRotated
	ServeListening
	ServeMaxUpload
	TailKeep
	OutputDirUnusable
	StateFileUnusable
	OutputDirPrune
	OutputWriteFailed
	ServiceNotWindows
	ServiceInstalled
	ServiceRemoved
	ServiceRunTail

	// What analyze could not read (logsource's problems) and what to do.
	ProblemNotFound
	ProblemDenied
	ProblemNoLogFiles
	ProblemNotRegular
	ProblemNestedZip
	ProblemEncrypted
	ProblemStdinTwice
	ProblemStdinZip
	ProblemMethod
	ProblemDamagedZip
	ProblemNotZip
	ProblemTooManyEntries
	ProblemGzipBound
	ProblemDamagedStop
	ProblemUnsafe
	UnsafeControlChar
	UnsafeDriveLetter
	UnsafeUNC
	UnsafeAbsolute
	UnsafeDotDot
	HintNotInstalled
	HintAsRoot
	HintExpectedLogs
	HintDamagedZip
	HintUnsafeName
	HintExtractNested
	HintExtractEncrypted
	HintExtractMethod
	HintTooManyEntries

	count // not an ID: the size of the catalog
)

var catalog = [count]kb.Text{
	ProbableCause: {EN: "Probable cause", JA: "考えられる原因"},
	Remediation:   {EN: "Remediation", JA: "対処方法"},
	ExitStatus:    {EN: "Exit status %d", JA: "終了コード %d"},
	ExitCode:      {EN: "Exit code", JA: "終了コード"},
	History:       {EN: "Earlier meanings", JA: "以前の意味"},
	Variants:      {EN: "Depends on", JA: "条件による違い"},
	Footnote:      {EN: "Footnote", JA: "脚注"},
	Note:          {EN: "Note", JA: "注記"},
	Links:         {EN: "Links", JA: "リンク"},
	KnownCauses:   {EN: "Known causes of this code, most common first", JA: "このコードの既知の原因 (多い順)"},
	Historic:      {EN: "historic: no longer in the current documentation", JA: "過去の情報: 現在のドキュメントには記載されていません"},
	HistoricMark:  {EN: "historic", JA: "過去の情報"},
	Scope:         {EN: "Applies to", JA: "対象"},
	Origin:        {EN: "Defined in", JA: "定義場所"},
	Overrides:     {EN: "overrides", JA: "上書き対象"},
	Replaces:      {EN: "(from %s, which replaces the entry at %s)", JA: "(%s の項目。%s の項目を置き換えています)"},
	Patterns:      {EN: "Patterns", JA: "パターン"},
	Examples:      {EN: "Examples", JA: "例"},
	Tags:          {EN: "Tags", JA: "タグ"},
	Codes:         {EN: "Codes", JA: "コード"},
	Aliases:       {EN: "Also printed as", JA: "別名"},
	Sources:       {EN: "Sources", JA: "出典"},
	Title:         {EN: "Title", JA: "タイトル"},

	Run:            {EN: "run", JA: "実行"},
	Lines:          {EN: "lines", JA: "行"},
	OK:             {EN: "ok", JA: "正常"},
	Failed:         {EN: "FAILED", JA: "失敗"},
	Unexplained:    {EN: "no knowledge-base entry explains this failure", JA: "この失敗を説明する項目はナレッジ ベースにありません"},
	SuggestedCause: {EN: "Suggested cause (no entry matches exactly; the closest by full-text search)", JA: "推定される原因の候補 (完全に一致する項目はなく、全文検索で最も近い項目)"},
	Suggested:      {EN: "suggestion", JA: "候補"},
	FindingsHead:   {EN: "Findings", JA: "検出結果"},
	Findings:       {EN: "findings", JA: "件の検出"},
	More:           {EN: "more findings not shown", JA: "件の検出結果は省略"},
	UnknownCode:    {EN: "(not in the knowledge base)", JA: "(ナレッジ ベースにありません)"},
	Summary:        {EN: "Summary", JA: "概要"},
	Files:          {EN: "file(s)", JA: "ファイル"},
	Records:        {EN: "records", JA: "レコード"},
	Runs:           {EN: "run(s)", JA: "回の実行"},
	FailedRuns:     {EN: "failed", JA: "件失敗"},
	BenignLines:    {EN: "benign lines", JA: "件の無害な行"},
	Top:            {EN: "Most frequent", JA: "多い項目"},
	Benign:         {EN: "benign", JA: "無害"},
	When:           {EN: "When", JA: "日時"},
	Line:           {EN: "Line", JA: "行"},
	Level:          {EN: "Level", JA: "レベル"},
	Message:        {EN: "Message", JA: "メッセージ"},
	ExplainedBy:    {EN: "Explained by", JA: "説明"},
	Sep:            {EN: ", ", JA: "、"},
	Inputs:         {EN: "Read as", JA: "読み取った形式"},
	PlainText:      {EN: "plain text", JA: "プレーン テキスト"},
	NotAgentLog:    {EN: "not an agent log", JA: "エージェントのログではありません"},
	NotRead:        {EN: "not read", JA: "読み取れませんでした"},
	IfScope:        {EN: "If %s", JA: "%s の場合"},
	Incident:       {EN: "incident", JA: "インシデント"},
	Warning:        {EN: "warning", JA: "警告"},
	Failures:       {EN: "failure(s)", JA: "件の失敗"},
	Recovered:      {EN: "recovered at", JA: "回復"},
	NotRecovered:   {EN: "no line shows it recovered", JA: "回復を示す行なし"},
	Transient:      {EN: "recovered by itself", JA: "自動的に回復"},
	Incidents:      {EN: "incident(s)", JA: "件のインシデント"},
	Warnings:       {EN: "warning(s)", JA: "件の警告"},
	WorkingNow:     {EN: "Working now", JA: "現在正常"},
	Excerpt:        {EN: "(a line of %d bytes, shown in part)", JA: "(%d バイトの行の一部)"},
	RunOK:          {EN: "run %d ok", JA: "実行 %d は正常"},
	RunsOK:         {EN: "%d runs ok (%d–%d)", JA: "%d 回の実行は正常 (%d–%d)"},
	WarningOK:      {EN: "warning %d, recovered by itself", JA: "警告 %d、自動的に回復"},
	WarningsOK:     {EN: "%d warnings (%d–%d), each recovered by itself", JA: "%d 件の警告 (%d–%d)、いずれも自動的に回復"},
	OKFindings:     {EN: "%d findings in them; --all shows them", JA: "うち %d 件の検出。--all で表示されます"},
	SeeLine:        {EN: "explained at line %d", JA: "%d 行目で説明済み"},
	MoreIn:         {EN: "(all of it: arcdiag explain %s)", JA: "(全文: arcdiag explain %s)"},

	ColMachine:     {EN: "MACHINE", JA: "コンピューター"},
	ColOS:          {EN: "OS", JA: "OS 種別"},
	ColAgent:       {EN: "AGENT", JA: "エージェント"},
	ColVerdictFrom: {EN: "VERDICT FROM", JA: "判定の根拠"},
	ColVerdict:     {EN: "VERDICT", JA: "判定"},
	ColFailedRuns:  {EN: "FAILED RUNS", JA: "失敗した実行"},
	ColIncidents:   {EN: "INCIDENTS", JA: "インシデント"},
	ByVerdict:      {EN: "Machines by verdict", JA: "判定ごとのコンピューター数"},
	Machines:       {EN: "%d machine(s)", JA: "%d 台"},

	LanguageName:      {EN: "English", JA: "日本語"},
	WebTagline:        {EN: "Azure Arc Connected Machine agent failures, explained", JA: "Azure Arc Connected Machine エージェントの失敗の説明"},
	WebSearch:         {EN: "Search", JA: "検索"},
	WebKB:             {EN: "Knowledge base", JA: "ナレッジ ベース"},
	WebNavAnalyze:     {EN: "Analyze logs", JA: "ログの分析"},
	WebSearchLabel:    {EN: "Search the knowledge base", JA: "ナレッジ ベースを検索"},
	WebSearchHint:     {EN: "Words in English or Japanese, \"phrases\", AZCM004*, and filters kind:, tag:, code:", JA: "英語または日本語の語句、\"フレーズ\"、AZCM004*、フィルター kind:、tag:、code:"},
	WebSearchTotal:    {EN: "%d entries match", JA: "%d 件が一致しました"},
	WebSearchNone:     {EN: "No entry matches %q.", JA: "「%s」に一致する項目はありません。"},
	WebDidYouMean:     {EN: "Did you mean:", JA: "もしかして:"},
	WebExplainLabel:   {EN: "Explain an error message or code", JA: "エラー メッセージまたはコードの説明"},
	WebExplain:        {EN: "Explain", JA: "説明"},
	WebExplainHint:    {EN: "Paste an error line, or give a code: AZCM0041, 41, exit 42", JA: "エラー行を貼り付けるか、コードを指定します: AZCM0041、41、exit 42"},
	WebExplainNone:    {EN: "Nothing in the knowledge base matches this text.", JA: "このテキストに一致する項目はナレッジ ベースにありません。"},
	WebExplainUnknown: {EN: "%s is not a known code.", JA: "%s はナレッジ ベースにありません。"},
	WebNearest:        {EN: "Nearest known codes:", JA: "近いコード:"},
	WebTrySearch:      {EN: "Try a keyword search:", JA: "キーワードで検索:"},
	WebAnalyzeLabel:   {EN: "Analyze agent logs", JA: "エージェントのログを分析"},
	WebPaste:          {EN: "Paste log lines", JA: "ログの行を貼り付け"},
	WebChooseFiles:    {EN: "Or choose files: logs, .gz copies, azcmagent logs zips (several at once)", JA: "またはファイルを選択: ログ、.gz、azcmagent logs の zip (複数可)"},
	WebAnalyze:        {EN: "Analyze", JA: "分析"},
	WebMaxUpload:      {EN: "Up to %s in all. Nothing is stored: the files are read in memory and dropped with the answer.", JA: "合計 %s まで。何も保存されません: ファイルはメモリ上で読み取られ、応答とともに破棄されます。"},
	WebNothing:        {EN: "Nothing to analyze: paste log lines or choose files.", JA: "分析する対象がありません: ログの行を貼り付けるか、ファイルを選択してください。"},
	WebTooLarge:       {EN: "Upload over %s (--max-upload).", JA: "アップロードが %s (--max-upload) を超えています。"},
	WebNoTextField:    {EN: "A form-encoded body needs the field text (the log lines); send a raw log as text/plain, or files as multipart/form-data.", JA: "フォーム エンコードの本文にはフィールド text (ログの行) が必要です。生のログは text/plain で、ファイルは multipart/form-data で送信してください。"},
	WebUnsupported:    {EN: "Unsupported Content-Type: send multipart/form-data (fields text and files), application/x-www-form-urlencoded (field text) or a raw log as text/plain.", JA: "サポートされていない Content-Type です: multipart/form-data (フィールド text と files)、application/x-www-form-urlencoded (フィールド text)、または text/plain の生のログを送信してください。"},
	WebRelang:         {EN: "The analysis is not kept: to see it in the other language, submit the files again.", JA: "分析結果は保存されません。別の言語で表示するには、ファイルをもう一度送信してください。"},
	WebFootnotes:      {EN: "Footnotes", JA: "脚注"},
	WebEntries:        {EN: "%d entries", JA: "%d 件"},
	WebAllTags:        {EN: "All tags", JA: "すべてのタグ"},
	WebRuns:           {EN: "Runs", JA: "実行"},
	WebFile:           {EN: "File", JA: "ファイル"},
	WebCommand:        {EN: "Command", JA: "コマンド"},
	WebAgent:          {EN: "Agent", JA: "エージェント"},
	WebVerdict:        {EN: "Verdict", JA: "判定"},
	WebTime:           {EN: "Time", JA: "日時"},
	WebLines:          {EN: "Lines", JA: "行"},
	WebFailed:         {EN: "Failed", JA: "失敗"},
	WebOK:             {EN: "OK", JA: "正常"},
	WebIncident:       {EN: "Incident", JA: "インシデント"},
	WebWarning:        {EN: "Warning (recovered)", JA: "警告 (自動的に回復)"},
	WebNoFailure:      {EN: "No failure", JA: "失敗なし"},
	WebProblems:       {EN: "Not read, or read in part", JA: "読み取れなかったもの、一部のみ読み取ったもの"},
	WebByVerdict:      {EN: "Machines by verdict", JA: "判定ごとのコンピューター"},
	WebMachine:        {EN: "Machine", JA: "コンピューター"},
	WebCurrentState:   {EN: "Each machine's current state, by the rule of analyze --by machine: its last run's verdict, unless an incident that did not recover (himds, extensions, guest configuration) started after that run.", JA: "各コンピューターの現在の状態です（analyze --by machine と同じ規則）。最後の実行の判定です。ただし、その実行より後に始まり回復していないインシデント（himds、拡張機能、ゲスト構成）があれば、その判定です。"},
	WebContext:        {EN: "Lines around it", JA: "前後の行"},
	WebMoreFindings:   {EN: "%d more findings not shown", JA: "ほかに %d 件の検出結果 (省略)"},
	WebOKRuns:         {EN: "%d run(s) ok", JA: "%d 回の実行が正常"},
	WebMoreRuns:       {EN: "%d more runs not shown (the JSON API gives them all)", JA: "ほかに %d 回の実行 (省略。JSON API ではすべて取得できます)"},
	WebSummary:        {EN: "%d file(s), %d records, %d run(s) (%d failed), %d incident(s), %d finding(s)", JA: "%d ファイル、%d レコード、%d 回の実行 (%d 件失敗)、%d 件のインシデント、%d 件の検出"},

	UsageCommand:       {EN: "Run 'arcdiag %s --help' for usage.", JA: "使い方は 'arcdiag %s --help' で表示されます。"},
	UsageRoot:          {EN: "Run 'arcdiag --help' for usage.", JA: "使い方は 'arcdiag --help' で表示されます。"},
	KBNotLoaded:        {EN: "knowledge base not loaded: %d problem(s)", JA: "ナレッジ ベースを読み込めませんでした: 問題 %d 件"},
	KBProblem:          {EN: "%s: %s", JA: "%s: ナレッジ ベースの問題: %s"},
	ExplainEmpty:       {EN: "explain: nothing to explain; give a code such as AZCM0041 or a message", JA: "explain: 説明する対象がありません。AZCM0041 のようなコードかメッセージを指定してください"},
	ExplainStdinLarge:  {EN: "explain: standard input is over %d KiB; for a whole log use arcdiag analyze", JA: "explain: 標準入力が %d KiB を超えています。ログ全体には arcdiag analyze を使用してください"},
	ExplainUnknown:     {EN: "%s is not a known code", JA: "%s はナレッジ ベースにありません"},
	ExplainNearest:     {EN: "; nearest known codes: %s", JA: "。近いコード: %s"},
	ExplainSuggested:   {EN: "No entry matches this text exactly. Closest entries (suggestions from a full-text search of its words):", JA: "このテキストに完全に一致する項目はありません。最も近い項目 (語句の全文検索による候補):"},
	ExplainNoMatch:     {EN: "nothing in the knowledge base matches this text; try a keyword search: arcdiag search <words>", JA: "このテキストに一致する項目はありません。キーワードで探すには: arcdiag search <語句>"},
	SearchEmpty:        {EN: "search: nothing to search for; give a word, a code or a filter such as tag:proxy", JA: "search: 検索する語句がありません。語句、コード、または tag:proxy のようなフィルターを指定してください"},
	SearchLimit:        {EN: "search: --limit %d: give 0 (all) or more", JA: "search: --limit %d: 0 (すべて) 以上を指定してください"},
	SearchShown:        {EN: "showing %d of %d entries; --limit 0 shows all", JA: "%[2]d 件中 %[1]d 件を表示しました。すべて表示するには --limit 0"},
	SearchNone:         {EN: "no entry matches %q", JA: "「%s」に一致する項目はありません"},
	SearchDidYou:       {EN: "; did you mean %s?", JA: "。もしかして: %s"},
	SearchNothing:      {EN: "nothing to search for", JA: "検索する語句がありません"},
	SearchTooLong:      {EN: "the query is %d bytes long, more than %d: search for a few words (for a whole error message, use arcdiag explain)", JA: "検索語句が %d バイトあり、上限の %d バイトを超えています。いくつかの語句で検索してください (エラー メッセージ全体には arcdiag explain を使用してください)"},
	SearchTooManyWords: {EN: "the query has %d words, more than %d: search for the few that matter (for a whole error message, use arcdiag explain)", JA: "検索語句が %d 語あり、上限の %d 語を超えています。重要な語句に絞って検索してください (エラー メッセージ全体には arcdiag explain を使用してください)"},
	SearchBadKind:      {EN: "%s: the kinds are code, message, note and benign", JA: "%s: 種類は code、message、note、benign のいずれかです"},
	SearchBadStatus:    {EN: "%s: the statuses are current and historic", JA: "%s: 状態は current または historic です"},
	SearchBadCode:      {EN: "%s is not an AZCM code (AZCM0041, 41, AZCM004*)", JA: "%s は AZCM コードではありません (AZCM0041、41、AZCM004*)"},
	SearchFailed:       {EN: "%v", JA: "検索できませんでした: %v"},
	KBListNone:         {EN: "no entry matches these filters", JA: "これらの条件に一致する項目はありません"},
	KBShowNone:         {EN: "no entry %q", JA: "項目 %q はありません"},
	KBLintFailed:       {EN: "%d problem(s)", JA: "問題 %d 件"},
	KBLintOK:           {EN: "ok: %d entries (%s)", JA: "問題なし: %d 件の項目 (%s)"},
	AnalyzeNoLogs:      {EN: "no agent logs found in the given paths", JA: "指定されたパスにエージェントのログが見つかりません"},
	AnalyzeNotLog: {EN: "not an agent log: no line in a log format arcdiag reads, and nothing the knowledge base recognises",
		JA: "エージェントのログではありません: arcdiag が読めるログ形式の行も、ナレッジ ベースが認識する内容もありません"},
	AnalyzeNotLogsFound: {EN: "%d file(s) found held no log records (%s)",
		JA: "見つかったファイルのうち %d 個にはログのレコードがありません (%s)"},
	AnalyzePartly: {EN: "%s (the records before it were analyzed)", JA: "%s (それより前のレコードは分析済みです)"},
	AnalyzeLongLine: {EN: "%s: line longer than %d MiB: its start was analyzed, the rest skipped",
		JA: "%s: 行が %d MiB を超えています。先頭を分析し、残りは読み飛ばしました"},
	AnalyzeMoreLong: {EN: "%d more line(s) longer than %d MiB were truncated", JA: "ほかに %d 行が %d MiB を超えていたため切り詰めました"},
	TimeOrder:       {EN: "--since %s is not before --until %s", JA: "--since %s が --until %s より前ではありません"},
	TimeForm: {EN: "%s %q: want RFC 3339 (2031-02-03T04:05:06Z), a date (2031-02-03) or a duration (90m, 2h, 3d)",
		JA: "%s %q: RFC 3339 (2031-02-03T04:05:06Z)、日付 (2031-02-03)、または期間 (90m、2h、3d) を指定してください"},
	TimeNegative:      {EN: "%s %q: a duration counts back from now and must be positive", JA: "%s %q: 期間は現在からさかのぼる長さで、正の値が必要です"},
	TailFollowing:     {EN: "following %s; Ctrl-C stops", JA: "%s を監視しています。Ctrl-C で終了します"},
	TailWaiting:       {EN: "%s does not exist yet; waiting for it", JA: "%s はまだ存在しません。作成されるのを待っています"},
	TailTruncated:     {EN: "%s was truncated (copytruncate rotation); lines written just before the truncation may be missing", JA: "%s が切り詰められました (copytruncate によるローテーション)。切り詰めの直前に書き込まれた行が欠けている可能性があります"},
	TailDenied:        {EN: "%s: permission denied (%s)", JA: "%s: アクセスが拒否されました (%s)"},
	TailAsRoot:        {EN: "run as root (sudo arcdiag tail)", JA: "root として実行してください (sudo arcdiag tail)"},
	TailAsAdmin:       {EN: "run from an elevated prompt (Run as administrator)", JA: "管理者として実行したプロンプトから実行してください"},
	TailCannot:        {EN: "cannot follow %s", JA: "%s を監視できません"},
	ServeListening:    {EN: "serving on %s (Ctrl-C stops)", JA: "%s で待ち受けています (Ctrl-C で終了します)"},
	ServeMaxUpload:    {EN: "serve: --max-upload %q: give a positive size such as 512MiB, 2GiB or 1048576", JA: "serve: --max-upload %q: 512MiB、2GiB、1048576 のような正のサイズを指定してください"},
	TailResumeLost:    {EN: "the file tail stopped in at offset %d is gone (rotated and deleted or compressed); reading the current file from its start", JA: "前回オフセット %d で停止したファイルが見つかりません (ローテーション後に削除または圧縮されました)。現在のファイルを先頭から読み込みます"},
	TailLocked:        {EN: "another arcdiag tail (process %[2]d) already writes here: %[1]s is locked; stop it first (a service and a manual run must not share --output-dir or --state-file)", JA: "別の arcdiag tail (プロセス %[2]d) がすでにここへ書き込んでいます: %[1]s はロックされています。先にそれを停止してください (サービスと手動実行で --output-dir や --state-file を共有することはできません)"},
	TailLockedNoPID:   {EN: "another arcdiag tail already writes here: %s is locked; stop it first (a service and a manual run must not share --output-dir or --state-file)", JA: "別の arcdiag tail がすでにここへ書き込んでいます: %s はロックされています。先にそれを停止してください (サービスと手動実行で --output-dir や --state-file を共有することはできません)"},
	TailResuming:      {EN: "resuming %s at byte %d (line %d)", JA: "%s をバイト %d (%d 行目) から再開します"},
	TailResumeRotated: {EN: "%s was rotated while tail was stopped: reading the rotated copy %s first, from byte %d, then the current file from its start", JA: "%s は停止中にローテーションされました。ローテーション後のファイル %s をバイト %d から先に読み込み、その後現在のファイルを先頭から読み込みます"},
	TailKeep:          {EN: "%s %q: give a positive number of days (3d) or a duration (36h)", JA: "%s %q: 正の日数 (3d) または期間 (36h) を指定してください"},
	OutputDirUnusable: {EN: "--output-dir: %v", JA: "--output-dir: 出力先のディレクトリを使用できません: %v"},
	StateFileUnusable: {EN: "--state-file: %v", JA: "--state-file: 再開状態のファイルを使用できません: %v"},
	OutputDirPrune:    {EN: "%v", JA: "--output-dir の保持期間 (--keep) を過ぎたファイルを削除できませんでした: %v"},
	OutputWriteFailed: {EN: "%v", JA: "出力 (--output-dir、--state-file) を書き込めませんでした: %v"},
	ServiceNotWindows: {EN: "service install, uninstall and run manage a Windows service; on Linux, install deploy/systemd/arcdiag.service (the deb and rpm packages carry it)", JA: "service install、uninstall、run は Windows サービスを管理します。Linux では deploy/systemd/arcdiag.service をインストールしてください (deb と rpm パッケージに含まれています)"},
	ServiceInstalled:  {EN: "service %s installed and started: %s", JA: "サービス %s をインストールして開始しました: %s"},
	ServiceRemoved:    {EN: "service %s removed", JA: "サービス %s を削除しました"},
	ServiceRunTail:    {EN: "service run: give the tail command and its flags, not %q", JA: "service run: tail コマンドとそのフラグを指定してください (%q ではなく)"},

	ProblemNotFound:       {EN: "no such file or directory", JA: "ファイルまたはディレクトリが存在しません"},
	ProblemDenied:         {EN: "permission denied", JA: "アクセスが拒否されました"},
	ProblemNoLogFiles:     {EN: "no agent log files found", JA: "エージェントのログ ファイルが見つかりません"},
	ProblemNotRegular:     {EN: "not a regular file", JA: "通常のファイルではありません"},
	ProblemNestedZip:      {EN: "zip inside a zip: not read", JA: "zip の中の zip は読み込みません"},
	ProblemEncrypted:      {EN: "entry is encrypted", JA: "エントリが暗号化されています"},
	ProblemStdinTwice:     {EN: "standard input given more than once", JA: "標準入力が 2 回以上指定されています"},
	ProblemStdinZip:       {EN: "standard input is a zip archive: pass its path instead", JA: "標準入力が zip アーカイブです。zip はパスで指定してください"},
	ProblemMethod:         {EN: "unsupported compression method %d", JA: "対応していない圧縮方式 %d です"},
	ProblemDamagedZip:     {EN: "damaged zip (%v): %d entries found by their local headers", JA: "破損した zip です (%v)。ローカル ヘッダーから %d 個のエントリが見つかりました"},
	ProblemNotZip:         {EN: "not a zip archive: %v", JA: "zip アーカイブではありません: %v"},
	ProblemTooManyEntries: {EN: "too many zip entries: the zip has %d entries, more than the %d arcdiag reads", JA: "zip のエントリが多すぎます: %d 個あり、arcdiag が読み込む上限の %d 個を超えています"},
	ProblemGzipBound:      {EN: "not read: the gzip files before it decompressed to %d GiB, the bound for one analysis", JA: "読み込みませんでした: それより前の gzip ファイルの展開後のサイズが、1 回の分析の上限である %d GiB に達しました"},
	ProblemDamagedStop:    {EN: "; %v", JA: "。%v"},
	ProblemUnsafe:         {EN: "unsafe entry path: %s", JA: "安全でないエントリ パスです: %s"},
	UnsafeControlChar:     {EN: "control character in the name", JA: "名前に制御文字があります"},
	UnsafeDriveLetter:     {EN: "absolute path with a drive letter", JA: "ドライブ文字付きの絶対パスです"},
	UnsafeUNC:             {EN: "absolute network (UNC) path", JA: "ネットワーク (UNC) の絶対パスです"},
	UnsafeAbsolute:        {EN: "absolute path outside the agent's folders", JA: "エージェントのフォルダー外の絶対パスです"},
	UnsafeDotDot:          {EN: "\"..\" element in the path", JA: "パスに \"..\" 要素があります"},
	HintNotInstalled:      {EN: "the Azure Connected Machine agent does not seem to be installed on this machine", JA: "このコンピューターには Azure Connected Machine エージェントがインストールされていないようです"},
	HintAsRoot:            {EN: "run as root", JA: "root として実行してください"},
	HintExpectedLogs:      {EN: "expected azcmagent.log, himds.log, arcproxy.log, gc_agent.log, gc_ext.log, rotated copies of them, or an `azcmagent logs` zip", JA: "azcmagent.log、himds.log、arcproxy.log、gc_agent.log、gc_ext.log、それらのローテーション済みのコピー、または `azcmagent logs` の zip を指定してください"},
	HintDamagedZip:        {EN: "it was probably cut short in transfer: the entries before the damage are read; ask for the zip again for the rest", JA: "転送中に途切れた可能性があります。破損箇所より前のエントリは読み込みました。残りについては zip をもう一度送ってもらってください"},
	HintUnsafeName:        {EN: "skipped: `azcmagent logs` does not write such names", JA: "読み飛ばしました: `azcmagent logs` はこのような名前を書き込みません"},
	HintExtractNested:     {EN: "extract it and pass it to arcdiag", JA: "展開してから arcdiag に渡してください"},
	HintExtractEncrypted:  {EN: "extract it with its password and pass the file to arcdiag", JA: "パスワードを使って展開し、そのファイルを arcdiag に渡してください"},
	HintExtractMethod:     {EN: "extract it with the tool that made the zip and pass the file to arcdiag", JA: "zip を作成したツールで展開し、そのファイルを arcdiag に渡してください"},
	HintTooManyEntries:    {EN: "an `azcmagent logs` zip has a few dozen; extract the logs you need and pass them to arcdiag", JA: "`azcmagent logs` の zip のエントリは数十個です。必要なログを展開して arcdiag に渡してください"},
}
