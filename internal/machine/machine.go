// Package machine says which machine a set of agent logs came from, gives
// each run an id that stays the same when the same log is read again, and
// keeps the one row per machine that `arcdiag analyze --by machine` shows.
// It does no I/O of its own: callers hand it readers and runs.
package machine

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/arcdiag/arcdiag/internal/diagnose"
	"github.com/arcdiag/arcdiag/internal/logsource"
	"github.com/arcdiag/arcdiag/internal/rfc3339"
)

// Identity is what every run and finding record says about where it comes
// from.
type Identity struct {
	// Name is the machine's name: its Azure resource name as the agent's
	// own logs state it, else the computer name an `azcmagent logs` zip is
	// named after, else a folder's name or this computer's host name; ""
	// when nothing tells.
	Name string
	// OS is "linux" or "windows" when the logs' paths say, else "".
	OS string
}

// zipName matches the name `azcmagent logs` gives its zip by default:
// azcmagent-_TIMESTAMP_-_COMPUTERNAME_.zip (the -o flag's description on
// https://learn.microsoft.com/azure/azure-arc/servers/azcmagent-logs; agent
// 1.12 added the computer name, agent-release-notes-archive). The timestamp
// format is not documented: it is taken to be one word of digits, letters
// and separators without a hyphen, like the samples' 20310203T040506.
var zipName = regexp.MustCompile(`(?i)^azcmagent-([0-9][0-9A-Za-z_.:+]*)-(.+)\.zip$`)

