// Command arcdiag explains Azure Arc Connected Machine agent failures.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/arcdiag/arcdiag/internal/cli"
)

func main() {
	os.Exit(run())
}

// run is the whole program; Ctrl-C and SIGTERM cancel its context, so that
// tail can flush and exit 0.
func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}
