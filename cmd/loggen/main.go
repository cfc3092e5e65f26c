// Command loggen writes a synthetic azcmagent.log of the requested size to
// standard output, for benchmarks:
//
//	go run ./cmd/loggen -size 1GiB -seed 1 > big.log
//	go run ./cmd/loggen -size 1GiB -seed 1 -profile dense > dense.log
//
// The ordinary profile is a history of runs of 5 to 50 lines, 95 % debug;
// the dense one has runs of about 40 lines, each probing IMDS several times
// (the benign 404 of a machine outside Azure), 87 % debug.
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
	profileFlag := fs.String("profile", "ordinary", "the mix of lines: ordinary or dense")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: loggen [-size SIZE] [-seed N] [-profile ordinary|dense] > azcmagent.log")
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
	size, err := loggen.ParseSize(*sizeFlag)
	if err != nil {
		fmt.Fprintln(stderr, "loggen:", err)
		return 2
	}
	profile, ok := loggen.Profiles[*profileFlag]
	if !ok {
		fmt.Fprintf(stderr, "loggen: unknown profile %q: want ordinary or dense\n", *profileFlag)
		return 2
	}
	// WriteProfile hands over 256 KiB blocks: no buffering needed.
	if err := loggen.WriteProfile(stdout, size, *seed, profile); err != nil {
		fmt.Fprintln(stderr, "loggen:", err)
		return 1
	}
	return 0
}
