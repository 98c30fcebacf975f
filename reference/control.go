package reference

import "net/http"

// STUB (owned by the key-store helper).
func newControlHandler(s *Service) http.Handler { return http.NotFoundHandler() }
