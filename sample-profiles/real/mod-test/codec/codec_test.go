package codec_test

import (
	"testing"

	"example.com/x/codec"
	"gopkg.in/yaml.v2"
)

var manifest = []byte(`name: storefront
namespace: shop-prod
version: 2.14.0
replicas: 6
labels:
  app: storefront
  team: platform
  tier: frontend
  cost-center: "4411"
containers:
  - name: web
    image: registry.example.com/shop/storefront:2.14.0
    args: ["--listen=:8080", "--metrics=:9090", "--log-format=json"]
    env:
      DATABASE_URL: postgres://shop_app@db-primary.internal:5432/shop?sslmode=verify-full
      REDIS_ADDR: cache.internal:6379
      PAYMENT_PROVIDER: stripe
      FEATURE_BETA_CHECKOUT: "false"
      GOMAXPROCS: "4"
    ports:
      - {name: http, port: 8080}
      - {name: metrics, port: 9090}
    requests: {cpu: 500m, memory: 512Mi}
    limits: {cpu: "2", memory: 1Gi}
    liveness: {path: /healthz, port: 8080, period_seconds: 10, timeout: 2s}
    readiness: {path: /readyz, port: 8080, period_seconds: 5, timeout: 1s}
  - name: worker
    image: registry.example.com/shop/storefront-worker:2.14.0
    args: ["--queues=orders,mail,search-index", "--concurrency=16"]
    env:
      DATABASE_URL: postgres://shop_worker@db-primary.internal:5432/shop?sslmode=verify-full
      SMTP_HOST: smtp.example.com
    requests: {cpu: 250m, memory: 256Mi}
    limits: {cpu: "1", memory: 512Mi}
    liveness: {path: /healthz, port: 8081, period_seconds: 30, timeout: 5s}
  - name: envoy
    image: envoyproxy/envoy:v1.29.1
    ports:
      - {name: https, port: 8443, protocol: TCP}
      - {name: admin, port: 9901, protocol: TCP}
    requests: {cpu: 100m, memory: 128Mi}
    limits: {cpu: 500m, memory: 256Mi}
volumes: [config, tls-certs, tmp]
`)

func BenchmarkDecode(b *testing.B) {
	var m codec.Manifest
	for i := 0; i < b.N; i++ {
		m = codec.Manifest{}
		if err := codec.Decode(manifest, &m); err != nil {
			b.Fatal(err)
		}
	}
	if len(m.Containers) != 3 {
		b.Fatalf("decoded %d containers", len(m.Containers))
	}
}

func BenchmarkEncode(b *testing.B) {
	var m codec.Manifest
	if err := codec.Decode(manifest, &m); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := codec.Encode(&m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGeneric reads the manifest the way the admin tool does: no schema, yaml.v2
// straight into a generic map.
func BenchmarkGeneric(b *testing.B) {
	var doc map[string]interface{}
	for i := 0; i < b.N; i++ {
		doc = nil
		if err := yaml.Unmarshal(manifest, &doc); err != nil {
			b.Fatal(err)
		}
		if doc["replicas"] != 6 {
			b.Fatalf("replicas = %v", doc["replicas"])
		}
	}
}
