module prlshim/prlsdk

go 1.19
