package loggen

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// run is one pre-rendered azcmagent invocation.
type run struct {
	// lines are the records without their time: `" level=debug msg=... K=v` and a newline.
	lines [][]byte
	// adv[i] is the number of seconds the clock moves before lines[i].
	adv []uint16
	// size is the run's length in bytes, timestamps included.
	size int64
	// errs counts the error lines; lastErr is the index of the last one.
	errs, lastErr int
}

// machine holds every run one machine can log.
type machine struct {
	ordinary  [][]run // by kind, drawn by weights
	weights   []int
	weightSum int
	incident  []run // ordinary runs with one error line that is not the failure
	failing   []run // failing runs, each ending with Exit Code and FATAL lines
}

type corpus struct {
	machines []machine
	// dense holds the same machines with the dense profile's runs.
	dense []machine
	// maxLine is the longest line, with its timestamp and newline.
	maxLine int
}

var (
	corpusOnce sync.Once
	theCorpus  *corpus
)

func getCorpus() *corpus {
	corpusOnce.Do(func() { theCorpus = buildCorpus() })
	return theCorpus
}

// host describes a machine; every value is invented.
type host struct {
	name, region, rg, version, tenant, sub, sp, vmID string
}

const variants = 4

func buildCorpus() *corpus {
	r := newRNG(20310203)
	hosts := []struct{ name, region, rg, version string }{
		{"arc-web-01", "eastus", "rg-arc-prod", "1.58.03079.1821"},
		{"arc-db-02", "westeurope", "rg-arc-data", "1.60.03127.2043"},
		{"arc-app-03", "japaneast", "rg-arc-app", "1.56.03001.1712"},
		{"arc-build-04", "australiaeast", "rg-arc-ci", "1.61.03166.2110"},
		{"arc-file-05", "uksouth", "rg-arc-files", "1.59.03102.1933"},
		{"arc-edge-06", "westus2", "rg-arc-edge", "1.62.03190.2187"},
	}
	c := &corpus{}
	var made []host
	for _, h := range hosts {
		m := host{name: h.name, region: h.region, rg: h.rg, version: h.version,
			tenant: guid(&r), sub: guid(&r), sp: guid(&r), vmID: guid(&r)}
		c.machines = append(c.machines, buildMachine(m, &r))
		made = append(made, m)
	}
	// The dense profile draws from a generator of its own: the ordinary
	// profile's output stays what it always was.
	dr := newRNG(20311204)
	for _, m := range made {
		c.dense = append(c.dense, buildDenseMachine(m, &dr))
	}
	for _, m := range append(append([]machine(nil), c.machines...), c.dense...) {
		for _, rs := range append([][]run{m.incident, m.failing}, m.ordinary...) {
			for _, x := range rs {
				for _, l := range x.lines {
					if n := len(timePrefix) + 20 + len(l); n > c.maxLine {
						c.maxLine = n
					}
				}
			}
		}
	}
	return c
}

func buildMachine(h host, r *rng) machine {
	kinds := []struct {
		weight int
		build  func(h host, r *rng, v int) *builder
	}{
		{25, showRun},
		{10, checkRun},
		{10, connectRun},
		{20, configRun},
		{5, disconnectRun},
		{5, logsRun},
		{25, versionRun},
	}
	var m machine
	for _, k := range kinds {
		var rs []run
		for v := 0; v < variants; v++ {
			rs = append(rs, k.build(h, r, v).run())
		}
		m.ordinary = append(m.ordinary, rs)
		m.weights = append(m.weights, k.weight)
		m.weightSum += k.weight
	}
	for v := 0; v < variants; v++ {
		for _, f := range []func(h host, r *rng, v int) *builder{checkGNSRun, connectRetryRun, showOffsetRun} {
			m.incident = append(m.incident, f(h, r, v).run())
		}
	}
	for v := 0; v < variants; v++ {
		for _, f := range failingRuns {
			m.failing = append(m.failing, f(h, r, v).run())
		}
	}
	return m
}

