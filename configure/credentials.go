package configure

import "fmt"

// credentialSource returns the highest source holding any part of a key
// pair, or nil when none does. It supplies every setting of the credentials
// file, so a key id is never paired with another source's secret: that
// could only end in SignatureDoesNotMatch, far from the cause. Half a pair
// is an error.
func credentialSource(srcs []source, profile string) (*source, error) {
	id, _ := LookupKey(keyAccessKeyID)
	secret, _ := LookupKey(keySecret)
	for i := range srcs {
		src := &srcs[i]
		_, hasID := src.lookup(id)
		_, hasSecret := src.lookup(secret)
		switch {
		case hasID && hasSecret:
			return src, nil
		case hasID:
			return nil, halfPair(src, id, secret, profile)
		case hasSecret:
			return nil, halfPair(src, secret, id, profile)
		}
	}
	return nil, nil
}

// halfPair names what is set and what is missing; it never quotes a value.
func halfPair(src *source, have, missing Key, profile string) error {
	if src.kind == SourceEnv {
		return &Error{Kind: ErrIncompleteCredentials, Profile: profile,
			Problem: fmt.Sprintf("%s is set but %s is not", src.where(have), src.where(missing)),
			Fix:     fmt.Sprintf("set both, or unset %s", src.where(have))}
	}
	return &Error{Kind: ErrIncompleteCredentials, Profile: profile,
		Problem: fmt.Sprintf("%s has %s but no %s", src.where(have), have.Name, missing.Name),
		Fix:     fmt.Sprintf("add %s beside it", missing.Name), FileFix: true}
}
