// Scenario chan_send: a pointer sent on a channel can be received by any
// goroutine, so the pointee escapes: "&job{...} escapes to heap" (send) and
// "moved to heap: s" for the address of a local sent on a channel.
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

type job struct {
	id   int
	data [4]int64
	name string
}

var (
	sinkTotal int
	words     = []string{"send", "receive", "select", "close"}
)

// produce sends a freshly allocated &job{} on ch.
//
//go:noinline
func produce(ch chan<- *job, i int) {
	ch <- &job{id: i, data: [4]int64{int64(i), 1, 2, 3}, name: "job"}
}

// sendName sends the address of a local variable on ch.
//
//go:noinline
func sendName(ch chan<- *string, i int) {
	s := words[i%len(words)]
	ch <- &s
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	jobs := make(chan *job, 16)
	for i := 0; i < 3000; i++ {
		produce(jobs, i)
		j := <-jobs
		sinkTotal += j.id + int(j.data[0])
	}
	names := make(chan *string, 16)
	for i := 0; i < 2000; i++ {
		sendName(names, i)
		sinkTotal += len(*<-names)
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
