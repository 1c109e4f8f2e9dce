package bot

import (
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/convivo/convivo/housing"
)

// locales holds the message catalogs, flat JSON objects of message id →
// text with {{.Name}} placeholders (text/template): it.json and en.json,
// plus one pair per feature named <feature>.<lang>.json.
//
//go:embed locales/*.json
var locales embed.FS

// catalogLangs lists the catalogs: Italian first (the fallback), then
// English.
func catalogLangs() []housing.Lang { return []housing.Lang{housing.LangIT, housing.LangEN} }

// translator turns message ids into text in one of the catalog languages.
type translator struct {
	loc    map[housing.Lang]*i18n.Localizer
	logger *slog.Logger
}

// newTranslator loads the embedded catalogs.
func newTranslator(logger *slog.Logger) (*translator, error) {
	bundle := i18n.NewBundle(language.Italian)
	tr := &translator{loc: map[housing.Lang]*i18n.Localizer{}, logger: logger}
	files, err := fs.Glob(locales, "locales/*.json")
	if err != nil {
		return nil, fmt.Errorf("bot: catalogs: %w", err)
	}
	for _, f := range files { // "it.json", "en.json", and per feature "review.it.json", ...
		if _, err := bundle.LoadMessageFileFS(locales, f); err != nil {
			return nil, fmt.Errorf("bot: load catalog %s: %w", f, err)
		}
	}
	for _, l := range catalogLangs() {
		tr.loc[l] = i18n.NewLocalizer(bundle, string(l))
	}
	return tr, nil
}

// T returns message id in lang, filled with data (a map or struct for the
// placeholders, or nil). A missing message is logged and shows its id, so a
// gap never stops a conversation; the catalog test keeps gaps out.
func (tr *translator) T(lang housing.Lang, id string, data any) string {
	loc := tr.loc[lang]
	if loc == nil {
		loc = tr.loc[housing.LangIT]
	}
	s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		tr.logger.Error("bot: missing translation", slog.String("id", id), slog.String("lang", string(lang)),
			slog.Any("err", err))
		return id
	}
	return s
}

// has reports whether id exists in the Italian catalog.
func (tr *translator) has(id string) bool {
	_, err := tr.loc[housing.LangIT].Localize(&i18n.LocalizeConfig{MessageID: id})
	return err == nil
}

// langFromCode maps a Telegram language_code to a supported language:
// English for "en" and its variants, Italian for everything else.
func langFromCode(code string) housing.Lang {
	base, _, _ := strings.Cut(strings.ToLower(code), "-")
	if base == "en" {
		return housing.LangEN
	}
	return housing.LangIT
}
