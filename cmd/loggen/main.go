// Command loggen writes a synthetic azcmagent.log of the requested size to
// standard output, for benchmarks:
//
//	go run ./cmd/loggen -size 1GiB -seed 1 > big.log
//
// Sizes take the suffixes KiB, MiB, GiB, TiB (powers of 1024), KB, MB, GB,
// TB (powers of 1000), or none (bytes). The same size and seed always give
// the same file.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/arcdiag/arcdiag/internal/loggen"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loggen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizeFlag := fs.String("size", "64MiB", "output size: 64MiB, 1GiB, 500MB or a number of bytes")
	seed := fs.Int64("seed", 1, "seed; the same size and seed give the same output")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: loggen [-size SIZE] [-seed N] > azcmagent.log")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "loggen: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	size, err := parseSize(*sizeFlag)
	if err != nil {
		fmt.Fprintln(stderr, "loggen:", err)
		return 2
	}
	// Write hands over 256 KiB blocks: no buffering needed.
	if err := loggen.Write(stdout, size, *seed); err != nil {
		fmt.Fprintln(stderr, "loggen:", err)
		return 1
	}
	return 0
}

var units = []struct {
	suffix string
	mult   int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
	{"b", 1},
}

// parseSize reads 64MiB, 1GiB, 1.5GB, 500kb or 1048576.
func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	if n, err := strconv.ParseInt(t, 10, 64); err == nil && n >= 0 {
		if n > 0 && mult > (1<<62)/n {
			return 0, fmt.Errorf("size %q is too large", s)
		}
		return n * mult, nil
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || f*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("bad size %q: want a number of bytes or one like 64MiB, 1GiB, 500MB", s)
	}
	return int64(f * float64(mult)), nil
}
