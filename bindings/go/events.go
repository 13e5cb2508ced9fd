package prlsdk

/*
#include "zshim.h"
#include "bridge.h"
*/
import "C"

import (
	"context"
	"runtime/cgo"
	"strconv"
	"sync"
	"time"
)

// Event is a copy of one SDK event (PHT_EVENT): its type, its issuer (the
// UUID of the VM an event is about, or the server's) and its parameters as text.
type Event struct {
	Type     EventType
	IssuerID string
	Params   map[string]string // PrlEvtPrm_GetName -> PrlEvtPrm_ToString
	Received time.Time
}

// Param gives a parameter's value.
func (e Event) Param(name string) (string, bool) {
	v, ok := e.Params[name]
	return v, ok
}

// Int gives a parameter's value as an integer.
func (e Event) Int(name string) (int64, bool) {
	v, ok := e.Params[name]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// State gives the new state of a PET_DSP_EVT_VM_STATE_CHANGED event.
func (e Event) State() (VMState, bool) {
	n, ok := e.Int("vminfo_vm_state")
	return VMState(n), ok
}

// Progress gives the percentage of a *_PROGRESS_CHANGED event.
func (e Event) Progress() (int, bool) {
	n, ok := e.Int("progress_changed")
	return int(n), ok
}

// DefaultEventBuffer is the channel buffer of Events.
const DefaultEventBuffer = 1024

// Events delivers the server's events (PrlSrv_RegEventHandler) until ctx is
// done, the server is closed or Deinit is called; then the channel is closed.
//
// Delivery never blocks the SDK's dispatcher: an event that finds the
// channel's buffer (DefaultEventBuffer) full is dropped and counted in
// DroppedEvents. Events of one server arrive in the order they were emitted.
func (s *Server) Events(ctx context.Context) (<-chan Event, error) {
	return s.EventsBuffered(ctx, DefaultEventBuffer)
}

// EventsBuffered is Events with a channel buffer of size events.
func (s *Server) EventsBuffered(ctx context.Context, size int) (<-chan Event, error) {
	defer keepAlive(s.h)
	if size < 1 {
		size = 1
	}
	sub := &subscription{srv: s, ch: make(chan Event, size), stopped: make(chan struct{})}
	sub.handle = cgo.NewHandle(sub)
	s.mu.Lock()
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
	subsMu.Lock()
	allSubs[sub] = struct{}{}
	subsMu.Unlock()
	if err := check("PrlSrv_RegEventHandler", C.go_reg_srv_handler(s.h.get(), C.uintptr_t(sub.handle))); err != nil {
		sub.forget()
		sub.handle.Delete()
		return nil, err
	}
	go func() {
		select {
		case <-ctx.Done():
			sub.stop()
		case <-sub.stopped:
		}
	}()
	return sub.ch, nil
}

type subscription struct {
	srv     *Server
	ch      chan Event
	handle  cgo.Handle
	once    sync.Once
	stopped chan struct{}
}

var (
	subsMu  sync.Mutex
	allSubs = map[*subscription]struct{}{}
)

func (sub *subscription) deliver(e Event) {
	select {
	case sub.ch <- e:
	default:
		sub.srv.dropped.Add(1)
	}
}

func (sub *subscription) forget() {
	sub.srv.mu.Lock()
	delete(sub.srv.subs, sub)
	sub.srv.mu.Unlock()
	subsMu.Lock()
	delete(allSubs, sub)
	subsMu.Unlock()
}

// stop unregisters the handler — which waits for a call in flight — and only
// then frees the cgo.Handle and closes the channel, so no callback can use
// either afterwards.
func (sub *subscription) stop() {
	sub.once.Do(func() {
		C.go_unreg_srv_handler(sub.srv.h.get(), C.uintptr_t(sub.handle))
		keepAlive(sub.srv.h)
		sub.forget()
		sub.handle.Delete()
		close(sub.ch)
		close(sub.stopped)
	})
}

func stopAllSubscriptions() {
	subsMu.Lock()
	subs := make([]*subscription, 0, len(allSubs))
	for sub := range allSubs {
		subs = append(subs, sub)
	}
	subsMu.Unlock()
	for _, sub := range subs {
		sub.stop()
	}
}

// readEvent copies an event handle into an Event.
func readEvent(h C.uintptr_t) Event {
	e := Event{Received: time.Now(), Params: map[string]string{}}
	var t C.PRL_EVENT_TYPE
	if C.go_PrlEvent_GetType(h, &t) >= 0 {
		e.Type = EventType(t)
	}
	e.IssuerID, _ = getString("PrlEvent_GetIssuerId", func(b *C.char, n *C.PRL_UINT32) C.PRL_RESULT {
		return C.go_PrlEvent_GetIssuerId(h, b, n)
	})
	var count C.PRL_UINT32
	if C.go_PrlEvent_GetParamsCount(h, &count) < 0 {
		return e
	}
	for i := C.PRL_UINT32(0); i < count; i++ {
		var p C.uintptr_t
		if C.go_PrlEvent_GetParam(h, i, &p) < 0 {
			continue
		}
		name, err := getString("PrlEvtPrm_GetName", func(b *C.char, n *C.PRL_UINT32) C.PRL_RESULT {
			return C.go_PrlEvtPrm_GetName(p, b, n)
		})
		if err == nil {
			e.Params[name], _ = getString("PrlEvtPrm_ToString", func(b *C.char, n *C.PRL_UINT32) C.PRL_RESULT {
				return C.go_PrlEvtPrm_ToString(p, b, n)
			})
		}
		free(p)
	}
	return e
}
