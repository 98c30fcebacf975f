//go:build !race

package proxy_test

// raceDetector is true when the tests run under -race, which slows each
// request several times over.
const raceDetector = false
