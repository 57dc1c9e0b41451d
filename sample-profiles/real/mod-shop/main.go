// Command shop reloads the storefront configuration (shop.ini) with gopkg.in/ini.v1 the
// way the service does on every SIGHUP: parse, map onto the config structs, read the
// lists and the warehouse sections, and write the effective configuration back out.
// Only the driver is ours; every allocation it measures happens inside gopkg.in/ini.v1.
// It writes an allocs profile with every allocation sampled.
package main

import (
	"flag"
	"io"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"gopkg.in/ini.v1"
)

type Server struct {
	Host           string        `ini:"host"`
	Port           int           `ini:"port"`
	ReadTimeout    time.Duration `ini:"read_timeout"`
	WriteTimeout   time.Duration `ini:"write_timeout"`
	IdleTimeout    time.Duration `ini:"idle_timeout"`
	MaxHeaderBytes int           `ini:"max_header_bytes"`
	TLSCert        string        `ini:"tls_cert"`
	TLSKey         string        `ini:"tls_key"`
	TrustedProxies []string      `ini:"trusted_proxies"`
}

type Database struct {
	Driver          string        `ini:"driver"`
	Host            string        `ini:"host"`
	Port            int           `ini:"port"`
	Name            string        `ini:"name"`
	User            string        `ini:"user"`
	Password        string        `ini:"password"`
	SSLMode         string        `ini:"ssl_mode"`
	MaxOpenConns    int           `ini:"max_open_conns"`
	MaxIdleConns    int           `ini:"max_idle_conns"`
	ConnMaxLifetime time.Duration `ini:"conn_max_lifetime"`
	Replicas        []string      `ini:"replicas"`
}

type Payment struct {
	Provider      string        `ini:"provider"`
	Currency      string        `ini:"currency"`
	Accepted      []string      `ini:"accepted"`
	WebhookPath   string        `ini:"webhook_path"`
	WebhookSecret string        `ini:"webhook_secret"`
	CaptureDelay  time.Duration `ini:"capture_delay"`
	RefundWindow  time.Duration `ini:"refund_window"`
}

type Shipping struct {
	Carriers     []string `ini:"carriers"`
	FreeAbove    float64  `ini:"free_above"`
	FlatRate     float64  `ini:"flat_rate"`
	ExpressRate  float64  `ini:"express_rate"`
	Countries    []string `ini:"countries"`
	HandlingDays int      `ini:"handling_days"`
}

type Config struct {
	AppName     string   `ini:"app_name"`
	RunMode     string   `ini:"run_mode"`
	BaseURL     string   `ini:"base_url"`
	AdminEmails []string `ini:"admin_emails"`
	Server      Server   `ini:"server"`
	Database    Database `ini:"database"`
	Payment     Payment  `ini:"payment"`
	Shipping    Shipping `ini:"shipping"`
}

type Warehouse struct {
	Name     string
	Address  string
	Capacity int
	PickRate int
}

func main() {
	runtime.MemProfileRate = 1
	path := flag.String("config", "shop.ini", "the configuration to reload")
	reloads := flag.Int("reloads", 300, "how many reloads")
	memprofile := flag.String("memprofile", "heap.pb.gz", "where to write the allocs profile")
	flag.Parse()

	var cfg Config
	warehouses := make([]Warehouse, 0, 8)
	for i := 0; i < *reloads; i++ {
		data, err := os.ReadFile(*path)
		if err != nil {
			log.Fatal(err)
		}
		f, err := ini.Load(data)
		if err != nil {
			log.Fatal(err)
		}
		if err := f.MapTo(&cfg); err != nil {
			log.Fatal(err)
		}
		cat := f.Section("catalog")
		_ = cat.Key("page_size").MustInt(20)
		_ = cat.Key("currencies").Strings(",")
		_ = cat.Key("image_sizes").Ints(",")
		_ = f.Section("cache").Key("key_prefix").String()
		warehouses = warehouses[:0]
		for _, s := range f.ChildSections("warehouse") {
			warehouses = append(warehouses, Warehouse{
				Name:     s.Name(),
				Address:  s.Key("address").String(),
				Capacity: s.Key("capacity").MustInt(0),
				PickRate: s.Key("pick_rate").MustInt(0),
			})
		}
		features := f.Section("features").KeysHash()
		_ = features["gift_cards"]
		if _, err := f.WriteTo(io.Discard); err != nil {
			log.Fatal(err)
		}
	}
	if cfg.Server.Port != 8443 || len(warehouses) != 3 || len(cfg.Payment.Accepted) != 6 {
		log.Fatalf("unexpected configuration: port %d, %d warehouses, %d payment methods",
			cfg.Server.Port, len(warehouses), len(cfg.Payment.Accepted))
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
