package kb

import (
	"bytes"
	"testing"

	"github.com/arcdiag/arcdiag/internal/loggen"
)

// BenchmarkLoadBuiltin is the start-up cost every command pays.
func BenchmarkLoadBuiltin(b *testing.B) {
	for b.Loop() {
		if _, err := Load(Builtin()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadBuiltinVerified is what `arcdiag kb lint` pays: every check.
func BenchmarkLoadBuiltinVerified(b *testing.B) {
	layer := Builtin()
	layer.Trusted = false
	for b.Loop() {
		if _, err := Load(layer); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatcher measures the per-line cost of recognising entries on the
// lines a big log is made of: mostly ordinary ones, some failures.
func BenchmarkMatcher(b *testing.B) {
	k, err := Load(Builtin())
	if err != nil {
		b.Fatal(err)
	}
	m := k.Matcher()
	for _, bc := range []struct{ name, line string }{
		{"debug", `time="2031-02-03T04:05:06Z" level=debug msg="Loaded agent configuration from /var/opt/azcmagent/agentconfig.json" Component=himds Endpoint="https://gbl.his.arc.azure.com/discovery?location=westeurope&api-version=1.0"`},
		{"info-http-dump", `time="2031-02-03T04:05:06Z" level=info msg="Request completed" Body="{\"properties\":{\"provisioningState\":\"Succeeded\",\"agentVersion\":\"1.58.03228.123\",\"osName\":\"linux\",\"osVersion\":\"5.15.0-1057-azure\",\"status\":\"Connected\",\"lastStatusChange\":\"2031-02-03T04:05:06Z\"}}" Status Code=200`},
		{"failure", `time="2031-02-03T04:05:06Z" level=error msg="Failed to AzcmagentConnect ARM resource" Error="The subscription is not registered to use namespace 'Microsoft.HybridCompute'"`},
	} {
		line := []byte(bc.line)
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(line)))
			b.ReportAllocs()
			for b.Loop() {
				m.Match(line)
			}
		})
	}
}

// BenchmarkCandidates measures the search for candidate lines over whole
// buffers of a generated agent log of each profile (internal/loggen).
func BenchmarkCandidates(b *testing.B) {
	k, err := Load(Builtin())
	if err != nil {
		b.Fatal(err)
	}
	m := k.Matcher()
	for name, p := range loggen.Profiles {
		var log bytes.Buffer
		if err := loggen.WriteProfile(&log, 16<<20, 1, p); err != nil {
			b.Fatal(err)
		}
		data := log.Bytes()
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				n := 0
				for off := 0; off < len(data); off += 256 << 10 {
					m.Candidates(data[off:min(off+256<<10, len(data))], func(int, Candidate) { n++ })
				}
			}
		})
	}
}
