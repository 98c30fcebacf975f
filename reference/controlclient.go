package reference

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ControlClient calls a reference's control API, in-process or remote
// (`kmsconform serve`). BaseURL is the reference's root URL, for example
// http://127.0.0.1:4599; a URL that already ends in the control prefix works too.
type ControlClient struct {
	BaseURL string
	HTTP    *http.Client // nil means http.DefaultClient
}

// ControlError is a control API call that the reference refused.
type ControlError struct {
	StatusCode int
	Message    string
}

func (e *ControlError) Error() string {
	return fmt.Sprintf("control API: HTTP %d: %s", e.StatusCode, e.Message)
}

// ClusterPatch names the cluster members to set; nil members are left as they
// are (on create: as in a healthy cluster). Lists replace the current list.
type ClusterPatch struct {
	ID                     *string   `json:"id,omitempty"`
	Owner                  *string   `json:"owner,omitempty"`
	TrustAnchorCertificate *string   `json:"trustAnchorCertificate,omitempty"`
	KmsuserPassword        *string   `json:"kmsuserPassword,omitempty"`
	Active                 *bool     `json:"active,omitempty"`
	HSMs                   *[]HSM    `json:"hsms,omitempty"`
	Subnets                *[]Subnet `json:"subnets,omitempty"`
	SecurityGroupValid     *bool     `json:"securityGroupValid,omitempty"`
	BackupHistoryID        *string   `json:"backupHistoryId,omitempty"`
	KmsuserMissing         *bool     `json:"kmsuserMissing,omitempty"`
	KmsuserLockedOut       *bool     `json:"kmsuserLockedOut,omitempty"`
	KmsuserLoggedIn        *bool     `json:"kmsuserLoggedIn,omitempty"`
}

// XksProxyPatch names the XKS proxy members to set; nil members are left as
// they are (on create: as in a healthy proxy with one usable external key).
type XksProxyPatch struct {
	ID                      *string        `json:"id,omitempty"`
	URIEndpoint             *string        `json:"uriEndpoint,omitempty"`
	URIPath                 *string        `json:"uriPath,omitempty"`
	Connectivity            *string        `json:"connectivity,omitempty"`
	VpcEndpointServiceName  *string        `json:"vpcEndpointServiceName,omitempty"`
	VpcEndpointServiceOwner *string        `json:"vpcEndpointServiceOwner,omitempty"`
	VpcEndpointServiceValid *bool          `json:"vpcEndpointServiceValid,omitempty"`
	Reachable               *bool          `json:"reachable,omitempty"`
	TLSValid                *bool          `json:"tlsValid,omitempty"`
	TimesOut                *bool          `json:"timesOut,omitempty"`
	ConfigurationValid      *bool          `json:"configurationValid,omitempty"`
	DeniesKMS               *bool          `json:"deniesKMS,omitempty"`
	Credential              *XksCredential `json:"credential,omitempty"`
	AnswersValidly          *bool          `json:"answersValidly,omitempty"`
	EKMAvailable            *bool          `json:"ekmAvailable,omitempty"`
	ExternalKeys            *[]ExternalKey `json:"externalKeys,omitempty"`
}

// HoldKey holds the Creating and Updating transitions of the keys with key
// ID id (a multi-Region key in each Region), under way and started later.
func (c *ControlClient) HoldKey(ctx context.Context, id string) (KeyHoldState, error) {
	var out KeyHoldState
	return out, c.do(ctx, http.MethodPost, "/keys/"+url.PathEscape(id)+"/hold", nil, &out)
}

// ReleaseKey lets the held transitions of the keys with key ID id complete now.
func (c *ControlClient) ReleaseKey(ctx context.Context, id string) (KeyHoldState, error) {
	var out KeyHoldState
	return out, c.do(ctx, http.MethodPost, "/keys/"+url.PathEscape(id)+"/release", nil, &out)
}

