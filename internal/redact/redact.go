// Package redact removes secrets from text before arcdiag prints it: service
// principal secrets in logged command lines, client secrets, bearer tokens,
// JWTs and signatures in URLs. Agent logs and pasted errors carry these, and
// arcdiag output ends up in tickets and chat.
package redact

import (
	"regexp"
	"strings"
)

// Mask replaces each secret.
const Mask = "[REDACTED]"

// rule replaces the secret part of a match: group 1 is kept (the key), the
// rest of the match becomes Mask.
type rule struct {
	re *regexp.Regexp
}

var rules = []rule{
	// --service-principal-secret VALUE, --service-principal-secret=VALUE,
	// quoted or bare; also the -p short form is not documented, so not assumed.
	{regexp.MustCompile(`(?i)(--service-principal-secret[=\s]+\\?["']?)[^"'\s\\]+`)},
	// client_secret=..., "client_secret":"...", password=..., access_token=...
	{regexp.MustCompile(`(?i)((?:client[_-]?secret|password|passwd|access[_-]?token|refresh[_-]?token|id[_-]?token|secret)\\?"?\s*[:=]\s*\\?["']?)[^"'\s&,;}\\]+`)},
	// Authorization: Bearer ... / Basic ...
	{regexp.MustCompile(`(?i)(\b(?:bearer|basic)\s+)[A-Za-z0-9\-._~+/]+=*`)},
	// SAS tokens and other signatures in URL query strings.
	{regexp.MustCompile(`(?i)([?&](?:sig|signature|se?cret|code|token)=)[^&\s"'\\]+`)},
	// user:password@host in proxy URLs (agents before 1.66 log them).
	{regexp.MustCompile(`(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@"']+:)[^@\s"'/]+(@)`)},
}

// jwtRE finds JSON Web Tokens wherever they appear: three base64url parts,
// the first two starting with the encoding of '{"'.
var jwtRE = regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*`)

// String returns s with every secret replaced by Mask.
func String(s string) string {
	if !mayHaveSecret(s) {
		return s
	}
	s = jwtRE.ReplaceAllString(s, Mask)
	for _, r := range rules {
		s = r.re.ReplaceAllStringFunc(s, func(m string) string {
			sub := r.re.FindStringSubmatch(m)
			keep := sub[1]
			if len(sub) > 2 {
				return keep + Mask + sub[len(sub)-1]
			}
			return keep + Mask
		})
	}
	return s
}

// mayHaveSecret is a cheap test that keeps redaction off the path of the
// ordinary line.
func mayHaveSecret(s string) bool {
	l := strings.ToLower(s)
	for _, k := range []string{"secret", "password", "passwd", "token", "bearer", "basic ", "sig=", "signature=", "code=", "eyj", "@"} {
		if strings.Contains(l, k) {
			return true
		}
	}
	return false
}
