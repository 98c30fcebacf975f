//go:build unix

package proxy

import (
	"net"
	"syscall"
)

// stillOpen reports whether an idle connection can carry another request:
// the upstream has neither closed it nor sent anything unasked (a peek that
// does not wait, so it costs one system call).
func stillOpen(c *net.TCPConn) bool {
	if c == nil {
		return true
	}
	rc, err := c.SyscallConn()
	if err != nil {
		return false
	}
	open := false
	err = rc.Read(func(fd uintptr) bool {
		var b [1]byte
		_, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		open = err == syscall.EAGAIN || err == syscall.EWOULDBLOCK
		return true // never wait for readiness
	})
	return err == nil && open
}
