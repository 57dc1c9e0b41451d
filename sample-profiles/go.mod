module example.com/escprof/samples

go 1.19
