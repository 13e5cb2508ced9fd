module prlshim/examples

go 1.19

require prlshim/prlsdk v0.0.0

replace prlshim/prlsdk => ../../bindings/go
