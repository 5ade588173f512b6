package console

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quilibrium/qcli/client"
)

// Limits from the source document (003).
const (
	DefaultExpiresIn = 3600                     // seconds, when ExpiresIn is 0
	MaxExpiresIn     = client.MaxPresignSeconds // 7 days, SigV4's cap
)

// Methods a presigned URL may be made for.
var presignMethods = []string{"GET", "PUT", "POST", "DELETE"}

// ValidateID checks a credential id: a whole number of 1 or more.
func ValidateID(id int64) error {
	if id < 1 {
		return &client.ValidationError{Field: "credential id", Value: fmt.Sprint(id), Problem: "is below 1",
			Fix: "use the id of an existing credential (ListCredentials gives them)"}
	}
	return nil
}

// ValidateExpiresIn checks a presigned URL's lifetime: 1 to 604800 seconds.
func ValidateExpiresIn(seconds int64) error {
	if seconds < 1 || seconds > MaxExpiresIn {
		return &client.ValidationError{Field: "expires_in", Value: fmt.Sprint(seconds),
			Problem: fmt.Sprintf("is outside 1..%d seconds", MaxExpiresIn), Fix: "presigned URLs last at most 7 days"}
	}
	return nil
}

// ValidateMethod checks a presigned URL's method (any case); "" means GET.
func ValidateMethod(method string) error {
	if method != "" && !slices.Contains(presignMethods, strings.ToUpper(method)) {
		return &client.ValidationError{Field: "method", Value: method, Problem: "is not supported",
			Fix: "use " + strings.Join(presignMethods, ", ")}
	}
	return nil
}

func validatePresign(in CreatePresignedURLInput) error {
	if err := client.ValidateBucketName(in.BucketName); err != nil {
		return err
	}
	if err := client.ValidateKey(in.ObjectKey); err != nil {
		return err
	}
	if err := ValidateMethod(in.Method); err != nil {
		return err
	}
	if in.ExpiresIn != 0 { // 0 leaves it to the service's default
		if err := ValidateExpiresIn(in.ExpiresIn); err != nil {
			return err
		}
	}
	if in.AccessKey == "" {
		return &client.ValidationError{Field: "access key", Value: "", Problem: "is empty", Fix: "name the access key the URL is signed with"}
	}
	return nil
}
