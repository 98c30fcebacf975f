package retries

import (
	"testing"

	"github.com/kmsconform/kmsconform/features"
)

func TestTmpTimeout(t *testing.T) {
	s := newTestSuite(t)
	for _, r := range runFeatures(t, s, features.FS, "@fault:Timeout", 8) {
		t.Logf("%s %s %v attempts=%d reason=%s findings=%v", r.Status, r.ID, r.Duration, len(r.Exchanges), r.Reason, r.Findings)
		for _, e := range r.Exchanges {
			t.Logf("   %v %v %d", e.Received.Format("05.000"), e.Total, e.Status)
		}
	}
}
