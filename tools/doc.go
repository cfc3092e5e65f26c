// Package tools pins the programs arcdiag's build runs (nfpm, through
// `go tool -modfile=tools/go.mod nfpm`) in a module of its own, so that
// arcdiag's go.mod lists only what arcdiag uses; its test builds the
// release files with `make dist` and installs the deb package.
package tools
