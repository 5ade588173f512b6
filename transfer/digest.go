package transfer

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"hash"
	"io"
	"strconv"
	"strings"

	"github.com/quilibrium/qcli/client"
)

// digestPlan says how a download is verified: the object's bytes are
// hashed in parts of partSize, and the part MD5s compared with the ETag
// (one part: the ETag is the plain MD5; several: the composite ETag), or,
// when checksum is set, the whole object's flexible checksum compared with
// it. partSize 0 means only the size can be checked.
type digestPlan struct {
	partSize  int64
	composite bool
	etag      string
	checksum  client.Checksum
}

// planDigest works out how to verify info (from a HEAD that asked for the
// object's checksums). A multipart object's part size comes from the
// metadata qcli records at upload, else from a HEAD of part 1; the layout
// must then account for exactly the ETag's part count, or the object was
// written with uneven parts and its MD5s cannot be checked.
//
// A full-object CRC64NVME (what current AWS SDKs store by default) is
// checked instead of the MD5s: as strong for finding damage (64 bits) and
// cheaper, above all for a single-request object, whose one MD5 can only
// be computed on one core. Without MD5s to check (SSE-KMS, SSE-C, uneven
// parts), any full-object checksum is better than the size alone; a
// 32-bit CRC never replaces an MD5.
func (m *Manager) planDigest(ctx context.Context, info client.ObjectInfo, customerKey []byte, versionID string) digestPlan {
	whole := func(c client.Checksum) digestPlan { return digestPlan{partSize: max(info.Size, 1), checksum: c} }
	if c, ok := fullObjectChecksum(info, client.ChecksumCRC64NVME); ok {
		return whole(c)
	}
	if p := m.planMD5(ctx, info, customerKey, versionID); p.partSize > 0 {
		return p
	}
	if c, ok := fullObjectChecksum(info, client.ChecksumSHA256, client.ChecksumSHA1, client.ChecksumCRC32C, client.ChecksumCRC32); ok {
		return whole(c)
	}
	return digestPlan{}
}

// fullObjectChecksum is the first of algs info has a checksum of its
// whole bytes for (not a composite of its parts' checksums, "…-N").
func fullObjectChecksum(info client.ObjectInfo, algs ...client.ChecksumAlgorithm) (client.Checksum, bool) {
	if info.ChecksumType == client.ChecksumTypeComposite {
		return client.Checksum{}, false
	}
	for _, a := range algs {
		if v := info.Checksums[string(a)]; v != "" && !strings.Contains(v, "-") {
			return client.Checksum{Algorithm: a, Value: v}, true
		}
	}
	return client.Checksum{}, false
}

// planMD5 is the plan that checks the ETag: the MD5 of a single-request
// object, the composite of a multipart one's part MD5s.
func (m *Manager) planMD5(ctx context.Context, info client.ObjectInfo, customerKey []byte, versionID string) digestPlan {
	if !md5ComparableInfo(info.SSE, customerKey) {
		return digestPlan{}
	}
	if isMD5ETag(info.ETag) {
		return digestPlan{partSize: max(info.Size, 1), etag: info.ETag}
	}
	n, ok := multipartETag(info.ETag)
	if !ok {
		return digestPlan{}
	}
	ps, _ := strconv.ParseInt(info.Metadata[PartSizeMetadata], 10, 64)
	if ps <= 0 || partCount(info.Size, ps) != n {
		ps = m.firstPartSize(ctx, info, customerKey, versionID)
	}
	if ps <= 0 || partCount(info.Size, ps) != n {
		return digestPlan{}
	}
	return digestPlan{partSize: ps, composite: true, etag: info.ETag}
}

// firstPartSize asks for part 1's size (HEAD ?partNumber=1, of versionID
// when a version was asked for); 0 if unknown.
func (m *Manager) firstPartSize(ctx context.Context, info client.ObjectInfo, customerKey []byte, versionID string) int64 {
	var p client.ObjectInfo
	err := m.withSlot(ctx, func() (err error) {
		p, err = m.c.HeadObject(ctx, client.HeadObjectInput{Bucket: info.Bucket, Key: info.Key, VersionID: versionID, PartNumber: 1,
			CustomerKey: customerKey, Conditions: client.Conditions{IfMatch: info.ETag}})
		return err
	})
	if err != nil {
		return 0
	}
	return p.Size
}

// verifier hashes a download's bytes in order, part by part.
type verifier struct {
	plan digestPlan
	cur  hash.Hash
	n    int64
	sums [][md5.Size]byte
	// whole is the checksum of the object, for a plan with a checksum.
	whole []byte
}

func newVerifier(plan digestPlan) *verifier {
	if plan.checksum.Algorithm != "" {
		return &verifier{plan: plan, cur: plan.checksum.Algorithm.NewHash()}
	}
	return &verifier{plan: plan, cur: md5.New()}
}

// Write hashes p, closing a part at every part-size boundary.
func (v *verifier) Write(p []byte) (int, error) {
	if v.plan.partSize == 0 {
		return len(p), nil
	}
	total := len(p)
	for len(p) > 0 {
		k := min(int64(len(p)), v.plan.partSize-v.n)
		v.cur.Write(p[:k])
		v.n, p = v.n+k, p[k:]
		if v.n == v.plan.partSize {
			v.closePart()
		}
	}
	return total, nil
}

func (v *verifier) closePart() {
	if v.plan.checksum.Algorithm != "" {
		v.whole = v.cur.Sum(nil) // the checksum plan's only part: the object
	} else {
		v.sums = append(v.sums, [md5.Size]byte(v.cur.Sum(nil)))
	}
	v.cur.Reset()
	v.n = 0
}

// check compares the digest with the ETag once every byte was written.
func (v *verifier) check(what string) (string, error) {
	if v.plan.partSize == 0 {
		return VerifiedSize, nil
	}
	if v.n > 0 || (len(v.sums) == 0 && v.whole == nil) {
		v.closePart()
	}
	if c := v.plan.checksum; c.Algorithm != "" {
		if got := b64(v.whole); got != c.Value {
			return "", &IntegrityError{What: what, Want: c.String(), Got: string(c.Algorithm) + ":" + got}
		}
		return strings.ToLower(string(c.Algorithm)), nil
	}
	if !v.plan.composite {
		got := hex.EncodeToString(v.sums[0][:])
		if !sameETag(got, v.plan.etag) {
			return "", &IntegrityError{What: what, Want: trimETag(v.plan.etag), Got: got}
		}
		return VerifiedMD5, nil
	}
	if got := compositeETag(v.sums); !sameETag(got, v.plan.etag) {
		return "", &IntegrityError{What: what, Want: trimETag(v.plan.etag), Got: got}
	}
	return VerifiedComposite, nil
}

// hashInOrder feeds the verifier from f as ranges complete: done[i] is
// closed once range i (of rangeSize bytes) is on disk. Downloads finish out
// of order; this reads each range back, in order, while later ones are
// still arriving.
func hashInOrder(ctx context.Context, f io.ReaderAt, size, rangeSize int64, done []chan struct{}, v *verifier) error {
	for i, ch := range done {
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		off := int64(i) * rangeSize
		if _, err := io.Copy(v, io.NewSectionReader(f, off, min(rangeSize, size-off))); err != nil {
			return err
		}
	}
	return nil
}
