package plaintext

import (
	"errors"
	"os"
)

// CheckWithTool lets the external tests have the real tools judge a file.
var CheckWithTool = checkWithTool

// RunTool lets the external tests run a real tool.
var RunTool = runTool

// ErrLocked lets the external tests recognise a file locked by another process.
var ErrLocked = errLocked

// FailLinks makes hard links fail as they do on a file system without them,
// until restore is called.
func FailLinks() (restore func()) {
	link = func(oldname, newname string) error {
		return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: errors.ErrUnsupported}
	}
	return func() { link = os.Link }
}

// SetTestHook has Open call hook at the points testHook names, until restore
// is called.
func SetTestHook(hook func(point string)) (restore func()) {
	testHook = hook
	return func() { testHook = nil }
}
