package kb

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// decodeFile reads every entry of one YAML file. A file holds a sequence of
// entries (or a single entry), in one or more YAML documents. Decoding is
// strict: an unknown key, a duplicate key or a value of the wrong shape is a
// problem with its line, never silently dropped.
func decodeFile(layer, file string, data []byte) ([]*Entry, []Problem) {
	var (
		entries  []*Entry
		problems []Problem
	)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	exp := &expansion{}
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, yamlProblem(file, data, err))
			break
		}
		root := &doc
		if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
			root = root.Content[0]
		}
		items := []*yaml.Node{root}
		switch root.Kind {
		case yaml.SequenceNode:
			items = root.Content
		case yaml.MappingNode:
		case yaml.ScalarNode:
			if root.Tag == "!!null" {
				continue
			}
			fallthrough
		default:
			problems = append(problems, Problem{file, root.Line, "expected a list of entries"})
			continue
		}
		for _, item := range items {
			if exp.add(item); exp.over {
				problems = append(problems, Problem{file, item.Line, fmt.Sprintf("with its aliases followed, the file decodes to more than %d values or %d MiB; a knowledge-base file is far smaller (is an anchor reused too often?)", maxValues, maxExpandedBytes>>20)})
				break
			}
		}
		if exp.over {
			break
		}
		for _, item := range items {
			d := decoder{file: file, lines: map[string]int{}}
			e := &Entry{Origin: Origin{Layer: layer, File: file, Line: item.Line}}
			d.decode(resolve(item), reflect.ValueOf(e).Elem(), "")
			e.lines = d.lines
			for _, p := range d.problems {
				p.Message = e.label() + p.Message
				problems = append(problems, p)
			}
			entries = append(entries, e)
		}
	}
	if exp.over {
		// Not one entry of it is checked or compiled: that is the cost
		// the bound is there to avoid.
		return nil, problems
	}
	return entries, problems
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlProblem turns a yaml syntax error into a file:line problem. The yaml
// reader reports bad bytes (invalid UTF-8, control characters) without a
// line, so that line is found here.
func yamlProblem(file string, data []byte, err error) Problem {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return Problem{file, n, "invalid YAML: " + m[2]}
	}
	return Problem{file, badByteLine(data), "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// badByteLine returns the line of the first byte YAML does not accept in a
// UTF-8 file, or 0 when there is none (or the file is UTF-16).
func badByteLine(data []byte) int {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return 0
	}
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		switch {
		case r == utf8.RuneError && size <= 1:
			return line
		case r == '\n':
			line++
		case r < 0x20 && r != '\t' && r != '\r', r == 0x7f:
			return line
		}
		data = data[size:]
	}
	return 0
}

type decoder struct {
	file     string
	lines    map[string]int
	problems []Problem
	depth    int
}

// expansion counts what a file's entries decode to once aliases are
// followed. One anchored list reused by thousands of entries (or anchors
// of anchors) makes a small file decode to gigabytes and as many regular
// expressions to compile; past the bounds the file is refused.
// The file is measured before any of it is decoded: refused only after
// its values were built, a bomb would already have cost the memory the
// bound is there to save.
type expansion struct {
	total size
	over  bool
	sizes map[*yaml.Node]size // anchored nodes, each measured once
}

type size struct{ values, bytes int }

// add counts what item decodes to and notes whether the file passed the
// bounds.
func (x *expansion) add(item *yaml.Node) {
	s := x.measure(item, 0)
	x.total.values += s.values
	x.total.bytes += s.bytes
	x.over = x.total.values > maxValues || x.total.bytes > maxExpandedBytes
}

// measure is what n decodes to, aliases followed, counted up to just past
// the bounds. Past maxDepth it stops: decode reports the nesting (a
// self-referencing alias is one).
func (x *expansion) measure(n *yaml.Node, depth int) size {
	n = resolve(n)
	if n == nil || depth > maxDepth {
		return size{values: 1}
	}
	if s, ok := x.sizes[n]; ok {
		return s
	}
	s := size{values: 1, bytes: len(n.Value)}
	for _, c := range n.Content {
		cs := x.measure(c, depth+1)
		s.values = min(s.values+cs.values, maxValues+1)
		s.bytes = min(s.bytes+cs.bytes, maxExpandedBytes+1)
	}
	if n.Anchor != "" {
		if x.sizes == nil {
			x.sizes = map[*yaml.Node]size{}
		}
		x.sizes[n] = s
	}
	return s
}

// The bounds of a file's decoded size: far above any real file (the
// largest built-in file decodes to about 5,000 values and 70 KB).
const (
	maxValues        = 100_000
	maxExpandedBytes = 4 << 20
)

// maxDepth bounds nesting. The schema is four levels deep; a self-referencing
// alias (`&a [*a]`) would otherwise recurse forever.
const maxDepth = 8

func (d *decoder) fail(n *yaml.Node, format string, args ...any) {
	d.problems = append(d.problems, Problem{d.file, n.Line, fmt.Sprintf(format, args...)})
}

// resolve follows a YAML alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 16; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if _, ok := d.lines[path]; !ok {
		d.lines[path] = n.Line // a mapping key's line, recorded first, wins
	}
	if isNull(n) {
		return // leave the zero value; validation says if it was required
	}
	if d.depth >= maxDepth {
		d.fail(n, "%s: nested too deeply", describe(path))
		return
	}
	d.depth++
	defer func() { d.depth-- }()
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, "%s: expected a list", describe(path))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(resolve(item), s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.fail(n, "%s: expected text, found a %s", describe(path), nodeKind(n))
			return
		}
		value := n.Value
		if n.Style == yaml.FoldedStyle && strings.HasSuffix(path, ".ja") {
			value = unfoldJapanese(value)
		}
		v.SetString(value)
	default:
		// Only the types above appear in the schema.
		d.fail(n, "%s: unsupported field type %s", describe(path), v.Type())
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		if v.Type() == reflect.TypeOf(Text{}) {
			d.fail(n, "%s: expected en: and ja: text", describe(path))
		} else {
			d.fail(n, "%s: expected a mapping, found a %s", describe(path), nodeKind(n))
		}
		return
	}
	fields := yamlFields(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := resolve(n.Content[i]), resolve(n.Content[i+1])
		name := key.Value
		if seen[name] {
			d.fail(key, "%s: duplicate key %q", describe(path), name)
			continue
		}
		seen[name] = true
		idx, ok := fields[name]
		if !ok {
			d.fail(key, "%sunknown key %q (known keys: %s)", prefix(path), name, knownKeys(fields))
			continue
		}
		sub := name
		if path != "" {
			sub = path + "." + name
		}
		d.lines[sub] = key.Line
		d.decode(val, v.Field(idx), sub)
	}
}

// unfoldJapanese removes the space a folded YAML scalar (>-) puts where a
// Japanese sentence ends a line: Japanese sets no space after 。 or 、, so
// "…でした。 どちら" would print with a gap no Japanese page has.
func unfoldJapanese(s string) string {
	s = strings.ReplaceAll(s, "。 ", "。")
	return strings.ReplaceAll(s, "、 ", "、")
}

func prefix(path string) string {
	if path == "" {
		return ""
	}
	return path + ": "
}

func describe(path string) string {
	if path == "" {
		return "entry"
	}
	return path
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	default:
		return "scalar"
	}
}

// yamlFields maps each yaml key of a struct type to its field index.
func yamlFields(t reflect.Type) map[string]int {
	m := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if !f.IsExported() || tag == "-" || tag == "" {
			continue
		}
		m[tag] = i
	}
	return m
}

func knownKeys(fields map[string]int) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