// builder renders the records of a run.
type builder struct {
	lines [][]byte
	adv   []uint16
	errs  int
	last  int
}

// add appends a record; kv alternates keys and values. The fields are
// sorted by key, as logrus sorts them.
func (b *builder) add(adv int, level, msg string, kv ...string) {
	type field struct{ k, v string }
	fs := make([]field, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		fs = append(fs, field{kv[i], kv[i+1]})
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].k < fs[j].k })
	l := []byte(`" level=`)
	l = append(l, level...)
	if msg != "" {
		l = append(l, " msg="...)
		l = appendValue(l, msg)
	}
	for _, f := range fs {
		l = append(l, ' ')
		l = append(l, f.k...)
		l = append(l, '=')
		l = appendValue(l, f.v)
	}
	l = append(l, '\n')
	if level == "error" {
		b.errs++
		b.last = len(b.lines)
	}
	b.lines = append(b.lines, l)
	b.adv = append(b.adv, uint16(adv))
}

func (b *builder) d(adv int, msg string, kv ...string) { b.add(adv, "debug", msg, kv...) }
func (b *builder) i(adv int, msg string, kv ...string) { b.add(adv, "info", msg, kv...) }
func (b *builder) w(adv int, msg string, kv ...string) { b.add(adv, "warning", msg, kv...) }
func (b *builder) e(adv int, msg string, kv ...string) { b.add(adv, "error", msg, kv...) }
func (b *builder) f(adv int, msg string, kv ...string) { b.add(adv, "fatal", msg, kv...) }

func (b *builder) run() run {
	r := run{lines: b.lines, adv: b.adv, errs: b.errs, lastErr: b.last}
	for _, l := range b.lines {
		r.size += int64(len(timePrefix) + 20 + len(l))
	}
	return r
}

// appendValue writes a value as logrus does: bare when it is made of
// letters, digits and - . _ / @ ^ +, nothing when empty, else Go-quoted.
func appendValue(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '/' || c == '@' || c == '^' || c == '+') {
			return strconv.AppendQuote(b, s)
		}
	}
	return append(b, s...)
}

func guid(r *rng) string {
	a, b := r.next(), r.next()
	return fmt.Sprintf("%08x-%04x-4%03x-%x%03x-%012x", a>>32, a>>16&0xffff, a&0xfff,
		8+b>>62, b>>48&0xfff, b&0xffffffffffff)
}

func ms(r *rng, lo, hi int) string { return strconv.Itoa(lo+r.intn(hi-lo)) + "ms" }

// Record texts shared by the runs.
const (
	onboarding = "Onboarding Machine. It usually takes a few minutes to complete. Sometimes it may take longer depending on network and server load status."
	imds404    = "GET http://169.254.169.254/metadata/instance/compute?api-version=2019-06-01\nRESPONSE 404 Not Found"
	dashes     = "--------------------------------------------------------------------------------"
	sockPath   = "/var/opt/azcmagent/socks/himds.sock"
)

func (h host) his() string { return "https://" + h.region + ".his.arc.azure.com" }

func (h host) discovery() string {
	return "https://gbl.his.arc.azure.com/discovery?location=" + h.region + "&api-version=1.0-preview"
}

func (h host) armURL() string {
	return "https://management.azure.com/subscriptions/" + h.sub + "/resourceGroups/" + h.rg +
		"/providers/Microsoft.HybridCompute/machines/" + h.name + "?api-version=2024-07-10"
}

func (h host) tokenURL() string {
	return "https://login.microsoftonline.com/" + h.tenant + "/oauth2/token?api-version=1.0"
}

func (h host) endpoints() []string {
	return []string{"https://login.microsoftonline.com", "https://login.microsoft.com", "https://pas.windows.net",
		"https://management.azure.com", "https://gbl.his.arc.azure.com", h.his(),
		"https://agentserviceapi.guestconfiguration.azure.com", "https://" + h.region + "-gas.guestconfiguration.azure.com"}
}

