// Package redacttest holds the secrets planted in tests of redaction: every
// form in which a secret has been seen in agent logs, pasted errors and
// environment dumps, each in a log line as the agent would write it. The
// redact package tests each alone and in any surrounding text (fuzzing);
// the CLI tests run each through every command and output format.
package redacttest

// Case is one planted secret.
type Case struct {
	Name string
	// Line is a whole log line holding Secret.
	Line string
	// Secret is what must never be printed; Parts, when set, are pieces of
	// it that must not be printed either (the end of a quoted secret with a
	// space).
	Secret string
	Parts  []string
}

const (
	jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2lnbmF0dXJlLXBhcnQ"
	// storageKey is the shape of an Azure storage account key: 64 random
	// bytes in base64.
	storageKey = "q8Zr3Kx0Vb9Tn2Wm5Ld7Hc4Jf6Gp1Sa8Xe3Yu0Io5Pk7Mj2Nh9Bg4Cv6Dz1Fw3Ey8Ar5Ts0Ul2Qi7Ko9Lp4Mn6Ob1Pc3Qd5Re8Sf0Tg=="
	pemBody    = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj"
)

// Cases are the planted secrets.
var Cases = []Case{
	{Name: "flag bare", Secret: "Zx8Q~s3cr3t.VALUE_101",
		Line: `time="2031-02-03T04:05:06Z" level=debug msg="Agent Command: connect --service-principal-id 0000 --service-principal-secret Zx8Q~s3cr3t.VALUE_101 --tenant-id t"`},
	{Name: "flag quoted with a space", Secret: "Zx8Q~A B.VALUE_102", Parts: []string{"B.VALUE_102"},
		Line: `time="2031-02-03T04:05:06Z" level=debug msg="Agent Command: connect --service-principal-secret 'Zx8Q~A B.VALUE_102' --verbose"`},
	{Name: "flag escaped quotes", Secret: "Zx8Q~s3cr3t.VALUE_103",
		Line: `time="2031-02-03T04:05:06Z" level=debug msg="Agent Command: connect --service-principal-secret \"Zx8Q~s3cr3t.VALUE_103\" --verbose"`},
	{Name: "access token flag, not a JWT", Secret: "opaque-token-VALUE_104",
		Line: `time="2031-02-03T04:05:06Z" level=debug msg="Agent Command: connect --access-token opaque-token-VALUE_104 --subscription-id s"`},
	{Name: "form body", Secret: "Zx8Q~s3cr3t.VALUE_105",
		Line: `time="2031-02-03T04:05:06Z" level=error msg="token request failed" Body="client_id=abc&client_secret=Zx8Q~s3cr3t.VALUE_105&grant_type=client_credentials"`},
	{Name: "json quoted with a space", Secret: "s3cr3t VALUE_106", Parts: []string{"VALUE_106"},
		Line: `time="2031-02-03T04:05:06Z" level=error msg="bad config" Config="{\"clientSecret\": \"s3cr3t VALUE_106\"}"`},
	{Name: "escaped json token", Secret: "Zx8Q~s3cr3t.VALUE_107",
		Line: `time="2031-02-03T04:05:06Z" level=error msg="request failed" Body="{\"access_token\":\"Zx8Q~s3cr3t.VALUE_107\"}"`},
	{Name: "bearer header", Secret: "opaqueBearerVALUE108",
		Line: `time="2031-02-03T04:05:06Z" level=error msg="request failed" Header="Authorization: Bearer opaqueBearerVALUE108"`},
	{Name: "bearer url-encoded", Secret: "opaqueBearerVALUE109",
		Line: `time="2031-02-03T04:05:06Z" level=error msg="request failed" URL="https://example.invalid/cb?auth=Bearer%20opaqueBearerVALUE109"`},
	{Name: "shared key", Secret: "c2lnbmF0dXJlVkFMVUUxMTA=",
		Line: `time="2031-02-03T04:05:06Z" level=error msg="upload failed" Header="Authorization: SharedKey contoso:c2lnbmF0dXJlVkFMVUUxMTA="`},
	{Name: "jwt", Secret: jwt,
		Line: `time="2031-02-03T04:05:06Z" level=error msg="token ` + jwt + ` expired"`},
	{Name: "sas signature", Secret: "abc%2BVALUE111%3D",
		Line: `time="2031-02-03T04:05:06Z" level=error msg="download failed" URL="https://contoso.blob.core.windows.net/c/f.zip?sv=2031-01-01&sig=abc%2BVALUE111%3D&se=2031"`},
	{Name: "sas signature in json", Secret: "abcVALUE112",
		Line: `time="2031-02-03T04:05:06Z" level=error msg="download failed" Body="{\"url\":\"https://contoso.blob.core.windows.net/c/f.zip?sv=2031\u0026sig=abcVALUE112\u0026se=2031\"}"`},
	{Name: "proxy password", Secret: "pVALUE113",
		Line: `time="2031-02-03T04:05:06Z" level=error msg="proxy failed" proxy.url="http://user:pVALUE113@proxy.contoso.example:8080"`},
	{Name: "proxy password with / and @", Secret: "p/VAL@UE114",
		Line: `time="2031-02-03T04:05:06Z" level=error msg="proxy failed" proxy.url="http://user:p/VAL@UE114@proxy.contoso.example:8080"`},
	{Name: "proxy variable without scheme", Secret: "pwVALUE115",
		Line: `time="2031-02-03T04:05:06Z" level=error msg="environment" Env="https_proxy=user:pwVALUE115@proxy.contoso.example:3128"`},
	{Name: "connection string password", Secret: "pwdVALUE116",
		Line: `time="2031-02-03T04:05:06Z" level=error msg="db failed" Conn="Server=s;User Id=u;PWD=pwdVALUE116;"`},
	{Name: "account key", Secret: "akVALUE117",
		Line: `time="2031-02-03T04:05:06Z" level=error msg="storage" Conn="DefaultEndpointsProtocol=https;AccountName=a;AccountKey=akVALUE117;EndpointSuffix=core.windows.net"`},
	{Name: "shared access key", Secret: "sakVALUE118",
		Line: `time="2031-02-03T04:05:06Z" level=error msg="hub" Conn="Endpoint=sb://n.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=sakVALUE118"`},
	{Name: "bare storage key", Secret: storageKey,
		Line: `time="2031-02-03T04:05:06Z" level=error msg="key rejected: ` + storageKey + `"`},
	{Name: "private key", Secret: pemBody,
		Line: `-----BEGIN RSA PRIVATE KEY----- ` + pemBody + ` -----END RSA PRIVATE KEY-----`},
	{Name: "private key body line", Secret: pemBody, Line: pemBody},
	{Name: "password field", Secret: "pwVALUE119",
		Line: `time="2031-02-03T04:05:06Z" level=error msg="login" password=pwVALUE119`},
}
