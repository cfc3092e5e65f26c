package logsource

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// zent is one entry of a zip built by buildZip.
type zent struct {
	name   string
	data   []byte
	stored bool   // zip.Store rather than zip.Deflate
	method uint16 // when set, overrides both (an unsupported method)
	// sized writes the sizes and checksum in the local header, without a
	// data descriptor (as Info-ZIP does); otherwise the entry is streamed
	// with a data descriptor, as Go's archive/zip (and so the agent) does.
	sized bool
	flags uint16 // for CreateRaw: e.g. 0x1 marks the entry encrypted
}

// buildZip builds a real zip with archive/zip.
func buildZip(t testing.TB, ents ...zent) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range ents {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.stored {
			h.Method = zip.Store
		}
		if e.method != 0 {
			h.Method = e.method
		}
		if !e.sized {
			w, err := zw.CreateHeader(h)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(e.data); err != nil {
				t.Fatal(err)
			}
			continue
		}
		comp := e.data
		if h.Method == zip.Deflate {
			var cb bytes.Buffer
			fw, _ := flate.NewWriter(&cb, flate.DefaultCompression)
			fw.Write(e.data)
			fw.Close()
			comp = cb.Bytes()
		}
		h.Flags = e.flags
		h.CRC32 = crc32.ChecksumIEEE(e.data)
		h.CompressedSize64 = uint64(len(comp))
		h.UncompressedSize64 = uint64(len(e.data))
		w, err := zw.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(comp); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// noisyLog is log text that compresses about as badly as a real log
// (random ids), so that a truncation point lands where the test says.
func noisyLog(tag string, size int) []byte {
	rng := rand.New(rand.NewPCG(uint64(len(tag)), uint64(size)))
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "time=\"2031-02-03T04:05:%02dZ\" level=debug msg=\"%s GET /metadata/identity\" CorrelationId=%016x%016x\n",
			i%60, tag, rng.Uint64(), rng.Uint64())
	}
	return b.Bytes()[:size]
}

func writeZip(t *testing.T, dir, name string, ents ...zent) string {
	t.Helper()
	p := filepath.Join(dir, name)
	writeFile(t, p, buildZip(t, ents...))
	return p
}

