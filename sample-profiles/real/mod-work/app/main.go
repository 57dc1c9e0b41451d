// Command routedemo routes a day's mix of storefront API requests through a
// github.com/gorilla/mux router (the workspace's own copy of mux, next to this module
// in go.work) with net/http/httptest, the way the service's router tests do. The
// handlers only read the route variables; the allocations measured are mux's (and
// net/http's on its behalf). It writes an allocs profile with every allocation sampled.
package main

import (
	"flag"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/gorilla/mux"
)

var seen int

// handler reads what the route matched, as real handlers do, and writes nothing.
func handler(vars ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := mux.Vars(r)
		for _, k := range vars {
			seen += len(v[k])
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// tenant is middleware that checks the tenant the host route matched.
func tenant(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if mux.Vars(r)["tenant"] == "" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func newRouter() *mux.Router {
	r := mux.NewRouter().StrictSlash(true)
	r.HandleFunc("/healthz", handler()).Methods("GET")
	shop := r.Host("{tenant:[a-z]+}.shop.example.com").Subrouter()
	shop.Use(tenant)
	api := shop.PathPrefix("/api/v1").Subrouter()
	api.HandleFunc("/products", handler()).Methods("GET")
	api.HandleFunc("/products/{sku:[A-Z]{3}-[0-9]{5}}", handler("sku")).Methods("GET", "HEAD")
	api.HandleFunc("/products/{sku:[A-Z]{3}-[0-9]{5}}/variants/{variant}", handler("sku", "variant")).Methods("GET")
	api.HandleFunc("/search", handler("q", "page")).Methods("GET").Queries("q", "{q}", "page", "{page:[0-9]+}")
	api.HandleFunc("/carts/{cart}/items", handler("cart")).Methods("POST").Headers("Content-Type", "application/json")
	api.HandleFunc("/orders/{order:[0-9]+}", handler("order")).Methods("GET", "PUT")
	api.HandleFunc("/orders/{order:[0-9]+}/shipments/{shipment}", handler("order", "shipment")).Methods("GET")
	api.HandleFunc("/customers/{customer}/addresses/{address}", handler("customer", "address")).Methods("GET", "DELETE")
	shop.PathPrefix("/static/").Handler(handler())
	return r
}

type call struct{ method, target, ctype string }

var traffic = []call{
	{"GET", "http://eu.shop.example.com/api/v1/products", ""},
	{"GET", "http://eu.shop.example.com/api/v1/products/ABC-10037", ""},
	{"HEAD", "http://nl.shop.example.com/api/v1/products/KES-20411", ""},
	{"GET", "http://eu.shop.example.com/api/v1/products/ABC-10037/variants/V002", ""},
	{"GET", "http://de.shop.example.com/api/v1/search?q=tent&page=2", ""},
	{"POST", "http://eu.shop.example.com/api/v1/carts/c-8812/items", "application/json"},
	{"GET", "http://eu.shop.example.com/api/v1/orders/100234", ""},
	{"PUT", "http://be.shop.example.com/api/v1/orders/100235", ""},
	{"GET", "http://eu.shop.example.com/api/v1/orders/100234/shipments/dhl-77", ""},
	{"DELETE", "http://fr.shop.example.com/api/v1/customers/881/addresses/2", ""},
	{"GET", "http://eu.shop.example.com/static/css/site.css", ""},
	{"GET", "http://eu.shop.example.com/api/v1/products/", ""},                // strict slash: redirect
	{"POST", "http://eu.shop.example.com/api/v1/orders/100234", ""},           // 405
	{"GET", "http://eu.shop.example.com/api/v1/../v1/products/ABC-10037", ""}, // cleaned: redirect
	{"GET", "http://eu.shop.example.com/api/v2/products", ""},                 // 404
	{"GET", "http://localhost/healthz", ""},
}

func main() {
	runtime.MemProfileRate = 1
	rounds := flag.Int("rounds", 250, "how many times the traffic mix is replayed")
	memprofile := flag.String("memprofile", "heap.pb.gz", "where to write the allocs profile")
	flag.Parse()

	router := newRouter()
	reqs := make([]*http.Request, len(traffic))
	for i, c := range traffic {
		reqs[i] = httptest.NewRequest(c.method, c.target, nil)
		if c.ctype != "" {
			reqs[i].Header.Set("Content-Type", c.ctype)
		}
	}
	codes := map[int]int{}
	for i := 0; i < *rounds; i++ {
		for _, req := range reqs {
			rec := httptest.NewRecorder()
			router.ServeHTTP(rec, req)
			codes[rec.Code]++
		}
	}
	if codes[http.StatusNoContent] != 12**rounds || codes[http.StatusMovedPermanently] != 2**rounds ||
		codes[http.StatusNotFound] != *rounds || codes[http.StatusMethodNotAllowed] != *rounds {
		log.Fatalf("unexpected status codes: %v", codes)
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
