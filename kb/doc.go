// Package kb owns arcdiag's knowledge base: the YAML schema of an entry, the
// loader that layers built-in and organisation entries, the checks that keep
// a bad file from being half-loaded, and the lookups that answer a code, an
// exit status or a pasted message.
//
// The schema is documented with a full example in kb/README.md.
package kb
