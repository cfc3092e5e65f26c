package index

import (
	"errors"
	"strings"
	"testing"
)

func TestQueryBounds(t *testing.T) {
	for name, q := range map[string]string{
		"bytes": strings.Repeat("a", MaxQueryBytes+1),
		"words": strings.Repeat("zzq ", MaxQueryWords+1),
	} {
		err := Validate(q)
		var qe *QueryError
		if !errors.As(err, &qe) || !strings.Contains(err.Error(), "more than") {
			t.Errorf("%s: Validate = %v, want a QueryError naming the bound", name, err)
		}
	}
	if err := Validate(strings.Repeat("zzq ", MaxQueryWords)); err != nil {
		t.Errorf("a query at the bound: %v", err)
	}
}
