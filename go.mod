module github.com/godoctor/godoctor

go 1.26.8

require (
	golang.org/x/mod v0.43.0
	golang.org/x/sys v0.38.0
)
