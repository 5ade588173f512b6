package transfer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/quilibrium/qcli/client"
)

// StateMaxAge is how long a resume state file is kept without being used.
// Older ones are removed, and their uploads aborted, by the next upload
// that uses the same StateDir.
const StateMaxAge = 7 * 24 * time.Hour

// uploadState is what a later run needs to continue an interrupted
// multipart upload of a file: the upload and the file version it was for.
type uploadState struct {
	Bucket   string    `json:"bucket"`
	Key      string    `json:"key"`
	Path     string    `json:"path"`
	Size     int64     `json:"size"`
	ModTime  int64     `json:"mtime_ns"`
	PartSize int64     `json:"part_size"`
	UploadID string    `json:"upload_id"`
	Created  time.Time `json:"created"`
}

// stateFile names the state of uploading path to bucket/key: one file per
// (file, object) pair, so two runs of the same copy meet at the same state.
func stateFile(dir, path, bucket, key string) string {
	sum := sha256.Sum256([]byte(path + "\x00" + bucket + "\x00" + key))
	return filepath.Join(dir, hex.EncodeToString(sum[:16])+".json")
}

func readState(file string) (*uploadState, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s uploadState
	if json.Unmarshal(data, &s) != nil || s.UploadID == "" {
		return nil, os.Remove(file) // unreadable state is worth nothing
	}
	return &s, nil
}

// writeState writes atomically, so a kill mid-write leaves the old state
// or the new one, never half of one.
func writeState(file string, s *uploadState) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".state-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// matches reports whether the state was written for this very file version.
func (s *uploadState) matches(path string, info os.FileInfo, bucket, key string) bool {
	return s.Path == path && s.Bucket == bucket && s.Key == key && s.Size == info.Size() &&
		s.ModTime == info.ModTime().UnixNano() && s.PartSize > 0 && s.PartSize <= client.MaxPartSize
}

// abortState aborts a state's upload on a fresh, bounded context and
// removes the state file; failures are ignored, as the state is stale.
func (m *Manager) abortState(ctx context.Context, file string, s *uploadState) {
	ctx, cancel := freshContext(ctx, m.opts.AbortTimeout)
	defer cancel()
	_ = m.c.AbortMultipartUpload(ctx, s.Bucket, s.Key, s.UploadID)
	_ = os.Remove(file)
}

// cleanStates removes state files unused for StateMaxAge, aborting their
// uploads. It runs once per Manager.
func (m *Manager) cleanStates(ctx context.Context) {
	m.cleanOnce.Do(func() {
		entries, err := os.ReadDir(m.opts.StateDir)
		if err != nil {
			return
		}
		for _, e := range entries {
			info, err := e.Info()
			if err != nil || !strings.HasSuffix(e.Name(), ".json") || time.Since(info.ModTime()) < StateMaxAge {
				continue
			}
			file := filepath.Join(m.opts.StateDir, e.Name())
			if s, err := readState(file); err == nil && s != nil {
				m.abortState(ctx, file, s)
			}
		}
	})
}

// resumeOrCreate continues the upload recorded for this file and object
// when it is still there and the file is unchanged; otherwise it cleans
// up any stale state and starts a new upload, recording it.
func (m *Manager) resumeOrCreate(ctx context.Context, mp multipart, src source, in UploadInput, obj object, ps int64) (*fileUpload, error) {
	// An upload with a checksum algorithm is not resumed: the parts kept
	// would need their checksums for the completion.
	if m.opts.StateDir == "" || in.ChecksumAlgorithm != "" {
		u, err := m.createUpload(ctx, in, obj, ps)
		if err != nil {
			return nil, err
		}
		return m.fileUpload(u, src, ps, ""), nil
	}
	m.cleanStates(ctx)
	abs, err := filepath.Abs(src.path)
	if err != nil {
		return nil, err
	}
	file := stateFile(m.opts.StateDir, abs, in.Bucket, in.Key)
	if f, err := m.tryResume(ctx, file, abs, src, in, obj); f != nil || err != nil {
		return f, err
	}
	u, err := m.createUpload(ctx, in, obj, ps)
	if err != nil {
		return nil, err
	}
	info := src.start
	s := &uploadState{Bucket: in.Bucket, Key: in.Key, Path: abs, Size: info.Size(), ModTime: info.ModTime().UnixNano(),
		PartSize: ps, UploadID: u.id, Created: time.Now().UTC()}
	if err := writeState(file, s); err != nil {
		return nil, mp.abort(ctx, u, err)
	}
	return m.fileUpload(u, src, ps, file), nil
}

// fileUpload makes u the upload of the file src, in parts of ps bytes,
// resumable through its state file.
func (m *Manager) fileUpload(u *mpu, src source, ps int64, state string) *fileUpload {
	u.src = &src
	return &fileUpload{mpu: u, source: src, ps: ps, state: state}
}

// tryResume returns the recorded upload with its parts, or nil when there
// is none to continue (a stale one is aborted and forgotten). An error
// listing the parts, other than the upload being gone, fails the upload:
// starting afresh would orphan the recorded one.
func (m *Manager) tryResume(ctx context.Context, file, abs string, src source, in UploadInput, obj object) (*fileUpload, error) {
	s, err := readState(file)
	if err != nil || s == nil {
		return nil, nil
	}
	if !s.matches(abs, src.start, in.Bucket, in.Key) {
		m.abortState(ctx, file, s)
		return nil, nil
	}
	parts := map[int32]client.Part{}
	for p, err := range m.c.ListParts(ctx, in.Bucket, in.Key, s.UploadID) {
		if errors.Is(err, client.ErrNoSuchUpload) {
			return nil, os.Remove(file)
		}
		if err != nil {
			return nil, err
		}
		parts[p.PartNumber] = p
	}
	u := m.openUpload(in, obj, s.UploadID)
	u.onService = parts
	return m.fileUpload(u, src, s.PartSize, file), nil
}
