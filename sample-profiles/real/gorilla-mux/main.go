// Driver for the gorilla-mux case: routes requests through github.com/gorilla/mux
// (Debian's golang-github-gorilla-mux-dev, GOPATH mode) with route variables, host,
// method and query matchers, subrouters and URL building; requests are made with
// httptest.NewRequest and answered into httptest recorders, no network. The allocating
// code is the library's; this program only calls it in loops and writes the allocs
// profile to os.Args[1].
package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"

	"github.com/gorilla/mux"
)

var sink int

// handler reads the route variables and the current route; it writes nothing, so the
// recorder keeps its default 200 (the recorder's own header snapshots stay out of the
// profile; redirects, 404 and 405 are written by mux through net/http).
func handler(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	sink += len(vars)
	if route := mux.CurrentRoute(r); route != nil {
		sink += len(route.GetName())
	}
}

func newRouter() *mux.Router {
	r := mux.NewRouter().StrictSlash(true)
	r.HandleFunc("/", handler).Name("home")
	r.HandleFunc("/articles/{category}/", handler).Name("category")
	r.HandleFunc("/articles/{category}/{id:[0-9]+}", handler).Methods("GET", "HEAD").Name("article")
	r.HandleFunc("/articles/{category}/{id:[0-9]+}", handler).Methods("PUT", "DELETE").Name("article-edit")
	r.HandleFunc("/search", handler).Queries("q", "{q}", "page", "{page:[0-9]+}").Name("search")
	r.HandleFunc("/static/{path:.*}", handler).Name("static")

	api := r.PathPrefix("/api/v1").Subrouter()
	api.HandleFunc("/users", handler).Methods("GET").Name("users")
	api.HandleFunc("/users", handler).Methods("POST").Headers("Content-Type", "application/json").Name("user-create")
	api.HandleFunc("/users/{user:[a-z0-9-]+}", handler).Methods("GET").Name("user")
	repos := api.PathPrefix("/users/{user:[a-z0-9-]+}/repos").Subrouter()
	repos.HandleFunc("/", handler).Name("repos")
	repos.HandleFunc("/{repo}", handler).Name("repo")
	repos.HandleFunc("/{repo}/issues/{number:[0-9]+}", handler).Methods("GET").Name("issue")

	admin := r.Host("{subdomain:admin|ops}.example.com").Subrouter()
	admin.HandleFunc("/dashboard", handler).Schemes("https").Name("dashboard")
	admin.HandleFunc("/jobs/{job}", handler).Methods("POST").Name("job")
	return r
}

func newRequests() []*http.Request {
	reqs := []*http.Request{
		httptest.NewRequest("GET", "http://www.example.com/", nil),
		httptest.NewRequest("GET", "http://www.example.com/articles/tech/", nil),
		httptest.NewRequest("GET", "http://www.example.com/articles/tech", nil), // redirect (strict slash)
		httptest.NewRequest("GET", "http://www.example.com/articles/tech/42", nil),
		httptest.NewRequest("DELETE", "http://www.example.com/articles/science/1001", nil),
		httptest.NewRequest("POST", "http://www.example.com/articles/science/1001", nil), // 405
		httptest.NewRequest("GET", "http://www.example.com/search?q=gopher&page=3", nil),
		httptest.NewRequest("GET", "http://www.example.com/static/css/site.min.css", nil),
		httptest.NewRequest("GET", "http://www.example.com/api/v1/users", nil),
		httptest.NewRequest("GET", "http://www.example.com/api/v1/users/ada-lovelace", nil),
		httptest.NewRequest("GET", "http://www.example.com/api/v1/users/ada-lovelace/repos/", nil),
		httptest.NewRequest("GET", "http://www.example.com/api/v1/users/ada-lovelace/repos/engine", nil),
		httptest.NewRequest("GET", "http://www.example.com/api/v1/users/ada-lovelace/repos/engine/issues/7", nil),
		httptest.NewRequest("GET", "https://admin.example.com/dashboard", nil),
		httptest.NewRequest("POST", "https://ops.example.com/jobs/reindex", nil),
		httptest.NewRequest("GET", "http://www.example.com/nowhere", nil), // 404
	}
	create := httptest.NewRequest("POST", "http://www.example.com/api/v1/users", nil)
	create.Header.Set("Content-Type", "application/json")
	return append(reqs, create)
}

func main() {
	runtime.MemProfileRate = 1
	if len(os.Args) < 2 {
		os.Stderr.WriteString("usage: " + os.Args[0] + " ALLOCS.pb.gz\n")
		os.Exit(2)
	}
	reqs := newRequests()
	for i := 0; i < 20; i++ {
		r := newRouter()
		for j := 0; j < 10; j++ {
			for _, req := range reqs {
				rec := httptest.NewRecorder()
				r.ServeHTTP(rec, req)
				sink += rec.Code
			}
		}
		buildURLs(r)
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

// buildURLs reverses named routes into URLs and walks the route tree.
func buildURLs(r *mux.Router) {
	for k := 0; k < 10; k++ {
		u, err := r.Get("article").URL("category", "tech", "id", "42")
		if err != nil {
			panic(err)
		}
		sink += len(u.String())
		u, err = r.Get("issue").URLPath("user", "ada-lovelace", "repo", "engine", "number", "7")
		if err != nil {
			panic(err)
		}
		sink += len(u.Path)
		u, err = r.Get("search").URL("q", "gopher", "page", "3")
		if err != nil {
			panic(err)
		}
		sink += len(u.RawQuery)
	}
	err := r.Walk(func(route *mux.Route, router *mux.Router, ancestors []*mux.Route) error {
		if t, err := route.GetPathTemplate(); err == nil {
			sink += len(t)
		}
		if m, err := route.GetMethods(); err == nil {
			sink += len(m)
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
}
