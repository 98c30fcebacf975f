// Package reference is kmsconform's reference KMS: the AWS KMS documentation
// made executable. It speaks the KMS wire protocol (awsJson1_1) over HTTP, keeps
// real key material and real state machines, and simulates the CloudHSM
// clusters and external key store proxies that custom key stores depend on.
//
// One Service serves several Regions on one endpoint (Options.Regions): the
// Region of a request is the one its SigV4 credential scope names, and each
// account keeps its keys, aliases and key stores per Region, so that
// multi-Region keys can be replicated between them (multiregion.go). The
// caller's account comes from the access key ID in the SigV4 Authorization
// header, so two credentials act as two accounts. A control API, under ControlPrefix and never reachable as a KMS
// operation, declares backing fixtures and drives the virtual clock.
package reference

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ControlPrefix is the path prefix of the control API. KMS itself only ever
// answers POST / so the two can never be confused.
const ControlPrefix = "/_kmsconform/"

// DefaultRegion is the Region a Service serves when none is configured.
const DefaultRegion = "us-east-1"

// DefaultSecondRegion is the second Region a Service whose Region is
// DefaultRegion serves when Options.Regions is empty.
const DefaultSecondRegion = "us-west-2"

// maxRequestBody bounds a KMS request body; the largest modeled member
// (a 128 KiB policy, or 256 KiB attestation document) fits well inside it.
const maxRequestBody = 1 << 20

// Options configure a Service.
type Options struct {
	Region string // the primary Region; default DefaultRegion
	// Regions are every Region served, Region first whether listed or not;
	// empty means Region and a second Region of its partition
	// (SecondRegionFor).
	Regions  []string
	Fixtures *Fixtures // backing clusters, XKS proxies and account mapping; default DefaultFixtures()
	Clock    *Clock    // default NewClock(nil)
	Logger   *slog.Logger
}

// Service is a reference KMS for one or more Regions.
type Service struct {
	region  string   // the primary Region
	regions []string // every Region served, region first
	clock   *Clock
	logger  *slog.Logger
	ops     map[string]operation
	control http.Handler

	mu       sync.Mutex // guards everything below; operations run under it
	accounts map[accountRegion]*account
	// settings are what an account shares across its Regions, by account ID.
	settings map[string]*accountSettings
	backing  *backing
	// keyHolds are the key IDs whose Creating and Updating transitions wait
	// for a release through the control API (multiregion.go).
	keyHolds map[string]bool
}

// accountRegion names one account's resources in one Region.
type accountRegion struct{ id, region string }

// operation implements one KMS operation. It runs with Service.mu held.
type operation func(c *call) (any, error)

// call is one KMS request being served.
type call struct {
	ctx       context.Context
	svc       *Service
	op        string
	acct      *account
	accessKey string
	region    string // the Region the request is signed for
	now       time.Time
	body      []byte
	// used are the keys the call checked for a cryptographic use (useKey).
	used []*Key
}

