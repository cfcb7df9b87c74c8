package plaintext

import (
	"bytes"
)

// Every write after the file's creation appends one block:
//
//	\n; invoicesync: begin KIND ID\n BODY ; invoicesync: end KIND ID\n
//
// in a single write(2) to a file opened with O_APPEND, followed by fsync.
//
// The creation itself writes a temporary file in the same directory, fsyncs
// it, and only then gives it the file's name: a hard link when the path
// names no file, a rename over it when the path names an empty file (on a
// file system without hard links, an empty file is created at the path
// first, with O_EXCL, and then replaced); then the directory is fsynced. So
// the path names no file, an empty one, or the complete new file, never a
// part of it, and Open creates the file again when it finds it missing or
// empty. A crash during the creation can leave the temporary file
// (".NAME.*.tmp") beside it, which may be deleted; once the link is made,
// it is a second name of the file.
//
// Two programs may create the file at once. The creator locks the
// temporary file before giving it its name, so it holds the lock from the
// moment the file exists at the path. A hard link fails if the path exists
// already: the program that loses drops its temporary file and opens the
// file the other created (which it finds locked, unless the other has closed
// it). An empty file is only replaced while it is locked and still at the
// path, and any file opened is only kept if, once locked, the path still
// names it; otherwise Open starts over. So no program ever appends to a file
// that another has replaced. (Where there are no locks, see lock_other.go,
// only one program at a time may open a file.)
//
// A crash during an append can only leave a prefix of the block being
// written (possibly followed by zero bytes, on file systems that extend a
// file before its data lands). Such a prefix is either shorter than the
// begin marker or it has a begin marker and no matching end marker; both
// are recognised by torn and cut off when the file is next opened. Nothing
// before the block is touched, and a block with its end marker was written
// completely: the end marker is its last line, and the block is only
// considered once that line's newline is there.

// torn returns the offset of an interrupted append at the end of data, or
// -1 when data ends with a complete block or with text the package did not
// write.
func torn(data []byte) int64 {
	tail := 0
	if last := bytes.LastIndex(data, []byte(beginMark)); last >= 0 {
		rest := data[last+len(beginMark):]
		nl := bytes.IndexByte(rest, '\n')
		if nl < 0 {
			return int64(last) // the begin marker itself is incomplete
		}
		end := "\n" + endMark + string(rest[:nl]) + "\n"
		k := bytes.Index(data[last+1:], []byte(end))
		if k < 0 {
			return int64(last) // no end marker: the block was cut
		}
		tail = last + 1 + k + len(end)
	}
	if tail == len(data) {
		return -1
	}
	// After the last complete block (or in a file without blocks): a cut
	// block may have left the beginning of its begin marker, or zero bytes.
	if rest := bytes.TrimRight(data[tail:], "\x00"); bytes.HasPrefix([]byte(beginMark), rest) {
		return int64(tail)
	}
	return -1
}
