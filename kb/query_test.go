package kb

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func loadQueryKB(t *testing.T) *KB {
	t.Helper()
	k, err := Load(DirLayer("testdata/query", os.DirFS("testdata/query")))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestExplain(t *testing.T) {
	k := loadQueryKB(t)
	tests := []struct {
		query       string
		wantKind    QueryKind
		wantIDs     []string
		wantUnknown []string
		wantNearest []string
	}{
		{query: "AZCM0041", wantKind: QueryCode, wantIDs: []string{"AZCM0041"}},
		{query: "41", wantKind: QueryCode, wantIDs: []string{"AZCM0041"}},
		{query: "exit code 62", wantKind: QueryExit, wantIDs: []string{"AZCM0062"}},
		{
			query: "AZCM0047", wantKind: QueryCode,
			wantUnknown: []string{"AZCM0047"}, wantNearest: []string{"AZCM0041", "AZCM0062", "AZCM0026"},
		},
		{
			// The first specific error outranks a later generic one; codes
			// come after messages, and the generic wrapper comes last.
			query:   `AZCM0062: Failed to Onboard: x509: certificate signed by unknown authority; later msg="Get ARM Resource Response" Status Code=403 (AZCM0041)`,
			wantIDs: []string{"msg-x509", "msg-403", "AZCM0041", "AZCM0062"},
		},
		{
			// A pattern written for the plain text matches inside an escaped Error field.
			query:   `time="2031-02-03T04:05:06Z" level=debug msg="token" Error="{\"error_description\":\"Invalid client secret is provided.\"}"`,
			wantIDs: []string{"msg-secret"},
		},
		{query: "GET http://169.254.169.254/metadata/instance: 404 Not Found", wantIDs: []string{"benign-imds"}},
		{
			// A line a benign entry knows stays benign when only a generic
			// wording also recognises it; a specific failure still wins.
			query:   "GET http://169.254.169.254/metadata/instance: 404 Not Found dial tcp 169.254.169.254:80: i/o timeout",
			wantIDs: []string{"benign-imds", "msg-timeout"},
		},
		{query: "dial tcp 203.0.113.10:443: i/o timeout", wantIDs: []string{"msg-timeout"}},
		{
			query:   "x509: certificate signed by unknown authority; dial tcp 203.0.113.10:443: i/o timeout; Agent status is Connected",
			wantIDs: []string{"msg-x509", "msg-timeout", "state-connected"},
		},
		{query: "wrapper said AZCM0099 and azcmagent exitcode: 41", wantIDs: []string{"AZCM0041"}, wantUnknown: []string{"AZCM0099"}, wantNearest: []string{"AZCM0062", "AZCM0041", "AZCM0026"}},
		{query: "wrapper said AZCM0099 and exitcode: 41", wantUnknown: []string{"AZCM0099"}, wantNearest: []string{"AZCM0062", "AZCM0041", "AZCM0026"}}, // not the agent's exit status
		{query: "subprocess returned error exit status 1"},
		{query: "everything is fine"},
		{
			// A pasted capture: failures first, then benign and state lines,
			// wherever they stand in the text.
			query:   "Agent status is Connected\nGET http://169.254.169.254/metadata/instance: 404 Not Found\nx509: certificate signed by unknown authority",
			wantIDs: []string{"msg-x509", "state-connected", "benign-imds"},
		},
		{
			// A pattern anchored at the start of a line (a line of
			// azcmagent show) holds on any line of a pasted capture.
			query:   "Resource Name : arc-web-01\r\n  Agent Service (himds)   : running\nx509: certificate signed by unknown authority",
			wantIDs: []string{"msg-x509", "state-service-running"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			a := k.Explain(tt.query)
			var ids []string
			for _, e := range a.Entries {
				ids = append(ids, e.ID)
			}
			if a.Kind != tt.wantKind {
				t.Errorf("kind %v, want %v", a.Kind, tt.wantKind)
			}
			if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantUnknown, a.Unknown); diff != "" {
				t.Errorf("unknown (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantNearest, a.Nearest); diff != "" {
				t.Errorf("nearest (-want +got):\n%s", diff)
			}
		})
	}
}

// TestExplainInstallerStatus checks that a Windows Installer status typed on
// its own, or as an exit code, is answered with its entry and never read as
// an AZCM code.
func TestExplainInstallerStatus(t *testing.T) {
	k, err := Load(Builtin())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query, wantFirst string
		wantUnknown      []string
	}{
		{"1603", "msi-fatal-error-1603", nil},
		{" 1618 ", "msi-install-already-running-1618", nil},
		{"3010", "msi-restart-required", nil},
		{"1641", "msi-restart-required", nil},
		{"41", "AZCM0041", nil},
		{"AZCM1603", "", []string{"AZCM1603"}},
		{"1700", "", []string{"AZCM1700"}},
		// msiexec's exit code, as a script or the portal reports it.
		{"exit code 1603", "msi-fatal-error-1603", nil},
		{"ExitCode: 1618", "msi-install-already-running-1618", nil},
		{"exit code 1700", "", nil},
	}
	for _, tt := range tests {
		a := k.Explain(tt.query)
		first := ""
		if len(a.Entries) > 0 {
			first = a.Entries[0].ID
		}
		if first != tt.wantFirst || !cmp.Equal(a.Unknown, tt.wantUnknown) {
			t.Errorf("Explain(%q) first = %q, unknown %v; want %q, %v", tt.query, first, a.Unknown, tt.wantFirst, tt.wantUnknown)
		}
	}
}

// TestKnownCauses: the entries known to produce a code, most common first:
// those for every agent version before those of a few builds, current before
// historic, and the code's primary causes before the entries that give it as
// a secondary code.
func TestKnownCauses(t *testing.T) {
	k := loadQueryKB(t)
	var ids []string
	for _, e := range k.KnownCauses("AZCM0026") {
		ids = append(ids, e.ID)
	}
	want := []string{"msg-x509", "msg-login-blocked", "msg-old-dns", "msg-proxy-bug"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("KnownCauses(AZCM0026) (-want +got):\n%s", diff)
	}
	a := k.Explain("26")
	ids = nil
	for _, e := range a.Causes {
		ids = append(ids, e.ID)
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("Explain(26).Causes (-want +got):\n%s", diff)
	}
}
