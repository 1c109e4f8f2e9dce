package telegramtest

import (
	"fmt"
	"strconv"
	"strings"
)

// supportedTag reports whether Telegram's HTML parse mode supports name.
func supportedTag(name string) bool {
	switch name {
	case "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
		"a", "code", "pre", "tg-emoji", "blockquote":
		return true
	}
	return false
}

// parseHTML checks text in Telegram's HTML parse mode and returns its
// visible text. It is strict where Telegram is: unsupported or unbalanced
// tags and unescaped '<', '>' or '&' are errors.
func parseHTML(s string) (string, error) {
	var out strings.Builder
	var stack []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return "", fmt.Errorf("unclosed start tag at byte offset %d", i)
			}
			var err error
			if stack, err = applyTag(stack, s[i+1:i+j], i); err != nil {
				return "", err
			}
			i += j + 1
		case '>':
			return "", fmt.Errorf("unexpected end of tag at byte offset %d", i)
		case '&':
			r, n, err := decodeEntity(s[i:])
			if err != nil {
				return "", fmt.Errorf("%v at byte offset %d", err, i)
			}
			out.WriteString(r)
			i += n
		default:
			out.WriteByte(s[i])
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1])
	}
	return out.String(), nil
}

// applyTag pushes a start tag or pops an end tag.
func applyTag(stack []string, tag string, offset int) ([]string, error) {
	if name, ok := strings.CutPrefix(tag, "/"); ok {
		name = strings.ToLower(strings.TrimSpace(name))
		if len(stack) == 0 || stack[len(stack)-1] != name {
			return nil, fmt.Errorf("unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"",
				offset, last(stack), name)
		}
		return stack[:len(stack)-1], nil
	}
	name, _, _ := strings.Cut(strings.TrimSpace(tag), " ")
	name = strings.ToLower(name)
	if !supportedTag(name) {
		return nil, fmt.Errorf("unsupported start tag \"%s\" at byte offset %d", name, offset)
	}
	return append(stack, name), nil
}

func last(stack []string) string {
	if len(stack) == 0 {
		return ""
	}
	return stack[len(stack)-1]
}

// decodeEntity decodes the entity at the start of s and returns its text and
// length in bytes.
func decodeEntity(s string) (string, int, error) {
	j := strings.IndexByte(s, ';')
	if j < 0 || j > 12 {
		return "", 0, fmt.Errorf("can't find end of the entity")
	}
	name := s[1:j]
	switch name {
	case "lt":
		return "<", j + 1, nil
	case "gt":
		return ">", j + 1, nil
	case "amp":
		return "&", j + 1, nil
	case "quot":
		return `"`, j + 1, nil
	}
	if num, ok := strings.CutPrefix(name, "#"); ok {
		base := 10
		if hex, ok := strings.CutPrefix(strings.ToLower(num), "x"); ok {
			num, base = hex, 16
		}
		if n, err := strconv.ParseInt(num, base, 32); err == nil && n > 0 {
			return string(rune(n)), j + 1, nil
		}
	}
	return "", 0, fmt.Errorf("unsupported HTML entity \"&%s;\"", name)
}
