package retries

// Deviation is a known, pinned difference between a client and its own
// documentation. Seeing it passes the scenario with a finding; any other
// difference fails it.
type Deviation struct {
	Client string
	Fault  string
	// Rules is "pre-2026" or "2026"; "" matches both.
	Rules string
	// Attempts is the attempt count the pinned client really makes (0: as documented).
	Attempts int
	// Waits: its waits may exceed the documented backoff.
	Waits bool
	// Outcome: it reports a different outcome than documented.
	Outcome bool
	Note    string
}

// knownDeviations lists what the pinned clients were seen to do against
// their documentation (docs/retries.md shows the runs).
func knownDeviations() []Deviation {
	return []Deviation{}
}

func (s *Suite) deviation(client, fault, rules string) *Deviation {
	for i, d := range s.deviations {
		if d.Client == client && d.Fault == fault && (d.Rules == "" || d.Rules == rules) {
			return &s.deviations[i]
		}
	}
	return nil
}
