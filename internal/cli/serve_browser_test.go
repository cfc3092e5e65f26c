package cli

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// chromiumPath finds the system's Chromium: the browser test drives the
// one the README's prerequisites install, never a downloaded one.
func chromiumPath() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is one headless Chromium for the whole test, and where its
// screenshots go.
type browser struct {
	ctx   context.Context
	shots string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed (CI is set: the browser test must run); install it with apt-get install -y chromium")
		}
		t.Skip("chromium is not installed; the browser test needs /usr/bin/chromium (apt-get install -y chromium)")
	}
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.WindowSize(1100, 800),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTime := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTime(); cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return &browser{ctx: ctx, shots: t.ArtifactDir()}
}

// stepTime bounds one step, so that a page that never comes fails its
// step and not every step after it.
const stepTime = 30 * time.Second

// do runs steps, failing the test on an error.
func (b *browser) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	err := retryStale(t, func() error {
		ctx, cancel := context.WithTimeout(b.ctx, stepTime)
		defer cancel()
		return chromedp.Do(ctx, steps...)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// value runs an action and returns its value, failing the test on an error.
func value[T any](t *testing.T, b *browser, a chromedp.Action[T]) T {
	t.Helper()
	var v T
	err := retryStale(t, func() error {
		ctx, cancel := context.WithTimeout(b.ctx, stepTime)
		defer cancel()
		var err error
		v, err = chromedp.Run(ctx, a)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// retryStale runs f again, twice at most, when it failed because a node it
// had found was gone: Chromium answers "No node with given id found" when
// the document changes between finding an element and acting on it (a
// page's own script still settling), which failed one CI run of
// this test. Any other error is returned at once.
func retryStale(t *testing.T, f func() error) error {
	t.Helper()
	err := f()
	for try := 1; try <= 2 && err != nil && strings.Contains(err.Error(), "No node with given id found"); try++ {
		t.Logf("retrying after a stale node: %v", err)
		err = f()
	}
	return err
}

// page checks what every page must be, saves its screenshot under name,
// and returns its HTML.
func (b *browser) page(t *testing.T, name string) string {
	t.Helper()
	html := value(t, b, chromedp.OuterHTML("html"))
	text := value(t, b, chromedp.Text("body"))
	xss := value(t, b, chromedp.Evaluate[bool](`window.__xss !== undefined`))
	png := value(t, b, chromedp.CaptureScreenshot())
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	if xss {
		t.Errorf("%s: injected script ran", name)
	}
	for _, s := range planted {
		if strings.Contains(html, s) {
			t.Errorf("%s: the page shows the planted secret %q", name, s)
		}
	}
	return html + "\n" + text
}

// pageVerdictsJS lists the verdict of each run on the analyze page, as
// pageVerdicts does.
const pageVerdictsJS = `Array.from(document.querySelectorAll("td.verdict")).flatMap(td => Array(Number(td.dataset.runs || 1)).fill(td.dataset.verdict || "-"))`

// zipPath is an `azcmagent logs` zip of the samples, as an absolute path
// (what a browser's file field takes).
func zipPath(t *testing.T) string {
	p, err := filepath.Abs("../../testdata/logs/bundles/azcmagent-20310210T091500-CONTOSO-FS01.zip")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestServeBrowser drives the pages in a real headless Chromium, as a
// support engineer would: search, an explanation, the language switch, a
// pasted line, uploads of every sample, injection attempts.
func TestServeBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test runs without -short")
	}
	b := newBrowser(t)
	hs, k := startServe(t)
	t.Logf("screenshots in %s", b.shots)

	t.Run("search, explain, Japanese", func(t *testing.T) {
		b.do(t,
			chromedp.Navigate(hs.URL+"/"),
			chromedp.WaitVisible("#home-q"),
		)
		b.page(t, "home")
		b.do(t,
			chromedp.SendKeys("#home-q", "proxy login"),
			chromedp.Submit("#home-q"),
			chromedp.WaitVisible("ol.hits"),
		)
		b.page(t, "search")
		href := value(t, b, chromedp.AttributeValue("ol.hits > li:first-child > a.id", "href")).Value
		b.do(t, chromedp.Click("ol.hits > li:first-child > a.id"), chromedp.WaitVisible("article.entry"))
		title := value(t, b, chromedp.Text("article.entry h2"))
		b.page(t, "explain")
		id := strings.TrimPrefix(strings.Split(href, "?")[0], "/explain/")
		e, ok := k.Get(id)
		if !ok || !strings.Contains(title, e.Title.EN) {
			t.Fatalf("first hit %s: page title %q", href, title)
		}
		b.do(t, chromedp.Click("#lang-switch"), chromedp.WaitVisible(`html[lang="ja"] article.entry`))
		title = value(t, b, chromedp.Text("article.entry h2"))
		url := value(t, b, chromedp.Location())
		b.page(t, "explain-ja")
		if !strings.Contains(title, e.Title.JA) || !strings.Contains(url, "/explain/"+id) {
			t.Errorf("after the switch: %s shows %q, want %s's Japanese title %q", url, title, id, e.Title.JA)
		}
	})

	t.Run("paste an error line", func(t *testing.T) {
		line := `time="2031-02-03T04:05:06Z" level=fatal msg="Invalid client secret is provided"`
		want := k.Explain(line)
		if len(want.Entries) == 0 {
			t.Fatal("the knowledge base does not explain the test's line")
		}
		b.do(t,
			chromedp.Navigate(hs.URL+"/"),
			chromedp.SetValue("#home-paste", line),
			chromedp.Submit("#home-paste"),
			chromedp.WaitVisible("article.entry"),
		)
		ids := value(t, b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("article.entry")).map(a => a.id)`))
		b.page(t, "explain-pasted")
		var wantIDs []string
		for _, e := range want.Entries {
			wantIDs = append(wantIDs, e.ID)
		}
		if diff := cmp.Diff(wantIDs, ids); diff != "" {
			t.Errorf("entries shown (-explain +page):\n%s", diff)
		}
	})

	t.Run("upload every sample", func(t *testing.T) {
		byDir := map[string][]string{}
		for _, p := range sampleLogs(t) {
			byDir[filepath.Dir(p)] = append(byDir[filepath.Dir(p)], p)
		}
		dirs := slices.Sorted(maps.Keys(byDir))
		for _, dir := range dirs {
			paths := byDir[dir]
			args := make([]string, len(paths))
			for i, p := range paths {
				args[i] = filepath.Base(p)
			}
			want := verdictsOf(t, cliAnalyze(t, dir, nil, args...))
			b.do(t,
				chromedp.Navigate(hs.URL+"/analyze"),
				chromedp.SetUploadFiles("#files", paths),
			)
			b.page(t, "analyze-form")
			b.do(t,
				chromedp.Click("#analyze-form button[type=submit]"),
				chromedp.WaitVisible("#runs"),
			)
			got := value(t, b, chromedp.Evaluate[[]string](pageVerdictsJS))
			name := "analyze-" + filepath.Base(dir)
			html := b.page(t, name)
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: verdicts on the page differ from analyze --json (-cli +page):\n%s", dir, diff)
			}
			if filepath.Base(dir) != "bundles" {
				continue
			}
			if !strings.Contains(html, `id="by-verdict"`) {
				t.Errorf("%s: several zips, but no view by verdict", dir)
			}
			// The switch keeps the analysis: the script sends the same
			// files again in Japanese.
			b.do(t, chromedp.Click("#lang-switch"), chromedp.WaitVisible(`html[lang="ja"] #runs`))
			ja := value(t, b, chromedp.Evaluate[[]string](pageVerdictsJS))
			head := value(t, b, chromedp.Text("#runs h2"))
			b.page(t, name+"-ja")
			if diff := cmp.Diff(want, ja, cmpopts.EquateEmpty()); diff != "" || head != "実行" {
				t.Errorf("%s in Japanese: heading %q, verdicts (-cli +page):\n%s", dir, head, diff)
			}
		}
	})

	t.Run("without JavaScript", func(t *testing.T) {
		noScript := func(off bool) {
			if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off}); err != nil {
				t.Fatal(err)
			}
		}
		noScript(true)
		defer noScript(false)
		b.do(t,
			chromedp.Navigate(hs.URL+"/?lang=ja"),
			chromedp.SetValue("#home-q", "AZCM0041"),
			chromedp.Submit("#home-q"),
			chromedp.WaitVisible("ol.hits"),
			chromedp.Click("ol.hits > li:first-child > a.id"),
			chromedp.WaitVisible("article.entry"),
			chromedp.Click("#lang-switch"),
			chromedp.WaitVisible(`html[lang="en"] article.entry`),
		)
		if title := value(t, b, chromedp.Text("article.entry h2")); !strings.Contains(title, "AZCM0041") {
			t.Errorf("search → explain → English without script: %q", title)
		}
		zip := zipPath(t)
		want := verdictsOf(t, cliAnalyze(t, filepath.Dir(zip), nil, filepath.Base(zip)))
		b.do(t,
			chromedp.Navigate(hs.URL+"/analyze"),
			chromedp.SetUploadFiles("#files", []string{zip}),
			chromedp.Click("#analyze-form button[type=submit]"),
			chromedp.WaitVisible("#runs"),
		)
		got := value(t, b, chromedp.Evaluate[[]string](pageVerdictsJS))
		b.page(t, "analyze-noscript")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("analyze without script (-cli +page):\n%s", diff)
		}
	})

	t.Run("injection renders as text", func(t *testing.T) {
		payloads := []string{
			`<script>window.__xss=1</script>`,
			`"><img src=x onerror="window.__xss=2">`,
			`' autofocus onfocus='window.__xss=3`,
			`</textarea><script>window.__xss=4</script>`,
		}
		images := chromedp.Evaluate[int](`document.querySelectorAll("main img").length`)
		for i, p := range payloads {
			// Pasted into the analyze box, as a log line.
			b.do(t,
				chromedp.Navigate(hs.URL+"/analyze"),
				chromedp.SetValue("#paste", `time="2031-02-03T04:05:06Z" level=error msg="`+p+`"`),
				chromedp.Click("#analyze-form button[type=submit]"),
				chromedp.WaitVisible("#runs"),
			)
			b.page(t, fmt.Sprintf("inject-analyze-%d", i))
			if n := value(t, b, images); n > 0 {
				t.Errorf("analyze: payload %q made %d images", p, n)
			}
			// In the search box and the explain box.
			// Each answer is waited for by what only it has.
			for box, answer := range map[string]string{".searchbar input[type=search]": "main h1 q", "#home-paste": "pre.query"} {
				b.do(t,
					chromedp.Navigate(hs.URL+"/"),
					chromedp.SetValue(box, p),
					chromedp.Submit(box),
					chromedp.WaitVisible(answer),
				)
				shown := value(t, b, chromedp.Text("main"))
				b.page(t, fmt.Sprintf("inject-%d-%s", i, strings.Trim(strings.Fields(box)[0], ".#")))
				if n := value(t, b, images); !strings.Contains(shown, strings.TrimSpace(p)) || n > 0 {
					t.Errorf("%s: payload %q not shown as text (images %d)", box, p, n)
				}
			}
		}
	})

	t.Run("no planted secret", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "azcmagent.log")
		if err := os.WriteFile(p, []byte(plantedLog), 0o644); err != nil {
			t.Fatal(err)
		}
		b.do(t,
			chromedp.Navigate(hs.URL+"/analyze"),
			chromedp.SetUploadFiles("#files", []string{p}),
			chromedp.SetValue("#paste", plantedLog),
			chromedp.Submit("#files"),
			chromedp.WaitVisible("#runs"),
			// Open every finding and its neighbouring lines.
			chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`),
		)
		verdicts := value(t, b, chromedp.Evaluate[[]string](pageVerdictsJS))
		html := b.page(t, "analyze-secrets")
		if len(verdicts) == 0 || !strings.Contains(html, "[REDACTED]") {
			t.Errorf("the planted log's runs (%v) or its redacted lines are not shown", verdicts)
		}
		b.do(t,
			chromedp.Navigate(hs.URL+"/explain?q="+url.QueryEscape(strings.Split(plantedLog, "\n")[1])),
			chromedp.WaitReady("main"),
		)
		b.page(t, "explain-secret")
		b.do(t,
			chromedp.Navigate(hs.URL+"/search?q="+url.QueryEscape(strings.Split(plantedLog, "\n")[2])),
			chromedp.WaitReady("main"),
		)
		b.page(t, "search-secret")
	})

	t.Run("knowledge base", func(t *testing.T) {
		b.do(t, chromedp.Navigate(hs.URL+"/kb?lang=ja"), chromedp.WaitVisible("ul.kb"))
		n := value(t, b, chromedp.Evaluate[int](`document.querySelectorAll("ul.kb li").length`))
		b.page(t, "kb")
		if n != len(k.Entries()) {
			t.Errorf("/kb lists %d entries, the knowledge base has %d", n, len(k.Entries()))
		}
	})
	t.Run("phone and print", func(t *testing.T) {
		overflow := chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`)
		b.do(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		for _, path := range []string{"/", "/search?q=proxy", "/explain/AZCM0041", "/kb"} {
			b.do(t, chromedp.Navigate(hs.URL+path), chromedp.WaitReady("main"))
			b.page(t, "phone"+strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(path))
			if n := value(t, b, overflow); n > 0 {
				t.Errorf("%s on a 390 px phone: %d px wider than the screen", path, n)
			}
		}
		bundles, _ := filepath.Glob(filepath.Join(filepath.Dir(zipPath(t)), "*.zip"))
		b.do(t,
			chromedp.Navigate(hs.URL+"/analyze"),
			chromedp.SetUploadFiles("#files", bundles),
			chromedp.Click("#analyze-form button[type=submit]"),
			chromedp.WaitVisible("#runs"),
		)
		b.page(t, "phone-analyze")
		if n := value(t, b, overflow); n > 0 {
			t.Errorf("the analysis on a 390 px phone: %d px wider than the screen", n)
		}
		b.do(t, chromedp.ResetViewport())
		if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		hidden := value(t, b, chromedp.Evaluate[bool](`["header.top nav", ".searchbar", "#analyze-form"].every(s => getComputedStyle(document.querySelector(s)).display === "none")`))
		pdf := value(t, b, chromedp.PrintToPDF())
		if !hidden || len(pdf) < 1000 {
			t.Errorf("print: navigation and forms hidden %v, PDF of %d bytes", hidden, len(pdf))
		}
		os.WriteFile(filepath.Join(b.shots, "analyze-print.pdf"), pdf, 0o644)
		chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
	})
}
