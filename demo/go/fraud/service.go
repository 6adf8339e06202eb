package main

import (
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

const maxBodyBytes = 64 * 1024

// scoreRequest is what payments sends (demo/services/fraud.ts): an account and a positive amount.
type scoreRequest struct {
	Account string  `json:"account"`
	Amount  float64 `json:"amount"`
}

// newHandler serves the fraud API of the JS service: POST /score in a SERVER span continued from the caller's W3C
// traceparent (otelhttp), with the same faults — swallowedErrors answers 503, slowDownstream makes `predict risk`
// slow — and in the HTTP server metrics served at GET /metrics; plus GET /healthz and GET|POST /faults, which
// are neither traced nor counted.
func newHandler(t *telemetry, f *faults, c config) http.Handler {
	tracer := t.provider.Tracer("tracingops-demo-go")
	score := func(w http.ResponseWriter, r *http.Request) {
		var req scoreRequest
		if err := readJSON(r, &req); err != nil || req.Account == "" || req.Amount <= 0 {
			reply(w, http.StatusBadRequest, map[string]string{"error": "expected {account: non-empty string, amount: positive number}"})
			return
		}
		if f.isOn("swallowedErrors") {
			reply(w, http.StatusServiceUnavailable, map[string]string{"error": "fraud model unavailable"})
			return
		}
		took := c.scoreTime
		if f.isOn("slowDownstream") {
			took = c.slowScoreTime
		}
		_, span := tracer.Start(r.Context(), "predict risk", trace.WithSpanKind(trace.SpanKindInternal))
		time.Sleep(took)
		span.End()
		// Large amounts are risky; the rest is noise, enough to make the score look alive.
		reply(w, http.StatusOK, map[string]float64{"risk": min(1, req.Amount/10_000+rand.Float64()*0.1)})
	}

	mux := http.NewServeMux()
	mux.Handle("POST /score", otelhttp.NewHandler(http.HandlerFunc(score), "fraud",
		otelhttp.WithTracerProvider(t.provider),
		otelhttp.WithMeterProvider(t.meters),
		otelhttp.WithPropagators(propagation.TraceContext{}),
		// The JS services name SERVER spans "METHOD /path"; the same names keep the span metrics comparable.
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + r.URL.Path }),
	))
	mux.Handle("GET /metrics", promhttp.HandlerFor(t.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, http.StatusOK, map[string]string{"status": "ok", "service": f.service})
	})
	mux.HandleFunc("GET /faults", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, http.StatusOK, map[string]any{"service": f.service, "faults": f.snapshot()})
	})
	mux.HandleFunc("POST /faults", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err == nil {
			err = f.apply(body)
		}
		if err != nil {
			reply(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		reply(w, http.StatusOK, map[string]any{"service": f.service, "faults": f.snapshot()})
	})
	return mux
}

func readJSON(r *http.Request, into any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return err
	}
	if len(body) > maxBodyBytes {
		return errors.New("body too large")
	}
	return json.Unmarshal(body, into)
}

func reply(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
