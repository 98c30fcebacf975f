package bench

import (
	"syscall"
	"unsafe"
)

// loopbackUp sets IFF_UP on lo, as `ip link set lo up` does, with the
// SIOCGIFFLAGS and SIOCSIFFLAGS ioctls on a datagram socket.
func loopbackUp() error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	// struct ifreq: the interface name, then (a union whose first member is)
	// the flags; 40 bytes on Linux.
	var req struct {
		name  [syscall.IFNAMSIZ]byte
		flags uint16
		_     [22]byte
	}
	copy(req.name[:], "lo")
	if err := ifreqIoctl(fd, syscall.SIOCGIFFLAGS, unsafe.Pointer(&req)); err != nil {
		return err
	}
	req.flags |= syscall.IFF_UP
	return ifreqIoctl(fd, syscall.SIOCSIFFLAGS, unsafe.Pointer(&req))
}

func ifreqIoctl(fd int, op uintptr, req unsafe.Pointer) error {
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), op, uintptr(req)); errno != 0 {
		return errno
	}
	return nil
}
