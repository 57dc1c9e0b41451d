// Driver for the ini-v1 case: loads, reads, modifies and writes ini files with
// gopkg.in/ini.v1 (Debian's golang-gopkg-ini.v1-dev, built in GOPATH mode). The
// allocating code is the library's; this program only calls it in loops and writes the
// allocs profile to os.Args[1].
package main

import (
	"bytes"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"

	"gopkg.in/ini.v1"
)

// A Gitea-like application configuration.
const appIni = `; Application configuration
APP_NAME = Example Forge
RUN_USER = git
RUN_MODE = prod

[server]
PROTOCOL         = https
DOMAIN           = forge.example.com
ROOT_URL         = https://forge.example.com/
HTTP_ADDR        = 0.0.0.0
HTTP_PORT        = 3000
DISABLE_SSH      = false
SSH_PORT         = 22
START_SSH_SERVER = true
LFS_START_SERVER = true
OFFLINE_MODE     = false
READ_TIMEOUT     = 30s
WRITE_TIMEOUT    = 45s

[database]
DB_TYPE  = postgres
HOST     = db.internal.example.com:5432
NAME     = forge
USER     = forge
PASSWD   = "s3cr3t;#not-a-comment"
SSL_MODE = require
MAX_OPEN_CONNS = 50
MAX_IDLE_CONNS = 10
CONN_MAX_LIFETIME = 3m

[repository]
ROOT                = /var/lib/forge/repos
DEFAULT_BRANCH      = main
PREFERRED_LICENSES  = Apache License 2.0,MIT License,BSD-3-Clause
DISABLED_REPO_UNITS = repo.wiki, repo.projects
MAX_CREATION_LIMIT  = -1

[mailer]
ENABLED   = true
FROM      = "Example Forge" <noreply@example.com>
SMTP_ADDR = smtp.example.com
SMTP_PORT = 587
USER      = noreply@example.com

[log]
MODE      = console, file
LEVEL     = Info
ROOT_PATH = /var/log/forge

[log.file]
FILE_NAME  = forge.log
MAX_DAYS   = 14
COMPRESS   = true

[cache]
ADAPTER  = redis
HOST     = network=tcp,addr=cache:6379,db=0,pool_size=100,idle_timeout=180
ITEM_TTL = 16h

[cron.update_mirrors]
SCHEDULE = @every 10m
ENABLED  = true
RUN_AT_START = false
`

// A systemd-like unit file with shadowed keys, loaded with AllowShadows.
const unitIni = `[Unit]
Description=Example Forge
After=network.target
After=postgresql.service
Wants=redis.service

[Service]
Type=simple
User=git
Group=git
WorkingDirectory=/var/lib/forge
ExecStart=/usr/local/bin/forge web --config /etc/forge/app.ini
Restart=always
Environment=USER=git
Environment=HOME=/home/git
Environment=FORGE_WORK_DIR=/var/lib/forge
LimitNOFILE=65535

[Install]
WantedBy=multi-user.target
`

type ServerConfig struct {
	Protocol       string        `ini:"PROTOCOL"`
	Domain         string        `ini:"DOMAIN"`
	RootURL        string        `ini:"ROOT_URL"`
	HTTPAddr       string        `ini:"HTTP_ADDR"`
	HTTPPort       int           `ini:"HTTP_PORT"`
	DisableSSH     bool          `ini:"DISABLE_SSH"`
	SSHPort        int           `ini:"SSH_PORT"`
	StartSSHServer bool          `ini:"START_SSH_SERVER"`
	ReadTimeout    time.Duration `ini:"READ_TIMEOUT"`
	WriteTimeout   time.Duration `ini:"WRITE_TIMEOUT"`
}

type DatabaseConfig struct {
	Type            string        `ini:"DB_TYPE"`
	Host            string        `ini:"HOST"`
	Name            string        `ini:"NAME"`
	User            string        `ini:"USER"`
	Password        string        `ini:"PASSWD"`
	SSLMode         string        `ini:"SSL_MODE"`
	MaxOpenConns    int           `ini:"MAX_OPEN_CONNS"`
	MaxIdleConns    int           `ini:"MAX_IDLE_CONNS"`
	ConnMaxLifetime time.Duration `ini:"CONN_MAX_LIFETIME"`
}

