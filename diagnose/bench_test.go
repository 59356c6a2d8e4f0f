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

// rounds runs fn over all lines several times and returns the median
// lines per second.
func linesPerSecond(lines [][]byte, rounds int, fn func([]byte)) float64 {
	var rates []float64
	for range rounds {
		start := time.Now()
		for _, l := range lines {
			fn(l)
		}
		rates = append(rates, float64(len(lines))/time.Since(start).Seconds())
	}
	slices.Sort(rates)
	return rates[len(rates)/2]
}

var sink int

// BenchmarkEngineVsFloor compares the compiled library with the floor any
// line scanner must pay: lower-casing the line and one bytes.Index of a
// rare literal. Both run in this process, interleaved, on the same lines.
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
				eng = linesPerSecond(lines, 5, engine)
				flo = linesPerSecond(lines, 5, floor)
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