// Health checks the reference is up.
func (c *ControlClient) Health(ctx context.Context) (Health, error) {
	var out Health
	return out, c.do(ctx, http.MethodGet, "/health", nil, &out)
}

// Clusters lists the simulated CloudHSM clusters.
func (c *ControlClient) Clusters(ctx context.Context) ([]Cluster, error) {
	var out struct {
		Clusters []Cluster `json:"clusters"`
	}
	return out.Clusters, c.do(ctx, http.MethodGet, "/clusters", nil, &out)
}

// Cluster gets one simulated cluster.
func (c *ControlClient) Cluster(ctx context.Context, id string) (Cluster, error) {
	var out Cluster
	return out, c.do(ctx, http.MethodGet, "/clusters/"+url.PathEscape(id), nil, &out)
}

// CreateCluster adds a cluster: a healthy one with a fresh ID, password and
// trust anchor, changed by the members spec sets.
func (c *ControlClient) CreateCluster(ctx context.Context, spec ClusterPatch) (Cluster, error) {
	var out Cluster
	return out, c.do(ctx, http.MethodPost, "/clusters", spec, &out)
}

// UpdateCluster changes the members patch sets.
func (c *ControlClient) UpdateCluster(ctx context.Context, id string, patch ClusterPatch) (Cluster, error) {
	var out Cluster
	return out, c.do(ctx, http.MethodPatch, "/clusters/"+url.PathEscape(id), patch, &out)
}

// DeleteCluster removes a cluster.
func (c *ControlClient) DeleteCluster(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/clusters/"+url.PathEscape(id), nil, nil)
}

// XksProxies lists the simulated XKS proxies.
func (c *ControlClient) XksProxies(ctx context.Context) ([]XksProxy, error) {
	var out struct {
		XksProxies []XksProxy `json:"xksProxies"`
	}
	return out.XksProxies, c.do(ctx, http.MethodGet, "/xks-proxies", nil, &out)
}

// XksProxy gets one simulated proxy.
func (c *ControlClient) XksProxy(ctx context.Context, id string) (XksProxy, error) {
	var out XksProxy
	return out, c.do(ctx, http.MethodGet, "/xks-proxies/"+url.PathEscape(id), nil, &out)
}

// CreateXksProxy adds a proxy: a healthy public one with a fresh ID, endpoint,
// credential and one usable external key, changed by the members spec sets.
func (c *ControlClient) CreateXksProxy(ctx context.Context, spec XksProxyPatch) (XksProxy, error) {
	var out XksProxy
	return out, c.do(ctx, http.MethodPost, "/xks-proxies", spec, &out)
}

// UpdateXksProxy changes the members patch sets.
func (c *ControlClient) UpdateXksProxy(ctx context.Context, id string, patch XksProxyPatch) (XksProxy, error) {
	var out XksProxy
	return out, c.do(ctx, http.MethodPatch, "/xks-proxies/"+url.PathEscape(id), patch, &out)
}

// DeleteXksProxy removes a proxy.
func (c *ControlClient) DeleteXksProxy(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/xks-proxies/"+url.PathEscape(id), nil, nil)
}

// Timing gets the connect and disconnect latencies.
func (c *ControlClient) Timing(ctx context.Context) (TimingState, error) {
	var out TimingState
	return out, c.do(ctx, http.MethodGet, "/timing", nil, &out)
}

// SetTiming changes latencies, globally or (with CustomKeyStoreID) for one store.
func (c *ControlClient) SetTiming(ctx context.Context, update TimingUpdate) (TimingState, error) {
	var out TimingState
	return out, c.do(ctx, http.MethodPut, "/timing", update, &out)
}

// CustomKeyStore shows a store's connection state, hold and pending transition.
// account may be "" to search every account.
func (c *ControlClient) CustomKeyStore(ctx context.Context, account, id string) (StoreState, error) {
	var out StoreState
	return out, c.do(ctx, http.MethodGet, storePath(account, id, ""), nil, &out)
}

