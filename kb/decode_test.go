package kb

import "testing"

func TestFoldedJapaneseHasNoSpaceAfterFullStop(t *testing.T) {
	src := []byte(`- id: folded-ja
  kind: note
  title:
    en: "Folded"
    ja: "折り返し"
  cause:
    en: >-
      One sentence.
      Another sentence.
    ja: >-
      最初の文です。
      次の文です、
      そして Azure Arc です。
`)
	entries, problems := decodeFile("test", "f.yaml", src)
	if len(problems) != 0 || len(entries) != 1 {
		t.Fatalf("decode: %v", problems)
	}
	c := entries[0].Cause
	if want := "最初の文です。次の文です、そして Azure Arc です。"; c.JA != want {
		t.Errorf("ja = %q, want %q", c.JA, want)
	}
	if want := "One sentence. Another sentence."; c.EN != want {
		t.Errorf("en = %q, want %q (English keeps YAML's folding)", c.EN, want)
	}
}