// NameFromZip returns the computer name in the default name of an
// `azcmagent logs` zip, or "" when the file is not named that way.
func NameFromZip(zipPath string) string {
	base := path.Base(strings.ReplaceAll(zipPath, `\`, "/"))
	m := zipName.FindStringSubmatch(base)
	if m == nil {
		return ""
	}
	return m[2]
}

// Label is the machine a zip or file is named after when its logs do not
// name it: the computer name in an `azcmagent logs` zip's default name,
// else the file's base name without its extension.
func Label(zipPath string) string {
	if name := NameFromZip(zipPath); name != "" {
		return name
	}
	base := path.Base(strings.ReplaceAll(zipPath, `\`, "/"))
	return strings.TrimSuffix(base, path.Ext(base))
}

// resourceNameKey is the logrus field with the machine's Azure resource
// name ("Resource Name", the label `azcmagent show` prints it under), as
// the sample logs carry it on connect and disconnect lines and on HIMDS's
// "connected to Azure" lines (testdata/logs/README.md). No public agent
// log seen so far shows these lines, which is why the zip's name stays the
// fallback. The resource name defaults to the computer's host name unless
// `azcmagent connect --resource-name` chose another
// (https://learn.microsoft.com/azure/azure-arc/servers/manage-howto-migrate,
// https://learn.microsoft.com/azure/azure-arc/servers/onboard-service-principal).
var resourceNameKey = []byte(" Resource Name=")

// MaxScan bounds how much of one log Scan reads: the name is stated at
// connect time and by HIMDS when it starts, and a log of gigabytes must not
// be read twice.
const MaxScan = 64 << 20

// Scan reads a log from r for what it says of its machine: the last
// resource name it states and, when its paths tell, its OS, in its first
// MaxScan bytes. The log must be plain text (UTF-8, uncompressed), as the
// agent writes its live logs.
func Scan(r io.Reader) (Identity, error) {
	// Buffers are reused: a fleet's thousands of small logs would otherwise
	// each allocate (and clear) one.
	bp := scanBufs.Get().(*[]byte)
	defer scanBufs.Put(bp)
	buf := (*bp)[:0]
	var id Identity
	var read int64
	for read < MaxScan {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		read += int64(n)
		// Only whole lines are searched; the rest waits for the next read.
		end := bytes.LastIndexByte(buf, '\n')
		if err != nil {
			end = len(buf)
		}
		if end >= 0 {
			if v := lastField(buf[:end]); v != "" {
				id.Name = v
			}
			if id.OS == "" {
				id.OS = osOf(buf[:end])
			}
			buf = append(buf[:0], buf[min(end+1, len(buf)):]...)
		} else if len(buf) == cap(buf) {
			buf = buf[:0] // a line longer than the buffer holds no name worth reading
		}
		if errors.Is(err, io.EOF) {
			return id, nil
		}
		if err != nil {
			return id, err
		}
	}
	return id, nil
}

// osOf tells the OS from the agent's own paths in a log's text: its Linux
// folders (/var/opt/azcmagent, /opt/azcmagent) or its Windows ones
// (%ProgramData%\AzureConnectedMachineAgent, written escaped by logrus),
// as listed on https://learn.microsoft.com/azure/azure-arc/servers/agent-overview.
func osOf(b []byte) string {
	switch {
	case bytes.Contains(b, []byte("/opt/azcmagent")):
		return "linux"
	case bytes.Contains(b, []byte(`AzureConnectedMachineAgent`)) && bytes.Contains(b, []byte(`\\`)):
		return "windows"
	}
	return ""
}

var scanBufs = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// lastField returns the value of the last Resource Name field in b.
func lastField(b []byte) string {
	for i := lastKey(b, len(b)); i >= 0; i = lastKey(b, i) {
		v := b[i+len(resourceNameKey):]
		if end := bytes.IndexByte(v, '\n'); end >= 0 {
			v = v[:end]
		}
		v = bytes.TrimRight(v, "\r")
		var s string
		if len(v) > 0 && v[0] == '"' {
			q, err := strconv.QuotedPrefix(string(v))
			if err == nil {
				s, _ = strconv.Unquote(q)
			}
		} else if end := bytes.IndexByte(v, ' '); end >= 0 {
			s = string(v[:end])
		} else {
			s = string(v)
		}
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// lastKey returns where the last resourceNameKey in b that ends by end
// starts, or -1. It searches forward for the key less its leading space:
// bytes.Index finds its rare first letter with vector instructions, at
// some 20 GB/s, where bytes.LastIndex (and a key starting with a space,
// which most words follow) ran at 0.7 and 2.6 GB/s, and Scan reads every
// agent log of an analysis up to MaxScan bytes.
func lastKey(b []byte, end int) int {
	key := resourceNameKey[1:]
	last := -1
	for from := 1; from < end; {
		i := bytes.Index(b[from:end], key)
		if i < 0 {
			break
		}
		if i += from; b[i-1] == resourceNameKey[0] && i-1+len(resourceNameKey) <= end {
			last = i - 1
		}
		from = i + 1
	}
	return last
}

// Scanned reports whether Scan should read an input: one of the
// agent's own logs (azcmagent.log, himds.log and their copies), not
// compressed, which is where the resource name is stated.
func Scanned(inputName string) bool {
	fam := logsource.Family(inputName)
	return (fam == "azcmagent" || fam == "himds") && !strings.HasSuffix(strings.ToLower(inputName), ".gz")
}

// RunIDs gives runs their ids. An id is the first 16 bytes, in hex, of the
// SHA-256 of the machine's name, the log's family and the run's start:
//
//   - the family (azcmagent, himds ...; logsource.Family), not the file's
//     path, because the same log is azcmagent.log today, azcmagent.log.1
//     after a rotation, var/opt/azcmagent/log/azcmagent.log in a zip and
//     /var/opt/azcmagent/log/azcmagent.log on the machine; for other logs
//     (installer, extension) the last three elements of the path, which
//     are the agent's own folder names wherever the log is read from;
//   - the start as the first record's time, which rotation and copying do
//     not change; a log without clock times (a terminal capture) uses the
//     run's first line number instead, which is stable as long as the file
//     is the same;
//   - runs of one log that start in the same second (a script running
//     azcmagent twice) are told apart by their order: the second gets
//     "#2" in its key, the third "#3", which reading the same log again
//     reproduces.
//
// So analyzing the same log again, or the zip it came in, or tailing it on
// the machine (when the machine's name agrees), gives each run the same id.
// RunIDs is not safe for concurrent use: one per analysis.
type RunIDs struct {
	last []byte // the last key, without its "#n"
	seen int
	// The key's prefix for the last machine and file, and the key being
	// built: a log has thousands of runs, and naming its file and
	// allocating the key for each was a tenth of analyze --json's time.
	machine, file string
	key           []byte
	prefix        int
}

// ID returns the id of the run of file that started at start (or, without
// a clock time, at startLine).
func (g *RunIDs) ID(machine, file string, start time.Time, startLine int) string {
	id := g.hex(machine, file, start, startLine)
	return string(id[:])
}

// hex is ID, in a byte array: a log has a run every few dozen lines, and
// a string for each was a fiftieth of analyze --json's time.
func (g *RunIDs) hex(machine, file string, start time.Time, startLine int) [32]byte {
	if g.key == nil || machine != g.machine || file != g.file {
		g.machine, g.file = machine, file
		g.key = append(append(append(append(g.key[:0], machine...), 0), logKey(file)...), 0)
		g.prefix = len(g.key)
	}
	key := g.key[:g.prefix]
	if start.IsZero() {
		key = strconv.AppendInt(append(key, "line "...), int64(startLine), 10)
	} else {
		key = rfc3339.AppendNano(key, start.UTC())
	}
	if bytes.Equal(key, g.last) {
		g.seen++
		key = strconv.AppendInt(append(key, '#'), int64(g.seen), 10)
	} else {
		g.last, g.seen = append(g.last[:0], key...), 1
	}
	g.key = key
	sum := sha256.Sum256(key)
	var id [32]byte
	hex.Encode(id[:], sum[:16])
	return id
}

// logKey names a log the same way wherever it is read from (see RunIDs).
func logKey(file string) string {
	if fam := logsource.Family(file); fam != "" {
		return fam
	}
	p := strings.ToLower(strings.ReplaceAll(file, `\`, "/"))
	if i := strings.LastIndexByte(p, ':'); i >= 0 {
		p = p[i+1:] // a zip entry: "bundle.zip:entry"
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	return strings.Join(parts[max(len(parts)-3, 0):], "/")
}

// Labeller gives the records of one analysis their identity: the machine
// of each input, and each run's id and OS, fixed once per run (when its
// first finding or its end is reported, whichever comes first) so that a
// run and its findings carry the same. Not safe for concurrent use.
type Labeller struct {
	// ByInput is the identity of each input, by its name; Default is
	// the identity of any other.
	ByInput map[string]Identity
	Default Identity

	ids RunIDs
	// cur is the last run labelled, and where it started: an analyzer may
	// reuse an ended run's memory (diagnose.RunReuser), not for the run
	// right after it, but after a run the report left out unlabelled.
	cur             *diagnose.Run
	curFile         string
	curIndex, curAt int
	// hex is the current run's id; id its identity, whose ID is made
	// from hex when first asked for (Run; AppendID needs none).
	hex [32]byte
	id  RunIdentity
	// input is the identity of the input named inputFile: looked up once
	// per input, not once per run.
	input     Identity
	inputFile string
}

// RunIdentity is what the records of one run carry.
type RunIdentity struct {
	ID, Machine, OS string
}

// Identity returns the identity of the input named file.
func (l *Labeller) Identity(file string) Identity {
	if id, ok := l.ByInput[file]; ok {
		return id
	}
	return l.Default
}

// Run returns the identity of run's records: its id, its machine, and the
// OS of its input or, when the paths do not tell, of its lines. An
// analyzer reports a run's findings and end before the next run starts,
// so only the current run's is kept.
func (l *Labeller) Run(run *diagnose.Run) RunIdentity {
	l.label(run)
	if l.id.ID == "" {
		l.id.ID = string(l.hex[:])
	}
	return l.id
}

// AppendID appends run's id to b as a JSON string, and returns run's
// machine and OS as Run does: the id is hex, which needs no escaping.
func (l *Labeller) AppendID(b []byte, run *diagnose.Run) (out []byte, machine, os string) {
	l.label(run)
	b = append(b, '"')
	b = append(b, l.hex[:]...)
	return append(b, '"'), l.id.Machine, l.id.OS
}

// label makes run the current run, its id computed once.
func (l *Labeller) label(run *diagnose.Run) {
	if run != l.cur || run.Index != l.curIndex || run.StartLine != l.curAt || run.File != l.curFile {
		if l.inputFile != run.File || l.cur == nil {
			l.input, l.inputFile = l.Identity(run.File), run.File
		}
		m := l.input
		l.cur, l.curFile, l.curIndex, l.curAt = run, run.File, run.Index, run.StartLine
		l.hex = l.ids.hex(m.Name, run.File, run.Start, run.StartLine)
		l.id = RunIdentity{Machine: m.Name, OS: m.OS}
		if l.id.OS == "" {
			l.id.OS = run.Context.OS
		}
	}
}
