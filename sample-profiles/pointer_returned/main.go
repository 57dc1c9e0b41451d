// Scenario pointer_returned: a function returns the address of a local
// variable (&p) or of a new(T), so the object must outlive the callee's
// stack frame and is allocated on the heap.
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

type point struct {
	x, y, z, w int64
}

type student struct {
	Name string
	Age  int
}

type pair struct {
	a, b int
	next *pair
}

var (
	sinkPoint   *point
	sinkStudent *student
	sinkPair    *pair
	names       = []string{"ada", "brian", "ken", "rob"}
)

// newPoint returns the address of a local variable: "moved to heap: p".
//
//go:noinline
func newPoint(i int) *point {
	p := point{x: int64(i), y: int64(i) * 2, z: int64(i) * 3, w: 1}
	return &p
}

// newStudent returns a new(T): "new(student) escapes to heap".
//
//go:noinline
func newStudent(name string, age int) *student {
	s := new(student)
	s.Name = name
	s.Age = age
	return s
}

// makePair is small and gets inlined into linkPairs, so its allocation shows
// in the profile as a location with two lines: makePair (inlined) and
// linkPairs.
func makePair(a, b int, next *pair) *pair {
	return &pair{a: a, b: b, next: next}
}

//go:noinline
func linkPairs(n int) *pair {
	var head *pair
	for i := 0; i < n; i++ {
		head = makePair(i, i+1, head)
	}
	return head
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	for i := 0; i < 3000; i++ {
		sinkPoint = newPoint(i)
	}
	for i := 0; i < 2000; i++ {
		sinkStudent = newStudent(names[i%len(names)], i)
	}
	for i := 0; i < 100; i++ {
		sinkPair = linkPairs(20)
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
