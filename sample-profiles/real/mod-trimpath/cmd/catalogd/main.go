// Command catalogd serves catalog pages: for every request it decodes the page the
// catalog store returned (JSON) with github.com/json-iterator/go, keeps the products in
// stock, and encodes the response; the admin view reads single fields with jsoniter.Get.
// Only the driver is ours; the allocations it measures happen inside json-iterator.
// It writes an allocs profile with every allocation sampled.
package main

import (
	"flag"
	"log"
	"os"
	"runtime"
	"runtime/pprof"

	jsoniter "github.com/json-iterator/go"
)

type Money struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
	VATRate  float64 `json:"vat_rate"`
}

type Variant struct {
	ID      string `json:"id"`
	Color   string `json:"color"`
	Size    string `json:"size"`
	EAN     string `json:"ean"`
	WeightG int    `json:"weight_g"`
}

type Rating struct {
	Average float64 `json:"average"`
	Count   int     `json:"count"`
}

type Product struct {
	SKU         string         `json:"sku"`
	Title       string         `json:"title"`
	Brand       string         `json:"brand"`
	Category    string         `json:"category"`
	Description string         `json:"description,omitempty"`
	Price       Money          `json:"price"`
	Stock       map[string]int `json:"stock"`
	Tags        []string       `json:"tags"`
	Variants    []Variant      `json:"variants"`
	Rating      Rating         `json:"rating"`
	Active      bool           `json:"active"`
	UpdatedAt   string         `json:"updated_at"`
}

type Page struct {
	Catalog   string    `json:"catalog"`
	Generated string    `json:"generated"`
	Currency  string    `json:"currency"`
	Page      int       `json:"page"`
	PageSize  int       `json:"page_size"`
	Total     int       `json:"total"`
	Products  []Product `json:"products"`
}

type Listing struct {
	SKU     string   `json:"sku"`
	Title   string   `json:"title"`
	Price   Money    `json:"price"`
	InStock int      `json:"in_stock"`
	Tags    []string `json:"tags,omitempty"`
}

type Response struct {
	Page     int       `json:"page"`
	Total    int       `json:"total"`
	Listings []Listing `json:"listings"`
}

var json = jsoniter.ConfigCompatibleWithStandardLibrary

func main() {
	runtime.MemProfileRate = 1
	in := flag.String("page", "catalog.json", "the catalog page the store returns")
	requests := flag.Int("requests", 200, "how many requests to serve")
	memprofile := flag.String("memprofile", "heap.pb.gz", "where to write the allocs profile")
	flag.Parse()

	data, err := os.ReadFile(*in)
	if err != nil {
		log.Fatal(err)
	}
	var page Page
	resp := Response{Listings: make([]Listing, 0, 64)}
	served := 0
	for i := 0; i < *requests; i++ {
		page = Page{}
		if err := json.Unmarshal(data, &page); err != nil {
			log.Fatal(err)
		}
		resp.Page, resp.Total, resp.Listings = page.Page, page.Total, resp.Listings[:0]
		for _, p := range page.Products {
			n := 0
			for _, c := range p.Stock {
				n += c
			}
			if !p.Active || n == 0 {
				continue
			}
			resp.Listings = append(resp.Listings, Listing{SKU: p.SKU, Title: p.Title, Price: p.Price, InStock: n, Tags: p.Tags})
		}
		body, err := json.Marshal(&resp)
		if err != nil {
			log.Fatal(err)
		}
		served += len(body)
		// the admin view: two fields of one product, without decoding the page
		if jsoniter.Get(data, "products", i%len(page.Products), "sku").ToString() == "" ||
			jsoniter.Get(data, "products", i%len(page.Products), "price", "amount").ToFloat64() <= 0 {
			log.Fatal("admin view: missing field")
		}
	}
	if served == 0 {
		log.Fatal("nothing served")
	}

	out, err := os.Create(*memprofile)
	if err != nil {
		log.Fatal(err)
	}
	runtime.GC()
	if err := pprof.Lookup("allocs").WriteTo(out, 0); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}
}
