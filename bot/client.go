package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const (
	// DefaultPollTimeout is the long-poll timeout of getUpdates.
	DefaultPollTimeout = 50 * time.Second
	// DefaultHTTPTimeout bounds every HTTP exchange with the Bot API; it
	// must exceed the poll timeout.
	DefaultHTTPTimeout = 65 * time.Second
)

// AllowedUpdates returns the update kinds Convivo asks Telegram for.
func AllowedUpdates() []string { return []string{"message", "callback_query"} }

// Client is a context-aware wrapper of tgbotapi.BotAPI that never lets the
// bot token out: every error it returns and every line it logs has the token
// replaced by "<token>".
//
// tgbotapi has no context support; Client binds each call to its ctx by
// giving a per-call copy of the BotAPI an HTTPClient that attaches the ctx to
// the request, so cancelling ctx aborts the exchange. Debug is off and the
// BotAPI is never exposed, so tgbotapi's package logger (which only Debug
// mode and GetUpdatesChan use) is never written to: no code of ours calls
// tgbotapi.SetLogger, and cmd does not need to.
type Client struct {
	base   tgbotapi.BotAPI // copied for every call, never used directly
	hc     *http.Client
	token  string
	logger *slog.Logger
}

type clientOptions struct {
	hc      *http.Client
	timeout time.Duration
}

// ClientOption configures NewClient.
type ClientOption func(*clientOptions)

// WithHTTPClient makes the Client use hc (its Timeout included) instead of
// its own.
func WithHTTPClient(hc *http.Client) ClientOption { return func(o *clientOptions) { o.hc = hc } }

// WithHTTPTimeout sets the timeout of the Client's own HTTP client
// (DefaultHTTPTimeout otherwise).
func WithHTTPTimeout(d time.Duration) ClientOption { return func(o *clientOptions) { o.timeout = d } }

// NewClient returns a Client for the bot with token, talking to endpoint
// (tgbotapi's format "https://host/bot%s/%s"; tgbotapi.APIEndpoint when
// empty). Like tgbotapi it calls getMe at once, bound to ctx, and fails if
// Telegram refuses the token.
func NewClient(ctx context.Context, token, endpoint string, logger *slog.Logger, opts ...ClientOption) (*Client, error) {
	if token == "" {
		return nil, errors.New("bot: empty bot token")
	}
	if endpoint == "" {
		endpoint = tgbotapi.APIEndpoint
	}
	if strings.Count(endpoint, "%s") != 2 {
		return nil, fmt.Errorf("bot: endpoint %q must contain two %%s (token, method)", endpoint)
	}
	o := clientOptions{timeout: DefaultHTTPTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	if o.hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 16
		o.hc = &http.Client{Timeout: o.timeout, Transport: tr}
	}
	c := &Client{hc: o.hc, token: token, logger: logger}
	d := c.doer(ctx)
	api, err := tgbotapi.NewBotAPIWithClient(token, endpoint, d)
	if err != nil {
		return nil, c.wrap(ctx, d, nil, err)
	}
	api.Debug = false
	c.base = *api
	return c, nil
}

// Self returns the bot's own user, as getMe answered it.
func (c *Client) Self() tgbotapi.User { return c.base.Self }

// HTTPTimeout returns the timeout of the Client's HTTP client (0: none).
func (c *Client) HTTPTimeout() time.Duration { return c.hc.Timeout }

// CloseIdleConnections closes the HTTP client's idle connections.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// Request sends c and returns Telegram's raw answer. Use it for methods
// whose result is not a Message (answerCallbackQuery, setMyCommands, ...).
// Errors are *APIError for Telegram's error answers, or transport errors.
func (c *Client) Request(ctx context.Context, ch tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	return c.call(ctx, func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return api.Request(ch) })
}

// MakeRequest calls method with params, for what tgbotapi's configs lack
// (setWebhook's secret_token).
func (c *Client) MakeRequest(ctx context.Context, method string, params tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	return c.call(ctx, func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) {
		return api.MakeRequest(method, params)
	})
}

