//go:build !linux

package bench

import "errors"

func loopbackUp() error { return errors.New("network namespaces are Linux's") }
