package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// config is read from the same environment variables as the JS demo (demo/README.md), so either fraud can be
// started with the same settings.
type config struct {
	host                string
	port                int
	otlpEndpoint        string
	samplingEndpoint    string
	samplingPoll        time.Duration
	samplingInitialRate float64
	scoreTime           time.Duration
	slowScoreTime       time.Duration
	faults              string
}

func loadConfig(getenv func(string) string) (config, error) {
	var problems []string
	str := func(name, fallback string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return fallback
	}
	num := func(name string, fallback, min, max float64) float64 {
		raw := getenv(name)
		if raw == "" {
			return fallback
		}
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil || v < min || v > max {
			problems = append(problems, fmt.Sprintf("%s: expected a number in [%g, %g], got %q", name, min, max, raw))
		}
		return v
	}
	ms := func(name string, fallback float64) time.Duration {
		return time.Duration(num(name, fallback, 1, 24*3600*1000)) * time.Millisecond
	}
	c := config{
		host:                str("DEMO_HOST", "127.0.0.1"),
		port:                int(num("FRAUD_PORT", 8084, 0, 65535)),
		otlpEndpoint:        strings.TrimRight(str("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"), "/"),
		samplingEndpoint:    strings.TrimRight(str("SAMPLING_ENDPOINT", "http://127.0.0.1:8080"), "/"),
		samplingPoll:        ms("SAMPLING_POLL_MS", 10000),
		samplingInitialRate: num("SAMPLING_INITIAL_RATE", 0.1, 0, 1),
		scoreTime:           ms("FRAUD_SCORE_MS", 15),
		slowScoreTime:       ms("FRAUD_SLOW_SCORE_MS", 6000),
		faults:              getenv("DEMO_FAULTS"),
	}
	if len(problems) > 0 {
		return c, fmt.Errorf("invalid demo configuration:\n  %s", strings.Join(problems, "\n  "))
	}
	return c, nil
}
