package reliability_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quilibrium/qcli/client"
)

// Sizes: parts of 4 KiB from 8 KiB on, so that "big" is 11 parts and
// "tree" holds a multipart file among small ones.
var smallParts = []string{"--part-size", "4096", "--multipart-threshold", "8192"}

const bigSize = 10*4096 + 123

// randomData is n reproducible bytes.
func randomData(seed uint64, n int) []byte {
	var s [32]byte
	s[0] = byte(seed)
	b := make([]byte, n)
	_, _ = rand.NewChaCha8(s).Read(b)
	return b
}

// tree is a set of files or objects: slash-separated relative path -> content.
type tree map[string][]byte

func sampleTree(seed uint64) tree {
	return tree{"a.txt": randomData(seed, 100), "sub/b.bin": randomData(seed+1, 3000), "sub/deep/c.bin": randomData(seed+2, 20000)}
}

func (tr tree) bytes() int64 {
	var n int64
	for _, d := range tr {
		n += int64(len(d))
	}
	return n
}

// write creates the files under dir.
func (tr tree) write(t testing.TB, dir string) {
	t.Helper()
	for name, data := range tr {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// put stores the objects under prefix, faults off.
func (tr tree) put(e *env, prefix string) {
	e.t.Helper()
	for name, data := range tr {
		if _, err := e.c.Upload(context.Background(), bucket, prefix+name, data); err != nil {
			e.t.Fatal(err)
		}
	}
}

// object reads an object; ok is false when there is none.
func (e *env) object(key string) (data []byte, ok bool, err error) {
	data, err = e.c.Download(context.Background(), bucket, key)
	if errors.Is(err, client.ErrNoSuchKey) {
		return nil, false, nil
	}
	return data, err == nil, err
}

// wantObjects checks that every object under prefix holds exactly its
// content, and returns the bytes compared.
func (e *env) wantObjects(tr tree, prefix string) (string, error) {
	for name, want := range tr {
		got, ok, err := e.object(prefix + name)
		switch {
		case err != nil:
			return "", err
		case !ok:
			return "", fmt.Errorf("s3://%s/%s%s is missing", bucket, prefix, name)
		case !bytes.Equal(got, want):
			return "", fmt.Errorf("s3://%s/%s%s differs: %d bytes, want %d", bucket, prefix, name, len(got), len(want))
		}
	}
	return fmt.Sprintf("%d B checked", tr.bytes()), nil
}

// intactObjects checks that each object under prefix is absent, whole, or
// still what it was before (old), never anything in between.
func (e *env) intactObjects(tr tree, prefix string, old tree) error {
	for name, want := range tr {
		got, ok, err := e.object(prefix + name)
		if err != nil {
			return err
		}
		if ok && !bytes.Equal(got, want) && !(old[name] != nil && bytes.Equal(got, old[name])) {
			return fmt.Errorf("s3://%s/%s%s holds %d bytes that are neither the source nor what was there", bucket, prefix, name, len(got))
		}
	}
	return nil
}

// localFiles reads every file under dir.
func localFiles(dir string) (tree, error) {
	got := tree{}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return got, nil
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		data, err := os.ReadFile(path)
		got[filepath.ToSlash(rel)] = data
		return err
	})
	return got, err
}

// wantLocal checks that dir holds exactly the files of tr.
func wantLocal(dir string, tr tree) (string, error) {
	got, err := localFiles(dir)
	if err != nil {
		return "", err
	}
	if err := sameFiles(got, tr, false); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d B checked", tr.bytes()), nil
}

// intactLocal checks that dir holds some of the files of tr, each whole:
// no temporary or partial file where the final file would be.
func intactLocal(dir string, tr tree) error {
	got, err := localFiles(dir)
	if err != nil {
		return err
	}
	return sameFiles(got, tr, true)
}

func sameFiles(got, want tree, subset bool) error {
	for name, data := range got {
		switch w, ok := want[name]; {
		case !ok:
			return fmt.Errorf("unexpected file %s (%d bytes)", name, len(data))
		case !bytes.Equal(data, w):
			return fmt.Errorf("%s holds %d bytes, want %d identical ones", name, len(data), len(w))
		}
	}
	if !subset && len(got) != len(want) {
		var missing []string
		for name := range want {
			if _, ok := got[name]; !ok {
				missing = append(missing, name)
			}
		}
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	return nil
}
