module github.com/kmsconform/kmsconform

go 1.26.8
