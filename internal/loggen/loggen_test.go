package loggen

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
)

// logrusLine is the file form: time, level, msg, then Key=value pairs whose
// keys may contain spaces; values bare or Go-quoted, possibly empty.
var logrusLine = regexp.MustCompile(`^time="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" level=(?:debug|info|warning|error|fatal)` +
	`(?: msg=(?:"(?:[^"\\]|\\.)*"|[A-Za-z0-9\-._/@^+]+))?` +
	`(?: [A-Za-z][A-Za-z0-9 _-]*=(?:"(?:[^"\\]|\\.)*"|[A-Za-z0-9\-._/@^+]*))*$`)

func generate(t testing.TB, size, seed int64) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, size, seed); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDeterministic(t *testing.T) {
	a := generate(t, 3<<20, 42)
	b := generate(t, 3<<20, 42)
	if !bytes.Equal(a, b) {
		t.Fatal("two outputs for seed 42 differ")
	}
	if c := generate(t, 3<<20, 43); bytes.Equal(a, c) {
		t.Fatal("seeds 42 and 43 give the same output")
	}
	// A shorter output is a prefix of a longer one with the same seed.
	if s := generate(t, 1<<20, 42); !bytes.HasPrefix(a, s) {
		t.Fatal("the 1 MiB output is not a prefix of the 3 MiB one")
	}
}

func TestSize(t *testing.T) {
	maxLine := int64(getCorpus().maxLine)
	for _, size := range []int64{0, 1, 100, 4096, 100_000, 1 << 20, 5<<20 + 12345} {
		out := generate(t, size, 7)
		n := int64(len(out))
		if n > size || size-n >= maxLine {
			t.Errorf("size %d: wrote %d bytes, want at most %d and within one line (%d bytes)", size, n, size, maxLine)
		}
		if n > 0 && out[n-1] != '\n' {
			t.Errorf("size %d: output does not end with a whole line", size)
		}
	}
}

func TestLinesAreLogrus(t *testing.T) {
	out := generate(t, 8<<20, 1)
	levels := map[string]int{}
	var lines, errs int
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		lines++
		if !logrusLine.MatchString(l) {
			t.Fatalf("line %d is not in logrus form: %s", lines, l)
		}
		lv := l[strings.Index(l, "level=")+6:]
		lv = lv[:strings.IndexByte(lv, ' ')]
		levels[lv]++
		if lv == "error" {
			errs++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if levels["debug"]+levels["info"] < lines*9/10 {
		t.Errorf("debug and info lines are %d of %d, want most", levels["debug"]+levels["info"], lines)
	}
	if levels["fatal"] == 0 || levels["warning"] == 0 {
		t.Errorf("levels %v: want fatal and warning lines too", levels)
	}
	// About one line in a thousand is an error.
	if errs*3000 < lines || errs*300 > lines {
		t.Errorf("%d error lines in %d lines, want about 1 in 1000", errs, lines)
	}
}

func TestContent(t *testing.T) {
	out := string(generate(t, 16<<20, 3))
	for _, want := range []string{
		`msg="Agent Version: `, `msg="Agent Command: connect"`, `msg="Agent Command: show"`,
		`msg="Cloud provider check: Azure not detected" Error="GET http://169.254.169.254/`,
		`level=info msg="Exit Code:  AZCM00`, `level=fatal msg=`,
		`msg=Heartbeat Age=`, `Status Code=200`, `RESPONSE 4`, `msg="Successfully Onboarded Resource to Azure" VM Id=`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// Failing runs carry texts the knowledge base recognises; 16 MiB holds
	// several of them.
	known := []string{
		"x509: certificate signed by unknown authority", "AADSTS7000215", "proxyconnect tcp: ",
		"is not registered to use namespace", "himds.sock: connect: connection refused",
		"does not have authorization to perform action", ": i/o timeout", "/oauth2/devicecode",
		"x509: certificate has expired or is not yet valid", "agentconfig.json: permission denied", "AADSTS700016",
	}
	found := 0
	for _, k := range known {
		if strings.Contains(out, k) {
			found++
		}
	}
	if found < 3 {
		t.Errorf("only %d of the known failure texts appear", found)
	}
	if n := strings.Count(out, "Exit Code:  AZCM"); n < 4 || n > 16 {
		t.Errorf("%d failing runs in 16 MiB, want one every one to four MB", n)
	}
}

func TestFormatTS(t *testing.T) {
	for sec, want := range map[int64]string{
		0:          "1970-01-01T00:00:00Z",
		1925424000: "2031-01-06T00:00:00Z",
		1929398399: "2031-02-20T23:59:59Z",
		1930435199: "2031-03-04T23:59:59Z",
		1956527999: "2031-12-31T23:59:59Z",
		1961625600: "2032-02-29T00:00:00Z",
		4102444800: "2100-01-01T00:00:00Z",
	} {
		var b [20]byte
		formatTS(&b, sec)
		if string(b[:]) != want {
			t.Errorf("formatTS(%d) = %s, want %s", sec, b[:], want)
		}
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n == 0 {
		return 0, errors.New("disk full")
	}
	w.n--
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	if err := Write(&failWriter{n: 2}, 4<<20, 1); err == nil || err.Error() != "disk full" {
		t.Fatalf("Write = %v, want the writer's error", err)
	}
}

func BenchmarkWrite(b *testing.B) {
	const size = 64 << 20
	getCorpus()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(io.Discard, size, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDenseProfile checks the dense profile's mix against what it stands
// for: runs of about 40 lines, about four IMDS 404 lines and an exit status
// in each, 85 to 90 % debug lines; and that the ordinary profile's output
// did not change with its addition (Write is the ordinary profile).
func TestDenseProfile(t *testing.T) {
	var b bytes.Buffer
	if err := WriteProfile(&b, 8<<20, 1, Dense); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	lines := strings.Count(out, "\n")
	runs := strings.Count(out, `msg="Agent Version: `)
	imds := strings.Count(out, `RESPONSE 404 Not Found`)
	exits := strings.Count(out, `msg="Exiting azcmagent" ExitStatus=`)
	debug := strings.Count(out, `" level=debug `)
	if runs == 0 || lines/runs < 35 || lines/runs > 50 {
		t.Errorf("%d lines in %d runs, want about 40 a run", lines, runs)
	}
	if imds*10 < runs*35 || imds*10 > runs*50 {
		t.Errorf("%d IMDS 404 lines in %d runs, want about 4 a run", imds, runs)
	}
	if exits*10 < runs*9 {
		t.Errorf("%d exit statuses in %d runs, want one a run", exits, runs)
	}
	if debug*100 < lines*85 || debug*100 > lines*90 {
		t.Errorf("%d debug lines of %d, want 85 to 90 %%", debug, lines)
	}
	for _, l := range strings.SplitAfter(out, "\n")[:1000] {
		if l != "" && !logrusLine.MatchString(strings.TrimSuffix(l, "\n")) {
			t.Fatalf("line not in logrus form: %s", l)
		}
	}
	var ord bytes.Buffer
	if err := WriteProfile(&ord, 1<<20, 1, Ordinary); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ord.Bytes(), generate(t, 1<<20, 1)) {
		t.Error("the ordinary profile differs from Write's output")
	}
	if bytes.HasPrefix(b.Bytes(), ord.Bytes()[:4096]) {
		t.Error("the dense profile starts as the ordinary one")
	}
}
