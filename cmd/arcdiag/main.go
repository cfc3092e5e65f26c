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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
