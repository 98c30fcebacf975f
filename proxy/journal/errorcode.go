package journal

import (
	"encoding/json"
	"net/http"
	"strings"
)

// ErrorCode returns the error code an awsJson1_1 error response carries:
// from the X-Amzn-Errortype header, else the body's "__type", else its
// "code", sanitised as AWS SDKs do (cut at the first ':', then keep what
// follows '#'). Responses below 300 have none.
func ErrorCode(status int, h http.Header, body []byte) string {
	if status < 300 {
		return ""
	}
	if v := h.Get("X-Amzn-Errortype"); v != "" {
		return SanitizeErrorCode(v)
	}
	var shape struct {
		Type string `json:"__type"`
		Code string `json:"code"`
	}
	if json.Unmarshal(body, &shape) != nil {
		return ""
	}
	if shape.Type != "" {
		return SanitizeErrorCode(shape.Type)
	}
	return SanitizeErrorCode(shape.Code)
}

// SanitizeErrorCode turns "com.amazonaws.kms#Foo" and
// "Foo:http://internal.amazon.com/coral/..." into "Foo".
func SanitizeErrorCode(v string) string {
	if i := strings.IndexByte(v, ':'); i >= 0 {
		v = v[:i]
	}
	if i := strings.IndexByte(v, '#'); i >= 0 {
		v = v[i+1:]
	}
	return strings.TrimSpace(v)
}
