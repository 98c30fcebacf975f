package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"time"
)

// ToxiproxyTool is the Go tool dependency that provides Toxiproxy's server.
const ToxiproxyTool = "github.com/Shopify/toxiproxy/v2/cmd/server"

// ResolveToxiproxy finds a toxiproxy-server binary through the module's tool
// dependency (`go tool -n` builds it once into the Go build cache and prints
// its path), so that it runs as its own process, not under the go command.
// It needs the go command and the kmsconform module in dir.
func ResolveToxiproxy(ctx context.Context, dir string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "tool", "-n", ToxiproxyTool)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go tool -n %s: %w: %s", ToxiproxyTool, err, strings.TrimSpace(stderr.String()))
	}
	path := strings.TrimSpace(string(out))
	if path == "" || strings.ContainsAny(path, " \n") {
		return "", fmt.Errorf("go tool -n %s printed %q, not a path", ToxiproxyTool, path)
	}
	return path, nil
}

// toxiServer is a Toxiproxy server process with its control API on loopback.
type toxiServer struct {
	proc *process
	api  string // base URL of the control API
	http *http.Client
}

func startToxiproxy(ctx context.Context, bin string) (*toxiServer, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	host, port, _ := strings.Cut(addr, ":")
	// Toxiproxy logs every connection at info level; warnings only, as our
	// proxy is run, so neither pays for logging on the hot path.
	proc, err := startProcess(ctx, "toxiproxy-server", bin, []string{"-host", host, "-port", port}, []string{"LOG_LEVEL=warn"})
	if err != nil {
		return nil, err
	}
	if err := proc.waitListening(ctx, addr, 30*time.Second); err != nil {
		proc.stop()
		return nil, err
	}
	return &toxiServer{proc: proc, api: "http://" + addr, http: &http.Client{Timeout: 10 * time.Second}}, nil
}

// addProxy creates a TCP pass-through to upstream (host:port) on a free
// loopback port and returns that address.
func (t *toxiServer) addProxy(ctx context.Context, name, upstream string) (string, error) {
	var out struct {
		Listen string `json:"listen"`
	}
	in := map[string]any{"name": name, "listen": "127.0.0.1:0", "upstream": upstream, "enabled": true}
	if err := t.do(ctx, http.MethodPost, "/proxies", in, &out); err != nil {
		return "", fmt.Errorf("toxiproxy: create proxy %s: %w", name, err)
	}
	return out.Listen, nil
}

// setLatency adds a latency toxic on responses (downstream) of proxy, or
// removes it when d is 0.
func (t *toxiServer) setLatency(ctx context.Context, proxy string, d time.Duration) error {
	const toxic = "bench_latency"
	if d == 0 {
		if err := t.do(ctx, http.MethodDelete, "/proxies/"+proxy+"/toxics/"+toxic, nil, nil); err != nil {
			return fmt.Errorf("toxiproxy: remove latency: %w", err)
		}
		return nil
	}
	in := map[string]any{
		"name": toxic, "type": "latency", "stream": "downstream", "toxicity": 1.0,
		"attributes": map[string]any{"latency": d.Milliseconds(), "jitter": 0},
	}
	if err := t.do(ctx, http.MethodPost, "/proxies/"+proxy+"/toxics", in, nil); err != nil {
		return fmt.Errorf("toxiproxy: add latency %v: %w", d, err)
	}
	return nil
}

func (t *toxiServer) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, t.api+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := t.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(b)))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return nil
}
