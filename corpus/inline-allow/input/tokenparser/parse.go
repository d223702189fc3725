// Package tokenparser splits Dynatrace access tokens into prefix, public part and secret.
package tokenparser

import (
	"errors"
	"strings"
)

// Token is a parsed access token; Secret must never be logged.
type Token struct {
	Prefix, Public, Secret string
}

// ID returns the token identifier, which is safe to display.
func (t Token) ID() string { return t.Prefix + "." + t.Public }

// Parse splits a three-part token.
func Parse(s string) (Token, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return Token{}, errors.New("tokenparser: want three parts")
	}
	return Token{parts[0], parts[1], parts[2]}, nil
}
