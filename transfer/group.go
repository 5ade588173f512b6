package transfer

import (
	"context"
	"sync"
)

// group runs tasks on at most limit goroutines; the first error cancels the
// group's context and is the one Wait returns. It is errgroup.SetLimit,
// kept here to avoid a dependency for thirty lines.
type group struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	sem    chan struct{}
	wg     sync.WaitGroup
	once   sync.Once
	err    error
}

func newGroup(ctx context.Context, limit int) *group {
	ctx, cancel := context.WithCancelCause(ctx)
	return &group{ctx: ctx, cancel: cancel, sem: make(chan struct{}, limit)}
}

// Go runs f when a goroutine is free. It returns false, without running f,
// when the group has already failed or its context ended.
func (g *group) Go(f func(ctx context.Context) error) bool {
	select {
	case g.sem <- struct{}{}:
	case <-g.ctx.Done():
		return false
	}
	if g.ctx.Err() != nil {
		<-g.sem
		return false
	}
	g.wg.Add(1)
	go func() {
		defer func() { <-g.sem; g.wg.Done() }()
		if err := f(g.ctx); err != nil {
			g.fail(err)
		}
	}()
	return true
}

func (g *group) fail(err error) {
	g.once.Do(func() {
		g.err = err
		g.cancel(err)
	})
}

// Wait waits for every task and returns the first error, or the parent
// context's error when it ended before any task failed.
func (g *group) Wait() error {
	g.wg.Wait()
	g.once.Do(func() { g.err = context.Cause(g.ctx) })
	g.cancel(nil)
	return g.err
}
