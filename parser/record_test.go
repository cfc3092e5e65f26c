package parser

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLevel(t *testing.T) {
	for l := LevelNone; l <= LevelPanic; l++ {
		got, ok := ParseLevel(strings.ToUpper(l.String()))
		if l == LevelNone {
			if ok || got != LevelNone {
				t.Errorf("ParseLevel(%q) = %v, %v; want LevelNone, false", "", got, ok)
			}
			continue
		}
		if !ok || got != l {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v, true", strings.ToUpper(l.String()), got, ok, l)
		}
	}
	tests := []struct {
		in   string
		want Level
		ok   bool
	}{
		{"warn", LevelWarning, true},
		{"Warning", LevelWarning, true},
		{"WARN", LevelWarning, true},
		{"err", LevelError, true},
		{"ERRO", LevelError, true},
		{"error", LevelError, true},
		{"dbg", LevelDebug, true},
		{"DEBU", LevelDebug, true},
		{"Information", LevelInfo, true},
		{"fata", LevelFatal, true},
		{"trace", LevelTrace, true},
		{"PANIC", LevelPanic, true},
		{"", LevelNone, false},
		{"none", LevelNone, false},
		{"errors", LevelNone, false},
		{"a very long level name indeed", LevelNone, false},
	}
	for _, tt := range tests {
		got, ok := ParseLevel(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if got := LevelWarning.String(); got != "warning" {
		t.Errorf("LevelWarning.String() = %q, want warning", got)
	}
	if got := Level(42).String(); got != "Level(42)" {
		t.Errorf("Level(42).String() = %q", got)
	}
}

func TestFormatString(t *testing.T) {
	got := []string{FormatPlain.String(), FormatLogrus.String(), FormatTerminal.String(),
		FormatCode.String(), FormatGuestConfig.String(), FormatJSON.String(), FormatMSI.String(),
		FormatGPO.String(), FormatScript.String(), FormatStamped.String(), Format(99).String()}
	want := []string{"plain", "logrus", "terminal", "code", "guestconfig", "json", "msi", "gpo", "script", "timestamped", "Format(99)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Format names (-want +got):\n%s", diff)
	}
}

// parsed is what a test expects of one record.
type parsed struct {
	Format  Format
	Level   Level
	Time    time.Time
	Elapsed int
	Message string
	Fields  []Field
	Text    string
}

func parsedOf(r *Record) parsed {
	return parsed{r.Format, r.Level, r.Time, r.Elapsed, r.Message(), r.Fields(), r.Text()}
}

var (
	utc   = func(s string) time.Time { t, _ := time.Parse(time.RFC3339Nano, s); return t }
	jst   = time.FixedZone("", 9*3600)
	guid0 = "00000000-0000-0000-0000-000000000000"
)

// sampleTests holds every synthetic line of log-formats.md §8 and the
// record each must give.
var sampleTests = []struct {
	line string
	want parsed
}{
	// Plain form, Linux file, UTC.
	{
		`time="2031-02-03T04:05:06Z" level=debug msg="Example: resolving regional endpoint" Endpoint="https://contoso.example/healthcheck"`,
		parsed{FormatLogrus, LevelDebug, utc("2031-02-03T04:05:06Z"), -1,
			"Example: resolving regional endpoint",
			[]Field{{"Endpoint", "https://contoso.example/healthcheck"}},
			"Example: resolving regional endpoint Endpoint=https://contoso.example/healthcheck"},
	},
	{
		`time="2031-02-03T04:05:09Z" level=error msg="Example request failed" Error="GET https://contoso.example/api\nRESPONSE 503 Service Unavailable\n{\"error\":{\"code\":\"ExampleCode\"}}" Status Code=503`,
		parsed{FormatLogrus, LevelError, utc("2031-02-03T04:05:09Z"), -1,
			"Example request failed",
			[]Field{{"Error", "GET https://contoso.example/api\nRESPONSE 503 Service Unavailable\n{\"error\":{\"code\":\"ExampleCode\"}}"}, {"Status Code", "503"}},
			"Example request failed Error=GET https://contoso.example/api\nRESPONSE 503 Service Unavailable\n{\"error\":{\"code\":\"ExampleCode\"}} Status Code=503"},
	},
	{
		`time="2031-02-03T04:05:09Z" level=warning msg=ExampleSingleToken Request Id=00000000-0000-0000-0000-000000000001`,
		parsed{FormatLogrus, LevelWarning, utc("2031-02-03T04:05:09Z"), -1,
			"ExampleSingleToken",
			[]Field{{"Request Id", "00000000-0000-0000-0000-000000000001"}},
			"ExampleSingleToken Request Id=00000000-0000-0000-0000-000000000001"},
	},
	{
		`time="2031-02-03T04:05:10Z" level=debug msg="Example field left empty" Detail=`,
		parsed{FormatLogrus, LevelDebug, utc("2031-02-03T04:05:10Z"), -1,
			"Example field left empty", []Field{{"Detail", ""}}, "Example field left empty Detail="},
	},
	{
		`time="2031-02-03T04:05:10Z" level=fatal msg="Example fatal condition"`,
		parsed{FormatLogrus, LevelFatal, utc("2031-02-03T04:05:10Z"), -1,
			"Example fatal condition", nil, "Example fatal condition"},
	},
	// Plain form, Windows, local offset, escaped path.
	{
		`time="2031-02-03T13:05:06+09:00" level=error msg="Example file read failed" Error="open C:\\ProgramData\\Contoso\\example.json: Access is denied." Path="C:\\ProgramData\\Contoso"`,
		parsed{FormatLogrus, LevelError, time.Date(2031, 2, 3, 13, 5, 6, 0, jst), -1,
			"Example file read failed",
			[]Field{{"Error", `open C:\ProgramData\Contoso\example.json: Access is denied.`}, {"Path", `C:\ProgramData\Contoso`}},
			`Example file read failed Error=open C:\ProgramData\Contoso\example.json: Access is denied. Path=C:\ProgramData\Contoso`},
	},
	{
		`time="2031-02-03T13:05:07+09:00" level=info msg="Exit Code:  AZCM0044: Resource Already Exists"`,
		parsed{FormatLogrus, LevelInfo, time.Date(2031, 2, 3, 13, 5, 7, 0, jst), -1,
			"Exit Code:  AZCM0044: Resource Already Exists", nil, "Exit Code:  AZCM0044: Resource Already Exists"},
	},
	// Terminal form.
	{
		`DEBUG[0003] Example: contacting contoso.example`,
		parsed{FormatTerminal, LevelDebug, time.Time{}, 3,
			"Example: contacting contoso.example", nil, "Example: contacting contoso.example"},
	},
	{
		`WARNING[0005] Example clock offset noticed                  Offset=130s`,
		parsed{FormatTerminal, LevelWarning, time.Time{}, 5,
			"Example clock offset noticed", []Field{{"Offset", "130s"}}, "Example clock offset noticed Offset=130s"},
	},
	{
		`ERROR[0007] Example request failed                        Error="dial tcp 192.0.2.10:443: i/o timeout"`,
		parsed{FormatTerminal, LevelError, time.Time{}, 7,
			"Example request failed", []Field{{"Error", "dial tcp 192.0.2.10:443: i/o timeout"}},
			"Example request failed Error=dial tcp 192.0.2.10:443: i/o timeout"},
	},
	{
		`INFO[0007] Exit Code:  AZCM0044: Resource Already Exists`,
		parsed{FormatTerminal, LevelInfo, time.Time{}, 7,
			"Exit Code:  AZCM0044: Resource Already Exists", nil, "Exit Code:  AZCM0044: Resource Already Exists"},
	},
	{
		`FATAL[0007] Example request failed`,
		parsed{FormatTerminal, LevelFatal, time.Time{}, 7, "Example request failed", nil, "Example request failed"},
	},
	// Wrapper that keeps only the status.
	{
		`example-wrapper: azcmagent exited, exitcode: 67`,
		parsed{FormatPlain, LevelNone, time.Time{}, -1,
			"example-wrapper: azcmagent exited, exitcode: 67", nil, "example-wrapper: azcmagent exited, exitcode: 67"},
	},
	// GuestConfig form.
	{
		`<GCLOG>[2031-02-03 13:05:06.789] [PID 4321] [TID 8765] [EXAMPLE COMPONENT] [INFO] [00000000-0000-0000-0000-000000000000] Example extension operation queued</GCLOG>`,
		parsed{FormatGuestConfig, LevelInfo, time.Date(2031, 2, 3, 13, 5, 6, 789e6, time.UTC), -1,
			"Example extension operation queued",
			[]Field{{"PID", "4321"}, {"TID", "8765"}, {"Component", "EXAMPLE COMPONENT"}, {"GUID", guid0}},
			"Example extension operation queued PID=4321 TID=8765 Component=EXAMPLE COMPONENT GUID=" + guid0},
	},
	{
		`<GCLOG>[2031-02-03 13:05:07.012] [PID 4321] [TID 8766] [EXAMPLE COMPONENT] [ERROR] [00000000-0000-0000-0000-000000000002] Example package download from contoso.example failed [system:10060]</GCLOG>`,
		parsed{FormatGuestConfig, LevelError, time.Date(2031, 2, 3, 13, 5, 7, 12e6, time.UTC), -1,
			"Example package download from contoso.example failed [system:10060]",
			[]Field{{"PID", "4321"}, {"TID", "8766"}, {"Component", "EXAMPLE COMPONENT"}, {"GUID", "00000000-0000-0000-0000-000000000002"}},
			"Example package download from contoso.example failed [system:10060] PID=4321 TID=8766 Component=EXAMPLE COMPONENT GUID=00000000-0000-0000-0000-000000000002"},
	},
	// Code lines (§4).
	{
		`Exit Code:  AZCM0044: Resource Already Exists`,
		parsed{FormatCode, LevelNone, time.Time{}, -1,
			"Exit Code:  AZCM0044: Resource Already Exists", nil, "Exit Code:  AZCM0044: Resource Already Exists"},
	},
	{
		`AZCM0026: Network Error`,
		parsed{FormatCode, LevelNone, time.Time{}, -1, "AZCM0026: Network Error", nil, "AZCM0026: Network Error"},
	},
}

// TestParseLineSamples checks every synthetic line of log-formats.md §8.
func TestParseLineSamples(t *testing.T) {
	for _, tt := range sampleTests {
		t.Run(tt.line[:min(len(tt.line), 40)], func(t *testing.T) {
			r := ParseLine([]byte(tt.line))
			if diff := cmp.Diff(tt.want, parsedOf(&r)); diff != "" {
				t.Errorf("ParseLine(%q) (-want +got):\n%s", tt.line, diff)
			}
		})
	}
}

// TestParseLineForms covers the detection rules beyond the samples.
func TestParseLineForms(t *testing.T) {
	tests := []struct {
		name, line string
		format     Format
		level      Level
		elapsed    int
	}{
		{"logrus without time", `level=info msg="no clock"`, FormatLogrus, LevelInfo, -1},
		{"logrus unknown level", `time="2031-02-03T04:05:06Z" level=verbose msg=x`, FormatLogrus, LevelNone, -1},
		{"logrus time only", `time="2031-02-03T04:05:06Z"`, FormatLogrus, LevelNone, -1},
		{"logrus warn spelling", `time="2031-02-03T04:05:06Z" level=warn msg=x`, FormatLogrus, LevelWarning, -1},
		{"level= prose", `level=high water`, FormatPlain, LevelNone, -1},
		{"time= prose", `time="is up`, FormatPlain, LevelNone, -1},
		{"time glued to text", `time="2031-02-03T04:05:06Z"level=info`, FormatPlain, LevelNone, -1},
		{"terminal long elapsed", `INFO[123456] still running`, FormatTerminal, LevelInfo, 123456},
		{"terminal four letters", `ERRO[0001] failed`, FormatTerminal, LevelError, 1},
		{"terminal empty", `DEBUG[0000]`, FormatTerminal, LevelDebug, 0},
		{"terminal lower case", `info[0007] text`, FormatPlain, LevelNone, -1},
		{"terminal no digits", `INFO[] text`, FormatPlain, LevelNone, -1},
		{"terminal glued", `INFO[0007]text`, FormatPlain, LevelNone, -1},
		{"terminal too many digits", `INFO[1234567890123456789] x`, FormatPlain, LevelNone, -1},
		{"exit code one space", `Exit Code: AZCM0044: Resource Already Exists`, FormatCode, LevelNone, -1},
		{"exit code no name", `Exit Code:  AZCM0044`, FormatCode, LevelNone, -1},
		{"exit code indented", "  Exit Code:\tAZCM0044: Name  ", FormatCode, LevelNone, -1},
		{"exit code no space", `Exit Code:AZCM0044`, FormatPlain, LevelNone, -1},
		{"bare code alone", `AZCM0026`, FormatCode, LevelNone, -1},
		{"five digits", `AZCM00261: Network Error`, FormatPlain, LevelNone, -1},
		{"code in prose", `AZCM0026 Network Error`, FormatPlain, LevelNone, -1},
		{"gc unclosed", `<GCLOG>[2031-02-03 13:05:06.789] [PID 1] [TID 2] [C] [WARNING] [g] text`, FormatGuestConfig, LevelWarning, -1},
		{"gc broken", `<GCLOG>garbage`, FormatGuestConfig, LevelNone, -1},
		{"html", `<html>`, FormatPlain, LevelNone, -1},
		{"empty", ``, FormatPlain, LevelNone, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ParseLine([]byte(tt.line))
			got := []any{r.Format, r.Level, r.Elapsed}
			want := []any{tt.format, tt.level, tt.elapsed}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ParseLine(%q) format, level, elapsed (-want +got):\n%s", tt.line, diff)
			}
		})
	}
}

