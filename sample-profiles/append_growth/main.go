// Scenario append_growth: append beyond the capacity of a slice makes the
// runtime (growslice) allocate a larger backing array on the heap. The
// compiler prints no escape diagnostic for the growth itself (up to Go 1.24);
// the profile attributes the bytes to the line of the append, one sample per
// distinct grown size.
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

var (
	sinkInts  []int
	sinkTotal int
	words     = []string{"grow", "slice", "append", "capacity"}
)

// squares starts from a nil slice and returns it.
//
//go:noinline
func squares(n int) []int {
	var s []int
	for i := 0; i < n; i++ {
		s = append(s, i*i)
	}
	return s
}

// joinLen starts from a small local slice that stays on the stack until it
// outgrows its capacity of 4.
//
//go:noinline
func joinLen(n int) int {
	s := make([]string, 0, 4)
	for i := 0; i < n; i++ {
		s = append(s, words[i%len(words)])
	}
	t := 0
	for _, w := range s {
		t += len(w)
	}
	return t
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	for i := 0; i < 1000; i++ {
		sinkInts = squares(200)
	}
	for i := 0; i < 1000; i++ {
		sinkTotal += joinLen(50)
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
