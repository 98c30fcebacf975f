package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/kmsconform/kmsconform/reference"
)

const serveUsage = `Usage: kmsconform serve [flags]

Serves the reference KMS, the AWS KMS documentation made executable, on a
loopback address, together with its control API (simulated CloudHSM clusters
and XKS proxies, connect timing, forced failures, the virtual clock).

Flags:
`

const serveExample = `
Example:
  kmsconform serve --addr 127.0.0.1:4599 --region us-east-1 --custom-key-store-quota 1000

  # in another shell, with the test credentials it prints:
  AWS_ACCESS_KEY_ID=AKIAKMSCONFORMTEST01 AWS_SECRET_ACCESS_KEY=any \
    aws kms create-key --endpoint-url http://127.0.0.1:4599 --region us-east-1
  curl http://127.0.0.1:4599/_kmsconform/v1/clusters
`

// shutdownGrace bounds how long serve waits for requests in flight.
const shutdownGrace = 5 * time.Second

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:4599", "`host:port` to listen on; loopback only unless --allow-non-loopback (port 0 picks a free port)")
	region := fs.String("region", reference.DefaultRegion, "AWS `Region` the reference serves first (a second Region of its partition is served beside it); SigV4 credential scopes must name one of them")
	fixtures := fs.String("fixtures", "", "YAML `file` of accounts, CloudHSM clusters and XKS proxies (default: the built-in fixtures)")
	quota := fs.Int("custom-key-store-quota", 0, "custom key stores one account may have (default: the fixtures' value, else KMS's quota of 10); a full conformance run against this server leaves stores pending key deletion behind, so give it e.g. 1000")
	allowNonLoopback := fs.Bool("allow-non-loopback", false, "allow listening on a non-loopback address (the reference checks no signatures: anyone who can reach it can use it)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile (pprof) of the whole run to this `file` when the server stops")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), serveUsage)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), serveExample)
	}
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if err := checkLoopback(*addr, *allowNonLoopback); err != nil {
		fmt.Fprintf(stderr, "kmsconform serve: %v\n", err)
		return exitUsage
	}

	if *quota < 0 {
		fmt.Fprintf(stderr, "kmsconform serve: --custom-key-store-quota %d must not be negative\n", *quota)
		return exitUsage
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "kmsconform serve: %v\n", err)
			return exitFailed
		}
		defer func() {
			if err := stop(); err != nil {
				fmt.Fprintf(stderr, "kmsconform serve: %v\n", err)
			}
		}()
	}
	// The reference's live heap is a few MiB, so at Go's default GOGC=100 it
	// collects every few thousand requests; 400 saves ~10% CPU per request
	// under load for some MiB more. GOGC in the environment still wins.
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	fx := reference.DefaultFixtures()
	if *fixtures != "" {
		var err error
		if fx, err = reference.LoadFixtures(*fixtures); err != nil {
			fmt.Fprintf(stderr, "kmsconform serve: %v\n", err)
			return exitUsage
		}
	}
	if *quota > 0 {
		fx.CustomKeyStoreQuota = *quota
	}
	opts := reference.Options{Region: *region, Fixtures: fx}
	opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	svc, err := reference.New(opts)
	if err != nil {
		fmt.Fprintf(stderr, "kmsconform serve: %v\n", err)
		return exitFailed
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "kmsconform serve: %v\n", err)
		return exitFailed
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "kmsconform reference KMS (%s)\n", svc.Region())
	fmt.Fprintf(stdout, "  KMS endpoint:   %s\n", base)
	fmt.Fprintf(stdout, "  control API:    %s%sv1/health\n", base, reference.ControlPrefix)
	fmt.Fprintf(stdout, "  credentials:    AWS_ACCESS_KEY_ID=AKIAKMSCONFORMTEST01 (account 111122223333) or AKIAKMSCONFORMTEST02 (account 444455556666), any AWS_SECRET_ACCESS_KEY, AWS_REGION=%s\n", svc.Region())
	if *fixtures != "" {
		fmt.Fprintf(stdout, "  fixtures:       %s (its accounts mapping may add or change credentials)\n", *fixtures)
	}
	fmt.Fprintln(stdout, "Stop with Ctrl-C.")

	srv := &http.Server{Handler: svc, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "kmsconform serve: %v\n", err)
		return exitFailed
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(stderr, "kmsconform serve: shutting down: %v\n", err)
		return exitFailed
	}
	<-served
	fmt.Fprintln(stdout, "kmsconform serve: stopped")
	return exitOK
}

// checkLoopback refuses an address that would listen beyond this machine,
// unless allowed explicitly.
func checkLoopback(addr string, allowNonLoopback bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: want host:port, e.g. 127.0.0.1:4599: %v", addr, err)
	}
	if allowNonLoopback {
		return nil
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	if host == "" {
		return fmt.Errorf("--addr %q listens on every interface; use 127.0.0.1 or ::1, or pass --allow-non-loopback", addr)
	}
	return fmt.Errorf("--addr %q is not a loopback address; use 127.0.0.1 or ::1, or pass --allow-non-loopback", addr)
}
