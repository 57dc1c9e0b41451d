// Scenario iface_var: a value assigned to a variable of interface type that
// outlives the call (a package-level `var sink any`, or a named interface)
// is boxed: the compiler copies it into a heap object ("v escapes to heap").
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
)

type namer interface {
	Name() string
}

type celsius struct {
	deg  float64
	city string
}

func (c celsius) Name() string { return c.city + " " + strconv.FormatFloat(c.deg, 'f', 1, 64) }

var (
	sink      any
	sinkNamer namer
)

// storeValue boxes a struct into the `any` sink.
//
//go:noinline
func storeValue(i int) {
	v := celsius{deg: float64(i) / 10, city: "oslo"}
	sink = v
}

// storeInt boxes a non-constant int (>= 256, so no static small-int box).
//
//go:noinline
func storeInt(i int) {
	sink = i + 1000
}

// storeNamer converts to a non-empty interface.
//
//go:noinline
func storeNamer(i int) {
	var n namer = celsius{deg: float64(i), city: "rome"}
	sinkNamer = n
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	for i := 0; i < 3000; i++ {
		storeValue(i)
	}
	for i := 0; i < 3000; i++ {
		storeInt(i)
	}
	for i := 0; i < 2000; i++ {
		storeNamer(i)
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
