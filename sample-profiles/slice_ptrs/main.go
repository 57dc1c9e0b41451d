// Scenario slice_ptrs: storing a pointer as an element of a slice ([]*string)
// makes the pointee escape, even when the slice's own backing array could
// stay on the stack: "moved to heap: s". When the slice itself is returned,
// its backing array escapes too ("make([]*string, 0, 8) escapes to heap").
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

var (
	sinkPtrs  []*string
	sinkTotal int
	names     = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"}
)

// collect returns a slice of pointers to per-iteration locals.
//
//go:noinline
func collect(i int) []*string {
	out := make([]*string, 0, 8)
	for j := 0; j < 8; j++ {
		s := names[(i+j)%len(names)]
		out = append(out, &s)
	}
	return out
}

// localPtrs keeps the slice local; only the pointees escape.
//
//go:noinline
func localPtrs(i int) int {
	ptrs := make([]*string, 4)
	for j := range ptrs {
		s := names[(i*j)%len(names)]
		ptrs[j] = &s
	}
	n := 0
	for _, p := range ptrs {
		n += len(*p)
	}
	return n
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	for i := 0; i < 1000; i++ {
		sinkPtrs = collect(i)
	}
	for i := 0; i < 1000; i++ {
		sinkTotal += localPtrs(i)
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
