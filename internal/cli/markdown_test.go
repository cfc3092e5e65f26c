package cli

import (
	"bytes"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/kb"
)

// TestMarkdownRenders renders every markdown golden output with a CommonMark
// renderer (goldmark, with GitHub's tables, as a ticket system would) and
// checks what a ticket must keep of the knowledge-base text it shows (the
// verdict's probable cause and remediation, notes and footnotes): nothing
// is taken as HTML, every placeholder such as <region> survives as text,
// every line reads as written, and every command (an indented line) is code.
func TestMarkdownRenders(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.md.golden"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no markdown golden files: %v", err)
	}
	k, err := kb.Load(kb.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	md := goldmark.New(goldmark.WithExtensions(extension.Table))
	// The entries whose text is shown: the verdict's, and the notes' and
	// footnotes' (their labels in either language).
	var labels []string
	for _, lang := range []kb.Lang{kb.EN, kb.JA} {
		labels = append(labels, regexp.QuoteMeta(msg.ProbableCause.In(lang))+`:\*\* `,
			regexp.QuoteMeta(msg.Note.In(lang))+` \(`, regexp.QuoteMeta(msg.Footnote.In(lang))+` \(`)
	}
	shown := regexp.MustCompile(`\*\*(?:` + strings.Join(labels, "|") + ")`([^`]+)`")
	placeholder := regexp.MustCompile(`<[^<>\s][^<>]*>`)
	step := regexp.MustCompile(`^\d+[.)] +`)
	codeRe := regexp.MustCompile(`(?s)<code[^>]*>(.*?)</code>`)
	tag := regexp.MustCompile(`<[^>]*>`)
	placeholders, commands, lines := 0, 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src, _, _ := bytes.Cut(data, []byte("\n--- exit"))
		var out bytes.Buffer
		if err := md.Convert(src, &out); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		page := out.String()
		if strings.Contains(page, "raw HTML omitted") {
			t.Errorf("%s: text was read as HTML:\n%s", f, page)
		}
		var code []string
		for _, m := range codeRe.FindAllStringSubmatch(page, -1) {
			code = append(code, html.UnescapeString(m[1]))
		}
		allCode := strings.Join(code, "\n")
		// What a reader sees (goldmark ends each block with a line break, so
		// blocks stay apart), backticks of code shown as code left out.
		visible := strings.Join(strings.Fields(strings.ReplaceAll(html.UnescapeString(tag.ReplaceAllString(page, "")), "`", "")), " ")
		ids := shown.FindAllSubmatch(src, -1)
		if len(ids) == 0 {
			t.Errorf("%s: shows no knowledge-base text", f)
		}
		for _, m := range ids {
			e, ok := k.Get(string(m[1]))
			if !ok {
				t.Errorf("%s: no entry %s", f, m[1])
				continue
			}
			lang := kb.EN
			if strings.Contains(f, "-ja.") {
				lang = kb.JA
			}
			item := -1 // content column of the step being read, as the renderer tracks it
			for _, line := range strings.Split(e.Cause.In(lang)+"\n"+e.Remediation.In(lang), "\n") {
				body := strings.TrimSpace(line)
				if body == "" {
					continue
				}
				indent := len(line) - len(strings.TrimLeft(line, " "))
				if m := step.FindString(body); m != "" && indent < 4 {
					item = indent + len(m)
				} else if indent == 0 {
					item = -1
				}
				for _, p := range placeholder.FindAllString(body, -1) {
					placeholders++
					if !strings.Contains(visible, p) {
						t.Errorf("%s: %s: placeholder %s is not in the rendered text", f, e.ID, p)
					}
				}
				// A line indented exactly as far as its step's text goes on
				// continues that text; further indented, it is a command.
				indented := strings.HasPrefix(line, "  ") && !step.MatchString(body) && !strings.HasPrefix(body, "(") && indent != item
				if indented {
					commands++
					if !strings.Contains(allCode, body) {
						t.Errorf("%s: %s: command %q is not code in:\n%s", f, e.ID, body, page)
					}
				}
				lines++
				words := strings.Join(strings.Fields(strings.ReplaceAll(step.ReplaceAllString(body, ""), "`", "")), " ")
				if !strings.Contains(visible, words) {
					t.Errorf("%s: %s: line %q does not read as written in:\n%s", f, e.ID, words, visible)
				}
			}
		}
	}
	if placeholders == 0 || commands == 0 {
		t.Errorf("the markdown goldens hold %d placeholders and %d commands: nothing was checked", placeholders, commands)
	}
	t.Logf("%d files: %d lines, %d placeholders, %d commands checked", len(files), lines, placeholders, commands)
}
