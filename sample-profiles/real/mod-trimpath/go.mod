module example.com/catalog

go 1.19

require github.com/json-iterator/go v1.1.12

require (
	github.com/modern-go/concurrent v1.0.3 // indirect
	github.com/modern-go/reflect2 v1.0.2 // indirect
)
