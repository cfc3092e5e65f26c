package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/arcdiag/arcdiag/internal/loggen"
)

// BenchmarkExplainProcess measures `arcdiag explain AZCM0041` as a whole
// process: exec, knowledge-base load, lookup, output. The target is 20 ms or
// less on the 2-core reference machine; see the README's performance section.
func BenchmarkExplainProcess(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "arcdiag")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	for _, bc := range []struct {
		name string
		args []string
	}{
		{"code", []string{"explain", "AZCM0041"}},
		{"logline", []string{"explain", `time="2031-02-03T04:05:06Z" level=fatal msg="Invalid client secret is provided"`}},
	} {
		args := bc.args
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
					b.Fatalf("%v: %v\n%s", args, err, out)
				}
			}
		})
	}
}

// BenchmarkSearchProcess measures `arcdiag search` as a whole process: exec,
// knowledge-base load, index build (the English text only, for an English
// query shown in English), query, output. The target for `search proxy` is
// 60 ms or less on the 2-core reference machine; see the README's
// performance section. index.BenchmarkBuild and index.BenchmarkQuery split
// the cost.
func BenchmarkSearchProcess(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "arcdiag")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	// The locale picks the languages indexed: pin it, and keep a user's
	// --kb-dir out.
	env := append(os.Environ(), "LC_ALL=C.UTF-8", "ARCDIAG_KB_DIR=")
	for _, bc := range []struct {
		name string
		args []string
	}{
		{"word", []string{"search", "proxy"}},
		{"typo", []string{"search", "certficate"}},
		{"japanese", []string{"--lang", "ja", "search", "プロキシ", "経由"}},
	} {
		args := bc.args
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command(bin, args...)
				cmd.Env = env
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %v\n%s", args, err, out)
				}
			}
		})
	}
}

// BenchmarkAnalyzeProcess measures `arcdiag analyze --json big.log >
// /dev/null` as a whole process on generated logs (internal/loggen) of both
// profiles: the ordinary one (mostly debug and info lines, failing runs
// every few MB) and the dense one (short runs, several IMDS probes and an
// exit status in each, 88 % debug). Each iteration also runs GNU grep
// counting the error lines of the same file, `grep -c -E
// 'level=(error|fatal)|AZCM'`, and the benchmark reports arcdiag's wall
// time over grep's (grep-ratio: 1 or less is as fast as grep), the same
// for their CPU time (grep-cpu-ratio: on a machine shared with other work,
// grep's wall time stretches with the load and grep-ratio flatters),
// throughput (MB/s) and the process's peak resident memory. cores=1 runs both under
// `taskset -c 0`. The size defaults to 1 GiB, the size issue 12's targets
// are stated for (ARCDIAG_BENCH_SIZE sets another): grep-ratio at most 1
// on both profiles (at most 2 on one core), 64 MiB peak RSS or less. On
// smaller logs arcdiag's fixed costs weigh more (about 45 ms: its start,
// the first lines matched before the fact caches know them, the search
// index opened for the closest entries): 256 MiB gives a grep-ratio of
// 1.2 to 1.4.
func BenchmarkAnalyzeProcess(b *testing.B) {
	size := int64(1 << 30)
	if s := os.Getenv("ARCDIAG_BENCH_SIZE"); s != "" {
		n, err := loggen.ParseSize(s)
		if err != nil {
			b.Fatal(err)
		}
		size = n
	}
	grep, err := exec.LookPath("grep")
	if err != nil {
		b.Skip("no grep to compare with")
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "arcdiag")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	taskset, _ := exec.LookPath("taskset")
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devNull.Close()
	for _, profile := range []string{"ordinary", "dense"} {
		log := filepath.Join(dir, profile+".log")
		f, err := os.Create(log)
		if err != nil {
			b.Fatal(err)
		}
		if err := loggen.WriteProfile(f, size, 1, loggen.Profiles[profile]); err != nil {
			b.Fatal(err)
		}
		// Written to disk before the timing: the system writing a GiB
		// back in the background slowed the runs it overlapped.
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		st, err := os.Stat(log)
		if err != nil {
			b.Fatal(err)
		}
		for _, cores := range []string{"all", "1"} {
			if cores == "1" && taskset == "" {
				continue
			}
			b.Run("profile="+profile+"/cores="+cores, func(b *testing.B) {
				command := func(name string, args ...string) *exec.Cmd {
					if cores == "1" {
						return exec.Command(taskset, append([]string{"-c", "0", name}, args...)...)
					}
					return exec.Command(name, args...)
				}
				b.SetBytes(st.Size())
				var peak int64
				var own, theirs, ownCPU, theirCPU time.Duration
				// ratios holds each iteration's wall-time ratio: arcdiag's
				// run against the grep run right after it.
				var ratios []float64
				for b.Loop() {
					start := time.Now()
					cmd := command(bin, "analyze", "--json", log)
					// Straight into /dev/null, as the README's command: into
					// io.Discard, the output (over 200 MB for a GiB of the
					// ordinary profile) went through a pipe this process
					// read, on the same two cores, and took a third more.
					cmd.Stdout = devNull
					err := cmd.Run()
					ownWall := time.Since(start)
					own += ownWall
					ownCPU += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
					var exit *exec.ExitError
					if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
						b.Fatalf("analyze: %v", err)
					}
					if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
						peak = max(peak, ru.Maxrss<<10) // Linux reports KiB
					}
					b.StopTimer()
					start = time.Now()
					// Into a pipe, not /dev/null: GNU grep stops at the first
					// match when its output is /dev/null.
					g := command(grep, "-c", "-E", "level=(error|fatal)|AZCM", log)
					if out, err := g.Output(); err != nil || len(out) == 0 {
						b.Fatalf("grep: %v %q", err, out)
					}
					theirWall := time.Since(start)
					theirs += theirWall
					ratios = append(ratios, ownWall.Seconds()/theirWall.Seconds())
					theirCPU += g.ProcessState.UserTime() + g.ProcessState.SystemTime()
					b.StartTimer()
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
				// The median of the iterations' ratios, and the worst: in
				// this shared VM's busy spells single runs of arcdiag take
				// up to a third longer while grep's barely change, and a
				// ratio of the sums moves with however many iterations fell
				// in one; the sums' ratio is kept for comparison.
				slices.Sort(ratios)
				b.ReportMetric(ratios[len(ratios)/2], "grep-ratio")
				b.ReportMetric(ratios[len(ratios)-1], "grep-ratio-worst")
				b.ReportMetric(own.Seconds()/theirs.Seconds(), "grep-ratio-sums")
				// The CPU time (user and system) of both, whose ratio the
				// other processes of a shared machine change less than the
				// wall times'.
				b.ReportMetric(ownCPU.Seconds()/theirCPU.Seconds(), "grep-cpu-ratio")
			})
		}
	}
}
