// Scenario iface_method: calling a method through an interface (io.Reader,
// io.Writer) is a dynamic call; the compiler cannot see the callee, so the
// arguments escape: r.Read(buf) makes buf's backing array escape
// ("make([]byte, 256) escapes to heap", call parameter), and w.Write(b[:])
// moves the array b to the heap. The readers themselves are created by the
// inlined bytes.NewReader / strings.NewReader, whose &Reader{...}
// allocations appear as inlined frames in the profile.
package main

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
)

var (
	sinkTotal int
	payload   = []byte("interface method calls are dynamically dispatched, so arguments escape")
	text      = "an io.Reader r: calling r.Read(b) makes both r and the backing array of b escape"
)

//go:noinline
func readChunk(r io.Reader) int {
	buf := make([]byte, 256)
	n, _ := r.Read(buf)
	return n
}

//go:noinline
func writeChunk(w io.Writer, i int) int {
	var b [64]byte
	for j := range b {
		b[j] = byte('a' + (i+j)%26)
	}
	n, _ := w.Write(b[:])
	return n
}

//go:noinline
func newReader(i int) io.Reader {
	if i%2 == 0 {
		return bytes.NewReader(payload)
	}
	return strings.NewReader(text)
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	for i := 0; i < 3000; i++ {
		sinkTotal += readChunk(newReader(i))
	}
	var out bytes.Buffer
	out.Grow(1024)
	for i := 0; i < 2000; i++ {
		var w io.Writer = io.Discard
		if i%2 == 1 {
			out.Reset()
			w = &out
		}
		sinkTotal += writeChunk(w, i)
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
