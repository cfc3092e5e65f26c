// Package azuremonitor_test checks deploy/azure-monitor against arcdiag's
// real output: the records fit the rule's stream declaration, the rule's
// streams, destinations and outputs agree with the tables, its file
// patterns are where the systemd unit and the Windows service write, and
// every KQL query parses with the Kusto language service.
package azuremonitor_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arcdiag/arcdiag/internal/cli"
	"github.com/arcdiag/arcdiag/internal/outdir"
	"github.com/arcdiag/arcdiag/internal/winservice"
)

type column struct{ Name, Type string }

type template struct {
	Parameters map[string]struct {
		DefaultValue any `json:"defaultValue"`
	} `json:"parameters"`
	Resources []struct {
		Type       string   `json:"type"`
		DependsOn  []string `json:"dependsOn"`
		Properties struct {
			Schema struct {
				Name    string   `json:"name"`
				Columns []column `json:"columns"`
			} `json:"schema"`
			StreamDeclarations map[string]struct {
				Columns []column `json:"columns"`
			} `json:"streamDeclarations"`
			DataSources struct {
				LogFiles []struct {
					Name         string   `json:"name"`
					Streams      []string `json:"streams"`
					FilePatterns []string `json:"filePatterns"`
					Format       string   `json:"format"`
				} `json:"logFiles"`
			} `json:"dataSources"`
			Destinations struct {
				LogAnalytics []struct {
					Name string `json:"name"`
				} `json:"logAnalytics"`
			} `json:"destinations"`
			DataFlows []struct {
				Streams      []string `json:"streams"`
				Destinations []string `json:"destinations"`
				TransformKql string   `json:"transformKql"`
				OutputStream string   `json:"outputStream"`
			} `json:"dataFlows"`
		} `json:"properties"`
	} `json:"resources"`
}

// deployment is azuredeploy.json read: its tables by name, and its rule.
type deployment struct {
	tmpl   template
	tables map[string][]column
	rule   int // index of the data collection rule in tmpl.Resources
}

func load(t *testing.T) *deployment {
	t.Helper()
	data, err := os.ReadFile("azuredeploy.json")
	if err != nil {
		t.Fatal(err)
	}
	d := &deployment{tables: map[string][]column{}, rule: -1}
	if err := json.Unmarshal(data, &d.tmpl); err != nil {
		t.Fatalf("azuredeploy.json: %v", err)
	}
	for i, r := range d.tmpl.Resources {
		switch r.Type {
		case "Microsoft.OperationalInsights/workspaces/tables":
			d.tables[r.Properties.Schema.Name] = r.Properties.Schema.Columns
		case "Microsoft.Insights/dataCollectionRules":
			if d.rule >= 0 {
				t.Fatal("azuredeploy.json: two data collection rules")
			}
			d.rule = i
		}
	}
	if d.rule < 0 || len(d.tables) != 2 {
		t.Fatalf("azuredeploy.json: want a data collection rule and two tables, got tables %v", d.tables)
	}
	return d
}

// stream is the rule's one stream declaration, by column name.
func (d *deployment) stream(t *testing.T) (string, map[string]string) {
	t.Helper()
	decls := d.tmpl.Resources[d.rule].Properties.StreamDeclarations
	if len(decls) != 1 {
		t.Fatalf("want one stream declaration, got %d", len(decls))
	}
	for name, s := range decls {
		cols := map[string]string{}
		for _, c := range s.Columns {
			if _, dup := cols[c.Name]; dup {
				t.Errorf("stream column %s declared twice", c.Name)
			}
			cols[c.Name] = c.Type
		}
		return name, cols
	}
	return "", nil
}

// routed are the record types the rule sends to a table.
var routed = []string{"run", "incident", "warning", "finding"}

// collectedByAgent are the stream columns the Azure Monitor Agent fills in,
// not arcdiag.
var collectedByAgent = []string{"TimeGenerated", "Computer", "FilePath"}

// rareKeys are keys the report leaves out unless they apply (omitempty),
// and which no sample log calls for: a line cut to an excerpt, an unknown
// AZCM code, a service that recovered, a verdict with alternatives, a
// verdict that is only a suggestion, a finding's suggestions (every failed
// run of the samples has a recognised cause before its unexplained lines,
// and a guess is offered only where nothing was recognised yet).
var rareKeys = []string{"line_length", "excerpt", "unknown_codes", "recovered_line", "recovered_at", "recovered_by", "alternatives", "verdict_match", "suggested"}

