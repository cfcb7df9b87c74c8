package plaintext

import (
	"bytes"
)

// Every write after the file's creation appends one block:
//
//	\n; invoicesync: begin KIND ID\n BODY ; invoicesync: end KIND ID\n
//
// in a single write(2) to a file opened with O_APPEND, followed by fsync.
// The creation itself writes a temporary file, fsyncs it and renames it, so
// a file exists complete or not at all. A crash during an append can only
// leave a prefix of the block being written (possibly followed by zero
// bytes, on file systems that extend a file before its data lands). Such a
// prefix is either shorter than the begin marker or it has a begin marker
// and no matching end marker; both are recognised by torn and cut off when
// the file is next opened. Nothing before the block is touched, and a block
// with its end marker was written completely: the end marker is its last
// line, and the block is only considered once that line's newline is there.

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
