package matcher

// automaton is an Aho-Corasick automaton compiled to a dense DFA over byte
// classes, with ASCII case folding built into the class table: one table
// lookup per input byte, no lower-casing pass, no allocation.
//
// States are renumbered so that every state with outputs comes after every
// state without: the scan loop tests "state >= firstOut" instead of loading
// a flag per byte. Transitions are stored pre-multiplied by the number of
// classes so the next index is delta[state+class].
type automaton struct {
	class    [256]uint8
	nclass   int
	delta    []uint32
	firstOut uint32
	// outputs of state s (pre-multiplied id) are outIDs[outStart[s/nclass]:outStart[s/nclass+1]].
	outStart []uint32
	outIDs   []int32
}

// newAutomaton builds the automaton for the given lower-case patterns; a
// match of pattern i reports i. Overlapping matches are all reported.
func newAutomaton(patterns []string) *automaton {
	a := &automaton{}
	// Byte classes: one per distinct (folded) byte used by a pattern, class
	// 0 for every other byte.
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			b := p[i]
			if a.class[b] == 0 {
				a.nclass++
				c := uint8(a.nclass)
				a.class[b] = c
				if 'a' <= b && b <= 'z' {
					a.class[b-'a'+'A'] = c
				}
			}
		}
	}
	a.nclass++ // class 0
	nc := a.nclass

	// Trie.
	type node struct {
		next []int32
		out  []int32
		fail int32
	}
	newNode := func() node {
		n := node{next: make([]int32, nc)}
		for i := range n.next {
			n.next[i] = -1
		}
		return n
	}
	nodes := []node{newNode()}
	for id, p := range patterns {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := a.class[p[i]]
			if nodes[s].next[c] < 0 {
				nodes = append(nodes, newNode())
				nodes[s].next[c] = int32(len(nodes) - 1)
			}
			s = nodes[s].next[c]
		}
		nodes[s].out = append(nodes[s].out, int32(id))
	}

	// Breadth-first: failure links, merged outputs, full transitions.
	queue := make([]int32, 0, len(nodes))
	for c := 0; c < nc; c++ {
		if n := nodes[0].next[c]; n >= 0 {
			nodes[n].fail = 0
			queue = append(queue, n)
		} else {
			nodes[0].next[c] = 0
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := nodes[s].fail
		nodes[s].out = append(nodes[s].out, nodes[f].out...)
		for c := 0; c < nc; c++ {
			n := nodes[s].next[c]
			if n >= 0 {
				nodes[n].fail = nodes[f].next[c]
				queue = append(queue, n)
			} else {
				nodes[s].next[c] = nodes[f].next[c]
			}
		}
	}

	// Renumber: states without outputs first (the root is one of them).
	order := make([]int32, len(nodes)) // old -> new
	newID := int32(0)
	for i := range nodes {
		if len(nodes[i].out) == 0 {
			order[i] = newID
			newID++
		}
	}
	a.firstOut = uint32(newID) * uint32(nc)
	for i := range nodes {
		if len(nodes[i].out) > 0 {
			order[i] = newID
			newID++
		}
	}
	a.delta = make([]uint32, len(nodes)*nc)
	a.outStart = make([]uint32, len(nodes)+1)
	byNew := make([]int32, len(nodes))
	for old, nw := range order {
		byNew[nw] = int32(old)
	}
	for nw, old := range byNew {
		for c := 0; c < nc; c++ {
			a.delta[nw*nc+c] = uint32(order[nodes[old].next[c]]) * uint32(nc)
		}
		a.outStart[nw] = uint32(len(a.outIDs))
		a.outIDs = append(a.outIDs, nodes[old].out...)
	}
	a.outStart[len(nodes)] = uint32(len(a.outIDs))
	return a
}

// scan runs the automaton over text and calls hit for every pattern
// occurrence (a pattern may be reported more than once). It returns whether
// text holds a byte >= 0x80, so that the caller can look for the two
// non-ASCII runes Go's case folding maps onto ASCII letters.
func (a *automaton) scan(text []byte, hit func(id int32)) (nonASCII bool) {
	var s uint32
	var hi byte
	delta, class, firstOut := a.delta, &a.class, a.firstOut
	for _, b := range text {
		hi |= b
		s = delta[s+uint32(class[b])]
		if s >= firstOut {
			st := s / uint32(a.nclass)
			for _, id := range a.outIDs[a.outStart[st]:a.outStart[st+1]] {
				hit(id)
			}
		}
	}
	return hi >= 0x80
}
