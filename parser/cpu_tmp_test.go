package parser

import (
	"bytes"
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestTmpScanCPU(t *testing.T) {
	data := benchLog()
	best := map[bool]time.Duration{}
	for round := 0; round < 10; round++ {
		for _, general := range []bool{true, false} {
			start := cpuNow()
			for range 3 {
				s := NewScanner(bytes.NewReader(data), "a", Options{})
				s.cls.general = general
				for s.Scan() {
				}
			}
			d := (cpuNow() - start) / 3
			if best[general] == 0 || d < best[general] {
				best[general] = d
			}
		}
	}
	mb := float64(len(data)) / 1e6
	t.Logf("general: %v (%.0f MB/s)  fast: %v (%.0f MB/s)", best[true], mb/best[true].Seconds(), best[false], mb/best[false].Seconds())
}
