package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/yuin/goldmark"
)

// TestMdBlocks pins the Markdown of knowledge-base text and what a
// CommonMark renderer makes of it.
func TestMdBlocks(t *testing.T) {
	for _, tt := range []struct {
		name, in, want, html string
	}{
		{"placeholder", "Run azcmagent check --location <region> & retry.",
			"Run azcmagent check --location &lt;region&gt; &amp; retry.",
			"<p>Run azcmagent check --location &lt;region&gt; &amp; retry.</p>"},
		{"steps and a command", "1. Start HIMDS:\n     Windows:  Restart-Service himds\n     Linux:    sudo systemctl restart himdsd\n   (Then check it.)\n2. Retry with --location <region>.",
			"1. Start HIMDS:\n\n   ```\n   Windows:  Restart-Service himds\n   Linux:    sudo systemctl restart himdsd\n   ```\n\n   (Then check it.)\n2. Retry with --location &lt;region&gt;.",
			"<ol>\n<li>\n<p>Start HIMDS:</p>\n<pre><code>Windows:  Restart-Service himds\nLinux:    sudo systemctl restart himdsd\n</code></pre>\n<p>(Then check it.)</p>\n</li>\n<li>\n<p>Retry with --location &lt;region&gt;.</p>\n</li>\n</ol>"},
		{"command under a paragraph", "Run:\n  sudo azcmagent connect --location \"<region>\"",
			"Run:\n\n```\nsudo azcmagent connect --location \"<region>\"\n```",
			"<p>Run:</p>\n<pre><code>sudo azcmagent connect --location &quot;&lt;region&gt;&quot;\n</code></pre>"},
		{"code span and markup", "Use `azcmagent show <x>` on *.his.arc.azure.com [docs] C:\\Temp",
			"Use `azcmagent show <x>` on \\*.his.arc.azure.com \\[docs\\] C:\\\\Temp",
			"<p>Use <code>azcmagent show &lt;x&gt;</code> on *.his.arc.azure.com [docs] C:\\Temp</p>"},
		{"not a heading or a list", "# not a heading\n2031. not a list",
			"\\# not a heading\n\n2031\\. not a list",
			"<p># not a heading</p>\n<p>2031. not a list</p>"},
		{"a fence around backticks", "Type:\n  echo ```",
			"Type:\n\n````\necho ```\n````",
			"<p>Type:</p>\n<pre><code>echo ```\n</code></pre>"},
	} {
		got := mdBlocks(tt.in)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: mdBlocks (-want +got):\n%s", tt.name, diff)
		}
		var page bytes.Buffer
		if err := goldmark.Convert([]byte(got), &page); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.html, strings.TrimSpace(page.String())); diff != "" {
			t.Errorf("%s: rendered (-want +got):\n%s", tt.name, diff)
		}
	}
}
