package reference

import (
	"slices"
	"time"
)

// KeyUsage is a key's last successful cryptographic use (GetKeyLastUsage).
type KeyUsage struct {
	Operation  string
	At         time.Time
	RequestID  string // the KMS request ID of that call
	TrailEvent string // the CloudTrail event ID KMS would have logged
}

// usageTrackingStart is when the reference says tracking of key usage
// began: the date of the API model that brought GetKeyLastUsage. Keys
// created later report their creation date instead (GetKeyLastUsage.09).
var usageTrackingStart = time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)

// usageOps are the operations whose success counts as a use of their keys
// (GetKeyLastUsage.10).
var usageOps = []string{"Decrypt", "DeriveSharedSecret", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair",
	"GenerateDataKeyPairWithoutPlaintext", "GenerateDataKeyWithoutPlaintext", "GenerateMac", "ReEncrypt",
	"Sign", "Verify", "VerifyMac"}

// useKey notes that the call checked k for a cryptographic use; recordUsage
// makes it the key's last use if the call succeeds.
func (c *call) useKey(k *Key) {
	if !slices.Contains(c.used, k) {
		c.used = append(c.used, k)
	}
}

// recordUsage records a successful call of a usage operation as the last
// use of every key it used: ReEncrypt's source and destination keys both
// (GetKeyLastUsage.11). A refused call, a dry run among them, records nothing.
func (c *call) recordUsage(requestID string) {
	if !slices.Contains(usageOps, c.op) {
		return
	}
	for _, k := range c.used {
		k.LastUsage = &KeyUsage{Operation: c.op, At: c.now, RequestID: requestID, TrailEvent: newRequestID()}
	}
}

// getKeyLastUsage implements GetKeyLastUsage. The model gives it no key
// state errors, so it answers in every state; alias names are not accepted
// (.04) and the key must be the caller's (.05).
func getKeyLastUsage(c *call) (any, error) {
	k, err := c.keyFromKeyIDInput(keyOrARN)
	if err != nil {
		return nil, err
	}
	type lastUsage struct {
		Operation         string     `json:"Operation,omitempty"`
		Timestamp         *Timestamp `json:"Timestamp,omitempty"`
		CloudTrailEventID string     `json:"CloudTrailEventId,omitempty"`
		KmsRequestID      string     `json:"KmsRequestId,omitempty"`
	}
	out := struct {
		KeyID             string    `json:"KeyId"`
		KeyCreationDate   Timestamp `json:"KeyCreationDate"`
		TrackingStartDate Timestamp `json:"TrackingStartDate"`
		KeyLastUsage      lastUsage `json:"KeyLastUsage"`
	}{KeyID: k.ID, KeyCreationDate: Timestamp{k.Created}, TrackingStartDate: Timestamp{k.Created}}
	if k.Created.Before(usageTrackingStart) {
		out.TrackingStartDate = Timestamp{usageTrackingStart}
	}
	if u := k.LastUsage; u != nil {
		out.KeyLastUsage = lastUsage{Operation: u.Operation, Timestamp: TimestampOf(u.At), CloudTrailEventID: u.TrailEvent, KmsRequestID: u.RequestID}
	}
	return out, nil
}
