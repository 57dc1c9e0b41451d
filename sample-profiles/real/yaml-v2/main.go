// Driver for the yaml-v2 case: decodes and encodes realistic YAML documents with
// gopkg.in/yaml.v2 (Debian's golang-gopkg-yaml.v2-dev, built in GOPATH mode). The
// allocating code is the library's; this program only calls it in loops and writes the
// allocs profile to os.Args[1].
package main

import (
	"bytes"
	"os"
	"runtime"
	"runtime/pprof"

	"gopkg.in/yaml.v2"
)

// A docker-compose-like service file, decoded into structs.
type Compose struct {
	Version  string             `yaml:"version"`
	Services map[string]Service `yaml:"services"`
	Networks map[string]Network `yaml:"networks,omitempty"`
	Volumes  map[string]Volume  `yaml:"volumes,omitempty"`
}

type Service struct {
	Image       string            `yaml:"image"`
	Command     []string          `yaml:"command,omitempty"`
	Ports       []string          `yaml:"ports,omitempty"`
	Environment map[string]string `yaml:"environment,omitempty"`
	DependsOn   []string          `yaml:"depends_on,omitempty"`
	Volumes     []string          `yaml:"volumes,omitempty"`
	Restart     string            `yaml:"restart,omitempty"`
	Replicas    int               `yaml:"replicas,omitempty"`
	Healthcheck *Healthcheck      `yaml:"healthcheck,omitempty"`
	Labels      map[string]string `yaml:"labels,omitempty"`
}

type Healthcheck struct {
	Test     []string `yaml:"test"`
	Interval string   `yaml:"interval"`
	Timeout  string   `yaml:"timeout"`
	Retries  int      `yaml:"retries"`
}

type Network struct {
	Driver   string `yaml:"driver"`
	External bool   `yaml:"external,omitempty"`
}

type Volume struct {
	Driver string            `yaml:"driver,omitempty"`
	Opts   map[string]string `yaml:"driver_opts,omitempty"`
}

const composeDoc = `version: "3.8"
services:
  web:
    image: nginx:1.25-alpine
    ports:
      - "80:80"
      - "443:443"
    depends_on: [api, static]
    volumes:
      - ./nginx.conf:/etc/nginx/nginx.conf:ro
      - certs:/etc/ssl/private
    restart: unless-stopped
    labels:
      com.example.team: platform
      com.example.tier: edge
  api:
    image: registry.example.com/shop/api:2.14.3
    command: ["/bin/api", "--listen=:8080", "--log-level=info"]
    environment:
      DATABASE_URL: postgres://shop:secret@db:5432/shop?sslmode=disable
      REDIS_ADDR: cache:6379
      FEATURE_FLAGS: checkout-v2,search-ranking
      GOMAXPROCS: "4"
    depends_on: [db, cache]
    replicas: 3
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://localhost:8080/healthz"]
      interval: 10s
      timeout: 2s
      retries: 5
  static:
    image: registry.example.com/shop/static:2.14.3
    volumes: [assets:/srv/assets]
  db:
    image: postgres:15
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: secret
      POSTGRES_DB: shop
    volumes:
      - pgdata:/var/lib/postgresql/data
    restart: always
  cache:
    image: redis:7
    command: [redis-server, --appendonly, "yes"]
networks:
  front:
    driver: bridge
  back:
    driver: overlay
    external: true
volumes:
  pgdata: {}
  certs:
    driver: local
    driver_opts:
      type: tmpfs
      device: tmpfs
  assets: {}
`

// A Kubernetes-like manifest list, decoded into generic maps and slices.
const manifestDoc = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
  labels: {app: checkout, tier: backend}
  annotations:
    deployment.kubernetes.io/revision: "17"