// fits reports why a JSON value does not fit a stream column type, or "".
func fits(typ string, v any) string {
	if v == nil {
		return ""
	}
	switch typ {
	case "string":
		if _, ok := v.(string); ok {
			return ""
		}
	case "int", "long":
		if f, ok := v.(float64); ok && f == math.Trunc(f) && (typ == "long" || math.Abs(f) <= math.MaxInt32) {
			return ""
		}
	case "real":
		if _, ok := v.(float64); ok {
			return ""
		}
	case "boolean":
		if _, ok := v.(bool); ok {
			return ""
		}
	case "datetime":
		if s, ok := v.(string); ok {
			if _, err := time.Parse(time.RFC3339, s); err == nil {
				return ""
			}
		}
	case "dynamic":
		return ""
	default:
		return "unknown type " + typ
	}
	return fmt.Sprintf("%v (%T) is not a %s", v, v, typ)
}

// records returns arcdiag's records for the sample logs: analyze --json over
// testdata/logs, and what tail --output-dir writes for two of them.
func records(t *testing.T) []map[string]any {
	t.Helper()
	var out, errOut bytes.Buffer
	cli.Main(t.Context(), []string{"analyze", "--json", "../../testdata/logs"}, strings.NewReader(""), &out, &errOut)
	data := out.Bytes()
	for _, log := range []string{"../../testdata/logs/linux/azcmagent.log", "../../testdata/logs/windows/azcmagent.log"} {
		data = append(data, tailOutput(t, log)...)
	}
	var recs []map[string]any
	for i, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("record %d: %v", i+1, err)
		}
		recs = append(recs, rec)
	}
	return recs
}

// tailOutput runs tail --output-dir --from-start on log until the resume
// state shows the whole file read, and returns the records it wrote.
func tailOutput(t *testing.T, log string) []byte {
	t.Helper()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	fi, err := os.Stat(log)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int)
	var errOut bytes.Buffer
	go func() {
		done <- cli.Main(ctx, []string{"tail", "--from-start", "--output-dir", dir, "--state-file", state, log}, strings.NewReader(""), &bytes.Buffer{}, &errOut)
	}()
	// Waits for the output, without timing it: a generous bound.
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		st, err := outdir.LoadState(state)
		if err == nil && st.Logs[log].Offset == fi.Size() {
			break
		}
	}
	t.Logf("%s read in %v", log, time.Since(start))
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("tail %s: exit %d: %s", log, code, errOut.String())
	}
	files, _ := filepath.Glob(filepath.Join(dir, outdir.Prefix+"*"+outdir.Suffix))
	var data []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, b...)
	}
	if len(data) == 0 {
		t.Fatalf("tail --output-dir wrote nothing for %s: %s", log, errOut.String())
	}
	return data
}

// TestRecordsFitStream: every key of every run, incident, warning and
// finding record of the sample logs is a declared stream column whose type
// fits its value, and every declared column is either used by some record
// or filled in by the agent.
func TestRecordsFitStream(t *testing.T) {
	d := load(t)
	_, cols := d.stream(t)
	used := map[string]bool{}
	types := map[string]int{}
	for _, rec := range records(t) {
		typ, _ := rec["type"].(string)
		if !slices.Contains(routed, typ) {
			continue
		}
		types[typ]++
		for k, v := range rec {
			ct, ok := cols[k]
			if !ok {
				t.Errorf("%s record key %q is not in the stream declaration", typ, k)
				continue
			}
			if why := fits(ct, v); why != "" {
				t.Errorf("%s record key %q: %s", typ, k, why)
			}
			used[k] = true
		}
	}
	if types["run"] == 0 || types["finding"] == 0 || types["incident"]+types["warning"] == 0 {
		t.Fatalf("the sample logs gave %v: want runs, findings and incidents to check", types)
	}
	for c := range cols {
		if !used[c] && !slices.Contains(collectedByAgent, c) && !slices.Contains(rareKeys, c) {
			t.Errorf("stream column %q is in no record", c)
		}
	}
}

// projectRE finds a transform's final project list.
var projectRE = regexp.MustCompile(`\| project (.*)$`)

