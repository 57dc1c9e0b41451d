// Program budget: a small batch job for escprof's budget tests. Each batch
// renders 200 orders as text lines ("sku-books-b3-i17;c0;q3;p27"), parses
// the lines back, totals them per category in a map and keeps one report per
// batch in a growing slice.
//
// budget/before and budget/after are the same program except for parse (the
// two lines marked CHANGE): in before, parse returns the order by value and it
// stays on the stack; in after, parse returns &p, so p is moved to the heap
// and every parsed line costs one 24-byte allocation. Every other line, and
// its line number, is the same in both files.
package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
)

type order struct {
	cat, qty, price int
}

type report struct {
	batch, orders, revenue int
	byCat                  map[string]int
	title                  string
}

var (
	categories = []string{"books", "games", "music", "tools"}
	reports    []report
)

const (
	batches  = 20
	perBatch = 200
)

// render writes n orders of one batch as text lines. Every value passed to
// fmt.Sprintf is below 256 except the category name, so the only boxing
// allocation is the string header of name (16 bytes, one per line).
//
//go:noinline
func render(batch, n int) []string {
	lines := make([]string, 0, n)
	for i := 0; i < n; i++ {
		name := categories[i%len(categories)]
		lines = append(lines, fmt.Sprintf("sku-%s-b%d-i%d;c%d;q%d;p%d",
			name, batch, i, i%len(categories), 1+i%5, 10+i%50))
	}
	return lines
}

// parse reads one line back into an order.
//
//go:noinline
func parse(line string) order { // CHANGE
	var p order
	_, rest, _ := strings.Cut(line, ";c")
	cat, rest, _ := strings.Cut(rest, ";q")
	qty, price, _ := strings.Cut(rest, ";p")
	p.cat, _ = strconv.Atoi(cat)
	p.qty, _ = strconv.Atoi(qty)
	p.price, _ = strconv.Atoi(price)
	return p // CHANGE
}

// total parses the lines of one batch and sums them up per category.
//
//go:noinline
func total(batch int, lines []string) report {
	r := report{batch: batch, byCat: make(map[string]int)}
	for _, line := range lines {
		p := parse(line)
		r.orders++
		r.revenue += p.qty * p.price
		r.byCat[categories[p.cat]] += p.qty
	}
	r.title = "summary-of-batch-" + strconv.Itoa(batch)
	return r
}

// keep appends a report to the package-level list (which grows from nil).
//
//go:noinline
func keep(r report) {
	reports = append(reports, r)
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	for b := 0; b < batches; b++ {
		lines := render(b, perBatch)
		keep(total(b, lines))
	}
	writeProfiles()
}

// writeProfiles runs a GC so the profile is up to date, then writes the
// allocs profile (gzip-compressed protobuf) to os.Args[1].
func writeProfiles() {
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

func checkArgs() {
	if len(os.Args) < 2 {
		os.Stderr.WriteString("usage: " + os.Args[0] + " ALLOCS.pb.gz\n")
		os.Exit(2)
	}
}