func TestResolveZipLayouts(t *testing.T) {
	agent, agent1, himds, gc := logText("agent", 5), logText("agent.1", 3), logText("himds", 4), logText("gc", 2)
	type want struct {
		name string
		os   string
		data []byte
	}
	tests := []struct {
		name string
		file string
		ents []zent
		want []want
	}{
		{
			name: "linux",
			file: "azcmagent-20310203T040506-host1.zip",
			ents: []zent{
				{name: "var/opt/azcmagent/log/"},
				{name: "var/opt/azcmagent/log/himds.log", data: himds},
				{name: "var/opt/azcmagent/log/azcmagent.log", data: agent},
				{name: "var/opt/azcmagent/log/azcmagent.log.1", data: agent1, stored: true},
				{name: "var/opt/azcmagent/agentconfig.json", data: []byte(`{"tenantid":"x"}`)},
				{name: "var/lib/GuestConfig/ext_mgr_logs/gc_ext.log", data: gc, sized: true},
				{name: "journal/himdsd.service.txt", data: []byte("-- Logs begin --")},
			},
			want: []want{
				{"var/lib/GuestConfig/ext_mgr_logs/gc_ext.log", "linux", gc},
				{"var/opt/azcmagent/log/azcmagent.log.1", "linux", agent1},
				{"var/opt/azcmagent/log/azcmagent.log", "linux", agent},
				{"var/opt/azcmagent/log/himds.log", "linux", himds},
			},
		},
		{
			name: "linux with leading slash, detected without a .zip name",
			file: "bundle.bin",
			ents: []zent{
				{name: "/var/opt/azcmagent/log/azcmagent.log", data: agent},
				{name: "/var/opt/azcmagent/log/himds.log", data: himds},
			},
			want: []want{
				{"/var/opt/azcmagent/log/azcmagent.log", "linux", agent},
				{"/var/opt/azcmagent/log/himds.log", "linux", himds},
			},
		},
		{
			name: "windows backslashes",
			file: "azcmagent-20310203T040506-WINHOST.zip",
			ents: []zent{
				{name: `ProgramData\GuestConfig\arc_policy_logs\gc_agent.log`, data: gc},
				{name: `ProgramData\AzureConnectedMachineAgent\Log\himds.log`, data: himds},
				{name: `ProgramData\AzureConnectedMachineAgent\Log\azcmagent.log`, data: agent},
				{name: `ProgramData\AzureConnectedMachineAgent\Log\azcmagent.log.1`, data: agent1},
				{name: `ProgramData\AzureConnectedMachineAgent\Config\agentconfig.json`, data: []byte("{}")},
				{name: `EventLogs\Application.evtx`, data: []byte("ElfFile\x00")},
			},
			want: []want{
				{`ProgramData\AzureConnectedMachineAgent\Log\azcmagent.log.1`, "windows", agent1},
				{`ProgramData\AzureConnectedMachineAgent\Log\azcmagent.log`, "windows", agent},
				{`ProgramData\AzureConnectedMachineAgent\Log\himds.log`, "windows", himds},
				{`ProgramData\GuestConfig\arc_policy_logs\gc_agent.log`, "windows", gc},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zp := writeZip(t, t.TempDir(), tt.file, tt.ents...)
			inputs, problems := Resolve([]string{zp}, Options{})
			if len(problems) != 0 {
				t.Fatalf("problems: %v", problems)
			}
			var got []want
			for _, in := range inputs {
				data, err := readInput(t, in)
				if err != nil {
					t.Errorf("reading %s: %v", in.Name, err)
				}
				if in.Size != int64(len(data)) {
					t.Errorf("%s: Size = %d, read %d bytes", in.Name, in.Size, len(data))
				}
				name, _ := strings.CutPrefix(in.Name, zp+":")
				got = append(got, want{name, in.OS, data})
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("inputs mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolveNotAZip(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bundle.zip")
	writeFile(t, p, []byte("<html>Sign in to download</html>"))
	inputs, problems := Resolve([]string{p}, Options{})
	if len(inputs) != 0 {
		t.Errorf("inputs = %v, want none", names(inputs))
	}
	if diff := cmp.Diff([]problemView{{p, NoHint, true}}, views(problems)); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(problems[0].Error(), "not a zip archive") {
		t.Errorf("problem = %v, want 'not a zip archive'", problems[0])
	}
}

func TestZipEmptyOrWithoutLogs(t *testing.T) {
	dir := t.TempDir()
	empty := writeZip(t, dir, "empty.zip")
	noLogs := writeZip(t, dir, "nologs.zip", zent{name: "var/opt/azcmagent/agentconfig.json", data: []byte("{}")})
	inputs, problems := Resolve([]string{empty, noLogs}, Options{})
	if len(inputs) != 0 {
		t.Errorf("inputs = %v, want none", names(inputs))
	}
	want := []problemView{{empty, HintExpectedLogs, true}, {noLogs, HintExpectedLogs, true}}
	if diff := cmp.Diff(want, views(problems)); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
}

func TestZipUnsafeEntries(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	good := logText("good", 2)
	zp := writeZip(t, sub, "bundle.zip",
		zent{name: "../evil/azcmagent.log", data: []byte("evil")},
		zent{name: "../../../../../../tmp/evil/himds.log", data: []byte("evil")},
		zent{name: "/etc/azcmagent.log", data: []byte("evil")},
		zent{name: `C:\Windows\Temp\himds.log`, data: []byte("evil")},
		zent{name: "var/opt/azcmagent/log/azcmagent.log", data: good},
	)
	inputs, problems := Resolve([]string{zp}, Options{})
	if diff := cmp.Diff([]string{zp + ":var/opt/azcmagent/log/azcmagent.log"}, names(inputs)); diff != "" {
		t.Errorf("inputs mismatch (-want +got):\n%s", diff)
	}
	var paths []string
	for _, p := range problems {
		if !errors.Is(p, errUnsafePath) || p.Fatal {
			t.Errorf("problem %v: want a non-fatal errUnsafePath", p)
		}
		paths = append(paths, p.Path)
	}
	wantPaths := []string{
		zp + ":../evil/azcmagent.log", zp + ":../../../../../../tmp/evil/himds.log",
		zp + ":/etc/azcmagent.log", zp + `:C:\Windows\Temp\himds.log`,
	}
	if diff := cmp.Diff(wantPaths, paths); diff != "" {
		t.Errorf("problem paths mismatch (-want +got):\n%s", diff)
	}
	for _, in := range inputs {
		if _, err := readInput(t, in); err != nil {
			t.Error(err)
		}
	}
	// Nothing was written anywhere: the tree holds only the zip.
	var found []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		found = append(found, p)
		return err
	})
	if diff := cmp.Diff([]string{dir, sub, zp}, found); diff != "" {
		t.Errorf("file system changed (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(dir, "evil")); err == nil {
		t.Error("an evil directory appeared")
	}

	// Only unsafe entries: nothing to read, so the problems are fatal.
	onlyBad := writeZip(t, dir, "bad.zip", zent{name: "../azcmagent.log", data: []byte("x")})
	inputs, problems = Resolve([]string{onlyBad}, Options{})
	if len(inputs) != 0 || len(problems) != 1 || !problems[0].Fatal {
		t.Errorf("only unsafe entries: inputs %v, problems %v; want none and one fatal", names(inputs), problems)
	}
}

func TestZipSkippedEntries(t *testing.T) {
	dir := t.TempDir()
	inner := buildZip(t, zent{name: "azcmagent.log", data: logText("inner", 1)})
	zp := writeZip(t, dir, "bundle.zip",
		zent{name: "var/opt/azcmagent/log/old-logs.zip", data: inner},
		zent{name: "var/opt/azcmagent/log/himds.log", data: []byte("secret"), sized: true, stored: true, flags: 0x1},
		zent{name: "var/opt/azcmagent/log/arcproxy.log", data: []byte("bzip2"), sized: true, method: 12},
		zent{name: "var/opt/azcmagent/log/azcmagent.log", data: logText("agent", 1)},
	)
	inputs, problems := Resolve([]string{zp}, Options{})
	if diff := cmp.Diff([]string{zp + ":var/opt/azcmagent/log/azcmagent.log"}, names(inputs)); diff != "" {
		t.Errorf("inputs mismatch (-want +got):\n%s", diff)
	}
	type problemHint struct {
		Msg  string
		Hint Hint
	}
	var got []problemHint
	for _, p := range problems {
		if p.Fatal {
			t.Errorf("problem %v is fatal", p)
		}
		got = append(got, problemHint{p.Error(), p.Hint})
	}
	want := []problemHint{
		{zp + ":var/opt/azcmagent/log/old-logs.zip: zip inside a zip: not read", HintExtractNested},
		{zp + ":var/opt/azcmagent/log/himds.log: entry is encrypted", HintExtractEncrypted},
		{zp + ":var/opt/azcmagent/log/arcproxy.log: unsupported compression method 12", HintExtractMethod},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
}

// zeroBomb is a deflated zip entry of size zero bytes: about a thousandth
// of that on disk.
func zeroBomb(t testing.TB, name string, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for size > 0 {
		n := min(size, len(zeros))
		w.Write(zeros[:n])
		size -= n
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestZipBomb(t *testing.T) {
	const bombSize = 100 << 20
	const limit = 1 << 20
	bomb := zeroBomb(t, "var/opt/azcmagent/log/azcmagent.log", bombSize)
	if len(bomb) > 1<<20 {
		t.Fatalf("the bomb is %d bytes: not a bomb", len(bomb))
	}
	// The same bomb with its central directory cut off, so that the
	// salvage walk has to inflate it to find its end.
	zr, err := zip.NewReader(bytes.NewReader(bomb), int64(len(bomb)))
	if err != nil {
		t.Fatal(err)
	}
	off, _ := zr.File[0].DataOffset()
	headless := bomb[:off+int64(zr.File[0].CompressedSize64)+16]

	for name, data := range map[string][]byte{"central directory": bomb, "salvaged": headless} {
		t.Run(name, func(t *testing.T) {
			zp := filepath.Join(t.TempDir(), "bomb.zip")
			writeFile(t, zp, data)
			inputs, _ := Resolve([]string{zp}, Options{MaxEntrySize: limit})
			if len(inputs) != 1 {
				t.Fatalf("inputs = %v, want one", names(inputs))
			}
			got, err := readInput(t, inputs[0])
			if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), inputs[0].Name) {
				t.Errorf("err = %v, want ErrTooLarge naming %s", err, inputs[0].Name)
			}
			if len(got) != limit || bytes.ContainsFunc(got, func(r rune) bool { return r != 0 }) {
				t.Errorf("read %d bytes, want the first %d (zeros)", len(got), limit)
			}
		})
	}

	t.Run("streams in bounded memory", func(t *testing.T) {
		zp := filepath.Join(t.TempDir(), "bomb.zip")
		writeFile(t, zp, bomb)
		inputs, _ := Resolve([]string{zp}, Options{})
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		rc, err := inputs[0].Open()
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, rc)
		rc.Close()
		runtime.ReadMemStats(&after)
		if err != nil || n != bombSize {
			t.Fatalf("read %d bytes, %v; want %d", n, err, bombSize)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
			t.Errorf("reading %d bytes allocated %d bytes", n, alloc)
		}
	})
}

func TestZipLimits(t *testing.T) {
	const kib = 1 << 10
	dir := t.TempDir()
	a, b, c := noisyLog("a", 600*kib), noisyLog("b", 600*kib), noisyLog("c", 600*kib)
	zp := writeZip(t, dir, "bundle.zip",
		zent{name: "log/azcmagent.log.2", data: a},
		zent{name: "log/azcmagent.log.1", data: b},
		zent{name: "log/azcmagent.log", data: c},
	)

	t.Run("entry exactly at the limit", func(t *testing.T) {
		inputs, _ := Resolve([]string{zp}, Options{MaxEntrySize: 600 * kib})
		for _, in := range inputs {
			if data, err := readInput(t, in); err != nil || len(data) != 600*kib {
				t.Errorf("%s: %d bytes, %v; want all, no error", in.Name, len(data), err)
			}
		}
	})

	t.Run("total", func(t *testing.T) {
		inputs, _ := Resolve([]string{zp}, Options{MaxTotalSize: 1024 * kib})
		got, err := readInput(t, inputs[0])
		if err != nil || !bytes.Equal(got, a) {
			t.Errorf("%s: %d bytes, %v; want all", inputs[0].Name, len(got), err)
		}
		// Reading the same entry again is not counted twice.
		if got, err = readInput(t, inputs[0]); err != nil || !bytes.Equal(got, a) {
			t.Errorf("%s again: %d bytes, %v; want all", inputs[0].Name, len(got), err)
		}
		got, err = readInput(t, inputs[1])
		if !errors.Is(err, ErrTooLarge) || !bytes.Equal(got, b[:424*kib]) {
			t.Errorf("%s: %d bytes, %v; want the first %d and ErrTooLarge", inputs[1].Name, len(got), err, 424*kib)
		}
		got, err = readInput(t, inputs[2])
		if !errors.Is(err, ErrTooLarge) || len(got) != 0 {
			t.Errorf("%s: %d bytes, %v; want none and ErrTooLarge", inputs[2].Name, len(got), err)
		}
	})
}

func TestZipTruncated(t *testing.T) {
	const kib = 1 << 10
	first, second := noisyLog("first", 40*kib), noisyLog("second", 40*kib)
	big, after := noisyLog("big", 200*kib), noisyLog("after", 40*kib)
	for _, mode := range []struct {
		name   string
		stored bool
		sized  bool
	}{
		{"deflate with data descriptors", false, false},
		{"stored with data descriptors", true, false},
		{"deflate with sizes in the headers", false, true},
		{"stored with sizes in the headers", true, true},
	} {
		t.Run(mode.name, func(t *testing.T) {
			full := buildZip(t,
				zent{name: "var/opt/azcmagent/log/azcmagent.log.1", data: first, stored: mode.stored, sized: mode.sized},
				zent{name: "var/opt/azcmagent/log/agentconfig.json", data: []byte(`{"x":1}`), stored: mode.stored, sized: mode.sized},
				zent{name: "var/opt/azcmagent/log/azcmagent.log", data: second, stored: mode.stored, sized: mode.sized},
				zent{name: "var/opt/azcmagent/log/himds.log", data: big, stored: mode.stored, sized: mode.sized},
				zent{name: "var/opt/azcmagent/log/arcproxy.log", data: after, stored: mode.stored, sized: mode.sized},
			)
			half := full[:len(full)/2]
			// Make sure the cut is where this test expects: inside himds.log's data.
			zr, err := zip.NewReader(bytes.NewReader(full), int64(len(full)))
			if err != nil {
				t.Fatal(err)
			}
			off, _ := zr.File[3].DataOffset()
			if cut := int64(len(half)); cut <= off || cut >= off+int64(zr.File[3].CompressedSize64) {
				t.Fatalf("cut at %d is not inside himds.log's data [%d, %d)", cut, off, off+int64(zr.File[3].CompressedSize64))
			}

			zp := filepath.Join(t.TempDir(), "bundle.zip")
			writeFile(t, zp, half)
			inputs, problems := Resolve([]string{zp}, Options{})
			want := []string{
				zp + ":var/opt/azcmagent/log/azcmagent.log.1",
				zp + ":var/opt/azcmagent/log/azcmagent.log",
				zp + ":var/opt/azcmagent/log/himds.log",
			}
			if diff := cmp.Diff(want, names(inputs)); diff != "" {
				t.Fatalf("inputs mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]problemView{{zp, HintDamagedZip, false}}, views(problems)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
			for i, wantData := range [][]byte{first, second} {
				if got, err := readInput(t, inputs[i]); err != nil || !bytes.Equal(got, wantData) {
					t.Errorf("%s: %d bytes, %v; want all %d", inputs[i].Name, len(got), err, len(wantData))
				}
			}
			got, err := readInput(t, inputs[2])
			if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), inputs[2].Name) {
				t.Errorf("%s: err = %v, want io.ErrUnexpectedEOF naming the entry", inputs[2].Name, err)
			}
			if len(got) < 10*kib || !bytes.HasPrefix(big, got) {
				t.Errorf("%s: read %d bytes, want a prefix of the entry of at least %d", inputs[2].Name, len(got), 10*kib)
			}
		})
	}
}

func TestZipTruncatedInHeader(t *testing.T) {
	a, b := logText("a", 20), logText("b", 20)
	full := buildZip(t,
		zent{name: "log/azcmagent.log.1", data: a},
		zent{name: "log/azcmagent.log", data: b},
		zent{name: "log/himds.log", data: logText("c", 20)},
	)
	zr, err := zip.NewReader(bytes.NewReader(full), int64(len(full)))
	if err != nil {
		t.Fatal(err)
	}
	off, _ := zr.File[2].DataOffset()
	zp := filepath.Join(t.TempDir(), "bundle.zip")
	writeFile(t, zp, full[:off-5]) // inside himds.log's local header
	inputs, problems := Resolve([]string{zp}, Options{})
	if diff := cmp.Diff([]string{zp + ":log/azcmagent.log.1", zp + ":log/azcmagent.log"}, names(inputs)); diff != "" {
		t.Errorf("inputs mismatch (-want +got):\n%s", diff)
	}
	if len(problems) != 1 || !strings.Contains(problems[0].Error(), "cut short") {
		t.Errorf("problems = %v, want one saying the header is cut short", problems)
	}
	for i, want := range [][]byte{a, b} {
		if got, err := readInput(t, inputs[i]); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes, %v", inputs[i].Name, len(got), err)
		}
	}
}

func TestZipDamagedData(t *testing.T) {
	data := logText("agent", 30)
	for _, damage := range []string{"central directory", "salvaged"} {
		t.Run(damage, func(t *testing.T) {
			z := buildZip(t, zent{name: "azcmagent.log", data: data, stored: true})
			zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
			if err != nil {
				t.Fatal(err)
			}
			off, _ := zr.File[0].DataOffset()
			z[off+100] ^= 0xff
			if damage == "salvaged" {
				z = z[:off+int64(len(data))+16]
			}
			zp := filepath.Join(t.TempDir(), "bundle.zip")
			writeFile(t, zp, z)
			inputs, _ := Resolve([]string{zp}, Options{})
			if len(inputs) != 1 {
				t.Fatalf("inputs = %v, want one", names(inputs))
			}
			_, err = readInput(t, inputs[0])
			if err == nil || !strings.Contains(err.Error(), zp+":azcmagent.log: damaged entry") {
				t.Errorf("err = %v, want a damaged entry error naming it", err)
			}
		})
	}
}

// FuzzZip feeds arbitrary bytes through zip detection, listing and
// reading: nothing may panic, and no entry may deliver more than the limit.
func FuzzZip(f *testing.F) {
	logs := []zent{
		{name: "var/opt/azcmagent/log/azcmagent.log", data: logText("a", 5)},
		{name: `ProgramData\AzureConnectedMachineAgent\Log\himds.log`, data: logText("b", 5), stored: true},
		{name: "var/opt/azcmagent/log/arcproxy.log", data: logText("c", 5), sized: true},
		{name: "../azcmagent.log", data: []byte("x")},
	}
	full := buildZip(f, logs...)
	f.Add(full)
	f.Add(full[:len(full)/2])
	f.Add(full[:len(full)-30])
	f.Add(zeroBomb(f, "azcmagent.log", 256<<10))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("PK\x05\x06"))
	// Small limits and one file rewritten for every input keep each input's
	// work small: with a temporary directory and a MiB to inflate per input,
	// the fuzzer ran a few dozen inputs a minute.
	const limit = 64 << 10
	zp := filepath.Join(f.TempDir(), "f.zip")
	f.Fuzz(func(t *testing.T, data []byte) {
		writeFile(t, zp, data)
		inputs, _ := Resolve([]string{zp}, Options{MaxEntrySize: limit, MaxTotalSize: 2 * limit})
		for _, in := range inputs {
			rc, err := in.Open()
			if err != nil {
				continue
			}
			n, _ := io.Copy(io.Discard, rc)
			rc.Close()
			if n > limit {
				t.Errorf("%s delivered %d bytes, more than the limit %d", in.Name, n, limit)
			}
		}
	})
}

// TestZipOtherLogs checks that a bundle's extension logs and installer logs
// are read, after the agent's own logs of the same folder, and that their
// status files are not.
func TestZipOtherLogs(t *testing.T) {
	dir := t.TempDir()
	z := writeZip(t, dir, "bundle.zip",
		zent{name: `ProgramData\GuestConfig\extension_logs\Contoso.Example.Ext\CommandExecution.log`, data: logText("ext", 2)},
		zent{name: `ProgramData\GuestConfig\extension_logs\Contoso.Example.Ext\HandlerState.json`, data: []byte("{}")},
		zent{name: "Windows/AzureConnectedMachineAgent/temp/installationlog.txt", data: logText("msi", 2)},
		zent{name: "Windows/AzureConnectedMachineAgent/temp/azcmagent.log", data: logText("agent", 2)},
		zent{name: "temp/AzureArcOnboarding.log", data: logText("gpo", 2)},
	)
	inputs, problems := Resolve([]string{z}, Options{})
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := []string{
		z + `:ProgramData\GuestConfig\extension_logs\Contoso.Example.Ext\CommandExecution.log`,
		z + ":Windows/AzureConnectedMachineAgent/temp/azcmagent.log",
		z + ":Windows/AzureConnectedMachineAgent/temp/installationlog.txt",
		z + ":temp/AzureArcOnboarding.log",
	}
	if diff := cmp.Diff(want, names(inputs)); diff != "" {
		t.Errorf("inputs mismatch (-want +got):\n%s", diff)
	}
	if inputs[0].OS != "windows" {
		t.Errorf("extension log OS = %q, want windows", inputs[0].OS)
	}
}

// TestZipTooManyEntries: a zip declaring more entries than MaxEntries is
// refused before its central directory is read; a damaged one stops its walk
// at the bound.
func TestZipTooManyEntries(t *testing.T) {
	var ents []zent
	for i := range 5 {
		ents = append(ents, zent{name: fmt.Sprintf("d%d/azcmagent.log", i), data: []byte("x\n")})
	}
	data := buildZip(t, ents...)
	zp := filepath.Join(t.TempDir(), "many.zip")
	writeFile(t, zp, data)
	if n, ok := declaredEntries(bytes.NewReader(data), int64(len(data))); !ok || n != 5 {
		t.Errorf("declaredEntries = %d, %v; want 5", n, ok)
	}
	inputs, problems := Resolve([]string{zp}, Options{MaxEntries: 3})
	if len(inputs) != 0 || len(problems) != 1 || !errors.Is(problems[0], ErrTooManyEntries) || !strings.Contains(problems[0].Error(), "5 entries") {
		t.Errorf("inputs %v, problems %v: want the zip refused for its 5 entries", names(inputs), problems)
	}
	if inputs, _ := Resolve([]string{zp}, Options{MaxEntries: 5}); len(inputs) != 5 {
		t.Errorf("at the bound: %d inputs, want 5", len(inputs))
	}
	// Cut off the central directory: the walk stops at the bound.
	cut := filepath.Join(t.TempDir(), "cut.zip")
	writeFile(t, cut, data[:bytes.Index(data, []byte("PK\x01\x02"))])
	inputs, problems = Resolve([]string{cut}, Options{MaxEntries: 3})
	if len(inputs) != 3 || len(problems) == 0 || !strings.Contains(problems[0].Error(), "too many zip entries: stopped after 3") {
		t.Errorf("damaged: %d inputs, problems %v; want 3 and ErrTooManyEntries", len(inputs), problems)
	}
}
