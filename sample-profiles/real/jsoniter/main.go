// Driver for the jsoniter case: marshals and unmarshals structs and maps with
// github.com/json-iterator/go (Debian's golang-github-json-iterator-go-dev, with
// github.com/modern-go/reflect2 and concurrent; GOPATH mode). The allocating code is the
// library's; this program only calls it in loops and writes the allocs profile to
// os.Args[1].
package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	jsoniter "github.com/json-iterator/go"
)

type Address struct {
	Street  string `json:"street"`
	City    string `json:"city"`
	Zip     string `json:"zip"`
	Country string `json:"country"`
}

type LineItem struct {
	SKU      string            `json:"sku"`
	Name     string            `json:"name"`
	Quantity int               `json:"quantity"`
	Price    float64           `json:"price"`
	Tags     []string          `json:"tags,omitempty"`
	Attrs    map[string]string `json:"attrs,omitempty"`
}

type Order struct {
	ID        int64                  `json:"id"`
	Customer  string                 `json:"customer"`
	Email     string                 `json:"email"`
	Created   time.Time              `json:"created"`
	Paid      bool                   `json:"paid"`
	Total     float64                `json:"total"`
	Shipping  *Address               `json:"shipping,omitempty"`
	Billing   Address                `json:"billing"`
	Items     []LineItem             `json:"items"`
	Notes     *string                `json:"notes"`
	Discounts map[string]float64     `json:"discounts"`
	Meta      map[string]interface{} `json:"meta"`
}

const orderJSON = `{
  "id": 918273645,
  "customer": "Ada Lovelace",
  "email": "ada@example.com",
  "created": "2023-11-05T14:22:31.123Z",
  "paid": true,
  "total": 1249.85,
  "shipping": {"street": "12 Analytical Row", "city": "London", "zip": "NW1 6XE", "country": "GB"},
  "billing": {"street": "12 Analytical Row", "city": "London", "zip": "NW1 6XE", "country": "GB"},
  "items": [
    {"sku": "KB-1041", "name": "Mechanical keyboard, brown switches", "quantity": 1, "price": 149.9,
     "tags": ["peripherals", "keyboards"], "attrs": {"layout": "ISO-UK", "color": "graphite"}},
    {"sku": "MN-2710", "name": "27-inch monitor, 1440p", "quantity": 2, "price": 379.0,
     "tags": ["displays"], "attrs": {"panel": "IPS", "refresh": "144Hz"}},
    {"sku": "CB-0007", "name": "USB-C cable, 2 m", "quantity": 3, "price": 12.5},
    {"sku": "DK-5500", "name": "Thunderbolt dock", "quantity": 1, "price": 296.45,
     "tags": ["docks", "thunderbolt"], "attrs": {"ports": "11", "power": "96W"}}
  ],
  "notes": "Leave with the concierge, please.",
  "discounts": {"WINTER10": 62.5, "LOYALTY": 15.0},
  "meta": {"source": "web", "campaign": {"id": "bf-2023", "variant": 3}, "ab": [1, 2, 3], "score": 0.93}
}`

const eventsJSON = `[
  {"type": "page_view", "ts": 1699194151, "user": "u-1021", "props": {"path": "/cart", "ref": "email", "ms": 183}},
  {"type": "add_to_cart", "ts": 1699194169, "user": "u-1021", "props": {"sku": "KB-1041", "qty": 1, "price": 149.9}},
  {"type": "checkout", "ts": 1699194230, "user": "u-1021", "props": {"items": 4, "total": 1249.85, "coupons": ["WINTER10", "LOYALTY"]}},
  {"type": "payment", "ts": 1699194241, "user": "u-1021", "props": {"method": "card", "3ds": true, "latency_ms": 812}},
  {"type": "page_view", "ts": 1699194250, "user": "u-1021", "props": {"path": "/thanks", "ref": null, "ms": 97}}
]`

var sink int

func main() {
	runtime.MemProfileRate = 1
	if len(os.Args) < 2 {
		os.Stderr.WriteString("usage: " + os.Args[0] + " ALLOCS.pb.gz\n")
		os.Exit(2)
	}
	order := []byte(orderJSON)
	events := []byte(eventsJSON)
	std := jsoniter.ConfigCompatibleWithStandardLibrary
	fast := jsoniter.ConfigFastest
	for i := 0; i < 100; i++ {
		roundTripOrder(std, order)
		roundTripOrder(fast, order)
		genericEvents(std, events)
		lookups(order)
	}
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

// roundTripOrder decodes an order into structs, changes it and encodes it again.
func roundTripOrder(api jsoniter.API, in []byte) {
	var o Order
	if err := api.Unmarshal(in, &o); err != nil {
		panic(err)
	}
	o.Items[0].Quantity++
	o.Total += o.Items[0].Price
	o.Meta["replayed"] = true
	out, err := api.Marshal(&o)
	if err != nil {
		panic(err)
	}
	sink += len(out)
	s, err := api.MarshalToString(o.Items)
	if err != nil {
		panic(err)
	}
	sink += len(s)
}

// genericEvents decodes into []map[string]interface{} and re-encodes with indentation.
func genericEvents(api jsoniter.API, in []byte) {
	var evs []map[string]interface{}
	if err := api.Unmarshal(in, &evs); err != nil {
		panic(err)
	}
	counts := map[string]int{}
	for _, e := range evs {
		t, _ := e["type"].(string)
		counts[t]++
	}
	out, err := api.MarshalIndent(map[string]interface{}{"events": evs, "counts": counts}, "", "  ")
	if err != nil {
		panic(err)
	}
	sink += len(out)
}

// lookups reads single paths with jsoniter.Get (the lazy Any API).
func lookups(in []byte) {
	sink += jsoniter.Get(in, "items", 1, "quantity").ToInt()
	sink += len(jsoniter.Get(in, "shipping", "city").ToString())
	sink += jsoniter.Get(in, "meta", "campaign", "variant").ToInt()
	sink += len(jsoniter.Get(in, "items", '*', "sku").Keys())
}
