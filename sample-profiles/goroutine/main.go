// Scenario goroutine: a go statement runs its function after the caller may
// have returned, so what it captures or receives by address must be on the
// heap: `go worker(&t, ...)` moves t to the heap, and `go func() {...}()`
// capturing a variable that it modifies moves that variable and the
// closure's context to the heap.
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
)

type task struct {
	id   int
	name string
}

var (
	total int64
	wg    sync.WaitGroup
)

//go:noinline
func worker(t *task) {
	atomic.AddInt64(&total, int64(t.id+len(t.name)))
	wg.Done()
}

// spawn passes the address of a local to a goroutine.
//
//go:noinline
func spawn(i int) {
	t := task{id: i, name: "spawned"}
	wg.Add(1)
	go worker(&t)
}

// spawnClosure starts a goroutine whose closure modifies a captured
// variable.
//
//go:noinline
func spawnClosure(i int) {
	n := i * 3
	wg.Add(1)
	go func() {
		n += 7
		atomic.AddInt64(&total, int64(n))
		wg.Done()
	}()
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	for batch := 0; batch < 20; batch++ {
		for i := 0; i < 100; i++ {
			spawn(batch*100 + i)
		}
		wg.Wait()
	}
	for batch := 0; batch < 20; batch++ {
		for i := 0; i < 100; i++ {
			spawnClosure(batch*100 + i)
		}
		wg.Wait()
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
