module example.com/x

go 1.19

require gopkg.in/yaml.v2 v2.4.0
