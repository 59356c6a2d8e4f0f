package matcher

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"unsafe"
)

// gramIndex finds the lines that may hold a trigger literal, and where.
//
// Each trigger is found by two grams taken from its rarest parts: for a
// trigger of five bytes or more, the two four-byte grams, an odd distance
// apart, that are rarest together (see gramPair); for a four-byte trigger,
// its two three-byte grams; for a three-byte one, its two two-byte grams.
// Wherever the trigger occurs, one of its two grams starts at an even
// position, so the scan looks at every other position only. A bitset of
// gram hashes answers "no" for almost every position from a few kilobytes
// of cache, and successive positions' loads do not depend on each other, so
// the scan runs at the speed of the loop whatever the library's size. (A
// dense Aho-Corasick DFA did the same job, but past a thousand patterns its
// table left the cache and every byte waited on the previous one's miss.)
//
// Grams are folded crudely, by setting bit 0x20 of every byte: one OR
// where lowering four bytes takes six operations. It maps A-Z onto a-z as
// lowering does, and also a few punctuation and control bytes onto others
// ('[' onto '{'); such a collision only costs a comparison, because every
// hit is confirmed by comparing the whole trigger with the lowered line.
type gramIndex struct {
	tables [5]*gramTable // by gram size; 2, 3 and 4 are used
}

// gramTable holds the keys of one size. While the matcher is built, keys
// collects them; freeze then lays them out for the scan: a bitset of
// hashes, and for each set bit (by its rank among the set bits) the refs
// of the keys with that hash, found by a popcount instead of a map lookup.
type gramTable struct {
	bits *[gramWords]uint64
	rank *[gramWords]uint32 // set bits in the words before each word
	// slot i's refs are refs[start[i]:start[i+1]].
	start []uint32
	refs  []gramRef
	mask  uint32 // keeps the gram's bytes of a four-byte load

	keys map[uint32][]gramRef // until freeze
}

// gramRef says which trigger a key belongs to and where the key sits in
// it, so that a hit is confirmed by comparing the trigger at one position
// instead of searching the line.
type gramRef struct {
	key   uint32 // the folded gram, to tell keys that share a hash apart
	group int32  // the trigger group (Matcher.groups)
	off   int32
	// other is the trigger's other four-byte gram, at otherOff in it
	// (otherOff < 0 for shorter grams): a hit on a common gram ("test" of
	// ".test]") is dropped unless the other gram is there too, which costs
	// one load where confirming the trigger costs lowering the line.
	other    uint32
	otherOff int32
}

const (
	gramHashBits = 18
	gramWords    = 1 << gramHashBits / 64 // 32 KiB of bits per table
	gramMul      = 0x9E3779B1
	gramFold     = 0x20202020
)

func newGramIndex() *gramIndex { return &gramIndex{} }

func (g *gramIndex) table(size int) *gramTable {
	if g.tables[size] == nil {
		t := &gramTable{keys: map[uint32][]gramRef{}, mask: 0xFFFFFFFF}
		if size < 4 {
			t.mask = uint32(1)<<(8*size) - 1
		}
		g.tables[size] = t
	}
	return g.tables[size]
}

func gramHash(k uint32) uint32 { return (k * gramMul) >> (32 - gramHashBits) }

// add registers trigger (at least three lower-case bytes) for trigger group
// id: two grams of its rarest part, at offsets an odd distance apart.
func (g *gramIndex) add(trigger string, id int32) {
	size, offs := 4, [2]int{0, 1}
	switch {
	case len(trigger) >= FastTrigger:
		offs, _ = gramPair(trigger)
	case len(trigger) == 4:
		size = 3
	default:
		size = 2
	}
	t := g.table(size)
	gram := func(off int) uint32 {
		var k uint32
		for j := range size {
			k |= uint32(trigger[off+j]) << (8 * j)
		}
		return k | gramFold&t.mask
	}
	for n, off := range offs {
		k := gram(off)
		ref := gramRef{key: k, group: id, off: int32(off), otherOff: -1}
		if size == 4 {
			ref.other, ref.otherOff = gram(offs[1-n]), int32(offs[1-n])
		}
		t.keys[k] = append(t.keys[k], ref)
	}
}

// freeze lays every table out for the scan; no add may follow.
func (g *gramIndex) freeze() {
	for _, t := range g.tables {
		if t != nil {
			t.freeze()
		}
	}
}

func (t *gramTable) freeze() {
	t.bits, t.rank = new([gramWords]uint64), new([gramWords]uint32)
	byHash := map[uint32][]gramRef{}
	for k, refs := range t.keys {
		h := gramHash(k)
		t.bits[h>>6] |= 1 << (h & 63)
		byHash[h] = append(byHash[h], refs...)
	}
	var n uint32
	for w := range t.bits {
		t.rank[w] = n
		n += uint32(bits.OnesCount64(t.bits[w]))
	}
	hashes := make([]uint32, 0, len(byHash))
	for h := range byHash {
		hashes = append(hashes, h)
	}
	slices.Sort(hashes) // rank order is hash order
	t.start = make([]uint32, 0, len(hashes)+1)
	for _, h := range hashes {
		t.start = append(t.start, uint32(len(t.refs)))
		t.refs = append(t.refs, byHash[h]...)
	}
	t.start = append(t.start, uint32(len(t.refs)))
	t.keys = nil
}

