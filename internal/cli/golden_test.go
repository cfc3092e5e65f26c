package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden pins the full text and JSON output of representative commands.
// Run `make golden` (go test -update) after an intended change and review the
// diff of testdata/golden.
func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"explain-68-history.en", []string{"explain", "AZCM0068"}},
		{"explain-64-grouped.ja", []string{"--lang", "ja", "explain", "64"}},
		{"explain-147-variants.en", []string{"explain", "AZCM0147"}},
		{"explain-13-historic.ja", []string{"--lang", "ja", "explain", "azcm13"}},
		{"explain-exit-104.json", []string{"explain", "--json", "exit", "104"}},
		{"explain-pasted-gpo-line.en", []string{"explain", `time="2031-02-03T04:05:06Z" level=fatal msg="Failed to acquire authorization token device flow" Error="Error occurred while sending request for Device Authorization Code: Post https://login.windows.net/00000000-0000-0000-0000-000000000000/oauth2/devicecode?api-version=1.0: dial tcp: lookup login.windows.net: no such host"`}},
		{"explain-pasted-console.en", []string{"explain", "ERROR[0007] Failed to AzcmagentConnect ARM resource  Error=\"The subscription is not registered to use namespace 'Microsoft.HybridCompute'\"\nINFO[0007] Exit Code:  AZCM0042: Failed to Create Resource"}},
		{"kb-show-login-blocked.en", []string{"kb", "show", "login-blocked"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("ARCDIAG_KB_DIR", "")
			var stdout, stderr bytes.Buffer
			Main(t.Context(), tt.args, strings.NewReader(""), &stdout, &stderr)
			got := stdout.String()
			if stderr.Len() > 0 {
				got += "--- stderr ---\n" + stderr.String()
			}
			path := filepath.Join("testdata", "golden", tt.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", path, diff)
			}
		})
	}
}
