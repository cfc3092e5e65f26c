package parser_test

import (
	"fmt"
	"strings"

	"github.com/arcdiag/arcdiag/parser"
)

func ExampleScanner() {
	log := `time="2031-02-03T04:05:06Z" level=debug msg="Example: resolving regional endpoint" Endpoint="https://contoso.example/healthcheck"
time="2031-02-03T04:05:09Z" level=error msg="Example request failed" Error="GET https://contoso.example/api\nRESPONSE 503 Service Unavailable" Status Code=503
INFO[0007] Exit Code:  AZCM0044: Resource Already Exists
`
	s := parser.NewScanner(strings.NewReader(log), "azcmagent.log", parser.Options{})
	for s.Scan() {
		r := s.Record()
		if r.Level < parser.LevelInfo {
			continue // decoded only when asked for: skipping costs nothing
		}
		status, _ := r.Field("Status Code")
		fmt.Printf("%d %s %s %q status=%q\n", r.Line, r.Format, r.Level, r.Message(), status)
	}
	if err := s.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 2 logrus error "Example request failed" status="503"
	// 3 terminal info "Exit Code:  AZCM0044: Resource Already Exists" status=""
}

func ExampleParseLine() {
	r := parser.ParseLine([]byte(`time="2031-02-03T13:05:06+09:00" level=error msg="Example file read failed" Error="open C:\\ProgramData\\Contoso\\example.json: Access is denied."`))
	fmt.Println(r.Format, r.Level, r.Time.UTC())
	fmt.Println(r.Text())
	// Output:
	// logrus error 2031-02-03 04:05:06 +0000 UTC
	// Example file read failed Error=open C:\ProgramData\Contoso\example.json: Access is denied.
}
