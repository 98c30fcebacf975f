// Package clients runs one KMS call through a real KMS client — aws-sdk-go-v2
// (in process, or as its own driver process), boto3, the AWS CLI (v1 or v2),
// the AWS SDK for JavaScript v3 and the AWS SDK for Java v2 as driver
// subprocesses — and reports its outcome in one client-neutral shape.
//
// A driver is a command that reads a Request as JSON on stdin, performs that
// one call with its client and prints an Outcome as JSON on stdout. It exits 0
// whenever it printed an outcome, a KMS error included; non-zero only when it
// could not run the call. clients/README.md documents the contract for driver
// authors. Members of the request and the output are written as the awsJson1_1
// wire writes them: blobs as base64 strings, timestamps as epoch seconds.
package clients
