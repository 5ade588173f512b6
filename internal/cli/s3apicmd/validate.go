package s3apicmd

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
)

// The SDK knows which members each operation requires, nested ones
// included (RoutingRules[0].Redirect), and checks them before anything
// else. Running an operation through a client whose stack ends right after
// that check asks it without a network or credentials: the same check
// tells --help which flags are required and rejects an input with a line
// naming the flag.

var errChecked = errors.New("input checked") // the probe's stop

// probeClient is an SDK client for the probe; it never sends a request.
var probeClient = sync.OnceValue(func() *s3.Client {
	return s3.New(s3.Options{Region: "probe", Credentials: aws.AnonymousCredentials{}})
})

// stopAfterValidation ends a call after the SDK's input validation, which
// the Initialize step runs.
func stopAfterValidation(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
		return st.Initialize.Add(middleware.InitializeMiddlewareFunc("qcliStopAfterValidation",
			func(context.Context, middleware.InitializeInput, middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return middleware.InitializeOutput{}, middleware.Metadata{}, errChecked
			}), middleware.After)
	})
}

// missingMembers returns the paths of the required members in is missing
// ("Bucket", "WebsiteConfiguration.RoutingRules[0].Redirect").
func missingMembers(op sdkOperation, in any) ([]string, error) {
	_, err := op.call(context.Background(), probeClient(), in, stopAfterValidation)
	if errors.Is(err, errChecked) {
		return nil, nil
	}
	var invalid smithy.InvalidParamsError
	if !errors.As(err, &invalid) {
		return nil, err
	}
	var paths []string
	for _, e := range invalid.Errs() {
		var pe smithy.InvalidParamError
		if errors.As(e, &pe) {
			// Field() starts with the input's type name: "PutObjectInput.Bucket".
			_, path, _ := strings.Cut(pe.Field(), ".")
			paths = append(paths, path)
		}
	}
	return paths, nil
}

// requiredFlags names the flags an operation cannot do without.
func requiredFlags(op sdkOperation) map[string]bool {
	paths, _ := missingMembers(op, reflect.New(op.input).Interface())
	out := map[string]bool{}
	for _, p := range paths {
		out[flagName(p)] = true
	}
	return out
}

// checkRequired rejects an input that lacks a required member, naming the
// flag (and, for a nested member, where in its value it goes).
func checkRequired(op sdkOperation, in any) error {
	paths, err := missingMembers(op, in)
	if err != nil || len(paths) == 0 {
		return err
	}
	var flags []string
	for _, p := range paths {
		if !strings.Contains(p, ".") {
			flags = append(flags, "--"+flagName(p))
		}
	}
	switch len(flags) {
	case 0:
		top, nested, _ := strings.Cut(paths[0], ".")
		return cmdutil.Usagef("--%s: %s is required; add it to the %s value", flagName(top), nested, top)
	case 1:
		return cmdutil.Usagef("%s is required", flags[0])
	}
	return cmdutil.Usagef("%s are required", strings.Join(flags, ", "))
}

// checkNames applies the client's rules for bucket names and keys, as
// every qcli command does before a request.
func checkNames(in reflect.Value) error {
	for _, m := range []struct {
		member string
		check  func(string) error
	}{{"Bucket", client.ValidateBucketName}, {"Key", client.ValidateKey}} {
		f := in.FieldByName(m.member)
		if !f.IsValid() || f.Kind() != reflect.Pointer || f.IsNil() {
			continue
		}
		if err := m.check(f.Elem().String()); err != nil {
			return cmdutil.Usagef("--%s: %w", flagName(m.member), err)
		}
	}
	return nil
}
