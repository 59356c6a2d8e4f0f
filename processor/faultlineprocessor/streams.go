package faultlineprocessor

import (
	"container/list"
	"time"

	"github.com/faultline-dev/faultline/diagnose"
)

// streamState is what the processor remembers of one stream: the engine's
// correlation state and, per playbook, the event cooldown.
type streamState struct {
	key    string
	diag   diagnose.Stream
	events []eventState
}

// eventState tracks the events of one playbook in one stream.
type eventState struct {
	playbook string
	lastSent time.Time
	// pending counts tagged records since the last event; evidence holds
	// the first of their lines (redacted), at most MaxEvidence.
	pending  int
	evidence []string
}

func (s *streamState) event(playbook string) *eventState {
	for i := range s.events {
		if s.events[i].playbook == playbook {
			return &s.events[i]
		}
	}
	s.events = append(s.events, eventState{playbook: playbook})
	return &s.events[len(s.events)-1]
}

// streams is a bounded LRU of stream states. It is not safe for concurrent
// use; the processor guards it.
type streams struct {
	max   int
	order *list.List // front: most recently seen
	byKey map[string]*list.Element
}

func newStreams(max int) *streams {
	return &streams{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

// lookup returns the stream for key, or nil. key may alias a reused buffer:
// the map lookup does not keep it.
func (s *streams) lookup(key []byte) *streamState {
	if el, ok := s.byKey[string(key)]; ok {
		s.order.MoveToFront(el)
		return el.Value.(*streamState)
	}
	return nil
}

// add inserts a new stream and reports whether an older one was evicted to
// make room.
func (s *streams) add(key []byte) (st *streamState, evicted bool) {
	st = &streamState{key: string(key)}
	s.byKey[st.key] = s.order.PushFront(st)
	if s.order.Len() > s.max {
		last := s.order.Back()
		s.order.Remove(last)
		delete(s.byKey, last.Value.(*streamState).key)
		evicted = true
	}
	return st, evicted
}

func (s *streams) len() int { return s.order.Len() }

func (s *streams) reset() {
	s.order.Init()
	clear(s.byKey)
}
