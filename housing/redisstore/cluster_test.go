package redisstore_test

import (
	"os"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/redisstore"
	"github.com/convivo/convivo/housing/storetest"
)

// openClusterStore opens a store through a go-redis cluster client on
// CONVIVO_TEST_REDIS_CLUSTER_URL (e.g. a one-node cluster owning every
// slot, which still refuses cross-slot commands), skipping when unset.
func openClusterStore(tb testing.TB) *redisstore.Store {
	tb.Helper()
	url := os.Getenv("CONVIVO_TEST_REDIS_CLUSTER_URL")
	if url == "" {
		tb.Skip("CONVIVO_TEST_REDIS_CLUSTER_URL not set")
	}
	opts, err := redis.ParseClusterURL(url)
	if err != nil {
		tb.Fatalf("ParseClusterURL(%s) = %v", url, err)
	}
	return newTestStore(tb, func(o redisstore.Options) (*redisstore.Store, error) {
		return redisstore.NewWithClient(tb.Context(), redis.NewClusterClient(opts), o)
	})
}

func TestContractCluster(t *testing.T) {
	storetest.Run(t, func(t *testing.T) housing.Store { return openClusterStore(t) })
}

// TestClusterOneSlot checks with the server that every key a namespace
// holds is in one hash slot.
func TestClusterOneSlot(t *testing.T) {
	s := openClusterStore(t)
	ctx := t.Context()
	fillEveryKind(t, s)
	keys, err := redisstore.Keys(ctx, s)
	mustDo(t, "Keys", err)
	want, err := redisstore.KeySlot(ctx, s, s.Namespace()+"x")
	mustDo(t, "KeySlot", err)
	for _, k := range keys {
		got, err := redisstore.KeySlot(ctx, s, k)
		mustDo(t, "KeySlot", err)
		if got != want {
			t.Errorf("KeySlot(%q) = %d; want %d, the namespace's slot", k, got, want)
		}
	}
}
