package serve

import (
	"fmt"

	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/kb"
)

// words are the catalog's IDs the templates name, each by its Go name
// ({{.T "WebSearch"}}): every word a page shows comes from msg, where
// TestCatalog checks both languages. A template cannot name a Go constant;
// TestWordsAreTheCatalogs checks each key is its ID's name and every name
// the templates use is here.
var words = map[string]msg.ID{
	"Aliases":           msg.Aliases,
	"Codes":             msg.Codes,
	"ExitCode":          msg.ExitCode,
	"ExitStatus":        msg.ExitStatus,
	"ExplainSuggested":  msg.ExplainSuggested,
	"FindingsHead":      msg.FindingsHead,
	"Historic":          msg.Historic,
	"History":           msg.History,
	"Inputs":            msg.Inputs,
	"KnownCauses":       msg.KnownCauses,
	"Links":             msg.Links,
	"NotAgentLog":       msg.NotAgentLog,
	"Note":              msg.Note,
	"ProbableCause":     msg.ProbableCause,
	"Remediation":       msg.Remediation,
	"Scope":             msg.Scope,
	"Sources":           msg.Sources,
	"Suggested":         msg.Suggested,
	"SuggestedCause":    msg.SuggestedCause,
	"Tags":              msg.Tags,
	"Unexplained":       msg.Unexplained,
	"Variants":          msg.Variants,
	"WebAgent":          msg.WebAgent,
	"WebAllTags":        msg.WebAllTags,
	"WebAnalyze":        msg.WebAnalyze,
	"WebAnalyzeLabel":   msg.WebAnalyzeLabel,
	"WebByVerdict":      msg.WebByVerdict,
	"WebChooseFiles":    msg.WebChooseFiles,
	"WebCommand":        msg.WebCommand,
	"WebContext":        msg.WebContext,
	"WebCurrentState":   msg.WebCurrentState,
	"WebDidYouMean":     msg.WebDidYouMean,
	"WebEntries":        msg.WebEntries,
	"WebExplain":        msg.WebExplain,
	"WebExplainHint":    msg.WebExplainHint,
	"WebExplainLabel":   msg.WebExplainLabel,
	"WebExplainNone":    msg.WebExplainNone,
	"WebExplainUnknown": msg.WebExplainUnknown,
	"WebFile":           msg.WebFile,
	"WebFootnotes":      msg.WebFootnotes,
	"WebKB":             msg.WebKB,
	"WebLines":          msg.WebLines,
	"WebMachine":        msg.WebMachine,
	"WebMaxUpload":      msg.WebMaxUpload,
	"WebMoreFindings":   msg.WebMoreFindings,
	"WebMoreRuns":       msg.WebMoreRuns,
	"WebNavAnalyze":     msg.WebNavAnalyze,
	"WebNearest":        msg.WebNearest,
	"WebOK":             msg.WebOK,
	"WebOKRuns":         msg.WebOKRuns,
	"WebPaste":          msg.WebPaste,
	"WebProblems":       msg.WebProblems,
	"WebRelang":         msg.WebRelang,
	"WebRuns":           msg.WebRuns,
	"WebSearch":         msg.WebSearch,
	"WebSearchHint":     msg.WebSearchHint,
	"WebSearchLabel":    msg.WebSearchLabel,
	"WebSearchNone":     msg.WebSearchNone,
	"WebSearchTotal":    msg.WebSearchTotal,
	"WebSummary":        msg.WebSummary,
	"WebTagline":        msg.WebTagline,
	"WebTime":           msg.WebTime,
	"WebTrySearch":      msg.WebTrySearch,
	"WebVerdict":        msg.WebVerdict,
}

// word formats the catalog message a template names; an unknown name is
// an error, which fails the page (a 500, found by every page test).
func word(lang kb.Lang, name string, args ...any) (string, error) {
	id, ok := words[name]
	if !ok {
		return "", fmt.Errorf("no catalog message %s in serve's words", name)
	}
	return id.In(lang, args...), nil
}
