package misbehave_test

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/quilibrium/qcli/internal/emulator"
	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
	"github.com/quilibrium/qcli/internal/reliability/misbehave"
)

// A listing AlterLists passes on unchanged says all the emulator said,
// the elements ListResult does not name (Owner, ChecksumAlgorithm,
// ChecksumType) included: a rule breaks only the rule it is about.
func TestAlterListsKeepsWhatItDoesNotModel(t *testing.T) {
	sw := &misbehave.Switch{}
	srv := emulatortest.StartWrapped(t, emulator.Options{}, sw.Wrap)
	c := srv.S3Client()
	emulatortest.MustCreateBucket(t, c, "bkt")
	emulatortest.MustPut(t, c, "bkt", "k", "body", func(in *s3.PutObjectInput) { in.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32c })
	list := func() []types.Object {
		t.Helper()
		out, err := c.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), FetchOwner: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Contents
	}
	want := list()
	if len(want) != 1 || want[0].Owner == nil || len(want[0].ChecksumAlgorithm) == 0 {
		t.Fatalf("the emulator's listing %+v lacks what this test is about", want)
	}
	sw.Set(sw.AlterLists(nil, func(*http.Request, *misbehave.ListResult) {}))
	if got := list(); !reflect.DeepEqual(got, want) {
		t.Errorf("passed through AlterLists: %+v\nwant %+v", got, want)
	}
}
