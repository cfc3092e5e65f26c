package kb

import (
	"cmp"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Problem is one thing wrong with a knowledge-base file, at a line.
type Problem struct {
	File    string
	Line    int
	Message string
}

// String formats the problem as file:line: message.
func (p Problem) String() string { return p.Where() + ": " + p.Message }

// Where is the problem's place: file:line, or the file (or directory)
// alone when no line is known.
func (p Problem) Where() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

// LoadError lists every problem that kept the knowledge base from loading.
// Nothing of a knowledge base with problems is used.
type LoadError struct {
	Problems []Problem
}

func (e *LoadError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Layer is one set of YAML files. Later layers override earlier ones: an entry
// whose id is already loaded replaces it.
type Layer struct {
	// Name identifies the layer in listings: "built-in" or a directory.
	Name string
	// FS holds the layer's files; every *.yaml and *.yml file in it is read.
	FS fs.FS
	// Prefix is put before a file's path in problems and origins, so that a
	// contributor can open the file it names.
	Prefix string
	// Trusted layers skip the per-entry checks (the built-in entries are
	// checked by the test suite instead, which keeps start-up fast).
	Trusted bool

	// snapshot, when set, holds the layer's entries already decoded (see
	// snapshot.go); a trusted layer is read from it instead of its YAML.
	snapshot []byte
}

// DirLayer returns a layer for the YAML files under dir.
func DirLayer(dir string, fsys fs.FS) Layer {
	return Layer{Name: dir, FS: fsys, Prefix: strings.TrimSuffix(dir, "/") + "/"}
}

// KB is a loaded, checked knowledge base.
type KB struct {
	entries []*Entry
	byID    map[string]*Entry
	byCode  map[string][]*Entry
	// patterned lists the entries that recognise text, in load order.
	patterned []*Entry
	// overridden records, per id, the origin of the entry a later layer replaced.
	overridden map[string]Origin

	matcherOnce sync.Once
	matcher     *Matcher
}

// Load reads the layers in order and returns the merged knowledge base, or a
// *LoadError listing every problem found in any of them.
func Load(layers ...Layer) (*KB, error) {
	k := &KB{byID: map[string]*Entry{}, byCode: map[string][]*Entry{}, overridden: map[string]Origin{}}
	var problems []Problem
	for _, layer := range layers {
		entries, ps := readLayer(layer)
		problems = append(problems, ps...)
		seen := map[string]*Entry{}
		for _, e := range entries {
			normalize(e)
			e.trusted = layer.Trusted
			if !layer.Trusted {
				problems = append(problems, checkEntry(e)...)
			}
			if e.ID == "" {
				continue
			}
			if prev, ok := seen[e.ID]; ok {
				problems = append(problems, Problem{e.Origin.File, e.Origin.Line,
					fmt.Sprintf("duplicate id %q (first defined at %s)", e.ID, prev.Origin)})
				continue
			}
			seen[e.ID] = e
			if prev, ok := k.byID[e.ID]; ok {
				k.overridden[e.ID] = prev.Origin
			}
			k.byID[e.ID] = e
		}
	}
	for _, e := range k.byID {
		k.entries = append(k.entries, e)
	}
	slices.SortFunc(k.entries, compareEntries)
	problems = append(problems, k.checkReferences()...)
	if len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b Problem) int {
			return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
		})
		return nil, &LoadError{Problems: problems}
	}
	for _, e := range k.entries {
		for _, c := range e.Codes {
			k.byCode[c] = append(k.byCode[c], e)
		}
		if len(e.Patterns) > 0 {
			k.patterned = append(k.patterned, e)
		}
	}
	// The entry whose id is the code leads its code's list.
	for c, es := range k.byCode {
		slices.SortStableFunc(es, func(a, b *Entry) int {
			return cmp.Compare(boolRank(a.ID != c), boolRank(b.ID != c))
		})
	}
	return k, nil
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// compareEntries orders code entries by number, then the other kinds by id.
func compareEntries(a, b *Entry) int {
	return cmp.Or(
		cmp.Compare(slices.Index(Kinds, a.Kind), slices.Index(Kinds, b.Kind)),
		cmp.Compare(a.ID, b.ID),
	)
}

// normalize fills the values the schema lets an author leave out.
func normalize(e *Entry) {
	e.matcher = &entryMatcher{}
	if e.Status == "" {
		e.Status = StatusCurrent
	}
	if e.Kind == KindCode && codeRE.MatchString(e.ID) && !slices.Contains(e.Codes, e.ID) {
		e.Codes = append([]string{e.ID}, e.Codes...)
	}
}

