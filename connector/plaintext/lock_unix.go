//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package plaintext

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on f without waiting, so that
// two programs using this package never append to one file at once.
func lockFile(f *os.File) (unlock func() error, err error) {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errLocked
		}
		return nil, err
	}
	return func() error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }, nil
}

// lockWhileInstalling is true: a new file is locked before it gets its
// name, and the empty file it replaces stays locked until it is replaced
// (an open file may be renamed and removed here).
const lockWhileInstalling = true
