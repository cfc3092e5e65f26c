module github.com/arcdiag/arcdiag/internal/follow/evidence

go 1.26.8

require (
	github.com/arcdiag/arcdiag v0.0.0
	github.com/hpcloud/tail v1.0.0
	github.com/nxadm/tail v1.4.11
)

require (
	github.com/fsnotify/fsnotify v1.6.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	gopkg.in/fsnotify.v1 v1.4.7 // indirect
	gopkg.in/tomb.v1 v1.0.0-20141024135613-dd632973f1e7 // indirect
)

replace github.com/arcdiag/arcdiag => ../../..
