module example.com/tomltools

go 1.19

require github.com/pelletier/go-toml v1.9.4
