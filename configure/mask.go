package configure

// maskVisible is how many trailing characters Mask shows, and maskMinLen the
// shortest value that shows any: below it, four visible characters would
// give away too much of the secret.
const (
	maskVisible = 4
	maskMinLen  = 16
)

// Mask hides a secret for display: "****" followed by its last four
// characters, or just "****" when the secret is shorter than 16 characters.
// The number of stars is fixed so the secret's length is not revealed.
// An empty string stays empty, so "not set" still reads as not set.
func Mask(s string) string {
	if s == "" {
		return ""
	}
	r := []rune(s)
	if len(r) < maskMinLen {
		return "****"
	}
	return "****" + string(r[len(r)-maskVisible:])
}