func prelude(h host, cmd, args string, imds bool) *builder {
	b := &builder{}
	b.d(0, "Agent Version: "+h.version)
	b.d(0, "Agent Command: "+cmd)
	b.d(0, "Command Line: /opt/azcmagent/bin/azcmagent "+args)
	b.d(0, "Loading agent config file", "Path", "/var/opt/azcmagent/agentconfig.json")
	b.d(0, "Loading local config file", "Path", "/etc/azcmagent/config.json")
	b.d(0, "Agent Logfile", "Path", "/var/opt/azcmagent/log/azcmagent.log")
	if imds {
		b.d(0, "Resolved HIS host", "Endpoint", "https://gbl.his.arc.azure.com")
		b.d(0, "Opening HIMDS socket", "Endpoint", sockPath)
		b.d(0, "Connected to HIMDS", "Endpoint", sockPath)
		b.d(0, "Checking cloud provider against IMDS")
		b.d(1, "Cloud provider check: Azure not detected", "Error", imds404)
		b.d(0, "Detected cloud provider", "Provider", "")
	}
	return b
}

func exiting(b *builder, status int) {
	b.d(0, "Exiting azcmagent", "ExitStatus", strconv.Itoa(status))
}

// fail ends a failing run: the exit-code line, the FATAL line(s), the exit.
func fail(b *builder, code, name, fatal string, twice bool) *builder {
	b.i(0, "Exit Code:  "+code+": "+name)
	b.f(0, fatal)
	if twice {
		b.f(0, fatal)
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(code, "AZCM"))
	exiting(b, n)
	return b
}

func netcheck(b *builder, h host, r *rng) {
	b.i(0, "Check network connectivity for all the endpoints ...")
	for _, ep := range h.endpoints() {
		b.d(0, "Endpoint is reachable", "Duration", ms(r, 20, 400), "Endpoint", ep, "Status Code", "200")
	}
	b.i(1, "Network check completed successfully.")
}

func spLogin(b *builder, h host) {
	b.d(0, "Using service principal for authentication", "Application Id", h.sp)
	b.d(1, "Acquired access token", "ExpiresOn", "in 1h0m0s", "Resource", "https://management.core.windows.net/")
}

func serviceRestarts(b *builder) {
	for _, s := range []string{"himdsd.service", "gcad.service", "extd.service"} {
		b.d(1, "Restarting service", "Service", s)
	}
}

func showRun(h host, r *rng, v int) *builder {
	b := prelude(h, "show", "show -v", true)
	b.d(0, "Requesting agent status from HIMDS", "Endpoint", sockPath)
	b.d(0, "Agent status received", "Last Heartbeat", strconv.Itoa(1+r.intn(4))+"m"+strconv.Itoa(r.intn(60))+"s ago", "Status", "Connected")
	for k := 0; k < 3+v; k++ {
		b.d(0, "Heartbeat", "Age", strconv.Itoa(5*k+r.intn(5))+"m", "Endpoint", h.his()+"/agent/heartbeat?api-version=2024-05-20", "Status Code", "200")
	}
	for _, s := range []string{"himdsd.service", "gcad.service", "extd.service", "arcproxyd.service"} {
		state := "active"
		if s == "arcproxyd.service" {
			state = "inactive"
		}
		b.d(0, "Service status", "Service", s, "State", state)
	}
	for _, x := range []string{"Microsoft.Azure.Monitor.AzureMonitorLinuxAgent", "Microsoft.Azure.AzureDefenderForServers.MDE.Linux"}[:1+v%2] {
		b.d(0, "Extension status", "Name", x, "State", "Succeeded")
	}
	exiting(b, 0)
	return b
}

func checkRun(h host, r *rng, v int) *builder {
	b := prelude(h, "check", "check --location "+h.region+" -v", true)
	b.i(0, "Checking network connectivity", "Location", h.region)
	for _, ep := range h.endpoints() {
		b.d(0, "Endpoint is reachable", "Duration", ms(r, 20, 400), "Endpoint", ep, "Status Code", "200")
	}
	if v%2 == 1 {
		b.d(1, "TLS handshake completed", "Cipher Suite", "TLS_AES_128_GCM_SHA256", "Endpoint", "gbl.his.arc.azure.com:443", "Version", "TLS 1.3")
	}
	b.i(1, "Network check completed successfully.")
	exiting(b, 0)
	return b
}