spec:
  replicas: 4
  selector:
    matchLabels: {app: checkout}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
  template:
    metadata:
      labels: {app: checkout, version: v2.14.3}
    spec:
      containers:
        - name: checkout
          image: registry.example.com/shop/checkout:2.14.3
          args: [--port=8080, --metrics-port=9090, --timeout=2.5s]
          ports:
            - {containerPort: 8080, name: http, protocol: TCP}
            - {containerPort: 9090, name: metrics, protocol: TCP}
          resources:
            limits: {cpu: 500m, memory: 256Mi}
            requests: {cpu: 250m, memory: 128Mi}
          env:
            - name: PAYMENT_URL
              value: https://payments.internal.example.com/v1
            - name: RETRIES
              value: "3"
            - name: SAMPLE_RATE
              value: "0.25"
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
            initialDelaySeconds: 5
            periodSeconds: 10
      tolerations:
        - {key: dedicated, operator: Equal, value: shop, effect: NoSchedule}
`

// A settings file with anchors, aliases and merge keys, decoded into a MapSlice.
const settingsDoc = `defaults: &defaults
  adapter: postgres
  host: localhost
  pool: 5
  timeout: 5000
  created: 2021-03-14
development:
  <<: *defaults
  database: app_development
test:
  <<: *defaults
  database: app_test
  pool: 2
production:
  <<: *defaults
  host: db.internal.example.com
  database: app_production
  pool: 25
  replicas: [db-r1.internal.example.com, db-r2.internal.example.com]
  ratio: 0.75
  enabled: true
`

var sink int

func main() {
	runtime.MemProfileRate = 1
	if len(os.Args) < 2 {
		os.Stderr.WriteString("usage: " + os.Args[0] + " ALLOCS.pb.gz\n")
		os.Exit(2)
	}
	composeBytes := []byte(composeDoc)
	manifestBytes := []byte(manifestDoc)
	settingsBytes := []byte(settingsDoc)
	for i := 0; i < 40; i++ {
		decodeCompose(composeBytes)
		decodeManifest(manifestBytes)
		decodeSettings(settingsBytes)
		streamDocs(composeBytes, manifestBytes)
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

// decodeCompose decodes into structs, changes a field and encodes again.
func decodeCompose(in []byte) {
	var c Compose
	if err := yaml.Unmarshal(in, &c); err != nil {
		panic(err)
	}
	api := c.Services["api"]
	api.Replicas++
	c.Services["api"] = api
	out, err := yaml.Marshal(&c)
	if err != nil {
		panic(err)
	}
	sink += len(out)
}

// decodeManifest decodes into map[string]interface{} and re-encodes it.
func decodeManifest(in []byte) {
	var m map[string]interface{}
	if err := yaml.Unmarshal(in, &m); err != nil {
		panic(err)
	}
	out, err := yaml.Marshal(m)
	if err != nil {
		panic(err)
	}
	sink += len(out)
}

// decodeSettings decodes into an ordered MapSlice (merge keys, timestamps).
func decodeSettings(in []byte) {
	var ms yaml.MapSlice
	if err := yaml.UnmarshalStrict(in, &ms); err != nil {
		panic(err)
	}
	out, err := yaml.Marshal(ms)
	if err != nil {
		panic(err)
	}
	sink += len(out)
}

// streamDocs writes two documents through an Encoder and reads them back with a Decoder.
func streamDocs(compose, manifest []byte) {
	var c Compose
	var m map[interface{}]interface{}
	if err := yaml.Unmarshal(compose, &c); err != nil {
		panic(err)
	}
	if err := yaml.Unmarshal(manifest, &m); err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	if err := enc.Encode(c); err != nil {
		panic(err)
	}
	if err := enc.Encode(m); err != nil {
		panic(err)
	}
	if err := enc.Close(); err != nil {
		panic(err)
	}
	dec := yaml.NewDecoder(&buf)
	var a Compose
	var b map[string]interface{}
	if err := dec.Decode(&a); err != nil {
		panic(err)
	}
	if err := dec.Decode(&b); err != nil {
		panic(err)
	}
	sink += len(a.Services) + len(b)
}
