package faults

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"github.com/kmsconform/kmsconform/kmserrors"
	"maps"
	"net/http"
	"strconv"
	"time"
)

// errorFault answers in place of the upstream. With a Code it answers as KMS
// does (awsJson1_1: x-amzn-RequestId, Content-Type application/x-amz-json-1.1,
// Date, {"__type","message"}); without one it answers as a load balancer does,
// with an HTML page for 5xx and an empty body otherwise. A header given with
// an empty value is removed from the answer.
type errorFault struct {
	status  int
	code    string
	message string
	style   string
	body    *string // explicit raw body
	headers map[string]string
}

func newError(s Spec) (Fault, error) { return newErrorFault(s) }

func newErrorFault(s Spec) (*errorFault, error) {
	e := &errorFault{}
	if s.Preset != "" {
		p, ok := presets()[s.Preset]
		if !ok {
			return nil, invalid("unknown preset %q (one of %v)", s.Preset, PresetNames())
		}
		e.status, e.code, e.message = p.Status, p.Code, p.Message
		e.headers = maps.Clone(p.Headers)
	}
	if s.Status != 0 {
		e.status = s.Status
	}
	if s.Code != "" {
		e.code = s.Code
	}
	if s.Message != "" {
		e.message = s.Message
	}
	if s.Body != "" {
		b := s.Body
		e.body = &b
	}
	if len(s.Headers) > 0 {
		if e.headers == nil {
			e.headers = map[string]string{}
		}
		maps.Copy(e.headers, s.Headers)
	}
	switch s.Style {
	case "", "namespaced", "header":
		e.style = s.Style
	default:
		return nil, invalid("style must be \"\", \"namespaced\" or \"header\", not %q", s.Style)
	}
	if e.status == 0 {
		if e.code == "" {
			return nil, invalid("needs a preset, a code or a status")
		}
		e.status = kmserrors.Status(e.code)
	}
	if e.status < 100 || e.status > 599 {
		return nil, invalid("status %d is not an HTTP status", e.status)
	}
	return e, nil
}

func (e *errorFault) Apply(_ context.Context, x *Exchange) error {
	x.Response = e.response(time.Now())
	return nil
}

func (e *errorFault) response(now time.Time) *Response {
	h := http.Header{}
	h.Set("Date", now.UTC().Format(http.TimeFormat))
	var body []byte
	switch {
	case e.code != "":
		h.Set("x-amzn-RequestId", newRequestID())
		h.Set("Content-Type", "application/x-amz-json-1.1")
		shape := map[string]string{}
		switch e.style {
		case "namespaced":
			shape["__type"] = "com.amazonaws.kms#" + e.code
		case "header":
			h.Set("x-amzn-ErrorType", e.code+":http://internal.amazon.com/coral/com.amazon.coral.availability/")
		default:
			shape["__type"] = e.code
		}
		if e.message != "" {
			shape["message"] = e.message
		}
		body, _ = json.Marshal(shape) // a map of strings always marshals
	case e.status >= 500:
		h.Set("Content-Type", "text/html")
		h.Set("Server", "awselb/2.0")
		title := strconv.Itoa(e.status) + " " + http.StatusText(e.status)
		body = []byte("<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" +
			title + "</h1></center>\r\n</body>\r\n</html>\r\n")
	}
	if e.body != nil {
		body = []byte(*e.body)
	}
	for k, v := range e.headers {
		if v == "" {
			h.Del(k)
			continue
		}
		h.Set(k, v)
	}
	return &Response{Status: e.status, Header: h, Body: body}
}

func (e *errorFault) String() string {
	if e.code == "" {
		return fmt.Sprintf("error(%d)", e.status)
	}
	return fmt.Sprintf("error(%d %s)", e.status, e.code)
}

// newRequestID returns a random UUIDv4, the shape of KMS request IDs.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
