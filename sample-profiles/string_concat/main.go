// Scenario string_concat: string concatenation (a + b) and the conversions
// string([]byte) and []byte(string) allocate. An escaping result is reported
// ("a + "/" + b escapes to heap", "string(b) escapes to heap"); a
// non-escaping one uses a 32-byte stack buffer and still goes to the heap at
// run time when it is longer ("does not escape" in the log, bytes in the
// profile).
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
)

var (
	sinkString string
	sinkTotal  int
	left       = strings.Repeat("left-hand side ", 3)  // 45 bytes
	right      = strings.Repeat("right-hand side ", 3) // 48 bytes
	raw        = []byte(strings.Repeat("bytes to string ", 4))
)

// join returns a concatenation: it escapes.
//
//go:noinline
func join(a, b string) string {
	return a + "/" + b
}

// toString returns string(b): it escapes.
//
//go:noinline
func toString(b []byte) string {
	return string(b)
}

// vowels converts to []byte locally and modifies the bytes (so Go 1.22+
// cannot use a zero-copy conversion): does not escape, but longer than 32
// bytes, so the runtime allocates it on the heap.
//
//go:noinline
func vowels(s string) int {
	b := []byte(s)
	n := 0
	for i, c := range b {
		switch c {
		case 'a', 'e', 'i', 'o', 'u':
			b[i] = c - 'a' + 'A'
			n++
		}
	}
	return n + int(b[len(b)-1])
}

// localConcat concatenates into a string that does not escape.
//
//go:noinline
func localConcat(a, b string) int {
	s := a + b
	return strings.Count(s, "-")
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	for i := 0; i < 3000; i++ {
		sinkString = join(left, right)
	}
	for i := 0; i < 2000; i++ {
		sinkString = toString(raw)
	}
	for i := 0; i < 2000; i++ {
		sinkTotal += vowels(right)
	}
	for i := 0; i < 2000; i++ {
		sinkTotal += localConcat(left, right)
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
