// Package cores spreads independent pieces of work over the machine's
// cores.
package cores

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Each calls f(i) for every i from 0 to n-1, on as many goroutines as
// there are cores (GOMAXPROCS), each taking the next i as it finishes one,
// and returns when all calls have returned. f must be safe to call
// concurrently for different i.
func Each(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		})
	}
	wg.Wait()
}
