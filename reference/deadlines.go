package reference

import (
	"container/heap"
	"time"
)

// deadlines orders an account's time-driven key changes by when they come
// due, so that settling costs what is due, not a walk of every key: a suite
// run leaves thousands of keys in an account. An entry is a hint, not the
// change itself: settleKey re-reads the key at the time of settling, so an
// entry whose change was undone (CancelKeyDeletion) or moved (a reimport
// with another ValidTo, which adds its own entry) settles nothing.
type deadlines []deadline

type deadline struct {
	at    time.Time
	keyID string
}

func (d deadlines) Len() int           { return len(d) }
func (d deadlines) Less(i, j int) bool { return d[i].at.Before(d[j].at) }
func (d deadlines) Swap(i, j int)      { d[i], d[j] = d[j], d[i] }
func (d *deadlines) Push(x any)        { *d = append(*d, x.(deadline)) }
func (d *deadlines) Pop() any {
	old := *d
	last := old[len(old)-1]
	*d = old[:len(old)-1]
	return last
}

// add records that k may change at at. Every place that sets a key's
// DeletionDate or a material's ValidTo calls it (through call.addDeadline).
func (d *deadlines) add(k *Key, at time.Time) {
	if !at.IsZero() {
		heap.Push(d, deadline{at: at, keyID: k.ID})
	}
}

// addDeadline records in the account that owns k that k may change at at.
func (c *call) addDeadline(k *Key, at time.Time) {
	a := c.acct
	if owner, ok := c.svc.ownerOf(k); ok {
		a = owner
	}
	a.deadlines.add(k, at)
}

// due removes and returns the IDs of keys with an entry due at now
// (at <= now), soonest first; a key may appear more than once.
func (d *deadlines) due(now time.Time) []string {
	var ids []string
	for d.Len() > 0 && !now.Before((*d)[0].at) {
		ids = append(ids, heap.Pop(d).(deadline).keyID)
	}
	return ids
}
