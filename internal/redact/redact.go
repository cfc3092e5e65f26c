// Package redact removes secrets from text before arcdiag prints it: service
// principal secrets and access tokens in logged command lines, client
// secrets, passwords and keys in bodies, environment dumps and connection
// strings, bearer tokens and JWTs, signatures in URLs, proxy credentials,
// private keys and bare storage account keys. Agent logs and pasted errors
// carry these, and arcdiag output ends up in tickets and chat.
//
// Redaction errs on the side of masking: a value is masked whole, up to its
// closing quote when it is quoted (a secret may hold spaces), and a long
// base64 run that could be a key is masked even when nothing names it.
package redact

import (
	"regexp"
	"strings"
)

// Mask replaces each secret.
const Mask = "[REDACTED]"

var (
	// keyRE finds a name whose value is secret and the separator after it;
	// the value is read by valueEnd. Flags (--service-principal-secret X,
	// --access-token=X), assignments (client_secret=, "clientSecret": ,
	// Password=, PWD=, AccountKey=, SharedAccessKey=) and the same inside
	// escaped JSON or logrus values (\"access_token\":\").
	keyRE = regexp.MustCompile(`(?i)(?:--[a-z-]*(?:secret|token|password|passwd)(?:[=\s]+)|\b(?:client[_-]?secret|password|passwd|pwd|access[_-]?token|refresh[_-]?token|id[_-]?token|[a-z_]*secret|account[_-]?key|shared[_-]?access[_-]?key|sharedaccesssignature|api[_-]?key|sig|signature)(?:\\?["'])?\s*[:=]\s*)`)
	// schemeRE finds what a proxy's password follows: user: after a scheme
	// (http://user:) or after a proxy variable without one (https_proxy=user:).
	schemeRE = regexp.MustCompile(`(?i)(?:\b[a-z][a-z0-9+.-]*://|\b[a-z_]*proxy["']?\s*[=:]\s*["']?)[^/\s:@"']+:`)
	// authRE finds an Authorization scheme followed by its credentials, the
	// space possibly URL-encoded.
	authRE = regexp.MustCompile(`(?i)\b(?:bearer|basic|sharedkey|sharedkeylite)(?:\s+|%20|\+)`)
	// queryRE finds a signature or token in a URL query, & possibly escaped
	// for JSON (\u0026), HTML (&amp;) or a URL (%26).
	queryRE = regexp.MustCompile(`(?i)(?:[?&]|\\u0026|&amp;|%26)(?:sig|signature|se?cret|code|token|access_token|client_secret)=`)
	// jwtRE finds JSON Web Tokens wherever they appear: three base64url parts,
	// the first two starting with the encoding of '{"'.
	jwtRE = regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*`)
	// pemRE finds a private key block, or its head when its lines are
	// logged one by one.
	pemRE = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?s:.*?-----END [A-Z0-9 ]*PRIVATE KEY-----|.*)`)
	// base64RE finds long base64 runs: storage account keys (88 characters),
	// the lines of a PEM body. Runs with no digit or no mixed case are words
	// or hex digests and are left alone (see looksLikeKey).
	base64RE = regexp.MustCompile(`[A-Za-z0-9+/]{40,}={0,2}`)
)

// String returns s with every secret replaced by Mask.
func String(s string) string {
	if !mayHaveSecret(s) {
		return s
	}
	s = pemRE.ReplaceAllString(s, Mask)
	s = jwtRE.ReplaceAllString(s, Mask)
	s = maskValues(s, keyRE, valueEnd)
	s = maskValues(s, queryRE, queryEnd)
	s = maskValues(s, authRE, credentialsEnd)
	s = maskValues(s, schemeRE, passwordEnd)
	return base64RE.ReplaceAllStringFunc(s, func(run string) string {
		if looksLikeKey(run) {
			return Mask
		}
		return run
	})
}

// maskValues replaces, after each match of re, the value that end finds.
func maskValues(s string, re *regexp.Regexp, end func(string) (int, int)) string {
	locs := re.FindAllStringIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, loc := range locs {
		if loc[0] < last {
			continue // inside a value already masked
		}
		from, to := end(s[loc[1]:])
		if to <= from || strings.HasPrefix(s[loc[1]+from:], Mask) {
			continue
		}
		b.WriteString(s[last : loc[1]+from])
		b.WriteString(Mask)
		last = loc[1] + to
	}
	b.WriteString(s[last:])
	return b.String()
}

// valueEnd reads a value at the start of s: quoted ("…", '…', \"…\") up to
// its closing quote, spaces included, else up to a space, quote or
// separator. It returns where the secret starts and ends.
func valueEnd(s string) (int, int) {
	switch {
	case strings.HasPrefix(s, `\"`):
		if i := strings.Index(s[2:], `\"`); i >= 0 {
			return 2, 2 + i
		}
		return 2, len(s)
	case strings.HasPrefix(s, `"`), strings.HasPrefix(s, `'`):
		q := s[0]
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case q:
				return 1, i
			}
		}
		return 1, len(s)
	}
	return 0, bareEnd(s, `"'&,;}\`)
}

// bareEnd is the length of the unquoted value at the start of s: up to a
// space or one of stops.
func bareEnd(s, stops string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ' ' || c == '\t' || c == '\n' || c == '\r' || strings.IndexByte(stops, c) >= 0 {
			return i
		}
	}
	return len(s)
}

// queryEnd reads a URL query value: up to the next parameter or the URL's end.
func queryEnd(s string) (int, int) {
	n := bareEnd(s, `&"'\<>`)
	return 0, n
}

// credentialsEnd reads what follows an Authorization scheme: a token, or
// SharedKey's account:signature, of which the signature is the secret.
func credentialsEnd(s string) (int, int) {
	n := bareEnd(s, `"'\,;`)
	if i := strings.IndexByte(s[:n], ':'); i >= 0 && i < n-1 {
		return i + 1, n
	}
	return 0, n
}

// passwordEnd reads a proxy password up to the @ before the host: the last
// @ of the URL, since a password may itself hold @ and /.
func passwordEnd(s string) (int, int) {
	n := bareEnd(s, `"'`)
	if i := strings.LastIndexByte(s[:n], '@'); i > 0 {
		return 0, i
	}
	return 0, 0 // user:port, not user:password@host
}

// looksLikeKey tells a random base64 run (a key) from a long word or a
// hex digest: a key has digits and both cases.
func looksLikeKey(run string) bool {
	var lower, upper, digit bool
	for i := 0; i < len(run); i++ {
		switch c := run[i]; {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= '0' && c <= '9':
			digit = true
		}
	}
	return lower && upper && digit
}

// mayHaveSecret is a cheap test that keeps redaction off the path of the
// ordinary line.
func mayHaveSecret(s string) bool {
	l := strings.ToLower(s)
	for _, k := range []string{"secret", "password", "passwd", "pwd", "token", "bearer", "basic", "sharedkey",
		"key", "sig", "code=", "eyj", "@", "private"} {
		if strings.Contains(l, k) {
			return true
		}
	}
	return hasLongRun(s)
}

// hasLongRun reports whether s has 40 base64 characters in a row.
func hasLongRun(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/' {
			if n++; n >= 40 {
				return true
			}
		} else {
			n = 0
		}
	}
	return false
}
