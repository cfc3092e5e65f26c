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
	size, err := loggen.ParseSize(*sizeFlag)
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
