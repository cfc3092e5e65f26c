package kb

import "testing"

func TestConstraintAllows(t *testing.T) {
	tests := []struct {
		constraint, version string
		want                bool
	}{
		{">=1.31 <1.32", "1.31.02347.957", true},
		{">=1.31 <1.32", "1.32", false},
		{">=1.31 <1.32", "1.30.9", false},
		{"1.31.02347", "1.31.02347.939", true},
		{"1.31.02347", "1.31.02356.952", false},
		{"<1.21", "1.7", true},
		{"<1.21", "1.21.0", false},
		{">=1.56,<1.64", "1.63.1", true},
		{"=1.50", "1.50.0.0", true},
		{">1.50", "1.50", false},
		{"<=1.50", "1.50.1", false},
	}
	for _, tt := range tests {
		c, err := ParseConstraint(tt.constraint)
		if err != nil {
			t.Fatalf("ParseConstraint(%q): %v", tt.constraint, err)
		}
		v, err := ParseVersion(tt.version)
		if err != nil {
			t.Fatalf("ParseVersion(%q): %v", tt.version, err)
		}
		if got := c.Allows(v); got != tt.want {
			t.Errorf("%q allows %s = %v, want %v", tt.constraint, tt.version, got, tt.want)
		}
	}
}

func TestParseConstraintErrors(t *testing.T) {
	for _, bad := range []string{"", " , ", ">=", ">=1.x", "~1.2", "1..2"} {
		if _, err := ParseConstraint(bad); err == nil {
			t.Errorf("ParseConstraint(%q) succeeded, want an error", bad)
		}
	}
}

func TestMeaningFor(t *testing.T) {
	e := &Entry{
		ID: "AZCM0147", Kind: KindCode,
		Cause: Text{EN: "both"},
		Variants: []Meaning{
			{Scope: Scope{OS: "linux"}, Cause: Text{EN: "linux"}},
			{Scope: Scope{OS: "windows"}, Cause: Text{EN: "windows"}},
		},
		History: []Meaning{
			{From: "2021-04-13", To: "2022-10-13", Scope: Scope{Agent: "<1.21"}, Cause: Text{EN: "old"}},
		},
	}
	v := func(s string) Version { x, _ := ParseVersion(s); return x }
	tests := []struct {
		ctx  Context
		want string
	}{
		{Context{}, "both"},
		{Context{OS: "linux"}, "linux"},
		{Context{OS: "windows", Agent: v("1.40")}, "windows"},
		{Context{Agent: v("1.10")}, "old"},
		{Context{Agent: v("1.21")}, "both"},
	}
	for _, tt := range tests {
		if got := e.MeaningFor(tt.ctx).Cause.EN; got != tt.want {
			t.Errorf("MeaningFor(%+v) = %q, want %q", tt.ctx, got, tt.want)
		}
	}
}
