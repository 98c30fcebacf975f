package reference

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/kmsconform/kmsconform/kmserrors"
	"math"
	"strconv"
	"time"
)

// Error is a KMS error as it travels on the wire: {"__type": Code, "message": Message}.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Status is the HTTP status KMS answers this error with.
func (e *Error) Status() int { return kmserrors.Status(e.Code) }

// errorf builds a KMS error with a formatted message.
func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// asError converts any error returned by an operation into a wire error. Errors
// that are not *Error are internal faults: their text is not leaked to clients.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: "KMSInternalException", Message: "An internal error occurred."}
}

// Timestamp is a time that awsJson1_1 carries as fractional epoch seconds.
type Timestamp struct{ time.Time }

// MarshalJSON writes the time as epoch seconds with millisecond precision.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	ms := t.UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
}

// UnmarshalJSON accepts epoch seconds, as every AWS SDK sends them.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("timestamp must be a number of epoch seconds: %w", err)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e11 {
		return fmt.Errorf("timestamp %v is out of range", f)
	}
	sec, frac := math.Modf(f)
	t.Time = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return nil
}

// TimestampOf wraps t for output; the zero time stays zero.
func TimestampOf(t time.Time) *Timestamp {
	if t.IsZero() {
		return nil
	}
	return &Timestamp{t}
}
