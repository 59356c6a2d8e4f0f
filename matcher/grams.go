package matcher

import (
	"math/bits"
	"unsafe"
)

// gramIndex finds the lines that may hold a trigger literal, and where.
//
// Each trigger is found by two overlapping grams taken from its rarest
// part: for a trigger of five bytes or more, the two four-byte grams at
// offsets o and o+1 of its rarest five-byte window; for a four-byte trigger,
// its two three-byte grams; for a three-byte one, its two two-byte grams.
// Wherever the trigger occurs, one of its two grams starts at an even
// position, so the scan looks at every other position only. A bitset of
// gram hashes answers "no" for almost every position from a few kilobytes
// of cache, and successive positions' loads do not depend on each other, so
// the scan runs at the speed of the loop whatever the library's size. (A
// dense Aho-Corasick DFA did the same job, but past a thousand patterns its
// table left the cache and every byte waited on the previous one's miss.)
type gramIndex struct {
	tables [5]*gramTable // by gram size; 2, 3 and 4 are used
}

// gramTable holds the keys of one size.
type gramTable struct {
	bits *[gramBits / 64]uint64
	keys map[uint32][]gramRef
	mask uint32 // keeps the gram's bytes of a four-byte load
}

// gramRef says which alternative a key belongs to and where the key sits
// in that alternative's trigger, so that a hit is confirmed by comparing
// the trigger at one position instead of searching the line.
type gramRef struct {
	alt int32
	off int32
}

const (
	gramBits = 1 << 18 // bits per table: 32 KiB
	gramMul  = 0x9E3779B1
)

func newGramIndex() *gramIndex { return &gramIndex{} }

func (g *gramIndex) table(size int) *gramTable {
	if g.tables[size] == nil {
		g.tables[size] = &gramTable{
			bits: new([gramBits / 64]uint64),
			keys: map[uint32][]gramRef{},
			mask: uint32(1)<<(8*size) - 1,
		}
		if size == 4 {
			g.tables[size].mask = 0xFFFFFFFF
		}
	}
	return g.tables[size]
}

// add registers trigger (at least three lower-case bytes) for alternative
// id: two overlapping grams of its rarest part.
func (g *gramIndex) add(trigger string, id int32) {
	size, start := 4, 0
	switch {
	case len(trigger) >= FastTrigger:
		start = rarestWindow(trigger)
	case len(trigger) == 4:
		size = 3
	default:
		size = 2
	}
	t := g.table(size)
	for off := start; off <= start+1; off++ {
		var k uint32
		for j := range size {
			k |= uint32(trigger[off+j]) << (8 * j)
		}
		h := (k * gramMul) >> (32 - 18)
		t.bits[h>>6] |= 1 << (h & 63)
		t.keys[k] = append(t.keys[k], gramRef{alt: id, off: int32(off)})
	}
}

// rarestWindow returns the offset of the five-byte window of lit whose two
// four-byte grams are, together, the rarest.
func rarestWindow(lit string) int {
	best, bestCost := 0, -1
	for i := 0; i+5 <= len(lit); i++ {
		c := fourgramFreq[lit[i:i+4]] + fourgramFreq[lit[i+1:i+5]]
		if bestCost < 0 || c < bestCost {
			best, bestCost = i, c
		}
	}
	return best
}

// scan calls hit for every key found at an even position of text, with the
// position where its trigger would start. It folds ASCII case four bytes at
// a time as it goes, so the line is not lowered first.
func (g *gramIndex) scan(text []byte, hit func(ref gramRef, start int)) {
	n := len(text)
	t4, t3, t2 := g.tables[4], g.tables[3], g.tables[2]
	i := 0
	if n >= 4 {
		// One unaligned little-endian load per even position; the loop
		// condition (i+4 <= n) bounds it.
		base := unsafe.Pointer(unsafe.SliceData(text))
		for ; i+4 <= n; i += 2 {
			k := lower4(*(*uint32)(unsafe.Add(base, i)))
			if t4 != nil {
				t4.probe(k, i, hit)
			}
			if t3 != nil {
				t3.probe(k&t3.mask, i, hit)
			}
			if t2 != nil {
				t2.probe(k&t2.mask, i, hit)
			}
		}
	}
	// The last even positions hold no four-byte gram, but may hold a
	// shorter one.
	for ; i < n; i += 2 {
		var k uint32
		for j := 0; j < 4 && i+j < n; j++ {
			k |= uint32(text[i+j]) << (8 * j)
		}
		k = lower4(k)
		if t3 != nil && i+3 <= n {
			t3.probe(k&t3.mask, i, hit)
		}
		if t2 != nil && i+2 <= n {
			t2.probe(k&t2.mask, i, hit)
		}
	}
}

func (t *gramTable) probe(k uint32, i int, hit func(ref gramRef, start int)) {
	h := (k * gramMul) >> (32 - 18)
	if t.bits[h>>6]&(1<<(h&63)) == 0 {
		return
	}
	for _, ref := range t.keys[k] {
		hit(ref, i-int(ref.off))
	}
}

// lower4 lower-cases the ASCII letters among four bytes at once (SWAR):
// a byte gets 0x20 added when it is ASCII and between 'A' and 'Z'.
func lower4(k uint32) uint32 {
	low7 := k & 0x7F7F7F7F
	geA := low7 + 0x3F3F3F3F // high bit set where byte >= 'A'
	gtZ := low7 + 0x25252525 // high bit set where byte > 'Z'
	upper := (geA ^ gtZ) & ^k & 0x80808080
	return k | upper>>2
}

// stats describes the tables, for Matcher.Stats.
func (g *gramIndex) stats() (keys [5]int, density float64) {
	for size, t := range g.tables {
		if t == nil {
			continue
		}
		keys[size] = len(t.keys)
		if size == 4 {
			set := 0
			for _, w := range t.bits {
				set += bits.OnesCount64(w)
			}
			density = float64(set) / gramBits
		}
	}
	return keys, density
}
