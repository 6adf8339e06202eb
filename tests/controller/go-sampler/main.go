// Command go-sampler drives the real Go Jaeger remote sampler
// (go.opentelemetry.io/contrib/samplers/jaegerremote) against a sampling controller, for the controller's tests.
//
// Usage: go-sampler <sampling URL, e.g. http://127.0.0.1:8088/sampling> <service>
// Then, one command per line on stdin:
//
//	measure <count> <seed> <span name…>   prints "fraction <f>": the share of <count> seeded random root trace IDs sampled
//	quit                                   closes the sampler and exits
package main

import (
	"bufio"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/samplers/jaegerremote"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: go-sampler <sampling URL> <service>")
		os.Exit(2)
	}
	sampler := jaegerremote.New(
		os.Args[2],
		jaegerremote.WithSamplingServerURL(os.Args[1]),
		jaegerremote.WithSamplingRefreshInterval(50*time.Millisecond),
		jaegerremote.WithInitialSampler(sdktrace.NeverSample()),
	)
	defer sampler.Close()
	fmt.Println("ready")

	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		fields := strings.SplitN(strings.TrimSpace(in.Text()), " ", 4)
		switch {
		case fields[0] == "quit":
			return
		case fields[0] == "measure" && len(fields) == 4:
			count, err1 := strconv.Atoi(fields[1])
			seed, err2 := strconv.ParseInt(fields[2], 10, 64)
			if err1 != nil || err2 != nil || count <= 0 {
				fmt.Println("error bad measure arguments")
				continue
			}
			fmt.Printf("fraction %f\n", measure(sampler, fields[3], count, seed))
		default:
			fmt.Println("error unknown command")
		}
	}
}

func measure(sampler sdktrace.Sampler, spanName string, count int, seed int64) float64 {
	rng := rand.New(rand.NewSource(seed))
	sampled := 0
	for i := 0; i < count; i++ {
		var id trace.TraceID
		rng.Read(id[:])
		result := sampler.ShouldSample(sdktrace.SamplingParameters{TraceID: id, Name: spanName, Kind: trace.SpanKindServer})
		if result.Decision == sdktrace.RecordAndSample {
			sampled++
		}
	}
	return float64(sampled) / float64(count)
}
