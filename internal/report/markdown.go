package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/arcdiag/arcdiag/internal/diagnose"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/internal/safetext"
	"github.com/arcdiag/arcdiag/kb"
	"github.com/arcdiag/arcdiag/parser"
)

// Markdown writes the failures for a support ticket: one section a failed
// run, its verdict and a table of its findings. Runs that went well are
// left out.
type Markdown struct{ base }

// NewMarkdown returns a markdown report writing to w.
func NewMarkdown(w io.Writer, k *kb.KB, opts Options) *Markdown {
	return &Markdown{base: newBase(w, k, opts)}
}

// Finding implements diagnose.Sink: findings are written in their run's
// table.
func (m *Markdown) Finding(*diagnose.Finding) { m.event() }

// Record implements diagnose.Sink: a ticket has no room for every line.
func (m *Markdown) Record(*parser.Record, *kb.Entry) { m.event() }

// RunEnd implements diagnose.Sink.
func (m *Markdown) RunEnd(run *diagnose.Run) {
	if m.hide(run) {
		return
	}
	if !run.Failed && run.FindingCount == 0 {
		m.event()
		return // a ticket wants the failures
	}
	if run.Timeline {
		fmt.Fprintf(m.w, "## %s\n\n", safetext.Markdown(m.incidentHead(run)))
	} else {
		m.runHead(run)
	}
	m.verdict(run)
	m.event()
}

func (m *Markdown) runHead(run *diagnose.Run) {
	fmt.Fprintf(m.w, "## %s — %s %d", safetext.Markdown(run.File), m.label(msg.Run), run.Index)
	if run.Command != "" {
		fmt.Fprintf(m.w, ": %s", mdCode(m.clean(run.Command)))
	}
	if run.AgentVersion != "" {
		fmt.Fprintf(m.w, " (agent %s)", safetext.Markdown(run.AgentVersion))
	}
	fmt.Fprintln(m.w)
	fmt.Fprintln(m.w)
	if span := timeSpan(run.Start, run.End); span != "" {
		fmt.Fprintf(m.w, "- **%s:** %s (%s)\n", m.label(msg.When), span, m.runLines(run))
	}
}

// verdict writes a run's or an incident's exit code, verdict, known
// causes, alternatives, notes and findings table.
func (m *Markdown) verdict(run *diagnose.Run) {
	lang := m.opts.Lang
	if run.ExitCode != "" {
		fmt.Fprintf(m.w, "- **%s:** `%s`\n", m.label(msg.ExitCode), run.ExitCode)
	}
	if run.Verdict != nil {
		label := msg.ProbableCause
		if run.VerdictSuggested {
			label = msg.SuggestedCause
		}
		m.probableCause(label, run.Verdict, run.Context)
	} else if run.Failed {
		fmt.Fprintf(m.w, "- **%s:** %s\n", m.label(msg.ProbableCause), m.label(msg.Unexplained))
	}
	if len(run.KnownCauses) > 0 {
		fmt.Fprintf(m.w, "\n**%s:**\n\n", m.label(msg.KnownCauses))
		for _, e := range run.KnownCauses {
			fmt.Fprintf(m.w, "- `%s` — %s\n", e.ID, mdInline(e.MeaningFor(run.Context).Title.In(lang)))
		}
	}
	for _, e := range run.Alternatives {
		fmt.Fprintf(m.w, "\n**%s:** `%s` — %s\n", m.label(msg.IfScope, mdInline(scope(e.Scope))), e.ID, mdInline(e.Title.In(lang)))
	}
	for _, n := range run.Notes {
		m.note(msg.Note, n)
	}
	fmt.Fprintf(m.w, "\n| %s | %s | %s | %s |\n|---|---|---|---|\n", m.label(msg.Line), m.label(msg.Level), m.label(msg.Message), m.label(msg.ExplainedBy))
	for _, f := range run.Findings {
		if !m.shown(f) {
			continue
		}
		var ids []string
		for _, e := range f.Entries {
			ids = append(ids, "`"+e.ID+"`")
		}
		for _, e := range f.Suggested {
			ids = append(ids, "≈ `"+e.ID+"` ("+m.label(msg.Suggested)+")")
		}
		fmt.Fprintf(m.w, "| %d | %s | %s | %s |\n", f.Line, f.Level, safetext.Markdown(m.findingText(f, 200)), strings.Join(ids, ", "))
	}
	fmt.Fprintln(m.w)
}

// probableCause writes a verdict: its entry's title, probable cause,
// remediation and footnotes, for the meaning that holds in ctx.
func (m *Markdown) probableCause(label msg.ID, e *kb.Entry, ctx kb.Context) {
	lang := m.opts.Lang
	mean := e.MeaningFor(ctx)
	fmt.Fprintf(m.w, "- **%s:** `%s` — %s\n", m.label(label), e.ID, mdInline(mean.Title.In(lang)))
	fmt.Fprintf(m.w, "\n%s\n\n**%s:**\n\n%s\n", mdQuote(mdBlocks(mean.Cause.In(lang))), m.label(msg.Remediation), mdBlocks(mean.Remediation.In(lang)))
	for _, n := range m.k.Footnotes(e) {
		m.note(msg.Footnote, n)
	}
}

// Summary implements Report.
func (m *Markdown) Summary(sum diagnose.Summary, inputs []Input, _ []Problem) {
	sum.Runs -= m.hidden
	fmt.Fprintf(m.w, "**%s:** %s\n\n", m.label(msg.Summary), m.counts(sum))
	if w := m.workingNow(sum); w != "" {
		fmt.Fprintf(m.w, "%s\n\n", safetext.Markdown(w))
	}
	fmt.Fprintf(m.w, "**%s:**\n\n", m.label(msg.Inputs))
	for _, in := range inputs {
		fmt.Fprintf(m.w, "- %s: %s\n", mdCode(in.Name), m.formatsRead(in))
	}
	m.event()
}

// note writes a footnote or a note: its title, then what it explains and
// what to do, as Markdown blocks.
func (m *Markdown) note(label msg.ID, n *kb.Entry) {
	lang := m.opts.Lang
	fmt.Fprintf(m.w, "\n**%s (`%s`): %s**\n\n%s\n\n%s\n", m.label(label), n.ID, mdInline(n.Title.In(lang)),
		mdBlocks(n.Cause.In(lang)), mdBlocks(n.Remediation.In(lang)))
}

// mdCode is log text shown as Markdown inline code.
func mdCode(s string) string {
	return "`" + strings.ReplaceAll(safetext.Controls(s), "`", "'") + "`"
}

// mdQuote quotes Markdown blocks, a blank line as a bare ">".
func mdQuote(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight("> "+l, " ")
	}
	return strings.Join(lines, "\n")
}
