// Scenario nonconst_size: make with a length known only at run time.
// Up to Go 1.24 the compiler reports "non-constant size" and always
// allocates on the heap. From Go 1.25 a non-escaping make([]T, n) gets a
// 32-byte stack buffer and falls back to the heap at run time when n*size(T)
// is larger, so the log says "does not escape" while the profile still shows
// the bytes (fill); a small one (fillSmall, 16-24 bytes) does not allocate
// at all with Go 1.25+.
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

var sinkTotal int

//go:noinline
func fill(n int) int {
	s := make([]int, n)
	for i := range s {
		s[i] = i * n
	}
	t := 0
	for _, v := range s {
		t += v
	}
	return t
}

//go:noinline
func fillSmall(n int) int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + n
	}
	return s[0] + s[len(s)-1]
}

//go:noinline
func checksum(data string, n int) byte {
	buf := make([]byte, n)
	copy(buf, data)
	var x byte
	for _, c := range buf {
		x ^= c
	}
	return x
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	for i := 0; i < 3000; i++ {
		sinkTotal += fill(100 + i%4)
	}
	for i := 0; i < 2000; i++ {
		sinkTotal += fillSmall(2 + i%2)
	}
	const text = "the quick brown fox jumps over the lazy dog, again and again and again"
	for i := 0; i < 2000; i++ {
		sinkTotal += int(checksum(text, 200+i%3))
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