// Send sends c and returns the message sent or edited. Unlike tgbotapi's
// Send it accepts a `true` result (an edit of an inline message) and then
// returns a zero Message.
func (c *Client) Send(ctx context.Context, ch tgbotapi.Chattable) (tgbotapi.Message, error) {
	resp, err := c.Request(ctx, ch)
	if err != nil {
		return tgbotapi.Message{}, err
	}
	var m tgbotapi.Message
	if string(resp.Result) == "true" {
		return m, nil
	}
	if err := json.Unmarshal(resp.Result, &m); err != nil {
		return m, fmt.Errorf("bot: decode sent message: %w", err)
	}
	return m, nil
}

// GetUpdates calls getUpdates with cfg. A long poll needs ctx (or the HTTP
// timeout) to outlast cfg.Timeout.
func (c *Client) GetUpdates(ctx context.Context, cfg tgbotapi.UpdateConfig) ([]tgbotapi.Update, error) {
	resp, err := c.Request(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var ups []tgbotapi.Update
	if err := json.Unmarshal(resp.Result, &ups); err != nil {
		return nil, fmt.Errorf("bot: decode updates: %w", err)
	}
	return ups, nil
}

// SetWebhook makes Telegram push updates to url (message and callback_query
// only). Telegram sends secretToken in the X-Telegram-Bot-Api-Secret-Token
// header of every push; tgbotapi v5.5.1's WebhookConfig lacks the field.
func (c *Client) SetWebhook(ctx context.Context, url, secretToken string) error {
	allowed, _ := json.Marshal(AllowedUpdates())
	params := tgbotapi.Params{"url": url, "allowed_updates": string(allowed)}
	params.AddNonEmpty("secret_token", secretToken)
	_, err := c.MakeRequest(ctx, "setWebhook", params)
	return err
}

// DeleteWebhook removes the webhook, so that getUpdates works again;
// dropPending also discards the updates not yet delivered.
func (c *Client) DeleteWebhook(ctx context.Context, dropPending bool) error {
	_, err := c.Request(ctx, tgbotapi.DeleteWebhookConfig{DropPendingUpdates: dropPending})
	return err
}

// SetCommands sets the command menu for scope (nil: default) and language
// (""; all languages). An empty cmds deletes the menu: tgbotapi would send
// an empty list as "null".
func (c *Client) SetCommands(ctx context.Context, scope *tgbotapi.BotCommandScope, lang string, cmds []tgbotapi.BotCommand) error {
	var err error
	if len(cmds) == 0 {
		_, err = c.Request(ctx, tgbotapi.DeleteMyCommandsConfig{Scope: scope, LanguageCode: lang})
	} else {
		_, err = c.Request(ctx, tgbotapi.SetMyCommandsConfig{Commands: cmds, Scope: scope, LanguageCode: lang})
	}
	return err
}

// call runs f on a per-call copy of the BotAPI bound to ctx.
func (c *Client) call(ctx context.Context, f func(api *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error)) (*tgbotapi.APIResponse, error) {
	d := c.doer(ctx)
	api := c.base
	api.Client = d
	start := time.Now()
	resp, err := f(&api)
	if err != nil {
		err = c.wrap(ctx, d, resp, err)
	}
	if c.logger.Enabled(ctx, slog.LevelDebug) {
		attrs := []slog.Attr{slog.String("method", d.method), slog.Int("status", d.status),
			slog.Duration("took", time.Since(start))}
		if err != nil {
			attrs = append(attrs, slog.Any("err", err))
		}
		c.logger.LogAttrs(ctx, slog.LevelDebug, "bot: telegram call", attrs...)
	}
	return resp, err
}

func (c *Client) doer(ctx context.Context) *callDoer {
	return &callDoer{ctx: ctx, hc: c.hc, redact: c.redact}
}

// callDoer is the tgbotapi.HTTPClient of one call: it binds the request to
// ctx, remembers the method and HTTP status, and redacts the token from
// transport errors.
type callDoer struct {
	ctx    context.Context
	hc     *http.Client
	redact func(string) string
	method string
	status int
}

func (d *callDoer) Do(req *http.Request) (*http.Response, error) {
	d.method = path.Base(req.URL.Path)
	resp, err := d.hc.Do(req.WithContext(d.ctx))
	if err != nil {
		redactURLError(err, d.redact)
		return nil, err
	}
	d.status = resp.StatusCode
	return resp, nil
}

func redactURLError(err error, redact func(string) string) {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = redact(ue.URL)
	}
}

