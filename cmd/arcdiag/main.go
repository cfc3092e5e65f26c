// Command arcdiag explains Azure Arc Connected Machine agent failures.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/arcdiag/arcdiag/internal/cli"
)

func main() {
	os.Exit(run())
}

// graceTime is how long a command has, after Ctrl-C, SIGTERM or SIGHUP, to
// stop on its own (tail flushes its pending verdict, analyze its output).
// A command blocked where no context reaches (opening a FIFO that has no
// writer, a read of a terminal) is ended after it, so that every command
// stops within a second of the signal.
const graceTime = 400 * time.Millisecond

// run is the whole program; Ctrl-C, SIGTERM and SIGHUP cancel its context.
// An interrupted command exits 128 + the signal's number (130, 143, 129),
// except tail, for which stopping is the normal end (see cli.Main).
func run() int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	go func() {
		sig, ok := <-sigs
		if !ok {
			return
		}
		cancel(cli.Interrupted{Signal: sig})
		code := cli.SignalExit(sig)
		select {
		case sig = <-sigs: // a second signal: stop now
		case <-time.After(graceTime):
		}
		fmt.Fprintf(os.Stderr, "arcdiag: stopped by %v\n", sig)
		os.Exit(code)
	}()
	return cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}