func retryDump(h host, method, url, status, code, text string) string {
	return method + " " + url + "\nUser-Agent: azcmagent/" + h.version + " (linux)\n" + dashes + "\nRESPONSE " + status + "\nERROR CODE: " + code + "\n" + dashes +
		"\n{\n  \"error\": {\n    \"code\": \"" + code + "\",\n    \"message\": \"" + text + "\"\n  }\n}\n" + dashes + "\n"
}

func armBody(h host) string {
	return `{"id":"/subscriptions/` + h.sub + `/resourceGroups/` + h.rg + `/providers/Microsoft.HybridCompute/machines/` + h.name +
		`","name":"` + h.name + `","type":"Microsoft.HybridCompute/machines","location":"` + h.region +
		`","identity":{"type":"SystemAssigned","principalId":"` + h.vmID + `","tenantId":"` + h.tenant +
		`"},"properties":{"provisioningState":"Succeeded","status":"Connected","agentVersion":"` + h.version +
		`","osName":"linux","osType":"linux","vmId":"` + h.vmID + `","mssqlDiscovered":"false"}}`
}

func connectBody(b *builder, h host, r *rng, v int, transient bool) {
	b.d(0, "Reading parameters from config file", "Path", "/root/arc-onboarding.json")
	b.i(0, onboarding)
	netcheck(b, h, r)
	spLogin(b, h)
	b.d(0, "Getting regional endpoints from HIS", "Endpoint", h.discovery())
	if transient {
		b.e(2, "Request failed; retrying", "Attempt", "1", "Error", retryDump(h, "GET", h.discovery(), "503: 503 Service Unavailable", "ServiceUnavailable", "The service is temporarily unavailable. Retry the request after some time."))
	}
	b.d(1, "Regional endpoints received", "Endpoint", h.his())
	b.d(0, "Generating RSA key pair", "Bits", "2048")
	b.d(1, "Creating the Azure resource", "Request URL", h.armURL())
	if v%2 == 0 {
		// Resource Manager throttling; not the his.arc.azure.com 429s of cloned machines.
		b.d(2, "Request failed; retrying", "Attempt", "1", "Error", retryDump(h, "PUT", h.armURL(), "429: 429 Too Many Requests", "TooManyRequests", "The request was throttled. Retry after 2 seconds."))
	}
	b.d(3, "Azure resource created", "Body", armBody(h), "Status Code", "200")
	b.d(0, "Requesting managed identity certificate from HIS", "Endpoint", h.his())
	b.d(2, "Saved agent configuration", "Path", "/var/opt/azcmagent/agentconfig.json")
	serviceRestarts(b)
	b.i(2, "Successfully Onboarded Resource to Azure", "VM Id", h.vmID)
	exiting(b, 0)
}

func connectRun(h host, r *rng, v int) *builder {
	b := prelude(h, "connect", "connect --config /root/arc-onboarding.json -v", true)
	connectBody(b, h, r, v, false)
	return b
}

func configRun(h host, r *rng, v int) *builder {
	sets := [][2]string{
		{"extensions.allowlist", "Microsoft.Azure.Monitor/AzureMonitorLinuxAgent,Microsoft.Azure.AzureDefenderForServers/MDE.Linux"},
		{"proxy.bypass", "Arc"},
		{"incomingconnections.ports", "22,443"},
		{"guestconfiguration.enabled", "true"},
	}
	p := sets[v%len(sets)]
	if v == 3 {
		b := prelude(h, "config", "config list -v", false)
		for _, s := range sets {
			b.d(0, "Local configuration value", "Property", s[0], "Value", s[1])
		}
		exiting(b, 0)
		return b
	}
	b := prelude(h, "config", "config set "+p[0]+" "+p[1]+" -v", false)
	if p[0] == "proxy.bypass" {
		b.w(0, "proxy.bypass is set but no proxy server is configured", "Property", "proxy.url")
	}
	b.d(0, "Updated local configuration", "Path", "/etc/azcmagent/config.json", "Property", p[0], "Value", p[1])
	b.d(1, "Restarting service", "Service", "extd.service")
	b.i(1, "Config property "+p[0]+" updated")
	exiting(b, 0)
	return b
}

