//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package plaintext

import "os"

// lockFile does nothing on this system: only one program at a time may open
// a file with this package.
func lockFile(*os.File) (unlock func() error, err error) {
	return func() error { return nil }, nil
}

// lockWhileInstalling is false: there are no locks to take, and this system
// may refuse to rename or remove a file that is open, so a new file is
// closed before it gets its name and opened again afterwards.
const lockWhileInstalling = false
