package runner

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/kmsconform/kmsconform/scenario"
)

// An endpoint on loopback gets waits fit for an emulator unless the config
// says otherwise; the embedded reference keeps its own.
func TestDefaultTimeoutsByTarget(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	def := scenario.DefaultTimeouts()
	tests := []struct {
		name     string
		endpoint string
		cfg      *Config
		want     scenario.Timeouts
	}{
		{"loopback endpoint", srv.URL, nil, scenario.Timeouts{Call: def.Call, Connect: loopbackWait, Disconnect: loopbackWait, Poll: loopbackPoll}},
		{"loopback endpoint, config overrides", srv.URL, &Config{Timeouts: ConfigTimeouts{Disconnect: Duration(2 * time.Minute), Poll: Duration(time.Second)}},
			scenario.Timeouts{Call: def.Call, Connect: loopbackWait, Disconnect: 2 * time.Minute, Poll: time.Second}},
		{"embedded reference", "", nil, scenario.Timeouts{Call: def.Call, Connect: embeddedWait, Disconnect: embeddedWait, Poll: embeddedPoll}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Endpoint: tc.endpoint, Credentials: credentials.NewStaticCredentialsProvider("AKIAKMSCONFORMTEST01", "x", ""), Getenv: func(string) string { return "" }}
			tgt, err := openTarget(context.Background(), opts, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer tgt.close()
			if tgt.timeouts != tc.want {
				t.Fatalf("timeouts %+v, want %+v", tgt.timeouts, tc.want)
			}
		})
	}
	if loopbackWait >= def.Disconnect || loopbackWait < 5*time.Second {
		t.Fatalf("loopbackWait %v: want it well under the default %v and well over the reference's 1.5 s", loopbackWait, def.Disconnect)
	}
}
