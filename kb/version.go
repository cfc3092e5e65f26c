package kb

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a dotted agent version such as 1.31.02347.957.
type Version []int

// ParseVersion reads a dotted numeric version. Leading zeros are kept as
// numbers (02347 is 2347), which is how the agent's build numbers compare.
func ParseVersion(s string) (Version, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if s == "" {
		return nil, fmt.Errorf("empty version")
	}
	parts := strings.Split(s, ".")
	v := make(Version, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("version %q: %q is not a number", s, p)
		}
		v[i] = n
	}
	return v, nil
}

// Compare returns -1, 0 or 1. Missing trailing parts count as zero.
func (v Version) Compare(w Version) int {
	for i := range max(len(v), len(w)) {
		a, b := part(v, i), part(w, i)
		if a != b {
			if a < b {
				return -1
			}
			return 1
		}
	}
	return 0
}

// hasPrefix reports whether w's parts start v's, so that 1.31.02347 covers
// every build 1.31.02347.x.
func (v Version) hasPrefix(w Version) bool {
	if len(w) > len(v) {
		return false
	}
	for i := range w {
		if v[i] != w[i] {
			return false
		}
	}
	return true
}

func part(v Version, i int) int {
	if i < len(v) {
		return v[i]
	}
	return 0
}

// Constraint is a set of version conditions that must all hold, written
// as ">=1.31 <1.32" or "1.31.02347" (that version and its builds).
type Constraint []condition

type condition struct {
	op string
	v  Version
}

// ParseConstraint reads a constraint; terms are separated by spaces or commas.
func ParseConstraint(s string) (Constraint, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
	if len(fields) == 0 {
		return nil, fmt.Errorf("agent constraint %q is empty", s)
	}
	var c Constraint
	for _, f := range fields {
		op := ""
		for _, o := range []string{">=", "<=", "==", ">", "<", "="} {
			if strings.HasPrefix(f, o) {
				op = o
				break
			}
		}
		v, err := ParseVersion(f[len(op):])
		if err != nil {
			return nil, fmt.Errorf("agent constraint %q: %v", s, err)
		}
		c = append(c, condition{op: op, v: v})
	}
	return c, nil
}

// Allows reports whether v satisfies every condition.
func (c Constraint) Allows(v Version) bool {
	for _, cond := range c {
		cmp := v.Compare(cond.v)
		ok := false
		switch cond.op {
		case "":
			ok = v.hasPrefix(cond.v)
		case "=", "==":
			ok = cmp == 0
		case ">=":
			ok = cmp >= 0
		case "<=":
			ok = cmp <= 0
		case ">":
			ok = cmp > 0
		case "<":
			ok = cmp < 0
		}
		if !ok {
			return false
		}
	}
	return true
}

// Context is what is known about the machine a log came from; zero fields
// are unknown.
type Context struct {
	OS    string
	Agent Version
}

// Applies reports whether a scope holds in ctx. An unknown OS or version
// never rules a scope out.
func (s Scope) Applies(ctx Context) bool {
	if s.OS != "" && ctx.OS != "" && s.OS != ctx.OS {
		return false
	}
	if s.Agent != "" && ctx.Agent != nil {
		c, err := ParseConstraint(s.Agent)
		if err == nil && !c.Allows(ctx.Agent) {
			return false
		}
	}
	return true
}

// MeaningFor returns the explanation that holds in ctx: a variant or an
// earlier meaning whose scope names ctx's OS or agent version, else the
// entry's current text. Dates alone never select a meaning: a log records the
// agent version, not which documentation its reader had.
func (e *Entry) MeaningFor(ctx Context) Meaning {
	current := Meaning{Title: e.Title, Cause: e.Cause, Remediation: e.Remediation}
	for _, m := range append(append([]Meaning{}, e.Variants...), e.History...) {
		if m.Scope.IsZero() || !m.Scope.Applies(ctx) {
			continue
		}
		if (m.Scope.OS != "" && ctx.OS == "") || (m.Scope.Agent != "" && ctx.Agent == nil) {
			continue // a scope that ctx cannot confirm is not chosen
		}
		if m.Title.IsZero() {
			m.Title = e.Title
		}
		return m
	}
	return current
}