func disconnectRun(h host, r *rng, v int) *builder {
	b := prelude(h, "disconnect", "disconnect --config /root/arc-onboarding.json -v", true)
	b.i(0, "Disconnecting the machine from Azure", "Resource Name", h.name)
	spLogin(b, h)
	b.d(1, "Deleting the Azure resource", "Request URL", h.armURL())
	b.d(2, "Azure resource deleted", "Status Code", "200")
	b.d(0, "Removing local agent configuration", "Path", "/var/opt/azcmagent/agentconfig.json")
	b.d(0, "Removing managed identity certificate", "Path", "/var/opt/azcmagent/certs/myCert.cer")
	serviceRestarts(b)
	b.i(1, "Successfully disconnected the machine from Azure", "Resource Name", h.name)
	exiting(b, 0)
	return b
}

func logsRun(h host, r *rng, v int) *builder {
	args := "logs -v"
	if v%2 == 1 {
		args = "logs --full -v"
	}
	b := prelude(h, "logs", args, false)
	for _, p := range []string{"/var/opt/azcmagent/log/azcmagent.log", "/var/opt/azcmagent/log/himds.log", "/var/opt/azcmagent/log/arcproxy.log",
		"/var/lib/GuestConfig/ext_mgr_logs/gc_ext.log", "/var/lib/GuestConfig/arc_policy_logs/gc_agent.log", "/var/opt/azcmagent/agentconfig.json"} {
		b.d(0, "Adding file to archive", "Path", p, "Size", strconv.Itoa(4096+r.intn(1<<20)))
	}
	b.d(1, "Adding journal of unit to archive", "Unit", "himdsd.service")
	b.i(1, "Wrote the log archive", "Path", "/root/azcmagent-logs-"+h.name+".zip")
	exiting(b, 0)
	return b
}

func versionRun(h host, r *rng, v int) *builder {
	b := &builder{}
	b.d(0, "Agent Version: "+h.version)
	b.d(0, "Agent Command: version")
	b.d(0, "Command Line: /opt/azcmagent/bin/azcmagent version -v")
	b.d(0, "Agent Logfile", "Path", "/var/opt/azcmagent/log/azcmagent.log")
	exiting(b, 0)
	return b
}

// Incidents: ordinary runs with one error line that does not fail the run.

func checkGNSRun(h host, r *rng, v int) *builder {
	b := prelude(h, "check", "check --location "+h.region+" -v", true)
	b.i(0, "Checking network connectivity", "Location", h.region)
	for _, ep := range h.endpoints() {
		b.d(0, "Endpoint is reachable", "Duration", ms(r, 20, 400), "Endpoint", ep, "Status Code", "200")
	}
	b.e(10, "Endpoint is not reachable", "Endpoint", "https://guestnotificationservice.azure.com",
		"Error", `Get "https://guestnotificationservice.azure.com/urls/allocation?api-version=2020-04-01": dial tcp 203.0.113.30:443: i/o timeout`)
	b.i(0, "Network check completed: 8 of 9 endpoints reachable")
	exiting(b, 0)
	return b
}

func connectRetryRun(h host, r *rng, v int) *builder {
	b := prelude(h, "connect", "connect --config /root/arc-onboarding.json -v", true)
	connectBody(b, h, r, v, true)
	return b
}

