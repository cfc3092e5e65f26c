module github.com/arcdiag/arcdiag

go 1.26.8

require (
	github.com/alecthomas/kong v1.17.0
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/term v0.48.0
)

require golang.org/x/sys v0.50.0 // indirect
