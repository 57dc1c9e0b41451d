// Scenario realistic_tokenizer: reads a generated text line by line with
// bufio.Scanner, splits the lines into words, counts them in a
// map[string]int, collects the distinct words in a []string, sorts them and
// builds a report with strings.Builder.
package main

import (
	"bufio"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
)

var (
	sinkReport string
	vocabulary = strings.Fields(`escape analysis decides whether a variable lives on
		the stack or the heap the compiler proves that a value does not outlive
		its function pointers interfaces closures channels maps slices and
		goroutines can all force a value to the heap profile samples show
		where bytes are allocated Heap Stack Pointer Interface Closure Go`)
)

// generateText builds a deterministic text of n words, 12 words a line.
//
//go:noinline
func generateText(n int) string {
	var sb strings.Builder
	seed := uint32(12345)
	for i := 0; i < n; i++ {
		seed = seed*1664525 + 1013904223
		w := vocabulary[int(seed>>16)%len(vocabulary)]
		sb.WriteString(w)
		switch {
		case i%12 == 11:
			sb.WriteString(".\n")
		case seed%7 == 0:
			sb.WriteString(", ")
		default:
			sb.WriteByte(' ')
		}
	}
	return sb.String()
}

//go:noinline
func tokenize(text string) (map[string]int, []string) {
	counts := make(map[string]int)
	var words []string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.ToLower(sc.Text())
		for _, w := range strings.Fields(line) {
			w = strings.Trim(w, ".,;:")
			if w == "" {
				continue
			}
			if counts[w] == 0 {
				words = append(words, w)
			}
			counts[w]++
		}
	}
	sort.Strings(words)
	return counts, words
}

//go:noinline
func report(counts map[string]int, words []string) string {
	var sb strings.Builder
	sb.WriteString("distinct=" + strconv.Itoa(len(words)) + "\n")
	for _, w := range words {
		sb.WriteString(w)
		sb.WriteByte('\t')
		sb.WriteString(strconv.Itoa(counts[w]))
		sb.WriteByte('\n')
	}
	return sb.String()
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	text := generateText(20000)
	for round := 0; round < 5; round++ {
		counts, words := tokenize(text)
		sinkReport = report(counts, words)
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