func showOffsetRun(h host, r *rng, v int) *builder {
	b := prelude(h, "show", "show -v", true)
	b.e(0, "Time offset between this machine and Azure exceeds 120 seconds", "Offset", strconv.Itoa(2+v)+"m"+strconv.Itoa(10+r.intn(50))+"s")
	b.d(0, "Requesting agent status from HIMDS", "Endpoint", sockPath)
	b.d(0, "Agent status received", "Last Heartbeat", "3m12s ago", "Status", "Connected")
	exiting(b, 0)
	return b
}

// Failing runs. Each carries an error text a knowledge-base message entry
// recognises (named in the comment) and ends with its AZCM code.

var failingRuns = []func(h host, r *rng, v int) *builder{
	// tls-untrusted-certificate, then a generic 403 (AZCM0042).
	func(h host, r *rng, v int) *builder {
		b := prelude(h, "connect", "connect --resource-group "+h.rg+" --tenant-id "+h.tenant+" --subscription-id "+h.sub+" --location "+h.region+" --use-device-code --ignore-network-check -v", true)
		b.i(0, onboarding)
		b.d(4, "Device login completed", "User", "admin@contoso.example")
		b.d(0, "Getting regional endpoints from HIS", "Endpoint", h.discovery())
		x509 := `Get "` + h.discovery() + `": tls: failed to verify certificate: x509: certificate signed by unknown authority`
		b.e(1, "Failed to reach the Azure Arc service", "Error", x509)
		b.d(60, "Request failed", "Attempt", "2", "Error", x509)
		b.w(60, "Could not get the regional endpoints from HIS; using the default endpoints", "Location", h.region)
		b.d(1, "Creating the Azure resource", "Request URL", h.armURL())
		b.e(95, "Failed to AzcmagentConnect ARM resource", "Status Code", "403", "Error",
			"PUT "+h.armURL()+"\n"+dashes+"\nRESPONSE 403: 403 Forbidden\nERROR CODE UNAVAILABLE\n"+dashes+
				"\n<html><head><title>Access Denied</title></head><body>Request blocked by the Contoso web gateway policy.</body></html>\n"+dashes+"\n")
		return fail(b, "AZCM0042", "Failed to Create Resource", "Failed to AzcmagentConnect ARM resource", false)
	},
	// spn-invalid-secret, at debug level only (AZCM0041).
	func(h host, r *rng, v int) *builder {
		b := prelude(h, "connect", "connect --service-principal-id "+h.sp+" --service-principal-secret Bench~PLANTED-SECRET --tenant-id "+h.tenant+" --subscription-id "+h.sub+" --resource-group "+h.rg+" --location "+h.region+" -v", true)
		b.i(0, onboarding)
		netcheck(b, h, r)
		b.d(0, "Using service principal for authentication", "Application Id", h.sp)
		b.d(1, "Failed to acquire authorization token from SPN", "Error",
			`Failed to execute the refresh request. Error = 'adal: Refresh request failed. Status Code = '401'. Response body: {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '`+h.sp+`'.\r\nTrace ID: `+guid(r)+`\r\nCorrelation ID: `+guid(r)+`\r\nTimestamp: 2031-02-03 04:05:06Z","error_codes":[7000215]} Endpoint `+h.tokenURL()+`'`)
		b.e(0, "Failed to get access token", "Error", "service principal authentication failed: status 401 Unauthorized")
		return fail(b, "AZCM0041", "Failed to Get Access Token", "Failed to get access token", false)
	},
	// proxy-misconfiguration (AZCM0026).
	func(h host, r *rng, v int) *builder {
		b := prelude(h, "connect", "connect --config /root/arc-onboarding.json -v", true)
		b.d(0, "Using proxy from environment", "URL", "http://192.0.2.80:3128", "Variable", "HTTPS_PROXY")
		b.i(0, onboarding)
		b.i(0, "Check network connectivity for all the endpoints ...")
		refused := "proxyconnect tcp: dial tcp 192.0.2.80:3128: connect: connection refused"
		for _, ep := range h.endpoints()[:3+v] {
			b.d(1, "Endpoint is not reachable", "Endpoint", ep, "Error", `Get "`+ep+`": `+refused)
		}
		b.e(0, "Network check failed", "Error", `Get "`+h.discovery()+`": `+refused)
		return fail(b, "AZCM0026", "Network Error", "Network check failed", false)
	},
	// arm-provider-not-registered (AZCM0042).
	func(h host, r *rng, v int) *builder {
		b := prelude(h, "connect", "connect --config /root/arc-onboarding.json -v", true)
		b.i(0, onboarding)
		netcheck(b, h, r)
		spLogin(b, h)
		b.d(1, "Creating the Azure resource", "Request URL", h.armURL())
		msg := "The subscription is not registered to use namespace 'Microsoft.HybridCompute'. See https://aka.ms/rps-not-found for how to register subscriptions."
		b.e(2, "Failed to AzcmagentConnect ARM resource", "Status Code", "409", "Error",
			`{"error":{"code":"MissingSubscriptionRegistration","message":"`+msg+`","details":[{"code":"MissingSubscriptionRegistration","target":"Microsoft.HybridCompute","message":"`+msg+`"}]}}`)
		return fail(b, "AZCM0042", "Failed to Create Resource", "Failed to AzcmagentConnect ARM resource", false)
	},
	// himds-not-running, a run without -v: no debug lines (AZCM0064).
	func(h host, r *rng, v int) *builder {
		b := &builder{}
		b.e(0, "Unable to reach the agent service", "Error", "dial unix "+sockPath+": connect: connection refused")
		b.i(0, "Exit Code:  AZCM0064: Unable to Obtain Change Token")
		b.f(0, "Unable to reach the agent service")
		return b
	},
	// arm-authorization-403 (AZCM0042).
	func(h host, r *rng, v int) *builder {
		b := prelude(h, "connect", "connect --config /root/arc-onboarding.json -v", true)
		b.i(0, onboarding)
		netcheck(b, h, r)
		spLogin(b, h)
		b.d(1, "Getting ARM resource", "Request URL", h.armURL())
		b.e(1, "Get ARM Resource Response", "Status Code", "403", "Error",
			`{"error":{"code":"AuthorizationFailed","message":"The client '`+h.sp+`' with object id '`+guid(r)+`' does not have authorization to perform action 'Microsoft.HybridCompute/machines/read' over scope '/subscriptions/`+h.sub+`/resourcegroups/`+h.rg+`/providers/Microsoft.HybridCompute/machines/`+h.name+`' or the scope is invalid. If access was recently granted, please refresh your credentials."}}`)
		return fail(b, "AZCM0042", "Failed to Create Resource", "Get ARM Resource Response", true)
	},
	// endpoints-unreachable (AZCM0026).
	func(h host, r *rng, v int) *builder {
		b := prelude(h, "connect", "connect --config /root/arc-onboarding.json -v", true)
		b.i(0, onboarding)
		b.i(0, "Check network connectivity for all the endpoints ...")
		b.d(21, "Endpoint is not reachable", "Endpoint", "https://gbl.his.arc.azure.com", "Error", `Get "https://gbl.his.arc.azure.com": dial tcp 203.0.113.10:443: i/o timeout`)
		b.e(21, "Failed to reach the Azure Arc service", "Error", `Get "`+h.discovery()+`": dial tcp 203.0.113.10:443: i/o timeout`)
		return fail(b, "AZCM0026", "Network Error", "Failed to reach the Azure Arc service", false)
	},
	// login-blocked, device code (AZCM0041).
	func(h host, r *rng, v int) *builder {
		b := prelude(h, "connect", "connect --resource-group "+h.rg+" --tenant-id "+h.tenant+" --subscription-id "+h.sub+" --location "+h.region+" --use-device-code -v", true)
		b.i(0, onboarding)
		netcheck(b, h, r)
		b.e(1, "Failed to acquire authorization token device flow", "Error",
			`Error occurred while sending request for Device Authorization Code: Post "https://login.microsoftonline.com/`+h.tenant+`/oauth2/devicecode?api-version=1.0": Forbidden`)
		return fail(b, "AZCM0041", "Failed to Get Access Token", "Failed to acquire authorization token device flow", false)
	},
	// clock-skew, after the benign clock-offset error (AZCM0026).
	func(h host, r *rng, v int) *builder {
		b := prelude(h, "connect", "connect --config /root/arc-onboarding.json -v", true)
		b.i(0, onboarding)
		b.e(1, "Time offset between this machine and Azure exceeds 120 seconds", "Offset", "-168h0m31s")
		b.i(0, "Check network connectivity for all the endpoints ...")
		b.e(2, "Network check failed", "Error", `Get "`+h.discovery()+`": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2031-01-01T00:00:00Z is before 2031-01-08T00:00:00Z`)
		return fail(b, "AZCM0026", "Network Error", "Network check failed", false)
	},
	// not-elevated (AZCM0018).
	func(h host, r *rng, v int) *builder {
		b := &builder{}
		b.d(0, "Agent Version: "+h.version)
		b.d(0, "Agent Command: show")
		b.d(0, "Command Line: /opt/azcmagent/bin/azcmagent show -v")
		b.e(0, "Failed to read agent configuration", "Error", "open /var/opt/azcmagent/agentconfig.json: permission denied")
		return fail(b, "AZCM0018", "Admin Privileges Needed", "Failed to read agent configuration", false)
	},
	// spn-app-not-found (AZCM0041).
	func(h host, r *rng, v int) *builder {
		b := prelude(h, "connect", "connect --config /root/arc-onboarding.json -v", true)
		b.i(0, onboarding)
		netcheck(b, h, r)
		b.d(0, "Using service principal for authentication", "Application Id", h.sp)
		b.e(1, "Failed to acquire authorization token from SPN", "Error",
			`Failed to execute the refresh request. Error = 'adal: Refresh request failed. Status Code = '400'. Response body: {"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier '`+h.sp+`' was not found in the directory 'Contoso'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.\r\nTrace ID: `+guid(r)+`\r\nTimestamp: 2031-02-03 04:05:06Z","error_codes":[700016]} Endpoint `+h.tokenURL()+`'`)
		return fail(b, "AZCM0041", "Failed to Get Access Token", "Failed to acquire authorization token from SPN", true)
	},
}

