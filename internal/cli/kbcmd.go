package cli

import (
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/arcdiag/arcdiag/kb"
)

// KBCmd groups the knowledge-base maintenance commands.
type KBCmd struct {
	List KBListCmd `cmd:"" help:"List entries, with the file each came from."`
	Show KBShowCmd `cmd:"" help:"Show one entry in full, with its patterns and examples."`
	Lint KBLintCmd `cmd:"" help:"Check the built-in entries and the given directories."`
}

// KBListCmd lists entries.
type KBListCmd struct {
	Kind   []string `help:"Only entries of these kinds (code, message, note, benign)." enum:"code,message,note,benign" placeholder:"KIND" sep:","`
	Tag    []string `help:"Only entries with one of these tags." placeholder:"TAG" sep:","`
	Status string   `help:"Only current or historic entries." enum:"current,historic," default:""`
	JSON   bool     `name:"json" help:"Print a JSON array."`
}

// Help shows examples.
func (c *KBListCmd) Help() string {
	return `Examples:
  arcdiag kb list --kind message
  arcdiag kb list --tag proxy --json
  arcdiag --kb-dir ./our-kb kb list

Exit status: 0 listed, 1 no entry matched the filters, 2 usage or KB error.`
}

type listJSON struct {
	ID        string    `json:"id"`
	Kind      kb.Kind   `json:"kind"`
	Status    kb.Status `json:"status"`
	Title     string    `json:"title"`
	Codes     []string  `json:"codes"`
	Tags      []string  `json:"tags"`
	Layer     string    `json:"layer"`
	Origin    string    `json:"origin"`
	Overrides string    `json:"overrides,omitempty"`
}

// Run lists the entries that pass the filters.
func (c *KBListCmd) Run(e *env) error {
	k, err := e.loadKB()
	if err != nil {
		return e.reportLoadError(err)
	}
	lang := e.language()
	var rows []listJSON
	for _, en := range k.Entries() {
		if len(c.Kind) > 0 && !slices.Contains(c.Kind, string(en.Kind)) {
			continue
		}
		if len(c.Tag) > 0 && !slices.ContainsFunc(c.Tag, en.HasTag) {
			continue
		}
		if c.Status != "" && string(en.Status) != c.Status {
			continue
		}
		row := listJSON{ID: en.ID, Kind: en.Kind, Status: en.Status, Title: en.Title.In(lang),
			Codes: nonNil(en.Codes), Tags: nonNil(en.Tags), Layer: en.Origin.Layer, Origin: en.Origin.String()}
		if prev, ok := k.Overridden(en.ID); ok {
			row.Overrides = prev.String()
		}
		rows = append(rows, row)
	}
	if c.JSON {
		if err := writeJSON(e.stdout, nonNil(rows)); err != nil {
			return err
		}
	} else {
		writeList(e.stdout, e.style(), rows, lang)
	}
	if len(rows) == 0 {
		e.say("kb.listNone")
		return exitCode(ExitNotFound)
	}
	return nil
}

// listWidth is the width kb list fits in, a terminal's or a pipe's.
const listWidth = 100

// writeList writes one line per entry, in columns and at most listWidth
// display columns wide: the id (never cut), the kind, the title (cut with
// "…" to what is left) and where the entry is defined (its file without
// the directory and ".yaml", and line, and the one it overrides, if any).
// kb show and --json give the whole of each.
func writeList(w io.Writer, st style, rows []listJSON, lang kb.Lang) {
	short := func(origin string) string {
		file, line, _ := strings.Cut(origin, ":")
		return strings.TrimSuffix(path.Base(filepath.ToSlash(file)), ".yaml") + ":" + line
	}
	origin := func(r listJSON) string { return short(r.Origin) }
	historic := map[kb.Lang]string{kb.EN: " (historic)", kb.JA: " (過去の情報)"}[lang]
	idW, kindW, originW := 0, 0, 0
	for _, r := range rows {
		idW = max(idW, min(displayWidth(r.ID), 26))
		kindW = max(kindW, displayWidth(string(r.Kind)))
		originW = max(originW, min(displayWidth(origin(r)), 24))
	}
	for _, r := range rows {
		id, o := r.ID, clipLeft(origin(r), originW)
		if r.Overrides != "" {
			o = pad(o, originW) + " (overrides " + short(r.Overrides) + ")"
		}
		// A long id or an override takes its room from the title of its own
		// line; the historic mark is never cut.
		titleW := listWidth - max(idW, displayWidth(id)) - kindW - max(originW, displayWidth(o)) - 6
		title := ""
		if r.Status == kb.StatusHistoric {
			title = historic
		}
		title = clipRight(r.Title, titleW-displayWidth(title)) + title
		fmt.Fprintf(w, "%s  %s  %s  %s\n", st.paint(cyan, pad(id, idW)), pad(string(r.Kind), kindW), pad(title, titleW), st.paint(dim, o))
	}
}

