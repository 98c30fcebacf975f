package stepdef

import (
	"sync"
	"testing"
)

func TestPatternsCompileEachExpressionOnce(t *testing.T) {
	p := NewPatterns()
	exprs := []string{`^a key that is (Enabled|Disabled)$`, `^the request succeeds$`}
	first := make(map[string]any)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range 8 { // godog initialises scenarios concurrently
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, e := range exprs {
				re := p.compile(e)
				mu.Lock()
				if prev, ok := first[e]; ok && prev != any(re) {
					t.Errorf("%s compiled twice", e)
				}
				first[e] = re
				mu.Unlock()
				if re.String() != e {
					t.Errorf("compile(%q) = %q", e, re)
				}
			}
		}()
	}
	wg.Wait()
}
