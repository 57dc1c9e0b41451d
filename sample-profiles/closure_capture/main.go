// Scenario closure_capture: a returned closure captures a variable that it
// modifies, so the variable is captured by reference and moved to the heap
// ("moved to heap: n"), and the closure object itself escapes
// ("func literal escapes to heap").
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

var (
	sinkCounter func() int
	sinkScale   func(int) int
	sinkTotal   int
)

// counter: n is reassigned inside the closure, so it is captured by
// reference.
//
//go:noinline
func counter(start int) func() int {
	n := start
	return func() int {
		n++
		return n
	}
}

// scaler: base and step are captured by value, only the closure escapes.
//
//go:noinline
func scaler(base, step int) func(int) int {
	return func(x int) int {
		return base + step*x
	}
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	for i := 0; i < 3000; i++ {
		sinkCounter = counter(i)
		sinkTotal += sinkCounter() + sinkCounter()
	}
	for i := 0; i < 2000; i++ {
		sinkScale = scaler(i, 3)
		sinkTotal += sinkScale(i)
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
