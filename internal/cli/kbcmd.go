package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

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
		st := e.style()
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		for _, r := range rows {
			origin := r.Origin
			if r.Overrides != "" {
				origin += " (overrides " + r.Overrides + ")"
			}
			status := ""
			if r.Status == kb.StatusHistoric {
				status = " (historic)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s%s\t%s\n", st.paint(cyan, r.ID), r.Kind, r.Title, status, st.paint(dim, origin))
		}
		tw.Flush()
	}
	if len(rows) == 0 {
		fmt.Fprintln(e.stderr, "arcdiag: no entry matches these filters")
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
		fmt.Fprintf(e.stderr, "arcdiag: no entry %q", id)
		if near := nearestIDs(k, id); len(near) > 0 {
			fmt.Fprintf(e.stderr, "; did you mean %s?", strings.Join(near, ", "))
		}
		fmt.Fprintln(e.stderr)
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
		fmt.Fprintf(e.stderr, "arcdiag: %d problem(s)\n", len(problems))
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