// pad fills s with spaces to width display columns.
func pad(s string, width int) string {
	return s + strings.Repeat(" ", max(0, width-displayWidth(s)))
}

// clipRight cuts s to at most width display columns, ending it with "…".
func clipRight(s string, width int) string {
	if displayWidth(s) <= width {
		return s
	}
	w := 0
	for i, r := range s {
		if w+runeWidth(r) > width-1 {
			return s[:i] + "…"
		}
		w += runeWidth(r)
	}
	return s
}

// clipLeft cuts s to at most width display columns from the left,
// starting it with "…", so that the end of a path stays.
func clipLeft(s string, width int) string {
	for displayWidth(s) > width && s != "" {
		_, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if displayWidth(s) <= width-1 {
			return "…" + s
		}
	}
	return s
}

// KBShowCmd shows one entry.
type KBShowCmd struct {
	ID   string `arg:"" help:"Entry id (AZCM0041, login-blocked) or a code in any form (41, exit 41)."`
	JSON bool   `name:"json" help:"Print the entry as a JSON object."`
}

// Help shows examples.
func (c *KBShowCmd) Help() string {
	return `Examples:
  arcdiag kb show login-dns-gpo
  arcdiag kb show 26 --json`
}

// Run shows the entry.
func (c *KBShowCmd) Run(e *env) error {
	k, err := e.loadKB()
	if err != nil {
		return e.reportLoadError(err)
	}
	id := strings.TrimSpace(c.ID)
	en, ok := k.Get(id)
	if !ok {
		if kind, code := kb.ParseQuery(id); kind != kb.QueryText {
			en, ok = k.Get(code)
			id = code
		}
	}
	if !ok {
		text := e.msg("kb.showNone", id)
		if near := nearestIDs(k, id); len(near) > 0 {
			text += e.msg("search.didYou", strings.Join(near, ", "))
		}
		fmt.Fprintln(e.stderr, "arcdiag: "+text)
		return exitCode(ExitNotFound)
	}
	lang := e.language()
	if c.JSON {
		return writeJSON(e.stdout, toJSON(k, en, lang))
	}
	r := &renderer{w: e.stdout, kb: k, lang: lang, style: e.style(), details: true}
	r.entry(en)
	return nil
}

// nearestIDs suggests ids that share a word with, or contain, the wanted one.
func nearestIDs(k *kb.KB, want string) []string {
	want = strings.ToLower(want)
	if _, code := kb.ParseQuery(want); code != "" {
		return k.NearestCodes(code, 3)
	}
	var out []string
	for _, en := range k.Entries() {
		id := strings.ToLower(en.ID)
		if strings.Contains(id, want) || strings.Contains(want, id) || sharesWord(id, want) {
			out = append(out, en.ID)
		}
		if len(out) == 5 {
			break
		}
	}
	return out
}

func sharesWord(a, b string) bool {
	for _, w := range strings.Split(a, "-") {
		if len(w) > 3 && slices.Contains(strings.Split(b, "-"), w) {
			return true
		}
	}
	return false
}

// KBLintCmd checks knowledge-base files.
type KBLintCmd struct {
	Dirs []string `arg:"" optional:"" name:"dir" help:"Directories of YAML entries to check over the built-in ones." type:"path"`
}

// Help shows examples.
func (c *KBLintCmd) Help() string {
	return `Checks every entry: the schema (unknown keys, missing en or ja text), unique
ids, patterns that compile and match their examples, footnotes that exist, that
every entry lists its sources, that no text carries page markup (<sup>, *…*),
and that no entry's patterns match another entry's examples. Problems are
printed as file:line: problem.

Examples:
  arcdiag kb lint
  arcdiag kb lint ./our-kb

Exit status: 0 no problems, 2 problems found.`
}

// Run checks the built-in layer (verified like any other), the --kb-dir
// layers and the given directories.
func (c *KBLintCmd) Run(e *env) error {
	k, err := kb.Load(e.layers(true, c.Dirs...)...)
	if err != nil {
		var le *kb.LoadError
		if !errors.As(err, &le) {
			return err
		}
		return e.reportLoadError(err)
	}
	problems := k.Lint()
	for _, p := range problems {
		fmt.Fprintln(e.stdout, p)
	}
	if len(problems) > 0 {
		e.say("kb.lintFailed", len(problems))
		return exitCode(ExitUsage)
	}
	counts := map[string]int{}
	var order []string
	for _, en := range k.Entries() {
		if counts[en.Origin.Layer] == 0 {
			order = append(order, en.Origin.Layer)
		}
		counts[en.Origin.Layer]++
	}
	var parts []string
	for _, l := range order {
		parts = append(parts, fmt.Sprintf("%d %s", counts[l], l))
	}
	fmt.Fprintf(e.stdout, "ok: %d entries (%s)\n", len(k.Entries()), strings.Join(parts, ", "))
	return nil
}
