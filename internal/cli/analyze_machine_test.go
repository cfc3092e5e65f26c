package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestMachineUnits(t *testing.T) {
	share := t.TempDir()
	write := func(rel, data string) {
		p := filepath.Join(share, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("azcmagent-20310203T040506-web-01.zip", "PK")
	write("old/azcmagent-20310101T000000-web-02.zip", "PK")
	write("m1/var/opt/azcmagent/log/azcmagent.log", "x\n")
	write("m1/var/opt/azcmagent/log/himds.log", "x\n")
	write("m2/azcmagent.log", "x\n")
	write("azcmagent.log", "x\n")
	write("notes/readme.txt", "not a log\n")
	units, problems := machineUnits([]string{share})
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	var got []string
	for _, u := range units {
		rel, _ := filepath.Rel(share, u.source)
		got = append(got, filepath.ToSlash(rel)+"="+u.label)
	}
	want := ". azcmagent-20310203T040506-web-01.zip=web-01 m1=m1 m2=m2 old/azcmagent-20310101T000000-web-02.zip=web-02"
	want = strings.Replace(want, ". ", ".="+filepath.Base(share)+" ", 1)
	if s := strings.Join(got, " "); s != want {
		t.Errorf("units:\n got %s\nwant %s", s, want)
	}
	for _, u := range units {
		if u.source == share && (!u.opts.Shallow || !u.opts.SkipZips) {
			t.Errorf("the folder given is read without its subfolders and zips: %+v", u.opts)
		}
	}
}

// TestAnalyzeMachinesOrderAndBound runs units that finish out of order:
// results come in the units' order, and no more than 2×workers are held.
func TestAnalyzeMachinesOrderAndBound(t *testing.T) {
	const workers, n = 3, 40
	units := make([]machineUnit, n)
	for i := range units {
		units[i].source = string(rune('A' + i))
	}
	var held, most atomic.Int64
	var got []string
	analyzeMachines(units, workers, func(u machineUnit) machineResult {
		h := held.Add(1)
		for m := most.Load(); h > m && !most.CompareAndSwap(m, h); m = most.Load() {
		}
		// Early units are slow: later ones finish first and must wait.
		time.Sleep(time.Duration(n-int(u.source[0]-'A')) * 100 * time.Microsecond)
		return machineResult{out: []byte(u.source)}
	}, func(r machineResult) {
		got = append(got, string(r.out))
		held.Add(-1)
	})
	var want []string
	for _, u := range units {
		want = append(want, u.source)
	}
	if strings.Join(got, "") != strings.Join(want, "") {
		t.Errorf("emitted %v, want the units' order", got)
	}
	if m := most.Load(); m > 2*workers {
		t.Errorf("%d results held at once, more than 2×%d", m, workers)
	}
}

// TestAnalyzeByMachine reads two zips of one machine taken on different
// days (the same runs in both) and another machine's zip: two rows, the
// shared runs counted once, the names from the logs. arc-web-01's last run
// went well but incidents that did not recover came after it: it is
// failing, and analyze exits 1 as it does on that zip alone.
func TestAnalyzeByMachine(t *testing.T) {
	share := t.TempDir()
	bundles := filepath.Join("..", "..", "testdata", "logs", "bundles")
	copyFile := func(from, to string) {
		data, err := os.ReadFile(filepath.Join(bundles, from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(share, to), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("azcmagent-20310203T040506-arc-web-01.zip", "azcmagent-20310203T040506-arc-web-01.zip")
	copyFile("azcmagent-20310203T040506-arc-web-01.zip", "azcmagent-20310301T000000-arc-web-01.zip")
	// Renamed: the machine's name comes from its logs, not the zip's name.
	copyFile("azcmagent-20310210T091500-CONTOSO-FS01.zip", "ticket-4711.zip")
	var stdout, stderr bytes.Buffer
	code := Main(t.Context(), []string{"analyze", "--by", "machine", share}, strings.NewReader(""), &stdout, &stderr)
	out := stdout.String()
	if code != ExitFailures || stderr.Len() > 0 {
		t.Fatalf("exit %d, stderr %s\n%s", code, stderr.String(), out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 3 || !strings.HasPrefix(lines[1], "arc-web-01 ") || !strings.HasPrefix(lines[2], "CONTOSO-FS01 ") {
		t.Fatalf("rows:\n%s", out)
	}
	// linux/azcmagent.log has 7 runs, 3 of them failed (testdata/logs/README.md).
	if f := strings.Fields(lines[1]); !strings.Contains(lines[1], " 3/7 ") {
		t.Errorf("arc-web-01 row %q: want 3/7 failed runs, each counted once", f)
	}
	if f := strings.Fields(lines[1]); !strings.Contains(lines[1], " endpoints-unreachable ") || f[len(f)-1] != "2" {
		t.Errorf("arc-web-01 row %q: want the verdict of its latest incident, 2 incidents each counted once", f)
	}
	if !strings.Contains(out, "endpoints-unreachable: 1 machine(s)") || !strings.Contains(out, "ok: 1 machine(s)") {
		t.Errorf("no count of machines per verdict:\n%s", out)
	}
}
