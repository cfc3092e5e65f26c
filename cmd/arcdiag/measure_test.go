//go:build linux

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMeasureTail measures `arcdiag tail` as a user runs it: the time from
// appending a failure line to the annotated finding on tail's output (p50,
// p99), and tail's CPU use while the log is idle. It asserts nothing about
// timing (a loaded machine must not fail the suite) and runs only when asked:
//
//	ARCDIAG_MEASURE=1 go test ./cmd/arcdiag -run TestMeasureTail -v
//
// ARCDIAG_MEASURE_IDLE sets the idle period (default 60s).
func TestMeasureTail(t *testing.T) {
	if os.Getenv("ARCDIAG_MEASURE") == "" {
		t.Skip("set ARCDIAG_MEASURE=1 to measure tail latency and idle CPU")
	}
	idle := time.Minute
	if s := os.Getenv("ARCDIAG_MEASURE_IDLE"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatal(err)
		}
		idle = d
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "arcdiag")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	log := filepath.Join(dir, "azcmagent.log")
	if err := os.WriteFile(log, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "tail", "--json", log)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	seen := make(chan [2]int64, 1024) // line, arrival (ns)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var f struct {
				Type string `json:"type"`
				Line int    `json:"line"`
			}
			if json.Unmarshal(sc.Bytes(), &f) == nil && f.Type == "finding" {
				seen <- [2]int64{int64(f.Line), time.Now().UnixNano()}
			}
		}
		close(seen)
	}()
	time.Sleep(500 * time.Millisecond) // let tail reach the end of the file

	const n = 500
	w, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	sent := make([]int64, n+1)
	var lat []time.Duration
	for i := 1; i <= n; i++ {
		line := fmt.Sprintf("time=\"2031-02-03T04:05:06Z\" level=error msg=\"Failed to get HIS endpoint\" Error=\"x509: certificate signed by unknown authority\" Seq=%d\n", i)
		sent[i] = time.Now().UnixNano()
		if _, err := w.WriteString(line); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-seen:
			lat = append(lat, time.Duration(got[1]-sent[got[0]]))
		case <-time.After(5 * time.Second):
			t.Fatalf("line %d not reported within 5 s", i)
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.Close()
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	t.Logf("latency over %d appended failure lines: p50 %v, p99 %v, max %v", len(lat), pct(0.50), pct(0.99), lat[len(lat)-1])

	time.Sleep(2 * time.Second) // let the last run settle
	before := cpuTicks(t, cmd.Process.Pid)
	time.Sleep(idle)
	after := cpuTicks(t, cmd.Process.Pid)
	cpu := time.Duration(after-before) * time.Second / 100 // USER_HZ is 100 on Linux
	t.Logf("idle CPU over %v: %v (%.3f%% of one core)", idle, cpu, 100*cpu.Seconds()/idle.Seconds())
}

// cpuTicks returns a process's user+system CPU time in clock ticks.
func cpuTicks(t *testing.T, pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the parenthesised command name; utime and stime are the
	// 14th and 15th fields of the line.
	rest := string(data[strings.LastIndexByte(string(data), ')')+2:])
	f := strings.Fields(rest)
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}
