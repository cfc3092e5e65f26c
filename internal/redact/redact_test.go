package redact

import (
	"strings"
	"testing"

	"github.com/arcdiag/arcdiag/internal/redact/redacttest"
)

func TestString(t *testing.T) {
	const secret = "Zx8Q~s3cr3t.VALUE_123"
	tests := []struct {
		name, in, want string
	}{
		{"flag with space", `azcmagent connect --service-principal-id 0000 --service-principal-secret ` + secret + ` --tenant-id t`,
			`azcmagent connect --service-principal-id 0000 --service-principal-secret [REDACTED] --tenant-id t`},
		{"flag with equals and quotes", `--service-principal-secret="` + secret + `" -g rg`, `--service-principal-secret="[REDACTED]" -g rg`},
		{"quoted with a space", `--service-principal-secret 'A B' -g rg`, `--service-principal-secret '[REDACTED]' -g rg`},
		{"escaped inside a logrus value", `msg="Agent Command: connect --service-principal-secret \"` + secret + `\" --verbose"`,
			`msg="Agent Command: connect --service-principal-secret \"[REDACTED]\" --verbose"`},
		{"form body", `client_id=abc&client_secret=` + secret + `&grant_type=client_credentials`,
			`client_id=abc&client_secret=[REDACTED]&grant_type=client_credentials`},
		{"json body", `{"client_secret":"` + secret + `","x":1}`, `{"client_secret":"[REDACTED]","x":1}`},
		{"escaped json", `Body="{\"access_token\":\"` + secret + `\"}"`, `Body="{\"access_token\":\"[REDACTED]\"}"`},
		{"bearer header", `Authorization: Bearer ` + secret, `Authorization: Bearer [REDACTED]`},
		{"shared key keeps the account", `Authorization: SharedKey contoso:c2lnbmF0dXJl`, `Authorization: SharedKey contoso:[REDACTED]`},
		{"sas signature", `https://contoso.blob.core.windows.net/c/f.zip?sv=2031-01-01&sig=abc%2Bdef%3D&se=2031`, `https://contoso.blob.core.windows.net/c/f.zip?sv=2031-01-01&sig=[REDACTED]&se=2031`},
		{"proxy credentials", `proxy.url=http://user:` + secret + `@proxy.contoso.example:8080`, `proxy.url=http://user:[REDACTED]@proxy.contoso.example:8080`},
		{"host and port are no password", `dial tcp proxy.contoso.example:8080: i/o timeout`, `dial tcp proxy.contoso.example:8080: i/o timeout`},
		{"url with port", `Get "https://gbl.his.arc.azure.com:443/discovery?location=eastus&api-version=1.0"`, `Get "https://gbl.his.arc.azure.com:443/discovery?location=eastus&api-version=1.0"`},
		{"nothing secret", `dial tcp 192.0.2.10:443: i/o timeout`, `dial tcp 192.0.2.10:443: i/o timeout`},
		{"secret word without value", `Invalid client secret is provided.`, `Invalid client secret is provided.`},
		{"hex digest kept", `thumbprint 3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a`, `thumbprint 3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a`},
		{"private key across lines", "key: -----BEGIN PRIVATE KEY-----\nMIIEvQ\nabc\n-----END PRIVATE KEY-----\ndone", "key: [REDACTED]\ndone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := String(tt.in); got != tt.want {
				t.Errorf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestPlanted checks every planted form: neither the secret nor any of its
// parts survives.
func TestPlanted(t *testing.T) {
	for _, c := range redacttest.Cases {
		t.Run(c.Name, func(t *testing.T) {
			got := String(c.Line)
			for _, s := range append([]string{c.Secret}, c.Parts...) {
				if strings.Contains(got, s) {
					t.Errorf("%q survived in %q", s, got)
				}
			}
			if !strings.Contains(got, Mask) {
				t.Errorf("nothing masked in %q", got)
			}
		})
	}
}
