package keystores

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/kmsconform/kmsconform/scenario"
)

func (w *updater) thenStoreUnchanged(ctx context.Context) error {
	if w.updating.before == nil {
		return fmt.Errorf("the key store was not looked at before the update")
	}
	_, now, err := w.Stores.DescribeScenarioStore(ctx)
	if err != nil {
		return err
	}
	was, is := shownFields(w.updating.before), shownFields(now)
	var changed []string
	for i := range was {
		if was[i].value != is[i].value {
			changed = append(changed, fmt.Sprintf("%s %q became %q", was[i].name, scenario.Excerpt(was[i].value, 80), scenario.Excerpt(is[i].value, 80)))
		}
	}
	return scenario.ProblemsError(changed, "key store "+aws.ToString(now.CustomKeyStoreId)+" changed")
}

func (w *updater) thenNewName(ctx context.Context) error {
	_, e, err := w.Stores.DescribeScenarioStore(ctx)
	if err != nil {
		return err
	}
	if got := aws.ToString(e.CustomKeyStoreName); got != w.updating.newName {
		return fmt.Errorf("key store %s is named %q, want the new name %q", aws.ToString(e.CustomKeyStoreId), got, w.updating.newName)
	}
	return nil
}

func (w *updater) thenOtherCluster(ctx context.Context) error {
	_, e, err := w.Stores.DescribeScenarioStore(ctx)
	if err != nil {
		return err
	}
	if got := aws.ToString(e.CloudHsmClusterId); got != w.updating.cluster {
		return fmt.Errorf("key store %s uses cluster %q, want %q", aws.ToString(e.CustomKeyStoreId), got, w.updating.cluster)
	}
	return nil
}

// thenConnectsWithPassword shows the password was taken: a store whose
// password is not kmsuser's fails to connect (INVALID_CREDENTIALS).
func (w *updater) thenConnectsWithPassword(ctx context.Context) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	return w.Stores.ConnectAndWait(ctx, s)
}

func (w *updater) thenOtherProxy(ctx context.Context) error {
	p, err := w.needOtherProxy()
	if err != nil {
		return err
	}
	_, e, err := w.Stores.DescribeScenarioStore(ctx)
	if err != nil {
		return err
	}
	got := proxyConfiguration(e)
	var wrong []string
	for _, c := range []struct{ what, got, want string }{
		{"UriEndpoint", aws.ToString(got.UriEndpoint), p.URIEndpoint},
		{"UriPath", aws.ToString(got.UriPath), p.URIPath},
		{"Connectivity", string(got.Connectivity), p.Connectivity},
		{"AccessKeyId", aws.ToString(got.AccessKeyId), p.AccessKeyID},
		{"VpcEndpointServiceName", aws.ToString(got.VpcEndpointServiceName), p.VpcEndpointServiceName},
	} {
		if c.got != c.want {
			wrong = append(wrong, fmt.Sprintf("%s is %q, want %q", c.what, c.got, c.want))
		}
	}
	if len(wrong) > 0 {
		return fmt.Errorf("key store %s's XksProxyConfiguration: %s", aws.ToString(e.CustomKeyStoreId), strings.Join(wrong, "; "))
	}
	return w.secretNeverShown(ctx, p.SecretAccessKey)
}

func (w *updater) thenCredentialHidden(ctx context.Context) error {
	f, err := w.needProxy()
	if err != nil {
		return err
	}
	_, e, err := w.Stores.DescribeScenarioStore(ctx)
	if err != nil {
		return err
	}
	if got := aws.ToString(proxyConfiguration(e).AccessKeyId); got != f.AccessKeyID {
		return fmt.Errorf("key store %s shows AccessKeyId %q, want the credential's %q", aws.ToString(e.CustomKeyStoreId), got, f.AccessKeyID)
	}
	return w.secretNeverShown(ctx, f.SecretAccessKey)
}

// secretNeverShown checks that neither the update's answer nor what
// DescribeCustomKeyStores says of the store contains the secret. The secret
// itself never goes into an error.
func (w *updater) secretNeverShown(ctx context.Context, secret string) error {
	s, err := w.Stores.NeedStore()
	if err != nil {
		return err
	}
	_, o := scenario.Do(ctx, w.Scenario, "DescribeCustomKeyStores", func(ctx context.Context) (*kms.DescribeCustomKeyStoresOutput, error) {
		return w.Client.DescribeCustomKeyStores(ctx, &kms.DescribeCustomKeyStoresInput{CustomKeyStoreId: aws.String(s.ID)})
	})
	if o.Err != nil {
		return o.Failure()
	}
	if secret == "" {
		return fmt.Errorf("the XKS proxy fixture has no secret access key to look for")
	}
	for _, shown := range []struct {
		where string
		body  []byte
	}{{"DescribeCustomKeyStores", o.Body}, {"UpdateCustomKeyStore", w.Last.Body}} {
		if bytes.Contains(shown.body, []byte(secret)) {
			return fmt.Errorf("the %s response shows the XKS proxy credential's secret access key", shown.where)
		}
	}
	return nil
}
