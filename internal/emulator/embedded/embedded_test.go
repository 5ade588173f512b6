package embedded

import (
	"strings"
	"testing"
)

func TestDataDirIsLockedWhileServed(t *testing.T) {
	dir := t.TempDir()
	s, err := Serve(Options{Addr: "127.0.0.1:0", DataDir: dir, Credentials: map[string]string{"k": "s"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lockDir(dir, 0); err == nil || !strings.Contains(err.Error(), "in use by another qcli process") {
		t.Errorf("second lock while served: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	unlock, err := lockDir(dir, 0)
	if err != nil {
		t.Fatalf("lock after Close: %v", err)
	}
	unlock()
}

func TestStartServesTheLocalProfile(t *testing.T) {
	endpoint, stop, err := Start(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if !strings.HasPrefix(endpoint, "http://127.0.0.1:") {
		t.Errorf("endpoint %s", endpoint)
	}
}
