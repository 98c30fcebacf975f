// Package referencetest runs the proxy in front of the reference KMS with a
// real SDK client. It lives apart from package proxy so that the proxy's own
// tests never depend on the state of the reference.
package referencetest