// gramPair returns the offsets of the two four-byte grams of lit (five
// bytes or more) that find it most cheaply, and what they cost: how often,
// per million positions of real logs, the scan meets one of them. The
// scan looks at every other position, so the offsets must be an odd
// distance apart: wherever lit starts, one of the two grams starts at an
// even position. They need not be adjacent, so that a common word inside
// a trigger ("test" in "latest tag") can be stepped over.
func gramPair(lit string) (offs [2]int, cost int) {
	// A pair an odd distance apart is one gram at an even offset and one
	// at an odd offset: the rarest of each.
	best := [2]int{-1, -1}
	for i := 0; i+4 <= len(lit); i++ {
		if f := fourgramFreq[lit[i:i+4]]; best[i%2] < 0 || f < best[i%2] {
			offs[i%2], best[i%2] = i, f
		}
	}
	if offs[0] > offs[1] {
		offs[0], offs[1] = offs[1], offs[0]
	}
	return offs, best[0] + best[1]
}

// hits appends to dst every key found at an even position of text, with
// the position where its trigger would start (which may be negative or
// past the end; the caller checks). Collecting hits, rather than calling
// back for each, keeps the loop free of indirect calls. It also reports
// whether text has a byte outside ASCII, which the loads see anyway.
func (g *gramIndex) hits(text []byte, dst []gramHit) ([]gramHit, bool) {
	t4, t3, t2 := g.tables[4], g.tables[3], g.tables[2]
	if t3 == nil && t2 == nil && t4 != nil {
		return t4.scan4(text, dst)
	}
	var hi byte
	for _, b := range text {
		hi |= b
	}
	n := len(text)
	for i := 0; i < n; i += 2 {
		var k uint32
		if i+4 <= n {
			k = *(*uint32)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(text)), i))
		} else {
			for j := 0; i+j < n; j++ {
				k |= uint32(text[i+j]) << (8 * j)
			}
		}
		k |= gramFold
		if t4 != nil && i+4 <= n {
			dst = t4.probe(text, k, i, dst)
		}
		if t3 != nil && i+3 <= n {
			dst = t3.probe(text, k&t3.mask, i, dst)
		}
		if t2 != nil && i+2 <= n {
			dst = t2.probe(text, k&t2.mask, i, dst)
		}
	}
	return dst, hi >= 0x80
}

// gramHit is a key found in a line: its trigger group and the position
// where the trigger would start.
type gramHit struct {
	group int32
	start int
}

// scan4 is hits for a library whose triggers all use four-byte grams: the
// loop every line pays, kept to a load, an OR, a multiply and a bit test.
func (t *gramTable) scan4(text []byte, dst []gramHit) ([]gramHit, bool) {
	base := unsafe.Pointer(unsafe.SliceData(text))
	bitset := t.bits
	var hi uint32
	// One unaligned little-endian load per even position; the loop
	// condition (i+4 <= len) bounds it. The loads overlap, so together
	// they see every byte but the last few, checked after.
	i := 0
	for ; i+4 <= len(text); i += 2 {
		raw := *(*uint32)(unsafe.Add(base, i))
		hi |= raw
		k := raw | gramFold
		h := gramHash(k)
		if bitset[h>>6]&(1<<(h&63)) != 0 {
			dst = t.slot(text, k, h, i, dst)
		}
	}
	for ; i < len(text); i++ {
		hi |= uint32(text[i])
	}
	return dst, hi&0x80808080 != 0
}

func (t *gramTable) probe(text []byte, k uint32, i int, dst []gramHit) []gramHit {
	h := gramHash(k)
	if t.bits[h>>6]&(1<<(h&63)) == 0 {
		return dst
	}
	return t.slot(text, k, h, i, dst)
}

// slot appends the refs of key k (hash h) found at position i of text
// whose trigger's other gram is in place too.
func (t *gramTable) slot(text []byte, k, h uint32, i int, dst []gramHit) []gramHit {
	w := h >> 6
	s := t.rank[w] + uint32(bits.OnesCount64(t.bits[w]&(1<<(h&63)-1)))
	for j := t.start[s]; j < t.start[s+1]; j++ {
		r := &t.refs[j]
		if r.key != k {
			continue
		}
		start := i - int(r.off)
		if r.otherOff >= 0 {
			// Both grams lie inside the trigger, so a true occurrence
			// has the other one within the line.
			o := start + int(r.otherOff)
			if o < 0 || o+4 > len(text) || binary.LittleEndian.Uint32(text[o:])|gramFold != r.other {
				continue
			}
		}
		dst = append(dst, gramHit{group: r.group, start: start})
	}
	return dst
}

// stats describes the tables, for Matcher.Stats.
func (g *gramIndex) stats() (keys [5]int, density float64) {
	for size, t := range g.tables {
		if t == nil {
			continue
		}
		seen := map[uint32]bool{}
		for _, r := range t.refs {
			seen[r.key] = true
		}
		keys[size] = len(seen)
		if size == 4 {
			set := 0
			for _, w := range t.bits {
				set += bits.OnesCount64(w)
			}
			density = float64(set) / (gramWords * 64)
		}
	}
	return keys, density
}
