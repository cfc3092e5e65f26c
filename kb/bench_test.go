package kb

import "testing"

// BenchmarkLoadBuiltin is the start-up cost every command pays.
func BenchmarkLoadBuiltin(b *testing.B) {
	for b.Loop() {
		if _, err := Load(Builtin()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadBuiltinVerified is what `arcdiag kb lint` pays: every check.
func BenchmarkLoadBuiltinVerified(b *testing.B) {
	layer := Builtin()
	layer.Trusted = false
	for b.Loop() {
		if _, err := Load(layer); err != nil {
			b.Fatal(err)
		}
	}
}
