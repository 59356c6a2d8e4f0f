package matcher

import "bytes"

// Clean returns the line as signals should see it: without a UTF-8 byte
// order mark, trailing CR/LF, or ANSI escape sequences (colour codes would
// split the words a signal looks for). It returns line itself, not a copy,
// when there is nothing to remove; otherwise the result lives in s and is
// valid until the next call.
func Clean(s *Scratch, line []byte) []byte {
	line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
	for len(line) > 0 && (line[len(line)-1] == '\n' || line[len(line)-1] == '\r') {
		line = line[:len(line)-1]
	}
	if bytes.IndexByte(line, 0x1b) < 0 && bytes.IndexByte(line, '\r') < 0 {
		return line
	}
	s.clean = stripControl(s.clean[:0], line)
	return s.clean
}

// stripControl appends line to dst without ANSI escape sequences (CSI
// "ESC [ ... final", OSC "ESC ] ... BEL|ESC \", and two-byte "ESC x") and
// with every CR treated as the start of the visible text (a progress bar
// that rewrites its line with \r shows only its last state).
func stripControl(dst, line []byte) []byte {
	if i := bytes.LastIndexByte(line, '\r'); i >= 0 {
		line = line[i+1:]
	}
	for i := 0; i < len(line); i++ {
		b := line[i]
		if b != 0x1b {
			dst = append(dst, b)
			continue
		}
		if i+1 >= len(line) {
			break
		}
		switch line[i+1] {
		case '[':
			j := i + 2
			for j < len(line) && (line[j] < 0x40 || line[j] > 0x7e) {
				j++
			}
			i = j
		case ']':
			j := i + 2
			for j < len(line) && line[j] != 0x07 && !(line[j] == 0x1b && j+1 < len(line) && line[j+1] == '\\') {
				j++
			}
			if j < len(line) && line[j] == 0x1b {
				j++
			}
			i = j
		default:
			i++
		}
	}
	return dst
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
