package reference

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The control API (JSON in and out; errors are {"error": "..."} with a 4xx
// status that says what was wrong). All paths are under ControlPrefix + "v1":
//
//	GET    /health
//	GET    /clusters                        list simulated CloudHSM clusters
//	POST   /clusters                        add one; an empty body makes a healthy cluster
//	GET    /clusters/{id}                   PATCH changes the members given; DELETE removes it
//	GET    /xks-proxies                     list simulated XKS proxies
//	POST   /xks-proxies                     add one; an empty body makes a healthy proxy with one usable key
//	GET    /xks-proxies/{id}                PATCH, DELETE as for clusters
//	GET    /timing                          connect/disconnect latency, global and per store
//	PUT    /timing                          {"connectLatency":"200ms","disconnectLatency":"100ms","customKeyStoreId":"cks-..."}
//	GET    /custom-key-stores/{id}          a store's state, hold and pending transition
//	POST   /custom-key-stores/{id}/fail     {"errorCode":"NETWORK_ERRORS"}: force FAILED
//	POST   /custom-key-stores/{id}/hold     hold the current and next transition
//	POST   /custom-key-stores/{id}/release  let a held transition complete now
//	GET    /clock                           the virtual clock
//	POST   /clock/advance                   {"duration":"720h"}
//	POST   /keys/{id}/hold                  hold the Creating and Updating of the keys with this
//	                                        key ID (a multi-Region key's), under way and next
//	POST   /keys/{id}/release               let them complete now
//
// The custom-key-stores endpoints take ?account=123456789012; without it
// every account is searched. ControlClient wraps each endpoint.

// controlBase is the path under which version 1 of the control API lives.
const controlBase = ControlPrefix + "v1"

// maxControlBody bounds a control request body.
const maxControlBody = 1 << 20

// Health is the control API's health answer.
type Health struct {
	Status string `json:"status"`
	Region string `json:"region"` // the primary Region
	// Regions are every Region served, the primary first.
	Regions []string  `json:"regions"`
	Now     time.Time `json:"now"` // the virtual clock
}

// ClockState is the virtual clock: its time and how far it is ahead of real time.
type ClockState struct {
	Now    time.Time `json:"now"`
	Offset Duration  `json:"offset"`
}

// TimingState is the latency of connects and disconnects: the global one and
// per-store overrides.
type TimingState struct {
	ConnectLatency    Duration          `json:"connectLatency"`
	DisconnectLatency Duration          `json:"disconnectLatency"`
	Stores            map[string]Timing `json:"stores,omitempty"` // by custom key store ID
}

// TimingUpdate changes latencies, globally or for one custom key store.
// Members left nil keep their value.
type TimingUpdate struct {
	CustomKeyStoreID  string    `json:"customKeyStoreId,omitempty"`
	ConnectLatency    *Duration `json:"connectLatency,omitempty"`
	DisconnectLatency *Duration `json:"disconnectLatency,omitempty"`
}

// StoreState is what the control API shows of a custom key store.
type StoreState struct {
	ID                  string          `json:"customKeyStoreId"`
	Account             string          `json:"account"`
	Type                string          `json:"customKeyStoreType"`
	ConnectionState     ConnectionState `json:"connectionState"`
	ConnectionErrorCode string          `json:"connectionErrorCode,omitempty"`
	Held                bool            `json:"held"`
	// PendingUntil is when the transition under way completes (virtual clock);
	// zero when none is under way or it waits for a release.
	PendingUntil time.Time `json:"pendingUntil,omitzero"`
}

type failRequest struct {
	ErrorCode string `json:"errorCode"`
}

type advanceRequest struct {
	Duration Duration `json:"duration"`
}

// AccountQuotas override an account's limits; zero members keep the
// Service's (which come from the fixtures).
type AccountQuotas struct {
	CustomKeyStores int `json:"customKeyStores,omitempty"`
	Keys            int `json:"keys,omitempty"`
}

// AccountState is what the control API tells about one account.
type AccountState struct {
	ID string `json:"id"`
	// Quotas are the account's effective limits.
	Quotas AccountQuotas `json:"quotas"`
	// Now is the account's virtual time; Ahead is how far it runs ahead of
	// the Service's clock.
	Now   time.Time `json:"now"`
	Ahead Duration  `json:"ahead"`
	Keys  int       `json:"keys"`
	// CustomKeyStores counts the account's custom key stores.
	CustomKeyStores int `json:"customKeyStores"`
}

type controlError struct {
	Error string `json:"error"`
}

// controlHandler serves the control API: fixtures, timing, holds, forced
// failures and the clock. It takes Service.mu like a KMS call.
type controlHandler struct {
	s   *Service
	mux *http.ServeMux
}

func newControlHandler(s *Service) http.Handler {
	h := &controlHandler{s: s, mux: http.NewServeMux()}
	routes := []struct {
		pattern string
		serve   func(r *http.Request) (int, any, error)
	}{
		{"GET /health", h.health},
		{"GET /clusters", h.listClusters},
		{"POST /clusters", h.createCluster},
		{"GET /clusters/{id}", h.getCluster},
		{"PATCH /clusters/{id}", h.patchCluster},
		{"DELETE /clusters/{id}", h.deleteCluster},
		{"GET /xks-proxies", h.listProxies},
		{"POST /xks-proxies", h.createProxy},
		{"GET /xks-proxies/{id}", h.getProxy},
		{"PATCH /xks-proxies/{id}", h.patchProxy},
		{"DELETE /xks-proxies/{id}", h.deleteProxy},
		{"GET /timing", h.getTiming},
		{"PUT /timing", h.putTiming},
		{"GET /custom-key-stores/{id}", h.getStore},
		{"POST /custom-key-stores/{id}/fail", h.failStore},
		{"POST /custom-key-stores/{id}/hold", h.holdStore},
		{"POST /custom-key-stores/{id}/release", h.releaseStore},
		{"GET /clock", h.getClock},
		{"POST /clock/advance", h.advanceClock},
		{"GET /accounts/{account}", h.getAccount},
		{"PUT /accounts/{account}/quotas", h.putAccountQuotas},
		{"POST /accounts/{account}/clock/advance", h.advanceAccountClock},
		{"POST /keys/{id}/hold", h.holdKey},
		{"POST /keys/{id}/release", h.releaseKey},
	}
	for _, rt := range routes {
		method, path, _ := strings.Cut(rt.pattern, " ")
		h.mux.HandleFunc(method+" "+controlBase+path, func(w http.ResponseWriter, r *http.Request) {
			status, out, err := rt.serve(r)
			if err != nil {
				var ce *controlErr
				if !errors.As(err, &ce) {
					ce = &controlErr{status: http.StatusInternalServerError, msg: err.Error()}
				}
				writeControl(w, ce.status, controlError{Error: ce.msg})
				return
			}
			writeControl(w, status, out)
		})
	}
	return h
}

// ServeHTTP answers unknown paths and methods with a JSON error that says
// what exists, rather than the mux's plain-text pages.
func (h *controlHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := h.mux.Handler(r); pattern != "" {
		h.mux.ServeHTTP(w, r)
		return
	}
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeControl(w, http.StatusMethodNotAllowed, controlError{Error: fmt.Sprintf("%s is not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(allowed, " or "))})
		return
	}
	writeControl(w, http.StatusNotFound, controlError{Error: fmt.Sprintf("no control endpoint at %s; see GET %s/health, %s/clusters, %s/xks-proxies, %s/timing, %s/custom-key-stores/{id}/(fail|hold|release), %s/clock, %s/accounts/{account}, %s/keys/{id}/(hold|release)", r.URL.Path, controlBase, controlBase, controlBase, controlBase, controlBase, controlBase, controlBase, controlBase)})
}

func writeControl(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed"}`)
	}
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// controlErr is a control API failure with its HTTP status.
type controlErr struct {
	status int
	msg    string
}

func (e *controlErr) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &controlErr{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &controlErr{status: http.StatusNotFound, msg: fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) error {
	return &controlErr{status: http.StatusConflict, msg: fmt.Sprintf(format, args...)}
}

// readBody reads a request body; empty means "{}".
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxControlBody))
	if err != nil {
		return nil, badRequest("reading the request body: %v", err)
	}
	if strings.TrimSpace(string(b)) == "" {
		return []byte("{}"), nil
	}
	return b, nil
}

// decodeBody decodes a JSON request body onto v, naming the problem.
func decodeBody(r *http.Request, v any) error {
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if err := decodeJSONStrict(b, v); err != nil {
		return badRequest("request body: %v", err)
	}
	return nil
}

func (h *controlHandler) health(*http.Request) (int, any, error) {
	return http.StatusOK, Health{Status: "ok", Region: h.s.region, Regions: h.s.Regions(), Now: h.s.clock.Now()}, nil
}

// --- clusters ---

func (h *controlHandler) listClusters(*http.Request) (int, any, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	out := struct {
		Clusters []Cluster `json:"clusters"`
	}{Clusters: []Cluster{}}
	for _, id := range h.s.backing.clusterOrder {
		out.Clusters = append(out.Clusters, *h.s.backing.clusters[id])
	}
	return http.StatusOK, out, nil
}

func (h *controlHandler) createCluster(r *http.Request) (int, any, error) {
	c := healthyCluster()
	if err := decodeBody(r, (*clusterFields)(&c)); err != nil {
		return 0, nil, err
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	if _, dup := h.s.backing.clusters[c.ID]; dup {
		return 0, nil, conflict("cluster %s already exists", c.ID)
	}
	if err := h.s.backing.addCluster(&c); err != nil {
		return 0, nil, badRequest("%v", err)
	}
	return http.StatusCreated, c, nil
}

func (h *controlHandler) cluster(r *http.Request) (*Cluster, error) {
	id := r.PathValue("id")
	c, ok := h.s.backing.clusters[id]
	if !ok {
		return nil, notFound("no cluster %s", id)
	}
	return c, nil
}

func (h *controlHandler) getCluster(r *http.Request) (int, any, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	c, err := h.cluster(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, *c, nil
}

// patchCluster changes the members the body names; lists are replaced whole.
func (h *controlHandler) patchCluster(r *http.Request) (int, any, error) {
	body, err := readBody(r)
	if err != nil {
		return 0, nil, err
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	c, err := h.cluster(r)
	if err != nil {
		return 0, nil, err
	}
	updated := *c
	updated.HSMs = slices.Clone(c.HSMs) // decoding reuses backing arrays
	updated.Subnets = slices.Clone(c.Subnets)
	if err := decodeJSONStrict(body, (*clusterFields)(&updated)); err != nil {
		return 0, nil, badRequest("request body: %v", err)
	}
	if updated.ID != c.ID {
		return 0, nil, badRequest("a cluster's id cannot change (%s -> %s); create a new cluster instead", c.ID, updated.ID)
	}
	if err := h.s.backing.completeCluster(&updated); err != nil {
		return 0, nil, badRequest("%v", err)
	}
	*c = updated
	return http.StatusOK, updated, nil
}

// deleteCluster removes a cluster. Stores on it stay: connecting them fails
// with CLUSTER_NOT_FOUND, as in KMS.
func (h *controlHandler) deleteCluster(r *http.Request) (int, any, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	c, err := h.cluster(r)
	if err != nil {
		return 0, nil, err
	}
	delete(h.s.backing.clusters, c.ID)
	h.s.backing.clusterOrder = slices.DeleteFunc(h.s.backing.clusterOrder, func(id string) bool { return id == c.ID })
	return http.StatusNoContent, nil, nil
}

// --- XKS proxies ---

func (h *controlHandler) listProxies(*http.Request) (int, any, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	out := struct {
		XksProxies []XksProxy `json:"xksProxies"`
	}{XksProxies: []XksProxy{}}
	for _, id := range h.s.backing.proxyOrder {
		out.XksProxies = append(out.XksProxies, *h.s.backing.proxies[id])
	}
	return http.StatusOK, out, nil
}

// createProxy adds a proxy; with no externalKeys member it gets one usable key.
func (h *controlHandler) createProxy(r *http.Request) (int, any, error) {
	p := healthyXksProxy()
	p.ExternalKeys = []ExternalKey{UsableExternalKey("external-key-" + randomHex(12))}
	if err := decodeBody(r, (*xksProxyFields)(&p)); err != nil {
		return 0, nil, err
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	if _, dup := h.s.backing.proxies[p.ID]; dup {
		return 0, nil, conflict("xks proxy %s already exists", p.ID)
	}
	if err := h.s.backing.addProxy(&p); err != nil {
		return 0, nil, badRequest("%v", err)
	}
	return http.StatusCreated, p, nil
}

func (h *controlHandler) proxy(r *http.Request) (*XksProxy, error) {
	id := r.PathValue("id")
	p, ok := h.s.backing.proxies[id]
	if !ok {
		return nil, notFound("no xks proxy %s", id)
	}
	return p, nil
}

func (h *controlHandler) getProxy(r *http.Request) (int, any, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	p, err := h.proxy(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, *p, nil
}

// patchProxy changes the members the body names; externalKeys is replaced
// whole, and keys that stay keep their material.
func (h *controlHandler) patchProxy(r *http.Request) (int, any, error) {
	body, err := readBody(r)
	if err != nil {
		return 0, nil, err
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	p, err := h.proxy(r)
	if err != nil {
		return 0, nil, err
	}
	updated := *p
	updated.ExternalKeys = slices.Clone(p.ExternalKeys)
	if err := decodeJSONStrict(body, (*xksProxyFields)(&updated)); err != nil {
		return 0, nil, badRequest("request body: %v", err)
	}
	if updated.ID != p.ID {
		return 0, nil, badRequest("an xks proxy's id cannot change (%s -> %s); create a new proxy instead", p.ID, updated.ID)
	}
	if err := h.s.backing.completeProxy(&updated, p); err != nil {
		return 0, nil, badRequest("%v", err)
	}
	*p = updated
	return http.StatusOK, updated, nil
}

func (h *controlHandler) deleteProxy(r *http.Request) (int, any, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	p, err := h.proxy(r)
	if err != nil {
		return 0, nil, err
	}
	delete(h.s.backing.proxies, p.ID)
	h.s.backing.proxyOrder = slices.DeleteFunc(h.s.backing.proxyOrder, func(id string) bool { return id == p.ID })
	return http.StatusNoContent, nil, nil
}

// --- timing ---

func (h *controlHandler) timingState() TimingState {
	b := h.s.backing
	out := TimingState{ConnectLatency: b.timing.ConnectLatency, DisconnectLatency: b.timing.DisconnectLatency}
	if len(b.storeTiming) > 0 {
		out.Stores = map[string]Timing{}
		for id, t := range b.storeTiming {
			out.Stores[id] = t
		}
	}
	return out
}

func (h *controlHandler) getTiming(*http.Request) (int, any, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	return http.StatusOK, h.timingState(), nil
}

// putTiming sets latencies. They apply to transitions that start afterwards.
func (h *controlHandler) putTiming(r *http.Request) (int, any, error) {
	var in TimingUpdate
	if err := decodeBody(r, &in); err != nil {
		return 0, nil, err
	}
	if in.ConnectLatency == nil && in.DisconnectLatency == nil {
		return 0, nil, badRequest("give connectLatency, disconnectLatency or both, e.g. {\"connectLatency\":\"200ms\"}")
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	b := h.s.backing
	t := b.timing
	if in.CustomKeyStoreID != "" {
		if !h.s.storeIDTakenLocked(in.CustomKeyStoreID) {
			return 0, nil, notFound("no custom key store %s in any account", in.CustomKeyStoreID)
		}
		t = b.timingFor(in.CustomKeyStoreID)
	}
	if in.ConnectLatency != nil {
		t.ConnectLatency = *in.ConnectLatency
	}
	if in.DisconnectLatency != nil {
		t.DisconnectLatency = *in.DisconnectLatency
	}
	if in.CustomKeyStoreID != "" {
		b.storeTiming[in.CustomKeyStoreID] = t
	} else {
		b.timing = t
	}
	return http.StatusOK, h.timingState(), nil
}

// --- custom key stores ---

// store finds the store a request names, in the account of its "account"
// query parameter, or in any account when the parameter is absent. It
// settles the owning account first, so the answer is current.
func (h *controlHandler) store(r *http.Request) (*KeyStore, *account, error) {
	id := r.PathValue("id")
	acctID := r.URL.Query().Get("account")
	if acctID != "" && !isAccountID(acctID) {
		return nil, nil, badRequest("account %q is not a 12-digit account ID", acctID)
	}
	for _, a := range h.s.accounts {
		if acctID != "" && a.id != acctID {
			continue
		}
		h.s.settleLocked(a, h.s.nowIn(a))
		if st, ok := a.stores[id]; ok {
			return st, a, nil
		}
	}
	if acctID != "" {
		return nil, nil, notFound("no custom key store %s in account %s", id, acctID)
	}
	return nil, nil, notFound("no custom key store %s in any account", id)
}

func (h *controlHandler) storeState(st *KeyStore) StoreState {
	out := StoreState{
		ID: st.ID, Account: st.Account, Type: st.Type,
		ConnectionState: st.State, Held: h.s.backing.held[st.ID],
	}
	if st.State == Failed {
		out.ConnectionErrorCode = st.ErrorCode
	}
	if st.pending != nil && !st.pending.at.Equal(untilReleased()) {
		out.PendingUntil = st.pending.at
	}
	return out
}

func (h *controlHandler) getStore(r *http.Request) (int, any, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	st, _, err := h.store(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, h.storeState(st), nil
}

// failStore forces a store into FAILED with the given ConnectionErrorCode,
// abandoning any transition under way.
func (h *controlHandler) failStore(r *http.Request) (int, any, error) {
	var in failRequest
	if err := decodeBody(r, &in); err != nil {
		return 0, nil, err
	}
	if !slices.Contains(connectionErrorCodes, in.ErrorCode) {
		return 0, nil, badRequest("errorCode %q is not a ConnectionErrorCode; use one of %s", in.ErrorCode, strings.Join(connectionErrorCodes, ", "))
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	st, _, err := h.store(r)
	if err != nil {
		return 0, nil, err
	}
	st.State, st.ErrorCode, st.pending = Failed, in.ErrorCode, nil
	return http.StatusOK, h.storeState(st), nil
}

// holdStore holds a store's transitions: one under way (CONNECTING or
// DISCONNECTING) stays there, and so does the next one started, until the
// store is released. Holding ahead of a connect lets a scenario observe
// CONNECTING without racing the connect latency.
func (h *controlHandler) holdStore(r *http.Request) (int, any, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	st, _, err := h.store(r)
	if err != nil {
		return 0, nil, err
	}
	h.s.backing.held[st.ID] = true
	if st.pending != nil {
		st.pending.at = untilReleased()
	}
	return http.StatusOK, h.storeState(st), nil
}

// releaseStore lets a held transition complete now. A held connect's outcome
// is decided from the fixtures as they are at release.
func (h *controlHandler) releaseStore(r *http.Request) (int, any, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	st, a, err := h.store(r)
	if err != nil {
		return 0, nil, err
	}
	delete(h.s.backing.held, st.ID)
	if st.pending != nil && st.pending.at.Equal(untilReleased()) {
		now := h.s.nowIn(a)
		st.pending.at = now
		h.s.decideTransitionLocked(st)
		h.s.settleLocked(a, now)
	}
	return http.StatusOK, h.storeState(st), nil
}

// --- clock ---

func (h *controlHandler) clockState() ClockState {
	return ClockState{Now: h.s.clock.Now(), Offset: Duration(h.s.clock.Offset())}
}

func (h *controlHandler) getClock(*http.Request) (int, any, error) {
	return http.StatusOK, h.clockState(), nil
}

func (h *controlHandler) advanceClock(r *http.Request) (int, any, error) {
	var in advanceRequest
	if err := decodeBody(r, &in); err != nil {
		return 0, nil, err
	}
	if in.Duration <= 0 {
		return 0, nil, badRequest("duration must be positive, e.g. {\"duration\":\"720h\"}")
	}
	h.s.clock.Advance(time.Duration(in.Duration))
	return http.StatusOK, h.clockState(), nil
}

// --- accounts ---

// account finds (or, for a well-formed ID, starts) the account the path
// names, in the primary Region: its quotas and clock are shared by all its
// Regions, and its key and store counts are the primary Region's.
func (h *controlHandler) account(r *http.Request) (*account, error) {
	id := r.PathValue("account")
	if !isAccountID(id) {
		return nil, badRequest("account %q is not a 12-digit account ID", id)
	}
	return h.s.accountLocked(id, h.s.region), nil
}

func (h *controlHandler) accountState(a *account) AccountState {
	return AccountState{
		ID:              a.id,
		Quotas:          AccountQuotas{CustomKeyStores: h.s.storeQuotaOf(a), Keys: h.s.keyQuotaOf(a)},
		Now:             h.s.nowIn(a),
		Ahead:           Duration(a.ahead),
		Keys:            len(a.keys),
		CustomKeyStores: len(a.stores),
	}
}

func (h *controlHandler) getAccount(r *http.Request) (int, any, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	a, err := h.account(r)
	if err != nil {
		return 0, nil, err
	}
	h.s.settleAccountLocked(a.id, h.s.nowIn(a))
	return http.StatusOK, h.accountState(a), nil
}

func (h *controlHandler) putAccountQuotas(r *http.Request) (int, any, error) {
	var in AccountQuotas
	if err := decodeBody(r, &in); err != nil {
		return 0, nil, err
	}
	if in.CustomKeyStores < 0 || in.Keys < 0 {
		return 0, nil, badRequest("quotas must not be negative, e.g. {\"customKeyStores\":1,\"keys\":2}")
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	a, err := h.account(r)
	if err != nil {
		return 0, nil, err
	}
	a.quotas = in
	return http.StatusOK, h.accountState(a), nil
}

// advanceAccountClock lets time pass in one account only: its waiting
// periods, token and material expiries and transitions move on, while other
// accounts (and the tests using them) are left alone.
func (h *controlHandler) advanceAccountClock(r *http.Request) (int, any, error) {
	var in advanceRequest
	if err := decodeBody(r, &in); err != nil {
		return 0, nil, err
	}
	if in.Duration <= 0 {
		return 0, nil, badRequest("duration must be positive, e.g. {\"duration\":\"25h\"}")
	}
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	a, err := h.account(r)
	if err != nil {
		return 0, nil, err
	}
	a.ahead += time.Duration(in.Duration) // shared by the account's Regions
	h.s.settleAccountLocked(a.id, h.s.nowIn(a))
	return http.StatusOK, h.accountState(a), nil
}