// projection parses "A, B = x, C = f(y, z)" into output column -> expression.
func projection(t *testing.T, kql string) map[string]string {
	t.Helper()
	m := projectRE.FindStringSubmatch(kql)
	if m == nil {
		t.Fatalf("transform %q does not end with a project", kql)
	}
	out := map[string]string{}
	depth, start := 0, 0
	list := m[1] + ","
	for i, r := range list {
		switch r {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case ',':
			if depth > 0 {
				continue
			}
			item := strings.TrimSpace(list[start:i])
			start = i + 1
			name, expr, ok := strings.Cut(item, "=")
			name, expr = strings.TrimSpace(name), strings.TrimSpace(expr)
			if !ok {
				expr = name
			}
			if _, dup := out[name]; dup {
				t.Errorf("transform projects %s twice", name)
			}
			out[name] = expr
		}
	}
	return out
}

// sourceColumn is the stream column a plain expression names: x or ['x'].
func sourceColumn(expr string) (string, bool) {
	if s, ok := strings.CutPrefix(expr, "['"); ok {
		return strings.CutSuffix(s, "']")
	}
	if regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`).MatchString(expr) {
		return expr, true
	}
	return "", false
}

// TestRuleAgreesWithTables: the rule's data sources use the declared
// stream; each data flow reads it, goes to a declared destination and to
// one of the tables, and its transform projects exactly that table's
// columns from stream columns of the same type; the rule is deployed after
// the tables.
func TestRuleAgreesWithTables(t *testing.T) {
	d := load(t)
	name, cols := d.stream(t)
	rule := d.tmpl.Resources[d.rule]
	if !strings.HasPrefix(name, "Custom-") {
		t.Errorf("stream %s must begin with Custom-", name)
	}
	for _, src := range rule.Properties.DataSources.LogFiles {
		if !slices.Equal(src.Streams, []string{name}) || src.Format != "json" {
			t.Errorf("data source %s: streams %v format %q, want [%s] json", src.Name, src.Streams, src.Format, name)
		}
	}
	dests := map[string]bool{}
	for _, la := range rule.Properties.Destinations.LogAnalytics {
		dests[la.Name] = true
	}
	seen := map[string]bool{}
	for _, flow := range rule.Properties.DataFlows {
		table, ok := strings.CutPrefix(flow.OutputStream, "Custom-")
		tcols, known := d.tables[table]
		if !ok || !known {
			t.Errorf("data flow output %s is not one of the tables %v", flow.OutputStream, d.tables)
			continue
		}
		seen[table] = true
		if !slices.Equal(flow.Streams, []string{name}) {
			t.Errorf("%s: streams %v, want [%s]", table, flow.Streams, name)
		}
		for _, dst := range flow.Destinations {
			if !dests[dst] {
				t.Errorf("%s: destination %s is not declared", table, dst)
			}
		}
		proj := projection(t, flow.TransformKql)
		for _, c := range tcols {
			expr, ok := proj[c.Name]
			if !ok {
				t.Errorf("%s: column %s is not projected", table, c.Name)
				continue
			}
			if src, plain := sourceColumn(expr); plain {
				st, declared := cols[src]
				if !declared {
					t.Errorf("%s.%s comes from %s, not a stream column", table, c.Name, src)
				} else if !strings.EqualFold(st, c.Type) {
					t.Errorf("%s.%s is %s, its source %s is %s", table, c.Name, c.Type, src, st)
				}
			} else if strings.HasPrefix(expr, "tostring(") && c.Type != "string" {
				t.Errorf("%s.%s is %s, but projected as a string", table, c.Name, c.Type)
			}
			delete(proj, c.Name)
		}
		for extra := range proj {
			t.Errorf("%s: the transform projects %s, not a column of the table", table, extra)
		}
		if tg := slices.IndexFunc(tcols, func(c column) bool { return c.Name == "TimeGenerated" }); tg < 0 || tcols[tg].Type != "dateTime" {
			t.Errorf("%s has no TimeGenerated dateTime column", table)
		}
	}
	for table := range d.tables {
		if !seen[table] {
			t.Errorf("no data flow goes to %s", table)
		}
		want := fmt.Sprintf("[resourceId('Microsoft.OperationalInsights/workspaces/tables', parameters('workspaceName'), '%s')]", table)
		if !slices.Contains(rule.DependsOn, want) {
			t.Errorf("the rule does not depend on %s", table)
		}
	}
}

// TestFilePatternsMatchOutputs: the rule collects where the systemd unit
// and the Windows service write, the daily file names included.
func TestFilePatternsMatchOutputs(t *testing.T) {
	d := load(t)
	unit, err := os.ReadFile("../systemd/arcdiag.service")
	if err != nil {
		t.Fatal(err)
	}
	logsDir := regexp.MustCompile(`(?m)^LogsDirectory=(\S+)$`).FindSubmatch(unit)
	if logsDir == nil {
		t.Fatal("the unit has no LogsDirectory")
	}
	files := outdir.Prefix + "*" + outdir.Suffix
	for param, want := range map[string]string{
		"linuxFilePattern":   "/var/log/" + string(logsDir[1]) + "/" + files,
		"windowsFilePattern": winservice.DefaultPaths(`C:\ProgramData`, nil).OutputDir + `\` + files,
	} {
		if got := d.tmpl.Parameters[param].DefaultValue; got != want {
			t.Errorf("%s defaults to %v, want %s", param, got, want)
		}
	}
	if !regexp.MustCompile(`^` + strings.ReplaceAll(regexp.QuoteMeta(files), `\*`, `.*`) + `$`).MatchString(outdir.FileName(time.Now())) {
		t.Errorf("%s does not match %s", outdir.FileName(time.Now()), files)
	}
}

// kqlcheck returns a command that runs kqlcheck.js on files, after
// installing its npm package (npm ci into a cache directory) unless
// node_modules is there already. Without node it skips, or fails under CI.
func kqlcheck(t *testing.T) func(files ...string) ([]byte, error) {
	t.Helper()
	node, err := exec.LookPath("node")
	npm, err2 := exec.LookPath("npm")
	if err != nil || err2 != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node and npm are needed in CI to check the KQL files (.ci/run installs them)")
		}
		t.Skip("node or npm not installed")
	}
	dir, err := filepath.Abs("kqlcheck")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@kusto", "language-service-next")); err != nil {
		dir = installKqlcheck(t, npm, dir)
	}
	return func(files ...string) ([]byte, error) {
		return exec.Command(node, append([]string{filepath.Join(dir, "kqlcheck.js")}, files...)...).CombinedOutput()
	}
}

// installKqlcheck copies kqlcheck into a cache directory named by its lock
// file and runs npm ci there once.
func installKqlcheck(t *testing.T, npm, src string) string {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join(src, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	sum := sha256.Sum256(lock)
	dir := filepath.Join(cache, "arcdiag", "kqlcheck-"+hex.EncodeToString(sum[:8]))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"package.json", "package-lock.json", "kqlcheck.js"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, f), b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@kusto", "language-service-next")); errors.Is(err, os.ErrNotExist) {
		cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
		}
	}
	return dir
}

// TestKQLParses: every query in queries/ and both transforms of the rule
// parse with the Kusto language service.
func TestKQLParses(t *testing.T) {
	check := kqlcheck(t)
	files, _ := filepath.Glob("queries/*.kql")
	if len(files) < 4 {
		t.Fatalf("queries: %v, want the four queries", files)
	}
	d := load(t)
	tmp := t.TempDir()
	for i, flow := range d.tmpl.Resources[d.rule].Properties.DataFlows {
		f := filepath.Join(tmp, fmt.Sprintf("transform%d.kql", i+1))
		if err := os.WriteFile(f, []byte(flow.TransformKql), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if out, err := check(files...); err != nil {
		t.Errorf("kqlcheck: %v\n%s", err, out)
	}
}

// TestKQLCheckFindsErrors: kqlcheck fails, naming file, line and column,
// on broken queries: made up ones, and each real query with its last
// closing bracket or operand removed.
func TestKQLCheckFindsErrors(t *testing.T) {
	check := kqlcheck(t)
	tmp := t.TempDir()
	broken := map[string]string{
		"operand.kql": "ArcdiagRuns_CL\n| where Failed ==\n| take 10\n",
		"paren.kql":   "ArcdiagRuns_CL\n| summarize count() by (Verdict\n",
		"pipe.kql":    "ArcdiagRuns_CL\n| | take 1\n",
	}
	files, _ := filepath.Glob("queries/*.kql")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		// Cut the query at its last "=": the right side goes missing.
		if i := strings.LastIndex(s, "="); i > 0 {
			broken["cut-"+filepath.Base(f)] = s[:i+1] + "\n"
		}
	}
	var paths []string
	for name, text := range broken {
		f := filepath.Join(tmp, name)
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, f)
	}
	// One run for all: the language service takes a while to load.
	out, err := check(paths...)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("kqlcheck on broken queries: %v, want exit 1\n%s", err, out)
	}
	for _, f := range paths {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(f) + `:\d+:\d+: `).Match(out) {
			t.Errorf("no error reported for %s:\n%s", f, out)
		}
	}
}
