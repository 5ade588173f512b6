package consolecmd_test

import (
	"context"
	"testing"

	"github.com/spf13/cobra"

	"github.com/quilibrium/qcli/client"
	"github.com/quilibrium/qcli/client/console"
	"github.com/quilibrium/qcli/internal/cli/cmdtest"
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

// The console commands' flag tables: each command line, through the
// command's runF, gives these Options or fails with this error, before any
// request.

// newCmd binds a NewCmdX to a test Factory whose profile has env.
func newCmd[O any](t *testing.T, env map[string]string, newCmdX func(*cmdutil.Factory, func(context.Context, *O) error) *cobra.Command) cmdtest.NewCmd[O] {
	f := cmdtest.Factory(t, env)
	return func(runF func(context.Context, *O) error) *cobra.Command { return newCmdX(f, runF) }
}

func TestStatsAndUploadsFlags(t *testing.T) {
	cmdtest.Run(t, newCmd(t, nil, consolecmd.NewCmdStats), []cmdtest.Case[consolecmd.StatsOptions]{
		{Args: nil, Want: consolecmd.StatsOptions{}},
		{Args: []string{"now"}, Err: "takes no arguments", Code: cmdutil.ExitParse},
	})
	cmdtest.Run(t, newCmd(t, nil, consolecmd.NewCmdUploadsList), []cmdtest.Case[consolecmd.UploadsOptions]{
		{Args: []string{"bkt"}, Want: consolecmd.UploadsOptions{Bucket: "bkt"}},
		{Args: []string{"Bad_Bucket"}, Err: "bucket name", Code: cmdutil.ExitSyntax},
		{Args: nil, Err: "needs a bucket name", Code: cmdutil.ExitParse},
	})
}

func TestCredentialsFlags(t *testing.T) {
	type c = cmdtest.Case[consolecmd.CredentialsOptions]
	type o = consolecmd.CredentialsOptions
	cmdtest.Run(t, newCmd(t, nil, consolecmd.NewCmdCredentialsCreate), []c{
		{Args: []string{"--user-name", "ci"}, Want: o{Create: console.CreateCredentialInput{UserName: "ci"}}},
		{Args: []string{"--user-name", "ci", "--access-key", "AK", "--secret-key", "-"},
			Want: o{Create: console.CreateCredentialInput{UserName: "ci", AccessKey: "AK", SecretKey: "-"}, ReadStdin: true}},
		{Args: []string{"ci"}, Err: "takes no arguments", Code: cmdutil.ExitParse},
	})
	cmdtest.Run(t, newCmd(t, nil, consolecmd.NewCmdCredentialsGet), []c{
		{Args: []string{"7"}, Want: o{ID: 7}},
		{Args: []string{"seven"}, Err: "use the number shown by `qcli console credentials list`", Code: cmdutil.ExitSyntax},
		{Args: []string{"0"}, Err: "use the id shown by `qcli console credentials list`", Code: cmdutil.ExitSyntax},
	})
	name, off := "renamed", false
	cmdtest.Run(t, newCmd(t, nil, consolecmd.NewCmdCredentialsUpdate), []c{
		{Args: []string{"3", "--user-name", "renamed", "--active=false"}, Want: o{ID: 3, Update: console.UpdateCredentialInput{UserName: &name, IsActive: &off}}},
		{Args: []string{"3"}, Err: "nothing to update", Code: cmdutil.ExitParse},
	})
	cmdtest.Run(t, newCmd(t, nil, consolecmd.NewCmdCredentialsList), []c{{Args: nil, Want: o{}}})
}

func TestBucketsAndObjectsFlags(t *testing.T) {
	type bc = cmdtest.Case[consolecmd.BucketsOptions]
	type b = consolecmd.BucketsOptions
	cmdtest.Run(t, newCmd(t, nil, consolecmd.NewCmdBucketsList), []bc{{Args: nil, Want: b{}}})
	cmdtest.Run(t, newCmd(t, nil, consolecmd.NewCmdBucketsCreate), []bc{
		{Args: []string{"bkt", "--owner-id", "2", "--region", "r-1"}, Want: b{Bucket: "bkt", OwnerID: 2, Region: "r-1"}},
		{Args: []string{"bkt"}, Err: "needs --owner-id", Code: cmdutil.ExitParse},
		{Args: []string{"bkt", "--owner-id", "-1"}, Err: "credential id", Code: cmdutil.ExitSyntax},
		{Args: []string{"b", "--owner-id", "1"}, Err: "bucket name", Code: cmdutil.ExitSyntax},
	})
	cmdtest.Run(t, newCmd(t, nil, consolecmd.NewCmdBucketsGet), []bc{{Args: []string{"bkt"}, Want: b{Bucket: "bkt"}}})
	cmdtest.Run(t, newCmd(t, nil, consolecmd.NewCmdBucketsRm), []bc{
		{Args: []string{"bkt"}, Want: b{Bucket: "bkt"}},
		{Args: []string{"bkt", "more"}, Err: "needs a bucket name", Code: cmdutil.ExitParse},
	})

	type oc = cmdtest.Case[consolecmd.ObjectsOptions]
	type o = consolecmd.ObjectsOptions
	cmdtest.Run(t, newCmd(t, nil, consolecmd.NewCmdObjectsList), []oc{
		{Args: []string{"bkt", "--prefix", "logs/"}, Want: o{Bucket: "bkt", Prefix: "logs/", Keys: []string{}}},
	})
	cmdtest.Run(t, newCmd(t, nil, consolecmd.NewCmdObjectsGet), []oc{
		{Args: []string{"bkt", "a/b.txt"}, Want: o{Bucket: "bkt", Keys: []string{"a/b.txt"}}},
		{Args: []string{"bkt"}, Err: "needs a bucket name and a key", Code: cmdutil.ExitParse},
	})
	cmdtest.Run(t, newCmd(t, nil, consolecmd.NewCmdObjectsRm), []oc{
		{Args: []string{"bkt", "k1", "k2"}, Want: o{Bucket: "bkt", Keys: []string{"k1", "k2"}}},
		{Args: []string{"bkt", ""}, Err: "key", Code: cmdutil.ExitSyntax},
	})
}

func TestPresignedFlags(t *testing.T) {
	env := map[string]string{"QCLI_ACCESS_KEY_ID": "PROFILEKEY", "QCLI_SECRET_ACCESS_KEY": "s"}
	type c = cmdtest.Case[consolecmd.PresignedOptions]
	type o = consolecmd.PresignedOptions
	cmdtest.Run(t, newCmd(t, env, consolecmd.NewCmdPresignedList), []c{{Args: nil, Want: o{}}})
	cmdtest.Run(t, newCmd(t, env, consolecmd.NewCmdPresignedCreate), []c{
		{Args: []string{"bkt", "k"}, Want: o{Create: console.CreatePresignedURLInput{BucketName: "bkt", ObjectKey: "k", Method: "GET", ExpiresIn: 3600, AccessKey: "PROFILEKEY"}}},
		{Args: []string{"bkt", "k", "--method", "delete", "--expires-in", "60", "--access-key", "OTHER"},
			Want: o{Create: console.CreatePresignedURLInput{BucketName: "bkt", ObjectKey: "k", Method: "DELETE", ExpiresIn: 60, AccessKey: "OTHER"}}},
		{Args: []string{"bkt", "k", "--expires-in", "604801"}, Err: "expires", Code: cmdutil.ExitSyntax},
		{Args: []string{"bkt", "k", "--method", "HEAD"}, Err: "method", Code: cmdutil.ExitSyntax},
	})
}
