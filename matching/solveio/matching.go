package solveio

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/convivo/convivo/matching"
)

// matchingIn is the general matching instance: undirected weighted edges
// [u, v, w] between integer vertex ids >= 0.
type matchingIn struct {
	Edges          *[][]json.Number `json:"edges"`
	MaxCardinality bool             `json:"maxcardinality"`
}

// matchingOut lists the chosen pairs as [u, v] with u < v, sorted, and
// their total weight.
type matchingOut struct {
	Pairs [][2]int64 `json:"pairs"`
	Total float64    `json:"total"`
}

// solveMatching reads {"edges": [[u, v, w], ...], "maxcardinality": bool}
// and answers {"pairs": [[u, v], ...], "total": w} for a maximum-weight
// matching. Vertex ids need not be dense: they are renumbered internally.
func solveMatching(in []byte) ([]byte, error) {
	var req matchingIn
	if err := json.Unmarshal(in, &req); err != nil {
		return nil, inputErr("matching: %v", err)
	}
	if req.Edges == nil {
		return nil, inputErr("matching: missing \"edges\"")
	}
	ids, edges, err := parseEdges(*req.Edges)
	if err != nil {
		return nil, inputErr("matching: %v", err)
	}
	m, err := matching.MaxWeightMatching(len(ids), edges, matching.MatchingOptions{MaxCardinality: req.MaxCardinality})
	if err != nil {
		return nil, fmt.Errorf("matching: %w: %w", ErrInput, err)
	}
	out := matchingOut{Pairs: make([][2]int64, len(m.Pairs)), Total: m.Total}
	for k, p := range m.Pairs {
		// ids is ascending, so renumbering keeps u < v and the order.
		out.Pairs[k] = [2]int64{ids[p[0]], ids[p[1]]}
	}
	return json.Marshal(out)
}

// parseEdges checks each edge's shape and renumbers the vertex ids to
// 0..len(ids)-1 in ascending order of id.
func parseEdges(raw [][]json.Number) ([]int64, []matching.Edge, error) {
	type rawEdge struct {
		u, v int64
		w    float64
	}
	parsed := make([]rawEdge, len(raw))
	ids := make([]int64, 0, 2*len(raw))
	for k, e := range raw {
		if len(e) != 3 {
			return nil, nil, fmt.Errorf("edge %d has %d entries; want [u, v, w]", k, len(e))
		}
		u, errU := vertexID(e[0])
		v, errV := vertexID(e[1])
		if err := errors.Join(errU, errV); err != nil {
			return nil, nil, fmt.Errorf("edge %d: %v", k, err)
		}
		w, err := strconv.ParseFloat(string(e[2]), 64)
		if err != nil {
			return nil, nil, fmt.Errorf("edge %d: weight %q is not a number", k, e[2])
		}
		parsed[k] = rawEdge{u, v, w}
		ids = append(ids, u, v)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	edges := make([]matching.Edge, len(parsed))
	for k, e := range parsed {
		u, _ := slices.BinarySearch(ids, e.u)
		v, _ := slices.BinarySearch(ids, e.v)
		edges[k] = matching.Edge{U: u, V: v, W: e.w}
	}
	return ids, edges, nil
}

// vertexID parses a vertex id: a JSON integer >= 0 written without a
// fraction or exponent.
func vertexID(n json.Number) (int64, error) {
	id, err := strconv.ParseInt(string(n), 10, 64)
	if err != nil || id < 0 {
		return 0, fmt.Errorf("vertex id %q is not an integer >= 0", string(n))
	}
	return id, nil
}
