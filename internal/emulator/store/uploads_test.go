package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// TestCompleteConflict: a conditional completion whose condition held when
// it started, but not once the object was assembled because another write
// landed meanwhile, is ConditionalRequestConflict; the upload survives.
func TestCompleteConflict(t *testing.T) {
	st, err := store.New("", time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateBucket(store.Bucket{Name: "bkt"}, nil); err != nil {
		t.Fatal(err)
	}
	u := &store.Upload{Bucket: "bkt", Key: "k"}
	if err := st.CreateUpload(u); err != nil {
		t.Fatal(err)
	}
	part, err := st.PutPart(u.ID, "bkt", "k", 1, strings.NewReader("part"), 4, "")
	if err != nil {
		t.Fatal(err)
	}
	absent := func(cur *store.Object) error {
		if cur != nil {
			return s3err.PreconditionFailed("If-None-Match")
		}
		return nil
	}
	in := store.CompleteInput{ID: u.ID, Bucket: "bkt", Key: "k", Parts: []store.PartRef{{Number: 1, ETag: part.ETag}}, Cond: absent,
		Choose: func(u *store.Upload) ([]*store.Part, error) { return []*store.Part{u.Parts[1]}, nil },
		Verify: func(*store.Object) error { // runs between assembly and commit
			_, err := st.PutObject(store.PutInput{Bucket: "bkt", Key: "k", Body: strings.NewReader("meanwhile"), Size: -1})
			return err
		}}
	_, err = st.CompleteUpload(in)
	if ae := s3err.As(err); ae.Code != "ConditionalRequestConflict" || ae.Status() != 409 {
		t.Fatalf("got %v, want 409 ConditionalRequestConflict", err)
	}
	if _, err := st.Upload(u.ID, "bkt", "k"); err != nil {
		t.Fatalf("the upload must survive a conflict: %v", err)
	}
	in.Verify = nil
	_, err = st.CompleteUpload(in)
	if ae := s3err.As(err); ae.Code != "PreconditionFailed" {
		t.Fatalf("now the condition fails at once: %v", err)
	}
}
