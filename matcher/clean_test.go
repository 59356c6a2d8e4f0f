package matcher

import (
	"bytes"
	"testing"
)

func TestClean(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain line", "plain line"},
		{"\xef\xbb\xbfBOM first\r\n", "BOM first"},
		{"\x1b[31mred\x1b[0m text", "red text"},
		{"\x1b[1;32m##[group]\x1b[0mRun x", "##[group]Run x"},
		{"\x1b]0;title\x07after OSC", "after OSC"},
		{"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"\x1b7two-byte", "two-byte"}, // ESC 7: save the cursor
		{"10%\r50%\r100% done", "100% done"},
		{"\x1b[2K\r\x1b[32mok\x1b[0m", "ok"},
		{"unterminated \x1b[31", "unterminated "},
		{"trailing ESC\x1b", "trailing ESC"},
		{"", ""},
	} {
		if got := string(Clean(&Scratch{}, []byte(tc.in))); got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// cleanOracle is the byte-at-a-time Clean that the chunked one must agree
// with.
func cleanOracle(line []byte) []byte {
	line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
	line = bytes.TrimRight(line, "\r\n")
	if i := bytes.LastIndexByte(line, '\r'); i >= 0 {
		line = line[i+1:]
	}
	var dst []byte
	for i := 0; i < len(line); i++ {
		if line[i] != 0x1b {
			dst = append(dst, line[i])
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

func FuzzClean(f *testing.F) {
	for _, seed := range []string{"\x1b[31mx\x1b[0m", "a\rb\r\n", "\x1b]0;t\x07x", "\x1b]8;;u\x1b\\l", "\x1b", "\x1bx\x1b[", "\xef\xbb\xbf\r"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		got := Clean(&Scratch{}, []byte(line))
		if want := cleanOracle([]byte(line)); !bytes.Equal(got, want) {
			t.Errorf("Clean(%q) = %q, oracle says %q", line, got, want)
		}
	})
}
