package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// The demo's faults and the service that injects each (demo/faults.ts). This service owns the fraud ones;
// the others are known so that a fault sent to the wrong service says where to send it, as in the JS services.
var faultOwners = map[string]string{
	"poolExhaustion":  "payments",
	"nPlusOne":        "payments",
	"swallowedErrors": "fraud",
	"slowDownstream":  "fraud",
}

// faults is the switchboard of the faults one service owns; POST /faults changes it at run time.
type faults struct {
	service string
	mu      sync.RWMutex
	on      map[string]bool
}

// newFaults starts with the owned faults of DEMO_FAULTS on (a comma-separated list; unknown names are an error).
func newFaults(service, list string) (*faults, error) {
	f := &faults{service: service, on: map[string]bool{}}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		owner, known := faultOwners[name]
		if !known {
			return nil, fmt.Errorf("unknown fault %s; known: %s", name, strings.Join(faultNames(), ", "))
		}
		if owner == service {
			f.on[name] = true
		}
	}
	return f, nil
}

func (f *faults) isOn(name string) bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.on[name]
}

// snapshot is every owned fault with its state, as GET /faults shows it.
func (f *faults) snapshot() map[string]bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := map[string]bool{}
	for name, owner := range faultOwners {
		if owner == f.service {
			out[name] = f.on[name]
		}
	}
	return out
}

// apply takes a POST /faults body such as {"slowDownstream": true}; nothing changes unless every key is a fault
// this service owns.
func (f *faults) apply(body []byte) error {
	var patch map[string]*bool
	if err := json.Unmarshal(body, &patch); err != nil || patch == nil {
		return fmt.Errorf("expected a JSON object of booleans keyed by fault (%s)", strings.Join(faultNames(), ", "))
	}
	for name, value := range patch {
		owner, known := faultOwners[name]
		switch {
		case !known:
			return fmt.Errorf("unknown fault %s; known: %s", name, strings.Join(faultNames(), ", "))
		case owner != f.service:
			return fmt.Errorf("%s does not inject %s; send it to %s", f.service, name, owner)
		case value == nil:
			return fmt.Errorf("%s: expected a boolean", name)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for name, value := range patch {
		f.on[name] = *value
	}
	return nil
}

func faultNames() []string {
	names := make([]string, 0, len(faultOwners))
	for name := range faultOwners {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
