package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaByType maps every object type arcdiag writes to its JSON Schema in
// schema/ (the NDJSON objects by their "type", the single documents of
// explain and search by their command).
var schemaByType = map[string]string{
	"finding": "finding.json", "run": "run.json", "incident": "incident.json", "warning": "incident.json",
	"record": "record.json", "summary": "summary.json", "machine": "machine.json", "fleet": "fleet.json",
	"explain": "explain.json", "search": "search.json", "kb-list": "kb-list.json", "kb-show": "kb-show.json",
}

// loadSchemas compiles the schemas of schema/.
func loadSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "schema"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no schemas in %s (%v)", dir, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, f := range files {
		doc, err := readJSON(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if err := c.AddResource(fileURL(f), doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	out := map[string]*jsonschema.Schema{}
	for typ, name := range schemaByType {
		s, err := c.Compile(fileURL(filepath.Join(dir, name)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[typ] = s
	}
	return out
}

func fileURL(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

func readJSON(path string) (any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jsonschema.UnmarshalJSON(f)
}

// validateOutput checks every JSON object of a command's output against
// the schema of its type; single names the type of a single indented
// document (explain, search), "" for NDJSON.
func validateOutput(t *testing.T, schemas map[string]*jsonschema.Schema, name, output, single string) (types map[string]int) {
	t.Helper()
	types = map[string]int{}
	check := func(where string, doc []byte, typ string) {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
		if err != nil {
			t.Errorf("%s: not JSON: %v", where, err)
			return
		}
		if typ == "" {
			obj, _ := v.(map[string]any)
			typ, _ = obj["type"].(string)
		}
		s, ok := schemas[typ]
		if !ok {
			t.Errorf("%s: object of type %q has no schema in schema/", where, typ)
			return
		}
		types[typ]++
		if err := s.Validate(v); err != nil {
			t.Errorf("%s: %v", where, err)
		}
	}
	if single != "" {
		check(name, []byte(output), single)
		return types
	}
	sc := bufio.NewScanner(strings.NewReader(output))
	sc.Buffer(nil, 16<<20)
	for n := 1; sc.Scan(); n++ {
		check(name+":"+itoa(n), sc.Bytes(), "")
	}
	return types
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// goldenJSON is a golden file's standard output, without the exit status
// and stderr the golden test appends.
func goldenJSON(data string) string {
	if i := strings.Index(data, "--- exit "); i >= 0 {
		data = data[:i]
	} else if i := strings.Index(data, "--- stderr ---"); i >= 0 {
		data = data[:i]
	}
	return data
}

// TestGoldenJSONSchemas validates every JSON golden output against the
// schemas, and the object types no golden holds (records, search) against
// fresh output: every type arcdiag writes must meet its schema.
func TestGoldenJSONSchemas(t *testing.T) {
	schemas := loadSchemas(t)
	goldens, err := filepath.Glob(filepath.Join("testdata", "golden", "*.json.golden"))
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no JSON goldens (%v)", err)
	}
	seen := map[string]int{}
	for _, g := range goldens {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		out := goldenJSON(string(data))
		single := ""
		if strings.HasPrefix(out, "{\n") || strings.HasPrefix(out, "[\n") {
			single = strings.SplitN(filepath.Base(g), "-", 2)[0] // explain-…, search-…
		}
		for typ, n := range validateOutput(t, schemas, g, out, single) {
			seen[typ] += n
		}
		if single == "" {
			checkRunIDs(t, g, out)
		}
	}
	t.Chdir(filepath.Join("..", ".."))
	for _, args := range [][]string{
		{"analyze", "--json", "--all", "testdata/logs/linux/azcmagent.log"},
		{"search", "--json", "proxy"},
		{"kb", "list", "--json"},
		{"kb", "show", "--json", "AZCM0041"},
	} {
		var stdout, stderr bytes.Buffer
		Main(t.Context(), args, strings.NewReader(""), &stdout, &stderr)
		single := ""
		switch args[0] {
		case "search":
			single = "search"
		case "kb":
			single = "kb-" + args[1]
		}
		for typ, n := range validateOutput(t, schemas, strings.Join(args, " "), stdout.String(), single) {
			seen[typ] += n
		}
	}
	for typ := range schemaByType {
		if seen[typ] == 0 && typ != "warning" {
			t.Errorf("no output checked holds a %q object: add a golden that does", typ)
		}
	}
}

// checkRunIDs checks that runs have ids of their own, and that every
// finding carries the id, machine and OS of a run of the same output (the
// run ends after its findings).
func checkRunIDs(t *testing.T, name, output string) {
	t.Helper()
	type ident struct{ machine, os string }
	runs := map[string]ident{}
	var findings []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(output), "\n") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		id, _ := obj["run_id"].(string)
		switch obj["type"] {
		case "finding":
			findings = append(findings, obj)
		case "run", "incident", "warning":
			if _, dup := runs[id]; dup {
				t.Errorf("%s: two runs with id %s", name, id)
			}
			runs[id] = ident{obj["machine"].(string), obj["os"].(string)}
		}
	}
	for _, f := range findings {
		run, ok := runs[f["run_id"].(string)]
		if !ok || run != (ident{f["machine"].(string), f["os"].(string)}) {
			t.Errorf("%s: finding at line %v has run_id %v, machine %q, os %q: no run has them", name, f["line"], f["run_id"], f["machine"], f["os"])
		}
	}
}

// TestRunIDsStable analyzes the same log in a zip and in a folder: its runs
// get the same ids, and again when analyzed a second time.
func TestRunIDsStable(t *testing.T) {
	t.Chdir(filepath.Join("..", ".."))
	ids := func(arg string) []string {
		var stdout bytes.Buffer
		Main(t.Context(), []string{"analyze", "--json", arg}, strings.NewReader(""), &stdout, io.Discard)
		var out []string
		for _, line := range strings.Split(stdout.String(), "\n") {
			var obj struct {
				Type, File, Machine string
				RunID               string `json:"run_id"`
			}
			if json.Unmarshal([]byte(line), &obj) == nil && obj.Type == "run" && strings.HasSuffix(obj.File, "azcmagent.log") {
				out = append(out, obj.Machine+" "+obj.RunID)
			}
		}
		return out
	}
	zip := ids("testdata/logs/bundles/azcmagent-20310203T040506-arc-web-01.zip")
	if len(zip) != 7 || !strings.HasPrefix(zip[0], "arc-web-01 ") {
		t.Fatalf("runs of the zip's azcmagent.log: %v", zip)
	}
	folder := ids("testdata/logs/linux/azcmagent.log")
	again := ids("testdata/logs/bundles/azcmagent-20310203T040506-arc-web-01.zip")
	if strings.Join(zip, ",") != strings.Join(again, ",") {
		t.Errorf("a second analysis gives other ids:\n%v\n%v", zip, again)
	}
	// The file alone states no machine name: its runs are another
	// machine's ("") and so have other ids; read with its folder (whose
	// himds.log names arc-web-01) they are the zip's.
	if folder[0] == zip[0] {
		t.Errorf("runs of an unnamed machine have the named machine's ids: %v", folder)
	}
	withFolder := ids("testdata/logs/linux")[:7]
	if strings.Join(withFolder, ",") != strings.Join(zip, ",") {
		t.Errorf("the same log in a folder and in a zip: other ids\n%v\n%v", withFolder, zip)
	}
}

// TestSchemasRefuse shows the schemas can fail: a run without its id, a
// finding with a field no schema names, a machine with a number for a name.
func TestSchemasRefuse(t *testing.T) {
	schemas := loadSchemas(t)
	for _, bad := range []string{
		`{"type":"run","machine":"m","os":"linux","agent_version":null,"file":"a.log","index":1,"start_line":1,"end_line":2,"start":null,"end":null,"command":null,"exit_code":null,"failed":false,"verdict":null,"findings":0,"notes":[]}`,
		`{"type":"finding","run_id":"0123456789abcdef0123456789abcdef","machine":"m","os":"","agent_version":null,"file":"a","line":1,"time":null,"level":"error","message":"x","text":"x","codes":[],"entries":[],"surprise":1}`,
		`{"type":"machine","machine":7,"os":"linux","agent_version":null,"verdict":"ok","failing":false,"runs":0,"failed_runs":0,"incidents":0,"last_run":null,"sources":["a.zip"]}`,
		`{"type":"run","run_id":"not-an-id","machine":"m","os":"linux","agent_version":null,"file":"a.log","index":1,"start_line":1,"end_line":2,"start":null,"end":null,"command":null,"exit_code":null,"failed":false,"verdict":null,"findings":0,"notes":[]}`,
	} {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		typ := v.(map[string]any)["type"].(string)
		if err := schemas[typ].Validate(v); err == nil {
			t.Errorf("schema %s accepts %s", schemaByType[typ], bad)
		}
	}
}
