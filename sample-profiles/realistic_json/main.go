// Scenario realistic_json: a small service-like loop that builds records,
// encodes them with encoding/json, decodes them back and writes a report.
// Allocations come from reflection inside encoding/json, from boxing the
// records into json.Marshal's `any` parameter, from decoding into a local
// whose address is passed on, and from the report's string building.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
)

type Record struct {
	ID     int      `json:"id"`
	Name   string   `json:"name"`
	Email  string   `json:"email"`
	Tags   []string `json:"tags"`
	Score  float64  `json:"score"`
	Active bool     `json:"active"`
}

var (
	sinkReport string
	tagPool    = []string{"admin", "beta", "eu", "us", "mobile", "web"}
)

//go:noinline
func makeRecord(i int) Record {
	name := "user" + strconv.Itoa(i)
	return Record{
		ID:     i,
		Name:   name,
		Email:  name + "@example.com",
		Tags:   []string{tagPool[i%len(tagPool)], tagPool[(i/2)%len(tagPool)]},
		Score:  float64(i%97) / 7,
		Active: i%3 != 0,
	}
}

//go:noinline
func encode(r Record) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	return b
}

//go:noinline
func decode(b []byte) Record {
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		panic(err)
	}
	return r
}

type summary struct {
	count, active, bytes int
	score                float64
	tags                 map[string]int
}

//go:noinline
func (s *summary) add(r Record, size int) {
	s.count++
	if r.Active {
		s.active++
	}
	s.bytes += size
	s.score += r.Score
	for _, t := range r.Tags {
		s.tags[t]++
	}
}

//go:noinline
func (s *summary) report() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "records=%d active=%d bytes=%d avg_score=%.3f\n",
		s.count, s.active, s.bytes, s.score/float64(s.count))
	for _, t := range tagPool {
		sb.WriteString(t + "=" + strconv.Itoa(s.tags[t]) + "\n")
	}
	return sb.String()
}

func main() {
	runtime.MemProfileRate = 1
	checkArgs()
	s := &summary{tags: make(map[string]int)}
	for i := 0; i < 1000; i++ {
		b := encode(makeRecord(i))
		r := decode(b)
		s.add(r, len(b))
	}
	sinkReport = s.report()
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
