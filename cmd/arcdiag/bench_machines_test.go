package main

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// fleetTemplate is one machine's logs as `azcmagent logs` zips them, taken
// from the sample logs; name is the machine's name in them, replaced by
// each copy's own.
type fleetTemplate struct {
	name    string
	entries [][2]string // entry name in the zip, sample file
}

var fleetTemplates = []fleetTemplate{
	{"arc-web-01", [][2]string{
		{"var/opt/azcmagent/log/azcmagent.log", "linux/azcmagent.log"},
		{"var/opt/azcmagent/log/himds.log", "linux/himds.log"},
		{"var/lib/GuestConfig/ext_mgr_logs/gc_ext.log", "guestconfig/gc_ext-linux.log"},
	}},
	{"CONTOSO-FS01", [][2]string{
		{`ProgramData\AzureConnectedMachineAgent\Log\azcmagent.log`, "windows/azcmagent.log"},
		{`ProgramData\AzureConnectedMachineAgent\Log\himds.log`, "windows/himds.log"},
		{`ProgramData\GuestConfig\ext_mgr_logs\gc_ext.log`, "guestconfig/gc_ext.log"},
	}},
	{"arc-app-02", [][2]string{
		{"var/opt/azcmagent/log/azcmagent.log.2.gz", "linux/rotated/azcmagent.log.2.gz"},
		{"var/opt/azcmagent/log/azcmagent.log.1", "linux/rotated/azcmagent.log.1"},
		{"var/opt/azcmagent/log/azcmagent.log", "linux/rotated/azcmagent.log"},
	}},
}

// writeFleet writes n zips named as `azcmagent logs` names them, each a
// copy of one template's logs with its own machine name, into dir.
func writeFleet(tb testing.TB, dir string, n int) {
	tb.Helper()
	samples := filepath.Join("..", "..", "testdata", "logs")
	for i := range n {
		tpl := fleetTemplates[i%len(fleetTemplates)]
		name := fmt.Sprintf("arc-%05d", i)
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, e := range tpl.entries {
			data, err := os.ReadFile(filepath.Join(samples, e[1]))
			if err != nil {
				tb.Fatal(err)
			}
			if filepath.Ext(e[1]) != ".gz" {
				data = bytes.ReplaceAll(data, []byte(tpl.name), []byte(name))
			}
			w, err := zw.CreateHeader(&zip.FileHeader{Name: e[0], Method: zip.Deflate, Modified: time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)})
			if err != nil {
				tb.Fatal(err)
			}
			w.Write(data)
		}
		if err := zw.Close(); err != nil {
			tb.Fatal(err)
		}
		zp := filepath.Join(dir, fmt.Sprintf("azcmagent-20310203T%06d-%s.zip", i%240000, name))
		if err := os.WriteFile(zp, buf.Bytes(), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkAnalyzeByMachineProcess measures `arcdiag analyze --by machine
// DIR` as a whole process over a folder of `azcmagent logs` zips built from
// the sample logs (1,000 by default; ARCDIAG_BENCH_ZIPS sets another
// number). It reports zips analyzed per second, the CPU time a zip takes,
// and the process's peak resident memory, which must not grow with the
// number of zips (compare ARCDIAG_BENCH_ZIPS=100 and 1000). Run it under
// `taskset -c 0` for one core's figure; see the README's Fleet section.
func BenchmarkAnalyzeByMachineProcess(b *testing.B) {
	n := 1000
	if s := os.Getenv("ARCDIAG_BENCH_ZIPS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= 0 {
			b.Fatalf("ARCDIAG_BENCH_ZIPS=%q: want a number of zips", s)
		}
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "arcdiag")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	fleet := filepath.Join(dir, "fleet")
	if err := os.Mkdir(fleet, 0o755); err != nil {
		b.Fatal(err)
	}
	writeFleet(b, fleet, n)
	var peak int64
	var cpu time.Duration
	var out bytes.Buffer
	for b.Loop() {
		out.Reset()
		cmd := exec.Command(bin, "analyze", "--by", "machine", fleet)
		cmd.Stdout = &out
		cmd.Stderr = io.Discard
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
			b.Fatalf("analyze --by machine: %v", err)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss<<10) // Linux reports KiB
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	// One row per machine, the header and the verdict counts.
	if rows := bytes.Count(out.Bytes(), []byte("\narc-")); rows != n {
		b.Fatalf("%d machine rows, want %d", rows, n)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "zips/s")
	// CPU time per zip does not depend on how busy the machine is; zips/s
	// divided by the cores' zips/s of CPU time is the use of the cores.
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(n*b.N), "cpu-ms/zip")
	b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
}
