// Program diffpair: one program run twice with different sizes, for escprof's
// diff tests. Each of its four allocating functions is called the number of
// times its argument says, so two runs differ in known ways:
//
//	diffpair OUT grow shrink gone fresh
//
// newPoint (pointer-returned, 24 B each), box (interface-conversion, 32 B
// each), scratch (non-constant-size, 64 B each) and table (too-large-for-stack,
// 128 KiB each). generate.sh runs "base.pb.gz 1000 2000 100 0" and
// "new.pb.gz 3000 500 0 3": newPoint grows, box shrinks, scratch is gone and
// table is new.
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
)

type point struct {
	x, y, z int
}

type rec struct {
	a, b, c, d int
}

var (
	points []*point
	boxed  []any
	sum    int
	width  = 64
)

//go:noinline
func newPoint(i int) *point {
	p := point{i, i + 1, i + 2}
	return &p
}

//go:noinline
func box(i int) any {
	r := rec{i, i, i, i}
	return r
}

//go:noinline
func scratch(i int) int {
	b := make([]byte, width)
	b[i%width] = byte(i)
	return int(b[0]) + len(b)
}

//go:noinline
func table(i int) int {
	t := make([]byte, 128<<10)
	t[i] = 1
	return len(t)
}

func main() {
	runtime.MemProfileRate = 1
	n := counts()
	points = make([]*point, 0, n[0])
	boxed = make([]any, 0, n[1])
	for i := 0; i < n[0]; i++ {
		points = append(points, newPoint(i))
	}
	for i := 0; i < n[1]; i++ {
		boxed = append(boxed, box(i))
	}
	for i := 0; i < n[2]; i++ {
		sum += scratch(i)
	}
	for i := 0; i < n[3]; i++ {
		sum += table(i)
	}
	writeProfile()
}

// counts reads the four call counts from os.Args[2:6].
func counts() [4]int {
	var n [4]int
	if len(os.Args) != 6 {
		os.Stderr.WriteString("usage: diffpair OUT grow shrink gone fresh\n")
		os.Exit(2)
	}
	for i := range n {
		v, err := strconv.Atoi(os.Args[2+i])
		if err != nil {
			panic(err)
		}
		n[i] = v
	}
	return n
}

// writeProfile runs a GC so the profile is up to date, then writes the allocs
// profile (gzip-compressed protobuf) to os.Args[1].
func writeProfile() {
	runtime.GC()
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
}
