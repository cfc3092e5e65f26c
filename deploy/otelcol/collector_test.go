package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/otelcol"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.yaml.in/yaml/v3"
)

// waitLimit bounds every wait for the collector: far above what it needs
// (a poll every 200ms), so that only a lost record makes the test fail.
const waitLimit = 2 * time.Minute

// TestOutputReachesExporterOnce runs the collector in-process with
// config.yaml's extensions and receivers, and a sink in place of its
// exporters, over arcdiag's output directory through a rotation: two past
// days' files (written here with analyze's records, appended to after a
// first read), then the real `arcdiag tail --output-dir --keep 3d`, which
// deletes them and writes today's file, and goes on writing while the
// collector is stopped and restarted. Every record must arrive exactly
// once, from the file it was written to, with its time and severity.
func TestOutputReachesExporterOnce(t *testing.T) {
	bin := buildArcdiag(t)
	lines := arcdiagRecords(t, bin)
	if len(lines) < 60 {
		t.Fatalf("only %d records from arcdiag analyze --json: the sample logs changed?", len(lines))
	}
	dir, storage := t.TempDir(), t.TempDir()
	t.Setenv("ARCDIAG_OUTPUT_DIR", dir)
	t.Setenv("ARCDIAG_OTELCOL_STORAGE", storage)
	cfg := sinkConfig(t, "config.yaml")

	today := time.Now().UTC()
	day := func(ago int) string {
		return filepath.Join(dir, "arcdiag-"+today.AddDate(0, 0, -ago).Format(time.DateOnly)+".ndjson")
	}
	var want []sent
	write := func(path string, part []string) {
		t.Helper()
		appendLines(t, path, part)
		for _, l := range part {
			want = append(want, sent{line: l, file: filepath.Base(path)})
		}
	}
	n := len(lines)
	s := &sink{}
	stop := startCollector(t, cfg, s)
	write(day(5), lines[:n/4])
	s.waitFor(t, len(want))
	write(day(5), lines[n/4:n/2]) // appended to a file already read
	write(day(4), lines[n/2:])    // the next day's file
	s.waitFor(t, len(want))

	// The real tail: --keep 3d deletes both past days, today's file is new.
	log := filepath.Join(t.TempDir(), "azcmagent.log")
	sample := read(t, filepath.Join(repoRoot(t), "testdata", "logs", "linux", "azcmagent.log"))
	half := bytes.LastIndexByte(sample[:len(sample)/2], '\n') + 1
	appendBytes(t, log, sample[:half])
	tail := exec.Command(bin, "tail", "--no-color", "--from-start", "--output-dir", dir, "--keep", "3d", log)
	var tailErr bytes.Buffer
	tail.Stderr = &tailErr
	if err := tail.Start(); err != nil {
		t.Fatal(err)
	}
	defer tail.Process.Kill()
	current := filepath.Join(dir, "arcdiag-"+today.Format(time.DateOnly)+".ndjson")
	waitUntil(t, "tail deletes the past days' files (--keep 3d)", func() bool {
		return !exists(day(5)) && !exists(day(4))
	})
	waitUntil(t, "tail writes today's file", func() bool { return len(readLines(t, current)) > 0 })
	s.waitFor(t, len(want)+1)
	stop()

	// tail goes on while the collector is down: it must resume from its
	// stored offsets, neither reading today's file again nor skipping it.
	before := len(readLines(t, current))
	appendBytes(t, log, sample[half:])
	waitUntil(t, "tail writes the second half's records", func() bool { return len(readLines(t, current)) > before })
	stop = startCollector(t, cfg, s)
	if err := tail.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := tail.Wait(); err != nil {
		t.Fatalf("arcdiag tail: %v\n%s", err, tailErr.Bytes())
	}
	// Every file tail wrote (today's, and tomorrow's if the test ran
	// across midnight UTC) holds records to deliver.
	files, err := filepath.Glob(filepath.Join(dir, "arcdiag-*.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	past := len(want)
	for _, f := range files {
		for _, l := range readLines(t, f) {
			want = append(want, sent{line: l, file: filepath.Base(f)})
		}
	}
	t.Logf("%d records in the past days' files, %d in %d file(s) tail wrote", past, len(want)-past, len(files))
	s.waitFor(t, len(want))
	// A few more polls: a record read twice would arrive now.
	time.Sleep(time.Second)
	stop()

	checkExactlyOnce(t, want, s.all())
}

// TestShippedConfigValid checks config.yaml as shipped, with its debug
// exporter, against the components of this folder's collector.
func TestShippedConfigValid(t *testing.T) {
	t.Setenv("ARCDIAG_OTELCOL_STORAGE", t.TempDir())
	col, err := otelcol.NewCollector(settings(component.BuildInfo{Command: "arcdiag-otelcol-test", Version: "test"},
		components, []string{"file:config.yaml"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := col.DryRun(context.Background()); err != nil {
		t.Fatalf("config.yaml: %v", err)
	}
}

// sent is one line arcdiag wrote and the file it wrote it to.
type sent struct{ line, file string }

// received is one log record the sink got, with the body as canonical JSON.
type received struct {
	body     string
	file     string
	time     time.Time
	severity plog.SeverityNumber
}

func checkExactlyOnce(t *testing.T, want []sent, got []received) {
	t.Helper()
	left := map[string][]received{}
	for _, r := range got {
		left[r.file+" "+r.body] = append(left[r.file+" "+r.body], r)
	}
	for _, w := range want {
		var rec map[string]any
		if err := json.Unmarshal([]byte(w.line), &rec); err != nil {
			t.Fatalf("arcdiag wrote a line that is not JSON: %v: %s", err, w.line)
		}
		key := w.file + " " + canonical(t, rec)
		rs := left[key]
		if len(rs) == 0 {
			t.Errorf("record from %s never reached the exporter: %.200s", w.file, w.line)
			continue
		}
		r := rs[0]
		left[key] = rs[1:]
		if wt := wantTime(t, rec); !r.time.Equal(wt) {
			t.Errorf("record %.120s: timestamp %v, want %v", w.line, r.time, wt)
		}
		if ws := wantSeverity(rec); r.severity != ws {
			t.Errorf("record %.120s: severity %v, want %v", w.line, r.severity, ws)
		}
	}
	for _, rs := range left {
		for _, r := range rs {
			t.Errorf("record reached the exporter once too often (or was never written), from %s: %.200s", r.file, r.body)
		}
	}
	if len(got) != len(want) {
		t.Errorf("exporter got %d records, arcdiag wrote %d", len(got), len(want))
	}
}

// wantTime is the record's own time: a finding's line time, else a run's or
// a service stretch's start; none (zero) for a summary.
func wantTime(t *testing.T, rec map[string]any) time.Time {
	t.Helper()
	for _, k := range []string{"time", "start"} {
		if s, ok := rec[k].(string); ok {
			tm, err := time.Parse(time.RFC3339, s)
			if err != nil {
				t.Fatalf("record's %s %q: %v", k, s, err)
			}
			return tm
		}
	}
	return time.Unix(0, 0)
}

// wantSeverity is written out here, not read from config.yaml, so that a
// wrong mapping there fails.
func wantSeverity(rec map[string]any) plog.SeverityNumber {
	if level, ok := rec["level"].(string); ok {
		return map[string]plog.SeverityNumber{
			"": plog.SeverityNumberUnspecified, "trace": plog.SeverityNumberTrace, "debug": plog.SeverityNumberDebug,
			"info": plog.SeverityNumberInfo, "warning": plog.SeverityNumberWarn, "error": plog.SeverityNumberError,
			"fatal": plog.SeverityNumberFatal, "panic": plog.SeverityNumberFatal2,
		}[level]
	}
	switch rec["type"] {
	case "incident":
		return plog.SeverityNumberError
	case "warning":
		return plog.SeverityNumberWarn
	case "run":
		if rec["failed"] == true {
			return plog.SeverityNumberError
		}
	}
	return plog.SeverityNumberInfo
}

func canonical(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v) // map keys sorted, numbers as doubles on both sides
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// arcdiagRecords are the NDJSON lines arcdiag writes for sample logs that
// give every record type and level: findings with and without a level,
// runs failed and not, service incidents, ordinary records (--all), and
// summaries.
func arcdiagRecords(t *testing.T, bin string) []string {
	t.Helper()
	root := repoRoot(t)
	var lines []string
	for _, args := range [][]string{
		{"testdata/logs/bundles/azcmagent-20310210T091500-CONTOSO-FS01.zip"},
		{"testdata/logs/guestconfig/gc_ext.log"},
		{"testdata/logs/console/install-linux.txt"},
		{"--all", "testdata/logs/console/connect-ansi.txt"},
	} {
		cmd := exec.Command(bin, append([]string{"analyze", "--json"}, args...)...)
		cmd.Dir = root
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		// 1 is "failures found", what these logs hold.
		if ee := (*exec.ExitError)(nil); err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
			t.Fatalf("arcdiag analyze --json %v: %v\n%s", args, err, stderr.Bytes())
		}
		for l := range strings.SplitSeq(strings.TrimSuffix(string(out), "\n"), "\n") {
			lines = append(lines, l)
		}
	}
	return lines
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// buildArcdiag builds arcdiag from this checkout.
func buildArcdiag(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "arcdiag")
	build := exec.Command(goCommand(t), "build", "-o", bin, "./cmd/arcdiag")
	build.Dir = repoRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/arcdiag: %v\n%s", err, out)
	}
	return bin
}

func goCommand(t *testing.T) string {
	t.Helper()
	if gobin := os.Getenv("GO"); gobin != "" {
		return gobin
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func appendBytes(t *testing.T, path string, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// readLines returns the whole lines of an NDJSON file (none if it does not
// exist yet); a line still being written is left for later.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	whole := data[:bytes.LastIndexByte(data, '\n')+1]
	if len(whole) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(whole), "\n"), "\n")
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(waitLimit); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after %v: %s", waitLimit, what)
		}
	}
}

// appendLines appends whole lines, as arcdiag does.
func appendLines(t *testing.T, path string, lines []string) {
	t.Helper()
	appendBytes(t, path, []byte(strings.Join(lines, "\n")+"\n"))
}

// sinkConfig is config.yaml with its exporters replaced by the test's sink
// and the collector's own telemetry quiet; its extensions, receivers (with
// their operators) and processors are kept as they are.
func sinkConfig(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	service, _ := cfg["service"].(map[string]any)
	pipelines, _ := service["pipelines"].(map[string]any)
	logs, _ := pipelines["logs"].(map[string]any)
	if logs == nil {
		t.Fatalf("%s has no logs pipeline", path)
	}
	cfg["exporters"] = map[string]any{"arcdiag_sink": nil}
	logs["exporters"] = []string{"arcdiag_sink"}
	service["telemetry"] = map[string]any{"metrics": map[string]any{"level": "none"}, "logs": map[string]any{"level": "warn"}}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	test := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(test, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return test
}

// startCollector runs a collector until the returned stop is called.
func startCollector(t *testing.T, cfg string, s *sink) (stop func()) {
	t.Helper()
	set := settings(component.BuildInfo{Command: "arcdiag-otelcol-test", Version: "test"},
		func() (otelcol.Factories, error) { return componentsWith(s.factory()) }, []string{"file:" + cfg})
	set.DisableGracefulShutdown = true
	set.SkipSettingGRPCLogger = true
	col, err := otelcol.NewCollector(set)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- col.Run(context.Background()) }()
	for deadline := time.Now().Add(waitLimit); col.GetState() != otelcol.StateRunning; {
		select {
		case err := <-done:
			t.Fatalf("collector stopped while starting: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("collector not running after %v (state %v)", waitLimit, col.GetState())
		}
	}
	return func() {
		t.Helper()
		col.Shutdown()
		if err := <-done; err != nil {
			t.Fatalf("collector: %v", err)
		}
	}
}

// sink is the test's exporter: it keeps every log record it is given.
type sink struct {
	mu      sync.Mutex
	records []received
}

type sinkSettings struct{}

func (s *sink) factory() exporter.Factory {
	return exporter.NewFactory(component.MustNewType("arcdiag_sink"),
		func() component.Config { return &sinkSettings{} },
		exporter.WithLogs(func(context.Context, exporter.Settings, component.Config) (exporter.Logs, error) {
			return s, nil
		}, component.StabilityLevelDevelopment))
}

func (s *sink) Start(context.Context, component.Host) error { return nil }
func (s *sink) Shutdown(context.Context) error              { return nil }
func (s *sink) Capabilities() consumer.Capabilities         { return consumer.Capabilities{} }

func (s *sink) ConsumeLogs(_ context.Context, ld plog.Logs) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rl := range ld.ResourceLogs().All() {
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				body, err := json.Marshal(lr.Body().AsRaw())
				if err != nil {
					return err
				}
				file, _ := lr.Attributes().Get("log.file.name")
				s.records = append(s.records, received{body: string(body), file: file.AsString(),
					time: lr.Timestamp().AsTime(), severity: lr.SeverityNumber()})
			}
		}
	}
	return nil
}

func (s *sink) all() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.records...)
}

func (s *sink) waitFor(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for len(s.all()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("exporter has %d records after %v, want %d", len(s.all()), waitLimit, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
