package safetext

import "testing"

func TestControls(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, tab\tand é", "plain text, tab\tand é"},
		{"\x1b]0;owned\x07title", `\x1b]0;owned\x07title`},
		{"clear \x1b[2J screen", `clear \x1b[2J screen`},
		{"cr\rover", `cr\x0dover`},
		{"del\x7f", `del\x7f`},
		{"c1 \u009b31m csi", `c1 \u009b31m csi`},
		{"not utf-8 \x82\xa0 kept", "not utf-8 \x82\xa0 kept"},
	}
	for _, tt := range tests {
		if got := Controls(tt.in); got != tt.want {
			t.Errorf("Controls(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"[x](javascript:alert(1))", `\[x\](javascript:alert(1))`},
		{"![img](https://evil.example/p.png)", `!\[img\](https://evil.example/p.png)`},
		{"<script>a|b</script>", `&lt;script&gt;a\|b&lt;/script&gt;`},
		{"&#x6a;avascript", `&amp;#x6a;avascript`},
		{`a\|b`, `a\\\|b`},
		{"esc \x1b[2J", `esc \\x1b\[2J`},
	}
	for _, tt := range tests {
		if got := Markdown(tt.in); got != tt.want {
			t.Errorf("Markdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