// New returns a Service ready to serve.
func New(opts Options) (*Service, error) {
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	if opts.Clock == nil {
		opts.Clock = NewClock(nil)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	fx := opts.Fixtures
	if fx == nil {
		fx = DefaultFixtures()
	}
	b, err := newBacking(fx)
	if err != nil {
		return nil, fmt.Errorf("reference: fixtures: %w", err)
	}
	regions, err := servedRegions(opts.Region, opts.Regions)
	if err != nil {
		return nil, err
	}
	s := &Service{
		region:   opts.Region,
		regions:  regions,
		clock:    opts.Clock,
		logger:   opts.Logger,
		accounts: map[accountRegion]*account{},
		settings: map[string]*accountSettings{},
		backing:  b,
		keyHolds: map[string]bool{},
		ops:      map[string]operation{},
	}
	for _, set := range []map[string]operation{keyOperations(), aliasOperations(), tagOperations(), listingOperations(), cryptoOperations(), signingOperations(), importOperations(), keyStoreOperations(), rotationOperations(), macOperations(), keyAgreementOperations(), grantOperations(), policyOperations(), multiRegionOperations()} {
		for name, op := range set {
			if _, dup := s.ops[name]; dup {
				return nil, fmt.Errorf("reference: operation %s registered twice", name)
			}
			s.ops[name] = op
		}
	}
	s.control = newControlHandler(s)
	return s, nil
}

// Region is the primary Region this Service serves.
func (s *Service) Region() string { return s.region }

// Regions are every Region this Service serves, the primary Region first.
func (s *Service) Regions() []string { return slices.Clone(s.regions) }

// servedRegions is primary followed by the other Regions listed, each once;
// with none listed, primary, a second Region of its partition and, where the
// partition has one, a third (ThirdRegionFor).
func servedRegions(primary string, listed []string) ([]string, error) {
	if len(listed) == 0 {
		listed = []string{SecondRegionFor(primary)}
		if third := ThirdRegionFor(primary); third != "" {
			listed = append(listed, third)
		}
	}
	out := []string{primary}
	for _, r := range listed {
		if !regionPattern.MatchString(r) {
			return nil, fmt.Errorf("reference: Region %q is not a Region name such as %s", r, DefaultSecondRegion)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// SecondRegionFor is a second Region in region's partition, so that
// multi-Region keys can be replicated between the two.
func SecondRegionFor(region string) string {
	second := map[string][2]string{
		"aws":        {DefaultSecondRegion, DefaultRegion},
		"aws-cn":     {"cn-northwest-1", "cn-north-1"},
		"aws-us-gov": {"us-gov-east-1", "us-gov-west-1"},
	}[partitionFor(region)]
	if region == second[0] {
		return second[1]
	}
	return second[0]
}

// DefaultThirdRegion is the third Region a Service whose Region is
// DefaultRegion serves when Options.Regions is empty: a scenario that moves
// a primary key into the second Region can then replicate it further.
const DefaultThirdRegion = "eu-central-1"

// ThirdRegionFor is a third Region in region's partition, other than region
// and SecondRegionFor(region); "" for the partitions of two Regions.
func ThirdRegionFor(region string) string {
	if partitionFor(region) != "aws" {
		return ""
	}
	second := SecondRegionFor(region)
	for _, r := range []string{DefaultThirdRegion, DefaultRegion, DefaultSecondRegion} {
		if r != region && r != second {
			return r
		}
	}
	return ""
}

// Clock is the Service's virtual clock.
func (s *Service) Clock() *Clock { return s.clock }

// Operations lists the KMS operations this Service implements.
func (s *Service) Operations() []string {
	names := make([]string, 0, len(s.ops))
	for n := range s.ops {
		names = append(names, n)
	}
	return names
}

// ServeHTTP serves the KMS wire protocol at "/" and the control API under ControlPrefix.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, ControlPrefix) {
		s.control.ServeHTTP(w, r)
		return
	}
	requestID := newRequestID()
	// Keys already in canonical form, set directly: Header.Set would
	// canonicalize them again on every request.
	w.Header()["X-Amzn-Requestid"] = []string{requestID}
	out, err := s.serveKMS(r, requestID)
	if err != nil {
		e := asError(err)
		if e.Code == "KMSInternalException" {
			s.logger.Error("internal error", "requestId", requestID, "err", err)
		}
		writeJSON(w, e.Status(), errorBody{Type: e.Code, Message: e.Message})
		return
	}
	if out == nil {
		out = struct{}{}
	}
	writeJSON(w, http.StatusOK, out)
}

// contentTypeJSON is every answer's Content-Type; net/http only reads it.
var contentTypeJSON = []string{"application/x-amz-json-1.1"}

type errorBody struct {
	Type    string `json:"__type"`
	Message string `json:"message,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"__type":"KMSInternalException","message":"An internal error occurred."}`)
	}
	h := w.Header()
	h["Content-Type"] = contentTypeJSON
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *Service) serveKMS(r *http.Request, requestID string) (any, error) {
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		return nil, errorf("UnknownOperationException", "")
	}
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, "TrentService.")
	op := s.ops[name]
	if !ok || op == nil {
		return nil, errorf("UnknownOperationException", "")
	}
	accessKey, region, err := s.authenticate(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxRequestBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errorf("SerializationException", "Request body is larger than %d bytes", maxRequestBody)
		}
		return nil, errorf("SerializationException", "Could not read the request body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	if !json.Valid(body) {
		return nil, errorf("SerializationException", "Start of structure or map found where not expected.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.backing.accountFor(accessKey)
	acct := s.accountLocked(id, region)
	now := s.nowIn(acct)
	s.settleAccountLocked(id, now)
	c := &call{ctx: r.Context(), svc: s, op: name, acct: acct, accessKey: accessKey, region: region, now: now, body: body}
	out, err := op(c)
	if err == nil {
		c.recordUsage(requestID)
	}
	return out, err
}

// authenticate extracts the access key ID and the Region from a SigV4
// Authorization header and checks its credential scope names a Region served
// and KMS. The signature itself is not verified: the reference has no secrets
// to verify it with.
func (s *Service) authenticate(r *http.Request) (accessKey, region string, err error) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return "", "", errorf("MissingAuthenticationTokenException", "Missing Authentication Token")
	}
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		return "", "", errorf("IncompleteSignatureException", "Authorization header requires the AWS4-HMAC-SHA256 algorithm.")
	}
	for part := range strings.SplitSeq(rest, ",") {
		cred, ok := strings.CutPrefix(strings.TrimSpace(part), "Credential=")
		if !ok {
			continue
		}
		var scope [5]string
		if !splitScope(cred, &scope) || scope[0] == "" || scope[4] != "aws4_request" {
			return "", "", errorf("IncompleteSignatureException", "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term.")
		}
		if !slices.Contains(s.regions, scope[2]) {
			return "", "", errorf("InvalidSignatureException", "Credential should be scoped to a valid region.")
		}
		if scope[3] != "kms" {
			return "", "", errorf("InvalidSignatureException", "Credential should be scoped to correct service: 'kms'.")
		}
		return scope[0], scope[2], nil
	}
	return "", "", errorf("IncompleteSignatureException", "Authorization header requires 'Credential' parameter.")
}