// redact replaces the token, raw or escaped, in s.
func (c *Client) redact(s string) string {
	for _, t := range []string{c.token, url.PathEscape(c.token), url.QueryEscape(c.token)} {
		s = strings.ReplaceAll(s, t, "<token>")
	}
	return s
}

// wrap turns what tgbotapi returned into an *APIError or a redacted error.
func (c *Client) wrap(ctx context.Context, d *callDoer, resp *tgbotapi.APIResponse, err error) error {
	method := d.method
	if method == "" {
		method = "request"
	}
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		code := te.Code
		if code == 0 && resp != nil {
			code = resp.ErrorCode // tgbotapi's UploadFiles drops the code
		}
		if code == 0 {
			code = d.status
		}
		return &APIError{Method: method, Code: code, Description: te.Message,
			RetryAfter: time.Duration(te.RetryAfter) * time.Second, MigrateToChatID: te.MigrateToChatID}
	}
	if d.status >= 400 && ctx.Err() == nil { // an answer that is not JSON, from a proxy
		return &APIError{Method: method, Code: d.status, Description: http.StatusText(d.status)}
	}
	redactURLError(err, c.redact)
	return &callError{msg: fmt.Sprintf("bot: %s: %s", method, c.redact(err.Error())), err: err,
		temporary: d.method != "" && !errors.Is(err, context.Canceled)}
}

// APIError is an error answer of the Bot API (ok=false).
type APIError struct {
	Method      string // Bot API method, e.g. "sendMessage"
	Code        int    // error_code (the HTTP status)
	Description string // Telegram's description
	// RetryAfter is parameters.retry_after (flood control, code 429).
	RetryAfter time.Duration
	// MigrateToChatID is set when a group became a supergroup.
	MigrateToChatID int64
}

func (e *APIError) Error() string {
	return fmt.Sprintf("bot: %s: telegram error %d: %s", e.Method, e.Code, e.Description)
}

// callError is a transport or decoding error with the token redacted.
type callError struct {
	msg       string
	err       error
	temporary bool
}

func (e *callError) Error() string { return e.msg }
func (e *callError) Unwrap() error { return e.err }

// IsBlocked reports whether err says the recipient cannot be reached: the
// user blocked the bot, was deactivated, or the bot left the group (403).
func IsBlocked(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Code == http.StatusForbidden
}

// IsNotModified reports whether err is Telegram refusing an edit that
// changes nothing, which callers can treat as success.
func IsNotModified(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Code == http.StatusBadRequest &&
		strings.Contains(e.Description, "message is not modified")
}

// RetryAfter returns how long Telegram asked to wait (a 429 answer).
func RetryAfter(err error) (time.Duration, bool) {
	var e *APIError
	if errors.As(err, &e) && e.Code == http.StatusTooManyRequests {
		return max(e.RetryAfter, time.Second), true
	}
	return 0, false
}

// IsTemporary reports whether retrying the call later may succeed: a 429, a
// 5xx, or a transport failure (timeout, refused or dropped connection). A
// cancelled context is not temporary.
func IsTemporary(err error) bool {
	var e *APIError
	if errors.As(err, &e) {
		return e.Code == http.StatusTooManyRequests || e.Code >= 500
	}
	var ce *callError
	return errors.As(err, &ce) && ce.temporary
}

func asAPIError(err error) (*APIError, bool) {
	var e *APIError
	ok := errors.As(err, &e)
	return e, ok
}
