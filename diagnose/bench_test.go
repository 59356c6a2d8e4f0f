package diagnose

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/faultline-dev/faultline/matcher"
	"github.com/faultline-dev/faultline/playbooks"
)

// benchLines loads the real CI logs of the shared corpus as lines: builds
// that passed (mostly lines no signal should match) and failed jobs.
func benchLines(b *testing.B) [][]byte {
	b.Helper()
	var lines [][]byte
	for _, pattern := range []string{"passing/*.log", "logdx-dev/*/raw.log"} {
		for _, path := range corpusFiles(b, pattern) {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			for sc.Scan() {
				lines = append(lines, slices.Clone(sc.Bytes()))
			}
			f.Close()
		}
	}
	return lines
}

// interleaved runs a and b over the same lines, alternating between them
// every chunk of lines, for several rounds, and returns each one's lines
// per second. On a shared machine the speed drifts by tens of percent
// within a second; switching every few milliseconds makes both meet the
// same drift, so their ratio holds where separate passes would not.
func interleaved(lines [][]byte, rounds int, a, b func([]byte)) (rateA, rateB float64) {
	const chunks = 40
	var ta, tb time.Duration
	size := (len(lines) + chunks - 1) / chunks
	for range rounds {
		for start := 0; start < len(lines); start += size {
			chunk := lines[start:min(start+size, len(lines))]
			t0 := time.Now()
			for _, l := range chunk {
				a(l)
			}
			t1 := time.Now()
			for _, l := range chunk {
				b(l)
			}
			ta += t1.Sub(t0)
			tb += time.Since(t1)
		}
	}
	n := float64(rounds * len(lines))
	return n / ta.Seconds(), n / tb.Seconds()
}

var sink int

// BenchmarkEngineVsFloor compares the compiled library with the floor any
// line scanner must pay: lower-casing the line and one bytes.Index of a
// rare literal. Both run in this process, interleaved chunk by chunk, on
// the same lines.
func BenchmarkEngineVsFloor(b *testing.B) {
	lines := benchLines(b)
	lib, err := playbooks.Bundled()
	if err != nil {
		b.Fatal(err)
	}
	var bytesTotal int
	for _, l := range lines {
		bytesTotal += len(l)
	}
	subsets := []int{25, lib.Len()}
	if lib.Len() <= 25 {
		subsets = []int{lib.Len()}
	}
	for _, n := range subsets {
		b.Run(fmt.Sprintf("playbooks=%d", n), func(b *testing.B) {
			e, err := Compile(playbooks.NewLibrary(slices.Clone(lib.Playbooks[:n])))
			if err != nil {
				b.Fatal(err)
			}
			m := e.Matcher()
			var s matcher.Scratch
			hits := make([]int, 0, 16)
			buf := make([]byte, 0, 1<<20)
			rare := []byte("exec format error")
			engine := func(l []byte) { hits = m.Match(&s, l, hits[:0]); sink += len(hits) }
			floor := func(l []byte) {
				buf = append(buf[:0], l...)
				for i, c := range buf {
					if 'A' <= c && c <= 'Z' {
						buf[i] = c + 'a' - 'A'
					}
				}
				sink += bytes.Index(buf, rare)
			}
			var eng, flo float64
			for range b.N {
				eng, flo = interleaved(lines, 5, engine, floor)
			}
			b.ReportMetric(eng, "engine-lines/s")
			b.ReportMetric(flo, "floor-lines/s")
			b.ReportMetric(flo/eng, "floor/engine")
			b.Logf("%d lines (%.1f MB), %d playbooks, %d patterns: engine %.2fM lines/s, floor %.2fM lines/s, floor/engine %.2fx",
				len(lines), float64(bytesTotal)/1e6, n, m.Len(), eng/1e6, flo/1e6, flo/eng)
		})
	}
}

// BenchmarkAnalyze is the whole-log path (matching, scoring, evidence) over
// the corpus.
func BenchmarkAnalyze(b *testing.B) {
	lines := benchLines(b)
	data := bytes.Join(lines, []byte("\n"))
	e := bundledEngine(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		if _, err := e.Analyze(bytes.NewReader(data), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
