package retries

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/kmsconform/kmsconform/reference"
)

// The setup client's mutating calls pass the run's ownership guard: a call
// on a key the run did not create is refused before it is sent, and one on
// a key the setup client created goes through.
func TestSetupClientIsGuarded(t *testing.T) {
	t.Parallel()
	svc, err := reference.New(reference.Options{Region: testRegion})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var sent []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent = append(sent, strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService."))
		mu.Unlock()
		svc.ServeHTTP(w, r)
	}))
	defer srv.Close()
	s, err := New(Env{Endpoint: srv.URL, Region: testRegion, Credentials: credentials.NewStaticCredentialsProvider(testAccessKey, testSecret, "")})
	if err != nil {
		t.Fatal(err)
	}
	st := &scenario{suite: s, id: "guard test"}
	ctx := context.Background()

	// A key the run did not create: another client makes it.
	other := kms.New(kms.Options{Region: testRegion, BaseEndpoint: aws.String(srv.URL), Credentials: s.env.Credentials})
	out, err := other.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	foreign := aws.ToString(out.KeyMetadata.KeyId)
	_, err = st.kms().ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(foreign), PendingWindowInDays: aws.Int32(7)})
	if err == nil || !strings.Contains(err.Error(), "this run did not create it") {
		t.Errorf("ScheduleKeyDeletion of a key the run did not create: %v, want refused", err)
	}

	if err := st.createKey(ctx, &kms.CreateKeyInput{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range st.cleanups {
		if err := c(ctx); err != nil {
			t.Errorf("cleanup of the run's own key: %v", err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if got := strings.Join(sent, ","); got != "CreateKey,CreateKey,ScheduleKeyDeletion" {
		t.Errorf("requests sent: %s, want the refused ScheduleKeyDeletion never sent", got)
	}
}