// errorLine starts the logrus lines of fieldTests.
const errorLine = `time="2031-02-03T04:05:06Z" level=error `

// fieldTests cover the pair grammar: keys with spaces, quoting, escapes,
// empty values, and malformed lines that must decode as text.
var fieldTests = []struct {
	name, line string
	msg        string
	fields     []Field
}{
	{"keys with spaces", errorLine + `msg="Resource request failed" Status Code=403 VM Id=00000000-0000-0000-0000-000000000000 Request URL="https://management.azure.com/x?api-version=1"`,
		"Resource request failed",
		[]Field{{"Status Code", "403"}, {"VM Id", guid0}, {"Request URL", "https://management.azure.com/x?api-version=1"}}},
	{"escaped JSON in Error", errorLine + `msg="Failed to acquire token" Error="POST https://login.microsoftonline.com/x: {\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret is provided.\\r\\nTrace ID: 0\",\"note\":\"say \\\"hi\\\"\"}"`,
		"Failed to acquire token",
		[]Field{{"Error", `POST https://login.microsoftonline.com/x: {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret is provided.\r\nTrace ID: 0","note":"say \"hi\""}`}}},
	{"empty values", errorLine + `msg=Done. A= B= C=c`, "Done.", []Field{{"A", ""}, {"B", ""}, {"C", "c"}}},
	{"empty value at end", errorLine + `msg=Done. Detail=`, "Done.", []Field{{"Detail", ""}}},
	{"no msg", errorLine + `Error="x y"`, "", []Field{{"Error", "x y"}}},
	{"no pairs", `level=info just some words`, "just some words", nil},
	{"nothing after level", `level=info`, "", nil},
	{"escapes", errorLine + `msg="tab\there \x41\u00e9\U0001F600 \101 \q \"end"`, "tab\there A\u00e9\U0001F600 A \\q \"end", nil},
	{"non-ASCII literal", errorLine + `msg="接続に失敗しました" Error="タイムアウト"`, "接続に失敗しました", []Field{{"Error", "タイムアウト"}}},
	{"cut escapes", errorLine + `msg="a\x4 \u12 \U1234 b"`, `a\x4 \u12 \U1234 b`, nil},
	{"surrogate escape", errorLine + `msg="\ud800"`, "\uFFFD", nil},
	{"unterminated msg", errorLine + `msg="unterminated Error=foo`, "unterminated Error=foo", nil},
	{"unterminated field", errorLine + `msg=x Error="abc\"def`, "x", []Field{{"Error", `abc"def`}}},
	{"trailing backslash", errorLine + `msg="abc\`, `abc\`, nil},
	{"escaped backslash before quote", errorLine + `msg="C:\\" Path=x`, `C:\`, []Field{{"Path", "x"}}},
	{"stray equals", errorLine + `msg=a==b =c d`, "a==b =c d", nil},
	{"words after value", errorLine + `msg=hello world`, "hello world", nil},
	{"words after field", errorLine + `msg=x Path=C:\\a b`, "x", []Field{{"Path", `C:\\a b`}}},
	{"quote glued to next key", errorLine + `msg="a"b=c`, "a", []Field{{"b", "c"}}},
	{"trailing spaces", errorLine + `msg=x   `, "x", nil},
	{"only equals", errorLine + `=`, "=", nil},
}

// TestFields covers the pair grammar: keys with spaces, quoting, escapes,
// empty values, and malformed lines that must decode as text.
func TestFields(t *testing.T) {
	for _, tt := range fieldTests {
		t.Run(tt.name, func(t *testing.T) {
			r := ParseLine([]byte(tt.line))
			if r.Format != FormatLogrus {
				t.Fatalf("format %v, want logrus", r.Format)
			}
			if got := r.Message(); got != tt.msg {
				t.Errorf("Message() = %q, want %q", got, tt.msg)
			}
			if diff := cmp.Diff(tt.fields, r.Fields()); diff != "" {
				t.Errorf("Fields() (-want +got):\n%s", diff)
			}
		})
	}
}

// terminalFieldTests split the terminal form's message column from its
// fields.
var terminalFieldTests = []struct {
	name, line string
	msg        string
	fields     []Field
}{
	{"several fields", `ERROR[0007] Example request failed                        Error="x: y" Status Code=403`,
		"Example request failed", []Field{{"Error", "x: y"}, {"Status Code", "403"}}},
	{"long message", `ERROR[0007] A message longer than the forty-four column padding  Error=boom`,
		"A message longer than the forty-four column padding", []Field{{"Error", "boom"}}},
	{"double space and equals inside message", `INFO[0001] a  b=c inside the message column, then more words  Key=v`,
		"a  b=c inside the message column, then more words", []Field{{"Key", "v"}}},
	{"padding lost", `ERROR[0007] failed  Error=boom`, "failed", []Field{{"Error", "boom"}}},
	{"trailing spaces only", `DEBUG[0003] Example                                      `, "Example", nil},
	{"equals without double space", `INFO[0001] set a=b`, "set a=b", nil},
	{"key with quote is text", `INFO[0001] x  "k=v`, `x  "k=v`, nil},
	{"fields only", `INFO[0001]                                               Key=v`, "", []Field{{"Key", "v"}}},
}

// TestTerminalFields checks how the terminal form is split.
func TestTerminalFields(t *testing.T) {
	for _, tt := range terminalFieldTests {
		t.Run(tt.name, func(t *testing.T) {
			r := ParseLine([]byte(tt.line))
			if r.Format != FormatTerminal {
				t.Fatalf("format %v, want terminal", r.Format)
			}
			if got := r.Message(); got != tt.msg {
				t.Errorf("Message() = %q, want %q", got, tt.msg)
			}
			if diff := cmp.Diff(tt.fields, r.Fields()); diff != "" {
				t.Errorf("Fields() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestField(t *testing.T) {
	r := ParseLine([]byte(`time="2031-02-03T04:05:06Z" level=error msg=x Error=first Error=second Status Code=403`))
	for _, tt := range []struct {
		key, want string
		ok        bool
	}{
		{"Error", "first", true},
		{"error", "first", true},
		{"status code", "403", true},
		{"msg", "", false},
		{"Missing", "", false},
	} {
		if got, ok := r.Field(tt.key); got != tt.want || ok != tt.ok {
			t.Errorf("Field(%q) = %q, %v; want %q, %v", tt.key, got, ok, tt.want, tt.ok)
		}
	}
}

// TestTimes checks the hand-written RFC 3339 reader against time.Parse on
// random instants and offsets, and its refusals.
func TestTimes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var c classifier
	for range 20000 {
		sec := rng.Int64N(253402300799+62135596800) - 62135596800 // years 0001-9999
		off := (rng.IntN(26*4) - 12*4) * 15 * 60
		zone := time.UTC
		if rng.IntN(2) == 0 {
			zone = time.FixedZone("", off)
		}
		s := time.Unix(sec, 0).In(zone).Format(time.RFC3339)
		want, err := time.Parse(time.RFC3339, s)
		if err != nil {
			continue // an offset pushing the year out of range
		}
		if got := c.parseTime([]byte(s)); !got.Equal(want) {
			t.Fatalf("parseTime(%q) = %v, want %v", s, got, want)
		}
	}
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2031-02-03T04:05:06.123Z", time.Date(2031, 2, 3, 4, 5, 6, 123e6, time.UTC)},
		{"2031-02-03T04:05:06.5-05:30", time.Date(2031, 2, 3, 4, 5, 6, 5e8, time.FixedZone("", -(5*3600+1800)))},
		{"2032-02-29T00:00:00Z", time.Date(2032, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"2000-02-29T00:00:00Z", time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"2031-02-29T00:00:00Z", time.Time{}},
		{"2100-02-29T00:00:00Z", time.Time{}},
		{"2031-13-03T04:05:06Z", time.Time{}},
		{"2031-02-03T24:05:06Z", time.Time{}},
		{"2031-02-03T04:05:06+0900", time.Time{}},
		{"2031-02-03T04:05:06+0x:00", time.Time{}},
		{"2031-02-03 04:05:06Z", time.Time{}},
		{"2031-02-03T04:05:0xZ", time.Time{}},
		{"yesterday", time.Time{}},
		{"", time.Time{}},
	}
	for _, tt := range tests {
		if got := c.parseTime([]byte(tt.in)); !got.Equal(tt.want) {
			t.Errorf("parseTime(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	gc := []struct {
		in   string
		want time.Time
	}{
		{"2031-02-03 13:05:06.789", time.Date(2031, 2, 3, 13, 5, 6, 789e6, time.UTC)},
		{"2031-02-03 13:05:06", time.Date(2031, 2, 3, 13, 5, 6, 0, time.UTC)},
		{"2031-02-03 13:05:06.7", time.Time{}},
		{"2031-02-03T13:05:06.789", time.Time{}},
	}
	for _, tt := range gc {
		r := ParseLine([]byte("<GCLOG>[" + tt.in + "] [PID 1] [TID 1] [C] [INFO] [g] m</GCLOG>"))
		if !r.Time.Equal(tt.want) {
			t.Errorf("GuestConfig time %q = %v, want %v", tt.in, r.Time, tt.want)
		}
	}
}

func TestANSI(t *testing.T) {
	line := "\x1b[31mERROR\x1b[0m[0007] Example request failed                        \x1b[31mError\x1b[0m=\"dial tcp 192.0.2.10:443: i/o timeout\""
	r := ParseLine([]byte(line))
	want := parsed{FormatTerminal, LevelError, time.Time{}, 7, "Example request failed",
		[]Field{{"Error", "dial tcp 192.0.2.10:443: i/o timeout"}}, "Example request failed Error=dial tcp 192.0.2.10:443: i/o timeout"}
	if diff := cmp.Diff(want, parsedOf(&r)); diff != "" {
		t.Errorf("coloured line (-want +got):\n%s", diff)
	}
	if string(r.Raw) != line {
		t.Errorf("Raw = %q, want the line as read", r.Raw)
	}
	if got := string(stripANSI(nil, []byte("a\x1b[1;32mb\x1b[mc\x1b]0;title\x07\x1b[2J\x1b"))); got != "abc\x1b]0;title\x07\x1b[2J\x1b" {
		t.Errorf("stripANSI kept or dropped the wrong bytes: %q", got)
	}
}

func TestCloneAndEnd(t *testing.T) {
	raw := []byte(`time="2031-02-03T04:05:06Z" level=info msg=x Key=v` + "\r\n")
	r := ParseLine(raw)
	if got := r.End(); got != int64(len(raw)) {
		t.Errorf("End() = %d, want %d", got, len(raw))
	}
	r.Fields()
	c := r.Clone()
	for i := range raw {
		raw[i] = 'x'
	}
	if got := string(c.Raw); got != `time="2031-02-03T04:05:06Z" level=info msg=x Key=v` {
		t.Errorf("clone Raw changed with the original: %q", got)
	}
	if diff := cmp.Diff([]Field{{"Key", "v"}}, c.Fields()); diff != "" {
		t.Errorf("clone Fields (-want +got):\n%s", diff)
	}
}

func TestRawMessage(t *testing.T) {
	for _, tt := range []struct{ line, want string }{
		{`time="2031-02-03T04:05:06Z" level=debug msg="Agent Version: 1.58" Component=x`, `Agent Version: 1.58" Component=x`},
		{`time="2031-02-03T04:05:06Z" level=debug msg=Done.`, `Done.`},
		{`DEBUG[0003] Agent Command: connect`, `Agent Command: connect`},
		{`plain text`, `plain text`},
	} {
		rec := ParseLine([]byte(tt.line))
		if got := string(rec.RawMessage()); got != tt.want {
			t.Errorf("RawMessage(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}
