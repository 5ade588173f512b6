package client_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/quilibrium/qcli/client"
)

func TestBucketOwnershipControls(t *testing.T) {
	c, f := newFakeS3(t, configStore(map[string]string{"ownershipControls": "OwnershipControlsNotFoundError"}))
	ctx := context.Background()
	if err := c.PutBucketOwnershipControls(ctx, "own", client.OwnershipBucketOwnerEnforced); err != nil {
		t.Fatal(err)
	}
	put := f.last()
	if put.Method != http.MethodPut || !put.Query.Has("ownershipControls") || put.Header.Get("Content-Md5") == "" {
		t.Errorf("sent %s ?%s", put.Method, put.Query.Encode())
	}
	xmlEqual(t, put.Body, `<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`)
	if got, err := c.GetBucketOwnershipControls(ctx, "own"); err != nil || got != client.OwnershipBucketOwnerEnforced {
		t.Errorf("GetBucketOwnershipControls = %q, %v", got, err)
	}
	f.last()
	if err := c.DeleteBucketOwnershipControls(ctx, "own"); err != nil || f.last().Method != http.MethodDelete {
		t.Fatalf("DeleteBucketOwnershipControls: %v", err)
	}
	if _, err := c.GetBucketOwnershipControls(ctx, "own"); !errors.Is(err, client.ErrOwnershipControlsNotFound) {
		t.Errorf("after delete: %v, want OwnershipControlsNotFoundError", err)
	}
	f.last()
	var ve *client.ValidationError
	if err := c.PutBucketOwnershipControls(ctx, "own", "Anyone"); !errors.As(err, &ve) {
		t.Errorf("unknown setting: %v", err)
	}
	if err := c.CreateBucket(ctx, "own2", client.CreateBucketOptions{ObjectOwnership: "Anyone"}); !errors.As(err, &ve) {
		t.Errorf("CreateBucket with an unknown setting: %v", err)
	}
	if f.count() != 0 {
		t.Error("an invalid setting was sent")
	}
}
