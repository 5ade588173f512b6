package consolecmd_test

import (
	"context"
	"testing"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/internal/cli/cmdutil"
	"github.com/quilibrium/qcli/internal/cli/consolecmd"
	"github.com/quilibrium/qcli/internal/cli/iostreams"
)

func clientUpload(bucket, key string) client.CreateMultipartUploadInput {
	return client.CreateMultipartUploadInput{Bucket: bucket, Key: key}
}

func factory(env map[string]string) *cmdutil.Factory {
	ios, _, _, _ := iostreams.Test()
	return &cmdutil.Factory{IO: ios, Getenv: func(k string) string { return env[k] }}
}

func TestUpdateFlags(t *testing.T) {
	tests := []struct {
		args       []string
		name       *string
		active     *bool
		wantCalled bool
	}{
		{[]string{"3", "--active=false"}, nil, ptr(false), true},
		{[]string{"3", "--user-name", "x"}, ptr("x"), nil, true},
		{[]string{"3", "--user-name", "", "--active"}, ptr(""), ptr(true), true},
	}
	for _, tt := range tests {
		var got *consolecmd.CredentialsOptions
		cmd := consolecmd.NewCmdCredentialsUpdate(factory(nil), func(_ context.Context, o *consolecmd.CredentialsOptions) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got.ID != 3 || !eq(got.Update.UserName, tt.name) || !eq(got.Update.IsActive, tt.active) {
			t.Errorf("%v: %+v", tt.args, got.Update)
		}
	}
}

func TestPresignedCreateDefaults(t *testing.T) {
	var got *consolecmd.PresignedOptions
	run := func(_ context.Context, o *consolecmd.PresignedOptions) error { got = o; return nil }
	cmd := consolecmd.NewCmdPresignedCreate(factory(map[string]string{"QCLI_ACCESS_KEY_ID": "PROFILEKEY", "QCLI_SECRET_ACCESS_KEY": "s", "QCLI_CONFIG_DIR": t.TempDir()}), run)
	cmd.SetArgs([]string{"bkt", "a/key", "--method", "put"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	in := got.Create
	if in.BucketName != "bkt" || in.ObjectKey != "a/key" || in.Method != "PUT" || in.ExpiresIn != 3600 || in.AccessKey != "PROFILEKEY" {
		t.Errorf("options %+v", in)
	}

	cmd = consolecmd.NewCmdPresignedCreate(factory(map[string]string{"QCLI_CONFIG_DIR": t.TempDir()}), run)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	cmd.SetArgs([]string{"bkt", "k"})
	if err := cmd.Execute(); cmdutil.ExitCode(err) != cmdutil.ExitSyntax {
		t.Errorf("no access key anywhere: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

func eq[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