// splitScope splits a credential scope into exactly len(scope) slash-delimited
// elements, without allocating; false when there are more or fewer.
func splitScope(cred string, scope *[5]string) bool {
	for i := range len(scope) - 1 {
		var ok bool
		if scope[i], cred, ok = strings.Cut(cred, "/"); !ok {
			return false
		}
	}
	scope[len(scope)-1] = cred
	return !strings.Contains(cred, "/")
}

// nowIn is the virtual time in account a.
func (s *Service) nowIn(a *account) time.Time { return s.clock.Now().Add(a.ahead) }

// accountLocked is account id in region, started on first use; its Regions
// share one accountSettings.
func (s *Service) accountLocked(id, region string) *account {
	a, ok := s.accounts[accountRegion{id, region}]
	if !ok {
		set, ok := s.settings[id]
		if !ok {
			set = &accountSettings{}
			s.settings[id] = set
		}
		a = newAccount(id, region, set)
		s.accounts[accountRegion{id, region}] = a
	}
	return a
}

// settleAccountLocked settles account id in every Region: a replica's
// deletion ends its primary's PendingReplicaDeletion, in another Region.
func (s *Service) settleAccountLocked(id string, now time.Time) {
	for _, r := range s.regions {
		s.settleLocked(s.accountLocked(id, r), now)
	}
}

// ownerOf is the account, in k's Region, that holds k; false when that
// account has not been started (a key the reference does not hold).
func (s *Service) ownerOf(k *Key) (*account, bool) {
	a, ok := s.accounts[accountRegion{k.Account, k.Region}]
	return a, ok
}

// decode reads the request body into v. A body whose members have the wrong
// JSON types is a SerializationException, as in KMS.
func (c *call) decode(v any) error {
	if err := json.Unmarshal(c.body, v); err != nil {
		return errorf("SerializationException", "%s", serializationMessage(err))
	}
	return nil
}

func serializationMessage(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("Unexpected value type for member '%s'", typeErr.Field)
	}
	return "Could not parse the request body"
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	// 8-4-4-4-12 hex digits; every request makes one, so no fmt.
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], b[10:16])
	return string(out[:])
}

// newKeyID returns a key ID in KMS's form, a random UUID.
func newKeyID() string { return newRequestID() }
