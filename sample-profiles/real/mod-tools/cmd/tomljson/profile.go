// profile.go is ours, not go-toml's (main.go is go-toml's cmd/tomljson, unchanged): with
// TOMLTOOLS_MEMPROFILE=FILE in the environment, tomljson does not run its main; it feeds
// TOMLTOOLS_INPUT to its own processMain TOMLTOOLS_LOOPS times, as `tomljson < FILE` does,
// with every allocation sampled, and writes the allocs profile to FILE.
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
)

func init() {
	out := os.Getenv("TOMLTOOLS_MEMPROFILE")
	if out == "" {
		return
	}
	runtime.MemProfileRate = 1
	loops, err := strconv.Atoi(os.Getenv("TOMLTOOLS_LOOPS"))
	if err != nil {
		fail(err)
	}
	input, err := os.ReadFile(os.Getenv("TOMLTOOLS_INPUT"))
	if err != nil {
		fail(err)
	}
	stdin := bytes.NewReader(input)
	for i := 0; i < loops; i++ {
		stdin.Reset(input)
		if processMain(nil, stdin, io.Discard, os.Stderr) != 0 {
			fail(fmt.Errorf("conversion %d failed", i))
		}
	}
	f, err := os.Create(out)
	if err != nil {
		fail(err)
	}
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
	os.Exit(0)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "tomljson profile:", err)
	os.Exit(2)
}
