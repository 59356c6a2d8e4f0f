package matcher

import "bytes"

// Clean returns the line as signals should see it: without a UTF-8 byte
// order mark, trailing CR/LF, or ANSI escape sequences (colour codes would
// split the words a signal looks for), and of a line rewritten with CR,
// only what follows the last CR. It returns part of line itself, not a
// copy, when there is no escape sequence to remove; otherwise the result
// lives in s and is valid until the next call.
func Clean(s *Scratch, line []byte) []byte {
	line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
	for len(line) > 0 && (line[len(line)-1] == '\n' || line[len(line)-1] == '\r') {
		line = line[:len(line)-1]
	}
	cr := bytes.IndexByte(line, '\r')
	if cr >= 0 {
		// A progress bar that rewrites its line with \r shows only its
		// last state. (bytes.LastIndexByte is a plain loop; IndexByte
		// from the first CR on is vectorised.)
		for {
			line = line[cr+1:]
			if cr = bytes.IndexByte(line, '\r'); cr < 0 {
				break
			}
		}
	}
	esc := bytes.IndexByte(line, 0x1b)
	if esc < 0 {
		return line
	}
	s.clean = stripEscapes(s.clean[:0], line, esc)
	return s.clean
}

// stripEscapes appends line to dst without ANSI escape sequences (CSI
// "ESC [ ... final", OSC "ESC ] ... BEL|ESC \", and two-byte "ESC x");
// esc is the index of the first ESC. The text between sequences is copied
// a chunk at a time.
func stripEscapes(dst, line []byte, esc int) []byte {
	for esc >= 0 {
		dst = append(dst, line[:esc]...)
		line = line[esc:]
		i := 0 // the last byte of the sequence at line[0]
		if len(line) < 2 {
			return dst
		}
		switch line[1] {
		case '[':
			j := 2
			for j < len(line) && (line[j] < 0x40 || line[j] > 0x7e) {
				j++
			}
			i = j
		case ']':
			j := 2
			for j < len(line) && line[j] != 0x07 && !(line[j] == 0x1b && j+1 < len(line) && line[j+1] == '\\') {
				j++
			}
			if j < len(line) && line[j] == 0x1b {
				j++
			}
			i = j
		default:
			i = 1
		}
		if i+1 >= len(line) {
			return dst
		}
		line = line[i+1:]
		esc = bytes.IndexByte(line, 0x1b)
	}
	return append(dst, line...)
}

// timestampPrefix returns the length of a leading timestamp such as
// "2026-04-22T16:24:46.8301311Z " or "[2024-01-02 03:04:05,123] ", so that
// anchored signals (^...) see the message, not the clock. It returns 0 when
// the line does not start with one.
func timestampPrefix(line []byte) int {
	i := 0
	if i < len(line) && line[i] == '[' {
		i++
	}
	// YYYY-MM-DD
	if !digits(line, i, 4) || !at(line, i+4, '-') || !digits(line, i+5, 2) || !at(line, i+7, '-') || !digits(line, i+8, 2) {
		return 0
	}
	i += 10
	if !(at(line, i, 'T') || at(line, i, ' ')) {
		return 0
	}
	i++
	// hh:mm:ss
	if !digits(line, i, 2) || !at(line, i+2, ':') || !digits(line, i+3, 2) || !at(line, i+5, ':') || !digits(line, i+6, 2) {
		return 0
	}
	i += 8
	if at(line, i, '.') || at(line, i, ',') {
		i++
		for i < len(line) && isDigit(line[i]) {
			i++
		}
	}
	switch {
	case at(line, i, 'Z'):
		i++
	case at(line, i, '+') || at(line, i, '-'):
		j := i + 1
		for j < len(line) && (isDigit(line[j]) || line[j] == ':') && j-i <= 6 {
			j++
		}
		i = j
	}
	if at(line, i, ']') {
		i++
	}
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	return i
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func at(line []byte, i int, b byte) bool { return i < len(line) && line[i] == b }

func digits(line []byte, i, n int) bool {
	if i+n > len(line) {
		return false
	}
	for _, b := range line[i : i+n] {
		if !isDigit(b) {
			return false
		}
	}
	return true
}
