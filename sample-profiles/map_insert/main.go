// Scenario map_insert: inserting into a map allocates buckets (groups and
// tables with Go 1.24+ Swiss maps) when the map grows; the compiler prints
// no diagnostic for the growth. A pointer stored as a map value escapes
// ("&entry{...} escapes to heap"), and a returned map's header escapes
// ("make(map[int]int) escapes to heap").
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
)

type entry struct {
	name string
	hits int
}

var (
	sinkMap   map[int]int
	sinkTotal int
	registry  = map[string]*entry{}
	keys      []string
)

// buildIndex returns a map that grows to n entries.
//
//go:noinline
func buildIndex(n int) map[int]int {
	m := make(map[int]int)
	for i := 0; i < n; i++ {
		m[i] = i * 2
	}
	return m
}

// countLocal uses a map that does not escape; its buckets still grow on the
// heap.
//
//go:noinline
func countLocal(n int) int {
	m := make(map[int]int)
	for i := 0; i < n; i++ {
		m[i%37]++
	}
	return len(m)
}

// register stores a pointer as a map value.
//
//go:noinline
func register(name string, i int) {
	registry[name] = &entry{name: name, hits: i}
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	keys = make([]string, 64)
	for i := range keys {
		keys[i] = "key-" + strconv.Itoa(i)
	}
	for i := 0; i < 300; i++ {
		sinkMap = buildIndex(100)
	}
	for i := 0; i < 300; i++ {
		sinkTotal += countLocal(100)
	}
	for i := 0; i < 3000; i++ {
		register(keys[i%len(keys)], i)
	}
	writeProfiles()
}

// writeProfiles runs a GC so the profile is up to date, then writes the
// allocs profile (gzip-compressed protobuf) to os.Args[1] and, when a second
// argument is given, the legacy text heap profile to os.Args[2].
func writeProfiles() {
	runtime.GC()
	writeProfile("allocs", os.Args[1], 0)
	if len(os.Args) > 2 {
		writeProfile("heap", os.Args[2], 1)
	}
}

func writeProfile(name, path string, debug int) {
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	if err := pprof.Lookup(name).WriteTo(f, debug); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
}

func checkArgs() {
	if len(os.Args) < 2 {
		os.Stderr.WriteString("usage: " + os.Args[0] + " ALLOCS.pb.gz [HEAP.txt]\n")
		os.Exit(2)
	}
}
