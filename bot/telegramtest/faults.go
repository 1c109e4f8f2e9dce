package telegramtest

import (
	"fmt"
	"net/http"
	"time"

	"golang.org/x/time/rate"
)

// Failure is how the server answers a call it was told to fail.
type Failure struct {
	// Code is the HTTP status and error_code.
	Code int
	// Description is Telegram's error text.
	Description string
	// RetryAfter, in seconds, is sent as parameters.retry_after.
	RetryAfter int
	// RawBody, when set, is written as-is (text/html) instead of the JSON
	// envelope, like a proxy in front of Telegram would.
	RawBody string
	// Hang answers nothing until the request's context ends or the server
	// closes.
	Hang bool
	// Disconnect closes the connection without answering.
	Disconnect bool
}

// TooManyRequests is Telegram's flood-control answer.
func TooManyRequests(retryAfter int) Failure {
	return Failure{Code: 429, Description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter),
		RetryAfter: retryAfter}
}

// Blocked is the answer for a user who blocked the bot.
func Blocked() Failure {
	return Failure{Code: 403, Description: "Forbidden: bot was blocked by the user"}
}

// NotModified is the answer for an edit that changes nothing.
func NotModified() Failure {
	return Failure{Code: 400, Description: "Bad Request: message is not modified: specified new " +
		"message content and reply markup are exactly the same as a current content and reply markup of the message"}
}

// InternalError is a 500 answer.
func InternalError() Failure {
	return Failure{Code: 500, Description: "Internal Server Error"}
}

// BadGateway is a 502 with an HTML body, as a proxy would answer.
func BadGateway() Failure {
	return Failure{Code: 502, RawBody: "<html><body><h1>502 Bad Gateway</h1></body></html>"}
}

// Hang never answers; the client's context or timeout must end the call.
func Hang() Failure { return Failure{Hang: true} }

// Disconnect drops the connection without an answer.
func Disconnect() Failure { return Failure{Disconnect: true} }

type fault struct {
	method string // "" matches every method
	chatID int64  // 0 matches every chat
	left   int
	f      Failure
}

// FailNext makes the next n calls of method (every method when "") to
// chatID (every chat when 0) fail with f. Rules apply in the order they were
// added; a call consumes one use of the first rule it matches.
func (s *Server) FailNext(method string, chatID int64, n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{method: method, chatID: chatID, left: n, f: f})
}

func (s *Server) takeFault(method string, chatID int64) *Failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, ft := range s.faults {
		if (ft.method != "" && ft.method != method) || (ft.chatID != 0 && ft.chatID != chatID) {
			continue
		}
		ft.left--
		if ft.left <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		f := ft.f
		return &f
	}
	return nil
}

func (s *Server) answerFault(w http.ResponseWriter, r *http.Request, c *Call, f *Failure) {
	switch {
	case f.Hang:
		select {
		case <-r.Context().Done():
		case <-s.quit:
		}
		s.finish(w, c, nil, errAborted)
	case f.Disconnect:
		s.finish(w, c, nil, errAborted)
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
	case f.RawBody != "":
		c.Status, c.Error = f.Code, f.RawBody
		s.record(*c)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Code)
		_, _ = w.Write([]byte(f.RawBody))
	default:
		s.finish(w, c, nil, &apiError{code: f.Code, description: f.Description, retryAfter: f.RetryAfter})
	}
}

// Limits are the rate limits the server enforces with WithLimits.
type Limits struct {
	// GlobalPerSecond caps messages in any 1 s window, across chats.
	GlobalPerSecond int
	// PrivatePerSecond and PrivateBurst are a token bucket per private chat.
	PrivatePerSecond float64
	PrivateBurst     int
	// GroupPerMinute caps messages in any 60 s window in one group.
	GroupPerMinute int
}

// TelegramLimits returns Telegram's published limits: 30 messages per
// second overall, about one per second per private chat (short bursts
// tolerated: 5 here) and 20 per minute per group.
func TelegramLimits() Limits {
	return Limits{GlobalPerSecond: 30, PrivatePerSecond: 1, PrivateBurst: 5, GroupPerMinute: 20}
}

type limiter struct {
	l       Limits
	global  []time.Time
	groups  map[int64][]time.Time
	private map[int64]*rate.Limiter
}

func newLimiter(l Limits) *limiter {
	return &limiter{l: l, groups: map[int64][]time.Time{}, private: map[int64]*rate.Limiter{}}
}

// limitedMethods are the calls that count as messages.
func limitedMethod(method string) bool {
	switch method {
	case "sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup":
		return true
	}
	return false
}

func (s *Server) checkLimits(method string, chatID int64, now time.Time) *apiError {
	if !limitedMethod(method) {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limits == nil {
		return nil
	}
	if wait, ok := s.limits.allow(chatID, now); !ok {
		secs := max(1, int((wait+time.Second-1)/time.Second))
		f := TooManyRequests(secs)
		return &apiError{code: f.Code, description: f.Description, retryAfter: secs}
	}
	return nil
}

// allow reports whether a message to chatID at now is within the limits,
// and if not how long to wait. A refused message consumes nothing.
func (l *limiter) allow(chatID int64, now time.Time) (time.Duration, bool) {
	l.global = prune(l.global, now.Add(-time.Second))
	if l.l.GlobalPerSecond > 0 && len(l.global) >= l.l.GlobalPerSecond {
		return l.global[0].Add(time.Second).Sub(now), false
	}
	if chatID < 0 {
		g := prune(l.groups[chatID], now.Add(-time.Minute))
		l.groups[chatID] = g
		if l.l.GroupPerMinute > 0 && len(g) >= l.l.GroupPerMinute {
			return g[0].Add(time.Minute).Sub(now), false
		}
		l.groups[chatID] = append(g, now)
	} else if l.l.PrivatePerSecond > 0 {
		lim := l.private[chatID]
		if lim == nil {
			lim = rate.NewLimiter(rate.Limit(l.l.PrivatePerSecond), max(1, l.l.PrivateBurst))
			l.private[chatID] = lim
		}
		if !lim.AllowN(now, 1) {
			return time.Second, false
		}
	}
	l.global = append(l.global, now)
	return 0, true
}

// prune drops the times at or before cutoff from the ascending list ts.
func prune(ts []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	return ts[i:]
}
