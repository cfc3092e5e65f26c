package redact

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	const secret = "Zx8Q~s3cr3t.VALUE_123"
	jwt := "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2lnbmF0dXJlLXBhcnQ"
	tests := []struct {
		name, in, want string
	}{
		{"flag with space", `azcmagent connect --service-principal-id 0000 --service-principal-secret ` + secret + ` --tenant-id t`,
			`azcmagent connect --service-principal-id 0000 --service-principal-secret [REDACTED] --tenant-id t`},
		{"flag with equals and quotes", `--service-principal-secret="` + secret + `" -g rg`, `--service-principal-secret="[REDACTED]" -g rg`},
		{"escaped inside a logrus value", `msg="Agent Command: connect --service-principal-secret \"` + secret + `\" --verbose"`,
			`msg="Agent Command: connect --service-principal-secret \"[REDACTED]\" --verbose"`},
		{"form body", `client_id=abc&client_secret=` + secret + `&grant_type=client_credentials`,
			`client_id=abc&client_secret=[REDACTED]&grant_type=client_credentials`},
		{"json body", `{"client_secret":"` + secret + `","x":1}`, `{"client_secret":"[REDACTED]","x":1}`},
		{"escaped json", `Body="{\"access_token\":\"` + secret + `\"}"`, `Body="{\"access_token\":\"[REDACTED]\"}"`},
		{"bearer header", `Authorization: Bearer ` + secret, `Authorization: Bearer [REDACTED]`},
		{"bare jwt", `token ` + jwt + ` expired`, `token [REDACTED] expired`},
		{"sas signature", `https://contoso.blob.core.windows.net/c/f.zip?sv=2031-01-01&sig=abc%2Bdef%3D&se=2031`, `https://contoso.blob.core.windows.net/c/f.zip?sv=2031-01-01&sig=[REDACTED]&se=2031`},
		{"proxy credentials", `proxy.url=http://user:` + secret + `@proxy.contoso.example:8080`, `proxy.url=http://user:[REDACTED]@proxy.contoso.example:8080`},
		{"nothing secret", `dial tcp 192.0.2.10:443: i/o timeout`, `dial tcp 192.0.2.10:443: i/o timeout`},
		{"secret word without value", `Invalid client secret is provided.`, `Invalid client secret is provided.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := String(tt.in)
			if got != tt.want {
				t.Errorf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if strings.Contains(got, secret) || strings.Contains(got, jwt[:20]) {
				t.Errorf("secret survived: %q", got)
			}
		})
	}
}
