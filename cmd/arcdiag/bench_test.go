package main

import (
	"os/exec"
	"path/filepath"
	"testing"
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