// buildDenseMachine gives the dense profile's runs: the same kinds of
// invocation, each probing IMDS several times (the 404 a machine outside
// Azure gets) and talking to HIMDS at length, so that runs are short and
// every one carries benign lines and an exit status.
func buildDenseMachine(h host, r *rng) machine {
	m := buildMachine(h, r)
	for i := range m.ordinary {
		for j := range m.ordinary[i] {
			m.ordinary[i][j] = densify(m.ordinary[i][j], h, r)
		}
	}
	for j := range m.incident {
		m.incident[j] = densify(m.incident[j], h, r)
	}
	return m
}

// densify inserts the dense profile's lines after a run's header lines.
func densify(x run, h host, r *rng) run {
	at := min(3, len(x.lines))
	extra := &builder{}
	for k := range 3 + r.intn(4) {
		extra.d(0, "Checking cloud provider against IMDS", "Attempt", strconv.Itoa(k+1))
		extra.d(1, "Cloud provider check: Azure not detected", "Error", imds404)
		extra.i(0, "Waiting before the next cloud provider check", "Delay", "1s")
	}
	for range 7 + r.intn(10) {
		extra.d(0, "HIMDS request completed", "Duration", ms(r, 1, 40), "Endpoint", sockPath,
			"Path", "/metadata/instance/compute?api-version=2020-06-01", "Status Code", "200")
	}
	b := &builder{errs: x.errs, last: x.lastErr}
	b.lines = append(append(append(b.lines, x.lines[:at]...), extra.lines...), x.lines[at:]...)
	b.adv = append(append(append(b.adv, x.adv[:at]...), extra.adv...), x.adv[at:]...)
	if x.errs > 0 && x.lastErr >= at {
		b.last += len(extra.lines)
	}
	return b.run()
}
