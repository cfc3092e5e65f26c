package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/arcdiag/arcdiag/index"
	"github.com/arcdiag/arcdiag/internal/logsource"
	"github.com/arcdiag/arcdiag/internal/report"
	"github.com/arcdiag/arcdiag/internal/report/msg"
	"github.com/arcdiag/arcdiag/internal/serve"
	"github.com/arcdiag/arcdiag/kb"
)

// ServeCmd serves the knowledge base and log analysis as web pages.
type ServeCmd struct {
	Addr      string   `default:"127.0.0.1:8080" help:"Address to listen on; loopback unless you give another (0.0.0.0:8080 for a team server)." placeholder:"HOST:PORT"`
	Host      []string `help:"Another name the server answers to (a team server's DNS name); repeatable. Requests for any other name get 421." placeholder:"NAME"`
	MaxUpload string   `default:"512MiB" help:"Largest upload (files and pasted text of one request); larger ones get 413." placeholder:"SIZE"`
}

// Help shows examples.
func (c *ServeCmd) Help() string {
	return `Serves search, explanations (a permanent page per entry), log analysis of
uploaded files and azcmagent logs zips, and a JSON API with the CLI's shapes.
Uploads are read in memory and dropped with the answer; nothing is written to
disk. Ctrl-C or SIGTERM stops the server.

Examples:
  arcdiag serve
  arcdiag serve --lang ja --addr 0.0.0.0:8080 --host arcdiag.contoso.example`
}

// shutdownGrace is how long requests under way get to finish after a
// signal: within main's grace time, after which the process exits anyway.
const shutdownGrace = 300 * time.Millisecond

// Run serves until the context is cancelled (Ctrl-C, SIGTERM).
func (c *ServeCmd) Run(e *env) error {
	maxUpload, err := parseSize(c.MaxUpload)
	if err != nil {
		return e.usagef(msg.ServeMaxUpload, c.MaxUpload)
	}
	k, err := e.loadKB()
	if err != nil {
		return e.reportLoadError(err)
	}
	srv, err := newServer(e, k, maxUpload, c.Host)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return usageError{fmt.Errorf("serve: %w", err)}
	}
	hs := &http.Server{Handler: srv.Handler(ln.Addr().String()), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintln(e.stdout, "arcdiag: "+e.msg(msg.ServeListening, serveURL(ln.Addr())))
	if f, ok := e.stdout.(interface{ Flush() error }); ok {
		f.Flush()
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-e.ctx.Done():
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		hs.Close()
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// newServer gives the server the CLI's own answers: analyze's pipeline,
// explain's answer (suggestions included) and explain's and search's JSON.
func newServer(e *env, k *kb.KB, maxUpload int64, hosts []string) (*serve.Server, error) {
	return serve.New(serve.Options{
		KB: k, Lang: e.language(), MaxUpload: maxUpload, Hosts: hosts,
		Analyze: func(ctx context.Context, req serve.AnalyzeRequest, w io.Writer) error {
			return analyzeForServe(ctx, k, req, w)
		},
		SearchJSON: func(w io.Writer, res *index.Result, lang kb.Lang) error {
			out := report.NewJSON(w, k, report.Options{Lang: lang})
			out.Search(res)
			return out.Flush()
		},
		Explain: func(query string) kb.Answer { return explainAnswer(k, query) },
		ExplainJSON: func(w io.Writer, query string, a kb.Answer, lang kb.Lang) error {
			out := report.NewJSON(w, k, report.Options{Lang: lang})
			out.Explain(query, a)
			return out.Flush()
		},
	})
}

// analyzeForServe runs `analyze --json` on a request: the same Run, with
// the uploads (or the pasted text, as standard input) for its paths.
func analyzeForServe(ctx context.Context, k *kb.KB, req serve.AnalyzeRequest, w io.Writer) error {
	c := &AnalyzeCmd{JSON: true, Format: "json", kb: k}
	if len(req.Uploads) > 0 {
		c.resolve = func() ([]logsource.Input, []*logsource.Problem) {
			return logsource.ResolveUploads(req.Uploads, logsource.Options{})
		}
	} else {
		c.Paths = []string{"-"}
	}
	e := &env{Globals: Globals{Lang: string(req.Lang)}, ctx: ctx, stdin: req.Stdin, stdout: w, stderr: io.Discard}
	err := c.Run(e)
	var ec exitCode
	if errors.As(err, &ec) {
		return nil // the exit status is in the JSON summary too
	}
	return err
}

func serveURL(a net.Addr) string {
	host, port, _ := net.SplitHostPort(a.String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// parseSize reads a byte count: 512MiB, 1GiB, 64KiB, or a plain number.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		shift  uint
	}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"G", 30}, {"M", 20}, {"K", 10}, {"B", 0}}
	num, shift := strings.TrimSpace(s), uint(0)
	for _, u := range units {
		if n, ok := strings.CutSuffix(num, u.suffix); ok {
			num, shift = strings.TrimSpace(n), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)>>shift {
		return 0, errors.New("not a positive size")
	}
	return n << shift, nil
}
