package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/arcdiag/arcdiag/internal/report"
	"github.com/arcdiag/arcdiag/internal/report/msg"
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

// Run lists the entries that pass the filters.
func (c *KBListCmd) Run(e *env) error {
	k, err := e.loadKB()
	if err != nil {
		return e.reportLoadError(err)
	}
	lang := e.language()
	var rows []report.ListRow
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
		row := report.ListRow{ID: en.ID, Kind: en.Kind, Status: en.Status, Title: en.Title.In(lang),
			Codes: en.Codes, Tags: en.Tags, Layer: en.Origin.Layer, Origin: en.Origin.String()}
		if prev, ok := k.Overridden(en.ID); ok {
			row.Overrides = prev.String()
		}
		rows = append(rows, row)
	}
	out := answers(e, k, c.JSON, e.output())
	out.List(rows)
	if err := out.Flush(); err != nil {
		return err
	}
	if len(rows) == 0 {
		e.say(msg.KBListNone)
		return exitCode(ExitNotFound)
	}
	return nil
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
		text := e.msg(msg.KBShowNone, id)
		if near := nearestIDs(k, id); len(near) > 0 {
			text += e.msg(msg.SearchDidYou, strings.Join(near, ", "))
		}
		fmt.Fprintln(e.stderr, "arcdiag: "+text)
		return exitCode(ExitNotFound)
	}
	out := answers(e, k, c.JSON, e.output())
	out.Show(en)
	return out.Flush()
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
		fmt.Fprintln(e.stdout, e.kbProblem(p))
	}
	if len(problems) > 0 {
		e.say(msg.KBLintFailed, len(problems))
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
	fmt.Fprintln(e.stdout, e.msg(msg.KBLintOK, len(k.Entries()), strings.Join(parts, ", ")))
	return nil
}
