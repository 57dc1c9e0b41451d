// profile.go is ours, not go-toml's (main.go is go-toml's cmd/tomll, unchanged): with
// TOMLTOOLS_MEMPROFILE=FILE in the environment, tomll does not run its main; it lints
// TOMLTOOLS_INPUT TOMLTOOLS_LOOPS times through its own lintReader, as `tomll < FILE`
// does, with every allocation sampled, and writes the allocs profile to FILE.
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
		s, err := lintReader(stdin, false)
		if err != nil {
			fail(err)
		}
		io.WriteString(io.Discard, s)
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
	fmt.Fprintln(os.Stderr, "tomll profile:", err)
	os.Exit(2)
}
