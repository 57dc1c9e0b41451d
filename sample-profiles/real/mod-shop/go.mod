module example.com/shop

go 1.19

require gopkg.in/ini.v1 v1.66.2
