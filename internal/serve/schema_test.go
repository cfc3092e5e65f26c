package serve

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The page reads analyze --json through its own struct (ndjsonLine), which
// takes only what it shows. The shapes it reads are the published schemas
// of schema/ (report's output is validated against them in internal/cli):
// TestDecodingMatchesSchemas checks every field the page decodes against
// them, so that a field renamed or retyped there is not silently read as
// empty here.

// schemaDoc is one file of schema/, parsed.
type schemaDoc map[string]any

type schemas struct {
	t     *testing.T
	files map[string]schemaDoc
}

func loadSchemaFiles(t *testing.T) *schemas {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "schema", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no schemas in schema/: %v", err)
	}
	s := &schemas{t: t, files: map[string]schemaDoc{}}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc schemaDoc
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		s.files[filepath.Base(p)] = doc
	}
	return s
}

// node is a schema and the file its references are relative to.
type node struct {
	file string
	v    any
}

// resolve follows $ref ("defs.json#/$defs/x", "#/$defs/x").
func (s *schemas) resolve(n node) node {
	for {
		m, ok := n.v.(map[string]any)
		if !ok {
			return n
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return n
		}
		file, frag, _ := strings.Cut(ref, "#")
		if file == "" {
			file = n.file
		}
		var v any = map[string]any(s.files[file])
		for _, part := range strings.Split(strings.Trim(frag, "/"), "/") {
			if part != "" {
				v, _ = v.(map[string]any)[part]
			}
		}
		if v == nil {
			s.t.Fatalf("%s: unresolved $ref %s", n.file, ref)
		}
		n = node{file, v}
	}
}

// properties are an object schema's properties, with those of its allOf
// parts and of the object alternative of a oneOf; a property given as
// true (allowed, defined elsewhere) yields to its definition.
func (s *schemas) properties(n node) map[string]node {
	n = s.resolve(n)
	m, _ := n.v.(map[string]any)
	out := map[string]node{}
	var parts []any
	if all, ok := m["allOf"].([]any); ok {
		parts = append(parts, all...)
	}
	if one, ok := m["oneOf"].([]any); ok {
		parts = append(parts, one...)
	}
	for _, p := range parts {
		for k, v := range s.properties(node{n.file, p}) {
			out[k] = v
		}
	}
	props, _ := m["properties"].(map[string]any)
	for k, v := range props {
		if _, defined := out[k]; v == true && defined {
			continue
		}
		out[k] = node{n.file, v}
	}
	return out
}

// types are the JSON types a schema allows: its type keyword, or those of
// its const or enum values, or of its oneOf alternatives.
func (s *schemas) types(n node) []string {
	n = s.resolve(n)
	m, _ := n.v.(map[string]any)
	var out []string
	switch t := m["type"].(type) {
	case string:
		out = append(out, t)
	case []any:
		for _, x := range t {
			out = append(out, x.(string))
		}
	}
	values, _ := m["enum"].([]any)
	if c, ok := m["const"]; ok {
		values = append(values, c)
	}
	for _, v := range values {
		switch v.(type) {
		case string:
			out = append(out, "string")
		case bool:
			out = append(out, "boolean")
		case float64:
			out = append(out, "integer")
		}
	}
	if one, ok := m["oneOf"].([]any); ok {
		for _, alt := range one {
			out = append(out, s.types(node{n.file, alt})...)
		}
	}
	return out
}

// check reports, at where, each way the schema n and the Go type t
// disagree: a value the schema allows that t cannot hold.
func (s *schemas) check(where string, t reflect.Type, n node) {
	n = s.resolve(n)
	types := s.types(n)
	has := func(want string) bool { return slices.Contains(types, want) }
	if t.Kind() == reflect.Pointer {
		if !has("null") {
			s.t.Errorf("%s: the page decodes a nullable %s, the schema allows no null (%v)", where, t.Elem(), types)
		}
		t = t.Elem()
	} else if has("null") && t.Kind() != reflect.Struct {
		s.t.Errorf("%s: the schema allows null, the page decodes a %s", where, t)
	}
	var want string
	switch t.Kind() {
	case reflect.String:
		want = "string"
	case reflect.Int, reflect.Int64:
		want = "integer"
	case reflect.Bool:
		want = "boolean"
	case reflect.Slice:
		want = "array"
	case reflect.Map, reflect.Struct:
		want = "object"
	}
	if !has(want) {
		s.t.Errorf("%s: the page decodes a %s, the schema says %v", where, t, types)
		return
	}
	m, _ := n.v.(map[string]any)
	switch t.Kind() {
	case reflect.Slice:
		s.check(where+"[]", t.Elem(), node{n.file, m["items"]})
	case reflect.Map:
		s.check(where+"{}", t.Elem(), node{n.file, m["additionalProperties"]})
	case reflect.Struct:
		s.fields(where, t, []node{n})
	}
}

// fields checks each JSON field of the struct t: some object schema of
// objs has it, and every one that has it agrees with its Go type.
func (s *schemas) fields(where string, t reflect.Type, objs []node) {
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		found := false
		for _, o := range objs {
			if p, ok := s.properties(o)[name]; ok {
				found = true
				s.check(where+"."+name, f.Type, p)
			}
		}
		if !found {
			s.t.Errorf("%s.%s: the page decodes a field no schema of its objects has", where, name)
		}
	}
}

func TestDecodingMatchesSchemas(t *testing.T) {
	s := loadSchemaFiles(t)
	var objs []node
	for _, f := range []string{"finding.json", "run.json", "incident.json", "summary.json"} {
		if s.files[f] == nil {
			t.Fatalf("schema/%s is missing", f)
		}
		objs = append(objs, node{f, map[string]any(s.files[f])})
	}
	if n := len(s.properties(objs[1])); n < 15 {
		t.Fatalf("run.json has %d properties with its shared parts: the references are not followed", n)
	}
	s.fields("ndjsonLine", reflect.TypeFor[ndjsonLine](), objs)
}