type RepositoryConfig struct {
	Root              string   `ini:"ROOT"`
	DefaultBranch     string   `ini:"DEFAULT_BRANCH"`
	PreferredLicenses []string `ini:"PREFERRED_LICENSES"`
	DisabledRepoUnits []string `ini:"DISABLED_REPO_UNITS"`
	MaxCreationLimit  int      `ini:"MAX_CREATION_LIMIT"`
}

type Config struct {
	AppName    string           `ini:"APP_NAME"`
	RunUser    string           `ini:"RUN_USER"`
	RunMode    string           `ini:"RUN_MODE"`
	Server     ServerConfig     `ini:"server"`
	Database   DatabaseConfig   `ini:"database"`
	Repository RepositoryConfig `ini:"repository"`
}

var sink int

func main() {
	runtime.MemProfileRate = 1
	if len(os.Args) < 2 {
		os.Stderr.WriteString("usage: " + os.Args[0] + " ALLOCS.pb.gz\n")
		os.Exit(2)
	}
	app := []byte(appIni)
	unit := []byte(unitIni)
	for i := 0; i < 60; i++ {
		readAndModify(app, i)
		mapAndReflect(app)
		shadows(unit)
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

// readAndModify loads the file, reads typed values, changes keys and sections and
// writes the result.
func readAndModify(src []byte, i int) {
	cfg, err := ini.Load(src)
	if err != nil {
		panic(err)
	}
	srv := cfg.Section("server")
	sink += srv.Key("HTTP_PORT").MustInt(80)
	if srv.Key("START_SSH_SERVER").MustBool() {
		sink += srv.Key("SSH_PORT").MustInt(22)
	}
	sink += int(srv.Key("READ_TIMEOUT").MustDuration(time.Second))
	db := cfg.Section("database")
	sink += len(db.Key("PASSWD").String()) + db.Key("MAX_OPEN_CONNS").RangeInt(10, 1, 1000)
	sink += len(cfg.Section("repository").Key("PREFERRED_LICENSES").Strings(","))
	sink += len(cfg.Section("log").Key("MODE").In("console", []string{"console", "file", "console, file"}))
	for _, sec := range cfg.Sections() {
		for _, k := range sec.Keys() {
			sink += len(k.Name()) + len(k.Value())
		}
		sink += len(sec.KeysHash())
	}
	srv.Key("HTTP_PORT").SetValue(strconv.Itoa(3000 + i))
	if _, err := db.NewKey("SLOW_QUERY_THRESHOLD", "5s"); err != nil {
		panic(err)
	}
	db.DeleteKey("SSL_MODE")
	sec, err := cfg.NewSection("metrics")
	if err != nil {
		panic(err)
	}
	sec.Comment = "Prometheus endpoint"
	if _, err := sec.NewKey("ENABLED", "true"); err != nil {
		panic(err)
	}
	if _, err := sec.NewKey("TOKEN", "metrics-"+strconv.Itoa(i)); err != nil {
		panic(err)
	}
	cfg.DeleteSection("cron.update_mirrors")
	var buf bytes.Buffer
	if _, err := cfg.WriteTo(&buf); err != nil {
		panic(err)
	}
	sink += buf.Len()
}

// mapAndReflect maps the file onto structs and reflects a struct into a new file.
func mapAndReflect(src []byte) {
	var c Config
	if err := ini.MapTo(&c, src); err != nil {
		panic(err)
	}
	sink += c.Server.HTTPPort + len(c.Repository.PreferredLicenses)
	c.Database.MaxOpenConns *= 2
	out := ini.Empty()
	if err := ini.ReflectFrom(out, &c); err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	if _, err := out.WriteToIndent(&buf, "  "); err != nil {
		panic(err)
	}
	sink += buf.Len()
}

// shadows loads a unit file whose keys repeat and reads every value of them.
func shadows(src []byte) {
	cfg, err := ini.LoadSources(ini.LoadOptions{AllowShadows: true}, src)
	if err != nil {
		panic(err)
	}
	svc := cfg.Section("Service")
	sink += len(svc.Key("Environment").ValueWithShadows())
	sink += len(cfg.Section("Unit").Key("After").StringsWithShadows(" "))
	var buf bytes.Buffer
	if _, err := cfg.WriteTo(&buf); err != nil {
		panic(err)
	}
	sink += buf.Len()
}