// readLayer decodes every YAML file of a layer, in path order. Files are
// decoded concurrently: YAML decoding dominates start-up.
func readLayer(layer Layer) ([]*Entry, []Problem) {
	if layer.Trusted && len(layer.snapshot) > 0 {
		if entries, err := readSnapshot(layer.snapshot); err == nil {
			return entries, nil
		}
		// A snapshot this binary cannot read: the YAML is still there.
	}
	var files []string
	err := fs.WalkDir(layer.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, []Problem{{strings.TrimSuffix(layer.Prefix, "/"), 0, "cannot read knowledge-base directory: " + unwrapPathError(err)}}
	}
	if len(files) == 0 {
		return nil, []Problem{{strings.TrimSuffix(layer.Prefix, "/"), 0, "no .yaml or .yml files"}}
	}
	// The bound is for folders given with --kb-dir; the built-in entries (the
	// layer with a snapshot) are compiled in and read from their snapshot,
	// their YAML only by kb lint and the tests.
	if p := checkLayerSize(layer, files); p != nil && len(layer.snapshot) == 0 {
		return nil, []Problem{*p}
	}
	type result struct {
		entries  []*Entry
		problems []Problem
	}
	results := make([]result, len(files))
	var wg sync.WaitGroup
	for i, p := range files {
		wg.Go(func() {
			name := layer.Prefix + p
			data, err := readLimited(layer.FS, p)
			if err != nil {
				results[i].problems = []Problem{{name, 0, err.Error()}}
				return
			}
			results[i].entries, results[i].problems = decodeFile(layer.Name, name, data)
		})
	}
	wg.Wait()
	var (
		entries  []*Entry
		problems []Problem
	)
	for _, r := range results {
		entries = append(entries, r.entries...)
		problems = append(problems, r.problems...)
	}
	return entries, problems
}

// The bounds of a knowledge-base folder, checked before anything in it is
// decoded (decoding takes some fifty times a file's size in memory, and
// arcdiag's memory promise is 64 MiB). An organisation's folder of its own
// entries far over that is a mistake, not a knowledge base. The built-in
// entries are not bounded: they grew past 1 MiB of YAML, and the
// binary reads them from their decoded snapshot.
const (
	maxFiles     = 256
	maxLayerSize = 1 << 20
	maxFileSize  = maxLayerSize
)

// checkLayerSize refuses a folder with too many files or too many bytes,
// naming the file that passes the bound.
func checkLayerSize(layer Layer, files []string) *Problem {
	if len(files) > maxFiles {
		return &Problem{strings.TrimSuffix(layer.Prefix, "/"), 0,
			fmt.Sprintf("%d YAML files, more than the %d a knowledge-base folder may have", len(files), maxFiles)}
	}
	var total int64
	for _, p := range files {
		fi, err := fs.Stat(layer.FS, p)
		if err != nil {
			continue // reported when the file is read
		}
		if total += fi.Size(); total > maxLayerSize {
			return &Problem{layer.Prefix + p, 0,
				fmt.Sprintf("the folder's YAML files pass %d MiB with this one; a knowledge-base folder must stay under that", maxLayerSize>>20)}
		}
	}
	return nil
}

func readLimited(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot open: %s", unwrapPathError(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %s", unwrapPathError(err))
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("file is larger than %d MiB; not a knowledge-base file", maxFileSize>>20)
	}
	return data, nil
}

func unwrapPathError(err error) string {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// Entries returns every entry, code entries first in code order.
func (k *KB) Entries() []*Entry { return k.entries }

// Get returns the entry with the given id.
func (k *KB) Get(id string) (*Entry, bool) {
	e, ok := k.byID[id]
	return e, ok
}

// ByCode returns the entries that explain code (AZCMnnnn), the code's own
// entry first.
func (k *KB) ByCode(code string) []*Entry { return k.byCode[code] }

// Overridden returns the origin of the entry that a later layer replaced
// under id, if any.
func (k *KB) Overridden(id string) (Origin, bool) {
	o, ok := k.overridden[id]
	return o, ok
}

// Footnotes returns the note entries an entry cites, in order.
func (k *KB) Footnotes(e *Entry) []*Entry {
	notes := make([]*Entry, 0, len(e.Footnotes))
	for _, id := range e.Footnotes {
		if n, ok := k.byID[id]; ok {
			notes = append(notes, n)
		}
	}
	return notes
}

// SeeAlso returns the other entries that name one of a code entry's codes,
// such as the message entries behind AZCM0026: for each code, its known
// causes, most common first.
func (k *KB) SeeAlso(e *Entry) []*Entry {
	var out []*Entry
	for _, c := range e.Codes {
		for _, o := range append(k.KnownCauses(c), k.byCode[c]...) {
			if o != e && !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