// FailCustomKeyStore forces a store FAILED with a ConnectionErrorCode.
func (c *ControlClient) FailCustomKeyStore(ctx context.Context, account, id, errorCode string) (StoreState, error) {
	var out StoreState
	return out, c.do(ctx, http.MethodPost, storePath(account, id, "/fail"), failRequest{ErrorCode: errorCode}, &out)
}

// HoldCustomKeyStore holds a store's current and next transition until released.
func (c *ControlClient) HoldCustomKeyStore(ctx context.Context, account, id string) (StoreState, error) {
	var out StoreState
	return out, c.do(ctx, http.MethodPost, storePath(account, id, "/hold"), nil, &out)
}

// ReleaseCustomKeyStore lets a held transition complete.
func (c *ControlClient) ReleaseCustomKeyStore(ctx context.Context, account, id string) (StoreState, error) {
	var out StoreState
	return out, c.do(ctx, http.MethodPost, storePath(account, id, "/release"), nil, &out)
}

// Clock gets the virtual clock.
func (c *ControlClient) Clock(ctx context.Context) (ClockState, error) {
	var out ClockState
	return out, c.do(ctx, http.MethodGet, "/clock", nil, &out)
}

// AdvanceClock moves the virtual clock forward by d.
func (c *ControlClient) AdvanceClock(ctx context.Context, d time.Duration) (ClockState, error) {
	var out ClockState
	return out, c.do(ctx, http.MethodPost, "/clock/advance", advanceRequest{Duration: Duration(d)}, &out)
}

// Account gets an account's quotas and clock.
func (c *ControlClient) Account(ctx context.Context, account string) (AccountState, error) {
	var out AccountState
	return out, c.do(ctx, http.MethodGet, "/accounts/"+url.PathEscape(account), nil, &out)
}

// SetAccountQuotas overrides an account's quotas.
func (c *ControlClient) SetAccountQuotas(ctx context.Context, account string, q AccountQuotas) (AccountState, error) {
	var out AccountState
	return out, c.do(ctx, http.MethodPut, "/accounts/"+url.PathEscape(account)+"/quotas", q, &out)
}

// AdvanceAccountClock lets d pass in one account only.
func (c *ControlClient) AdvanceAccountClock(ctx context.Context, account string, d time.Duration) (AccountState, error) {
	var out AccountState
	return out, c.do(ctx, http.MethodPost, "/accounts/"+url.PathEscape(account)+"/clock/advance", advanceRequest{Duration: Duration(d)}, &out)
}

func storePath(account, id, action string) string {
	p := "/custom-key-stores/" + url.PathEscape(id) + action
	if account != "" {
		p += "?account=" + url.QueryEscape(account)
	}
	return p
}

// endpoint is the URL of a control API path such as "/clusters".
func (c *ControlClient) endpoint(path string) string {
	base := strings.TrimRight(c.BaseURL, "/")
	base = strings.TrimSuffix(base, "/v1")
	base = strings.TrimSuffix(base, strings.TrimSuffix(ControlPrefix, "/"))
	return base + controlBase + path
}

func (c *ControlClient) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("control API %s %s: encoding the request: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.endpoint(path), body)
	if err != nil {
		return fmt.Errorf("control API %s %s: %w", method, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	// Lets net/http replay the request when the server closed a reused
	// keep-alive connection before answering (a POST otherwise fails with
	// EOF under load); it replays only then, when the server did not act on
	// it. A nil value marks the request without sending the header.
	req.Header["Idempotency-Key"] = nil
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("control API %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxControlBody))
	if err != nil {
		return fmt.Errorf("control API %s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		var ce controlError
		if json.Unmarshal(b, &ce) != nil || ce.Error == "" {
			ce.Error = strings.TrimSpace(string(b))
		}
		return &ControlError{StatusCode: resp.StatusCode, Message: ce.Error}
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("control API %s %s: decoding the answer: %w", method, path, err)
	}
	return nil
}
