package proxy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/kmsconform/kmsconform/proxy/journal"
	"github.com/kmsconform/kmsconform/proxy/rules"
)

// ControlPrefix is where the control API lives on its own listener.
const ControlPrefix = "/v1/"

// ControlHandler returns the REST control API, to be served on its own
// loopback listener:
//
//	GET    /v1/health                 liveness, rule and journal counts
//	GET    /v1/rules                  rules in order, with their counters
//	POST   /v1/rules                  add a rule (JSON rules.Rule); 201 with its id
//	PUT    /v1/rules                  replace every rule (JSON list)
//	DELETE /v1/rules                  remove every rule
//	GET    /v1/rules/{id}             one rule
//	PUT    /v1/rules/{id}             change a rule in place (counters restart)
//	DELETE /v1/rules/{id}             remove a rule
//	POST   /v1/counters/reset         restart rule counters and attempt counts
//	GET    /v1/journal                entries, oldest first; filters: scenario,
//	                                  invocation, operation, since (a seq), limit
//	DELETE /v1/journal                forget the entries in memory
func (p *Proxy) ControlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/health", func(w http.ResponseWriter, r *http.Request) {
		writeControlJSON(w, http.StatusOK, map[string]any{
			"status": "ok", "rules": len(p.rules.List()), "journalEntries": len(p.journal.Entries()),
			"journalDropped": p.journal.Dropped(),
		})
	})
	mux.HandleFunc("GET /v1/rules", func(w http.ResponseWriter, r *http.Request) {
		writeControlJSON(w, http.StatusOK, p.rules.States())
	})
	mux.HandleFunc("POST /v1/rules", func(w http.ResponseWriter, r *http.Request) {
		var rule rules.Rule
		if !decodeControlJSON(w, r, &rule) {
			return
		}
		id, err := p.rules.Add(rule)
		if err != nil {
			writeControlError(w, http.StatusBadRequest, err)
			return
		}
		st, _ := p.rules.Get(id)
		writeControlJSON(w, http.StatusCreated, st)
	})
	mux.HandleFunc("PUT /v1/rules", func(w http.ResponseWriter, r *http.Request) {
		var list []rules.Rule
		if !decodeControlJSON(w, r, &list) {
			return
		}
		if err := p.rules.Replace(list); err != nil {
			writeControlError(w, http.StatusBadRequest, err)
			return
		}
		writeControlJSON(w, http.StatusOK, p.rules.States())
	})
	mux.HandleFunc("DELETE /v1/rules", func(w http.ResponseWriter, r *http.Request) {
		_ = p.rules.Replace(nil)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /v1/rules/{id}", func(w http.ResponseWriter, r *http.Request) {
		st, ok := p.rules.Get(r.PathValue("id"))
		if !ok {
			writeControlError(w, http.StatusNotFound, fmt.Errorf("no rule with id %q", r.PathValue("id")))
			return
		}
		writeControlJSON(w, http.StatusOK, st)
	})
	mux.HandleFunc("PUT /v1/rules/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		var rule rules.Rule
		if !decodeControlJSON(w, r, &rule) {
			return
		}
		if rule.ID != "" && rule.ID != id {
			writeControlError(w, http.StatusBadRequest, fmt.Errorf("body id %q differs from path id %q", rule.ID, id))
			return
		}
		if _, ok := p.rules.Get(id); !ok {
			writeControlError(w, http.StatusNotFound, fmt.Errorf("no rule with id %q", id))
			return
		}
		if err := p.rules.Update(id, rule); err != nil {
			writeControlError(w, http.StatusBadRequest, err)
			return
		}
		st, _ := p.rules.Get(id)
		writeControlJSON(w, http.StatusOK, st)
	})
	mux.HandleFunc("DELETE /v1/rules/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !p.rules.Delete(r.PathValue("id")) {
			writeControlError(w, http.StatusNotFound, fmt.Errorf("no rule with id %q", r.PathValue("id")))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /v1/counters/reset", func(w http.ResponseWriter, r *http.Request) {
		p.ResetCounters()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /v1/journal", func(w http.ResponseWriter, r *http.Request) {
		keep, limit, err := journalQuery(r)
		if err != nil {
			writeControlError(w, http.StatusBadRequest, err)
			return
		}
		entries := p.journal.Filter(keep)
		if limit > 0 && len(entries) > limit {
			entries = entries[len(entries)-limit:]
		}
		writeControlJSON(w, http.StatusOK, entries)
	})
	mux.HandleFunc("DELETE /v1/journal", func(w http.ResponseWriter, r *http.Request) {
		p.journal.Clear()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeControlError(w, http.StatusNotFound, fmt.Errorf("no control endpoint %s %s; see GET %shealth", r.Method, r.URL.Path, ControlPrefix))
	})
	return mux
}

// journalQuery turns ?scenario=&invocation=&operation=&since=&limit= into a filter.
func journalQuery(r *http.Request) (func(journal.Entry) bool, int, error) {
	q := r.URL.Query()
	for k := range q {
		switch k {
		case "scenario", "invocation", "operation", "since", "limit":
		default:
			return nil, 0, fmt.Errorf("unknown journal filter %q (scenario, invocation, operation, since, limit)", k)
		}
	}
	var since uint64
	var limit int
	var err error
	if v := q.Get("since"); v != "" {
		if since, err = strconv.ParseUint(v, 10, 64); err != nil {
			return nil, 0, fmt.Errorf("since=%q: want a sequence number", v)
		}
	}
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 0 {
			return nil, 0, fmt.Errorf("limit=%q: want a non-negative number", v)
		}
	}
	scenario, invocation, operation := q.Get("scenario"), q.Get("invocation"), q.Get("operation")
	return func(e journal.Entry) bool {
		return e.Seq > since &&
			(!q.Has("scenario") || e.Scenario == scenario) &&
			(invocation == "" || e.InvocationID == invocation) &&
			(operation == "" || strings.EqualFold(e.Operation, strings.TrimPrefix(operation, "TrentService.")))
	}, limit, nil
}

func decodeControlJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeControlError(w, http.StatusBadRequest, fmt.Errorf("request body: %w", err))
		return false
	}
	if dec.More() {
		writeControlError(w, http.StatusBadRequest, errors.New("request body: more than one JSON value"))
		return false
	}
	return true
}

func writeControlJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeControlError(w http.ResponseWriter, status int, err error) {
	writeControlJSON(w, status, map[string]string{"error": err.Error()})
}
