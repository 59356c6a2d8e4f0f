package matcher

import (
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// gramIndex finds, in one pass over a lower-cased line, every position
// where one of the prefilter's keys may start. Each key is a short gram
// (four bytes, or three for a three-byte literal) chosen as the rarest part
// of an alternative's trigger literal. A bitset of gram hashes answers "no"
// for almost every position from a few kilobytes of cache, and the loads of
// successive positions do not depend on each other, so the scan runs at the
// speed of the loop, whatever the library's size. (A dense Aho-Corasick DFA
// did the same job, but past a thousand patterns its table left the cache
// and every byte waited on the previous one's miss.)
type gramIndex struct {
	bits4 *[(1 << gramHashBits4) / 64]uint64
	keys4 map[uint32][]gramRef
	bits3 []uint64
	keys3 map[uint32][]gramRef
}

// gramRef says which alternative a key belongs to and where the key sits
// in that alternative's trigger literal, so that a hit is confirmed by
// comparing the trigger at one position instead of searching the line.
type gramRef struct {
	alt int32
	off int32
}

const (
	gramHashBits4 = 18 // 2^18 bits = 32 KiB
	gramHashBits3 = 14
	gramMul       = 0x9E3779B1
)

func newGramIndex() *gramIndex {
	return &gramIndex{
		bits4: new([(1 << gramHashBits4) / 64]uint64),
		keys4: map[uint32][]gramRef{},
		bits3: make([]uint64, (1<<gramHashBits3)/64),
		keys3: map[uint32][]gramRef{},
	}
}

// add registers key (three or four lower-case bytes), found at off in the
// trigger of alternative id.
func (g *gramIndex) add(key string, id int32, off int) {
	ref := gramRef{alt: id, off: int32(off)}
	switch len(key) {
	case 4:
		k := binary.LittleEndian.Uint32([]byte(key))
		h := (k * gramMul) >> (32 - gramHashBits4)
		g.bits4[h/64] |= 1 << (h % 64)
		g.keys4[k] = append(g.keys4[k], ref)
	case 3:
		k := uint32(key[0]) | uint32(key[1])<<8 | uint32(key[2])<<16
		h := (k * gramMul) >> (32 - gramHashBits3)
		g.bits3[h/64] |= 1 << (h % 64)
		g.keys3[k] = append(g.keys3[k], ref)
	default:
		panic("matcher: gram key must be 3 or 4 bytes")
	}
}

// scan calls hit for every occurrence in text of a key, with the position
// where the key's trigger would start. It folds ASCII case four bytes at a
// time as it goes, so the line is not lowered first.
func (g *gramIndex) scan(text []byte, hit func(ref gramRef, start int)) {
	bits4 := g.bits4
	n := len(text)
	if n >= 4 {
		// One unaligned little-endian load per position; the bounds are
		// those of the loop (i+4 <= n), checked once here.
		base := unsafe.Pointer(unsafe.SliceData(text))
		for i := 0; i+4 <= n; i++ {
			k := lower4(*(*uint32)(unsafe.Add(base, i)))
			h := (k * gramMul) >> (32 - gramHashBits4)
			if bits4[h>>6]&(1<<(h&63)) == 0 {
				continue
			}
			for _, ref := range g.keys4[k] {
				hit(ref, i-int(ref.off))
			}
		}
	}
	if len(g.keys3) == 0 {
		return
	}
	// Three-byte keys come only from literals that short; a second pass
	// keeps the common loop tight.
	bits3 := g.bits3
	for i := 0; i+3 <= n; i++ {
		k := lower4(uint32(text[i]) | uint32(text[i+1])<<8 | uint32(text[i+2])<<16)
		h := (k * gramMul) >> (32 - gramHashBits3)
		if bits3[h/64]&(1<<(h%64)) != 0 {
			for _, ref := range g.keys3[k] {
				hit(ref, i-int(ref.off))
			}
		}
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

// density is the share of set bits in the 4-gram bitset, for Stats.
func (g *gramIndex) density() float64 {
	set := 0
	for _, w := range g.bits4 {
		set += bits.OnesCount64(w)
	}
	return float64(set) / float64(len(g.bits4)*64)
}

// rarestGram returns the rarest four-byte part of a literal (the literal
// itself when it has three bytes) and its offset, by the gram tables.
func rarestGram(lit string) (string, int) {
	if len(lit) <= 4 {
		return lit, 0
	}
	best, bestCost := 0, -1
	for i := 0; i+4 <= len(lit); i++ {
		if c := gramCost(lit[i : i+4]); bestCost < 0 || c < bestCost {
			best, bestCost = i, c
		}
	}
	return lit[best : best+4], best
}
