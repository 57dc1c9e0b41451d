// Scenario iface_fmt: arguments of fmt.Sprint/Sprintf/Fprintln are ...any
// parameters, so every non-constant int, float or struct passed to them is
// boxed into an interface value on the heap ("i escapes to heap"). fmt's own
// buffers and the result strings are allocated inside fmt.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
)

type record struct {
	ID    int
	Name  string
	Score float64
}

var (
	sinkString string
	sinkN      int
)

//go:noinline
func formatInt(i int) string {
	return fmt.Sprint(i)
}

//go:noinline
func formatRecord(r record) string {
	return fmt.Sprintf("%v", r)
}

//go:noinline
func printLine(w io.Writer, id int, score float64, name string) int {
	n, _ := fmt.Fprintln(w, id, score, name)
	return n
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	for i := 0; i < 3000; i++ {
		sinkString = formatInt(1000 + i)
	}
	for i := 0; i < 2000; i++ {
		sinkString = formatRecord(record{ID: i, Name: "gopher", Score: float64(i) / 3})
	}
	for i := 0; i < 2000; i++ {
		sinkN += printLine(io.Discard, 5000+i, float64(i)*1.5, "line")
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
