// Scenario too_large: objects whose size is a constant that is too big for
// the stack: make([]int, 0, 10000) (80000 bytes) and new([100000]byte) exceed
// the 64 KiB limit for implicit stack variables. The explicit variable
// `var table [20000]int64` (160000 bytes) stays on the stack up to Go 1.23
// (limit 10 MiB) and moves to the heap from Go 1.24 (limit 128 KiB).
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

var sinkTotal int64

// sumBig: "make([]int, 0, 10000) escapes to heap" (too large for stack).
//
//go:noinline
func sumBig(seed int) int64 {
	s := make([]int, 0, 10000)
	s = s[:cap(s)]
	for i := range s {
		s[i] = seed + i
	}
	var t int64
	for _, v := range s {
		t += int64(v)
	}
	return t
}

// bigBuffer: "new([100000]byte) escapes to heap" (too large for stack).
//
//go:noinline
func bigBuffer(seed int) int64 {
	b := new([100000]byte)
	for i := 0; i < len(b); i += 997 {
		b[i] = byte(seed + i)
	}
	return int64(b[(seed*7)%len(b)])
}

// bigTable: an explicit 160000-byte array variable.
//
//go:noinline
func bigTable(seed int) int64 {
	var table [20000]int64
	for i := range table {
		table[i] = int64(seed ^ i)
	}
	return table[seed%len(table)] + table[(seed*13)%len(table)]
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	for i := 0; i < 1000; i++ {
		sinkTotal += sumBig(i)
	}
	for i := 0; i < 1000; i++ {
		sinkTotal += bigBuffer(i)
	}
	for i := 0; i < 500; i++ {
		sinkTotal += bigTable(i)
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
