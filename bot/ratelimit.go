package bot

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxTrackedUsers bounds the limiter map; beyond it, users whose bucket is
// full again are forgotten.
const maxTrackedUsers = 10000

// verdict is what the rate limiter says about one incoming message.
type verdict int

const (
	pass    verdict = iota // handle the message
	warn                   // first excess: say "slow down" once
	silence                // later excess: ignore
)

// userLimits rate-limits incoming messages per Telegram user, in memory:
// nothing about a stranger reaches the store.
type userLimits struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu    sync.Mutex
	users map[int64]*userLimit
}

type userLimit struct {
	lim    *rate.Limiter
	warned bool // told to slow down since the last message that passed
}

func newUserLimits(limit rate.Limit, burst int, now func() time.Time) *userLimits {
	return &userLimits{limit: limit, burst: burst, now: now, users: map[int64]*userLimit{}}
}

// check takes a token for user's message and says what to do with it.
func (l *userLimits) check(user int64) verdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	u := l.users[user]
	if u == nil {
		if len(l.users) >= maxTrackedUsers {
			l.forgetIdle(now)
		}
		u = &userLimit{lim: rate.NewLimiter(l.limit, l.burst)}
		l.users[user] = u
	}
	if u.lim.AllowN(now, 1) {
		u.warned = false
		return pass
	}
	if u.warned {
		return silence
	}
	u.warned = true
	return warn
}

// forgetIdle drops the users whose bucket is full: forgetting them changes
// nothing.
func (l *userLimits) forgetIdle(now time.Time) {
	for id, u := range l.users {
		if u.lim.TokensAt(now) >= float64(l.burst) {
			delete(l.users, id)
		}
	}
}
