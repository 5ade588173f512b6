package s3

import (
	"cmp"
	"encoding/xml"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/quilibrium/qcli/internal/emulator/checksum"
	"github.com/quilibrium/qcli/internal/emulator/s3err"
	"github.com/quilibrium/qcli/internal/emulator/store"
)

// Multipart uploads: part sizes are checked at completion (EntityTooSmall),
// uploads survive a restart with DataDir, and the object's ETag is S3's
// multipart ETag.

func (srv *Server) initiateUpload(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	if len(key) > maxKeyLength {
		return s3err.Errorf("KeyTooLongError", "Your key is too long")
	}
	in, err := srv.newObjectInput(r, r.Header, bucket, key)
	if err != nil {
		return err
	}
	alg, typ, err := uploadChecksum(r.Header)
	if err != nil {
		return err
	}
	lock, _, err := srv.writeLock(r.Header, bucket)
	if err != nil {
		return err
	}
	u := &store.Upload{Bucket: bucket, Key: key, Meta: in.Meta, Tags: in.Tags, ACL: in.ACL, Owner: in.Owner,
		ChecksumAlgorithm: alg, ChecksumType: typ, ObjectLock: lock}
	if err := srv.store.CreateUpload(u); err != nil {
		return err
	}
	if alg != "" {
		w.Header().Set("X-Amz-Checksum-Algorithm", string(alg))
		w.Header().Set("X-Amz-Checksum-Type", typ)
	}
	s3err.WriteXML(w, http.StatusOK, &initiateResult{Xmlns: s3Namespace, Bucket: bucket, Key: key, UploadID: u.ID})
	return nil
}

func partNumberParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("partNumber")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 10000 {
		return 0, s3err.Errorf("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive").
			With("ArgumentName", "partNumber").With("ArgumentValue", v)
	}
	return n, nil
}

func (srv *Server) uploadPart(w http.ResponseWriter, r *http.Request, bucket, key, id string) error {
	n, err := partNumberParam(r)
	if err != nil {
		return err
	}
	if r.Header.Get("X-Amz-Copy-Source") != "" {
		return srv.uploadPartCopy(w, r, bucket, key, id, n)
	}
	if r.ContentLength < 0 {
		return s3err.Errorf("MissingContentLength", "You must provide the Content-Length HTTP header.")
	}
	if r.ContentLength > maxPutSize {
		return s3err.Errorf("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
	}
	alg, err := srv.partChecksum(r.Header, id, bucket, key)
	if err != nil {
		return err
	}
	if err := srv.requirePartDigest(r.Header, id, bucket, key); err != nil {
		return err
	}
	part, err := srv.store.PutPart(id, bucket, key, n, r.Body, r.ContentLength, alg)
	if err != nil {
		return err
	}
	if alg != "" {
		setChecksumHeaders(w.Header(), alg, part.Checksums[alg], "")
	}
	w.Header().Set("ETag", part.ETag)
	w.WriteHeader(http.StatusOK)
	return nil
}

// partChecksum is the algorithm of the checksum an UploadPart carries
// (see requestChecksum), or else the upload's when it named one. An upload
// created with an algorithm takes parts with that one only, and with none
// only when its checksum is of the full object, as S3; an upload created
// without takes any (its object gets S3's default checksum).
func (srv *Server) partChecksum(h http.Header, id, bucket, key string) (checksum.Algorithm, error) {
	alg, err := requestChecksum(h)
	if err != nil {
		return "", err
	}
	u, err := srv.store.Upload(id, bucket, key)
	if err != nil {
		return "", err
	}
	want := u.ChecksumAlgorithm
	if want == "" || alg == want || (alg == "" && u.Type() == checksum.FullObject) {
		return cmp.Or(alg, want), nil
	}
	actual := "null"
	if alg != "" {
		actual = alg.Lower()
	}
	return "", s3err.Errorf("InvalidRequest", "Checksum Type mismatch occurred, expected checksum Type: %s, actual checksum Type: %s", want.Lower(), actual)
}

// uploadPartCopy implements UploadPartCopy, with x-amz-copy-source-range.
func (srv *Server) uploadPartCopy(w http.ResponseWriter, r *http.Request, bucket, key, id string, n int) error {
	cs, err := parseCopySource(r.Header.Get("X-Amz-Copy-Source"))
	if err != nil {
		return err
	}
	src, body, err := srv.store.Open(cs.bucket, cs.key, cs.version)
	if err != nil {
		return copySourceError(err)
	}
	defer body.Close()
	if err := checkCopySourceConditions(r.Header, src); err != nil {
		return err
	}
	start, length, err := copySourceRange(r.Header.Get("X-Amz-Copy-Source-Range"), src.Size)
	if err != nil {
		return err
	}
	if _, err := body.Seek(start, io.SeekStart); err != nil {
		return s3err.Internal(err)
	}
	part, err := srv.store.PutPart(id, bucket, key, n, io.LimitReader(body, length), length, "")
	if err != nil {
		return err
	}
	srv.setCopySourceVersion(w.Header(), cs.bucket, src)
	res := &copyResult{XMLName: xml.Name{Local: "CopyPartResult"}, ETag: part.ETag, LastModified: s3Time(part.Modified)}
	if u, err := srv.store.Upload(id, bucket, key); err == nil && u.ChecksumAlgorithm != "" {
		res.checksumFields = newChecksumFields(u.ChecksumAlgorithm, part.Checksums[u.ChecksumAlgorithm])
	}
	s3err.WriteXML(w, http.StatusOK, res)
	return nil
}

// copySourceRange parses x-amz-copy-source-range as S3 does: anything but
// "bytes=first-last" is InvalidArgument, a range that does not lie in the
// source InvalidRange.
func copySourceRange(v string, size int64) (start, length int64, err error) {
	if v == "" {
		return 0, size, nil
	}
	req, ok := parseRange(v)
	if !ok || req.fromEnd || req.end == openEnd {
		return 0, 0, s3err.Errorf("InvalidArgument", "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy").
			With("ArgumentName", "x-amz-copy-source-range").With("ArgumentValue", v)
	}
	if req.end >= size {
		return 0, 0, s3err.Errorf("InvalidRange", "Range specified is not valid for source object of size: %d", size).
			With("RangeRequested", v).With("ActualObjectSize", itoa64(size))
	}
	return req.start, req.end - req.start + 1, nil
}

func (srv *Server) completeUpload(w http.ResponseWriter, r *http.Request, bucket, key, id string) error {
	var req completeRequest
	if err := readXML(r, &req); err != nil {
		return err
	}
	if len(req.Parts) == 0 {
		return s3err.MalformedXML()
	}
	in := store.CompleteInput{ID: id, Bucket: bucket, Key: key, Cond: putCondition(r.Header)}
	for _, p := range req.Parts {
		in.Parts = append(in.Parts, store.PartRef{Number: p.PartNumber, ETag: p.ETag})
	}
	var verify func(*store.Object) error
	in.Choose = func(u *store.Upload) ([]*store.Part, error) {
		if err := checkCompleteChecksumType(r.Header, u); err != nil {
			return nil, err
		}
		parts, err := srv.chooseParts(req, u)
		if err == nil {
			verify, err = completeChecksum(r.Header, u)
		}
		return parts, err
	}
	in.Verify = func(o *store.Object) error {
		if verify == nil {
			return nil
		}
		return verify(o)
	}
	o, err := srv.store.CompleteUpload(in)
	if err != nil {
		return err
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	srv.setVersionHeader(w.Header(), bucket, o)
	res := &completeResult{Xmlns: s3Namespace, Location: scheme + "://" + r.Host + "/" + bucket + "/" + key,
		Bucket: bucket, Key: key, ETag: o.ETag}
	res.checksumFields, res.ChecksumType = objectChecksumFields(o.Checksum)
	s3err.WriteXML(w, http.StatusOK, res)
	return nil
}

// checkCompleteChecksumType refuses a completion whose x-amz-checksum-type
// differs from the one the upload was created with.
func checkCompleteChecksumType(h http.Header, u *store.Upload) error {
	if t := h.Get("X-Amz-Checksum-Type"); t != "" && u.ChecksumAlgorithm != "" && t != u.Type() {
		return s3err.Errorf("InvalidRequest", "The upload was created using the %s checksum mode. The complete request must use the same checksum mode.", u.Type())
	}
	return nil
}

func invalidPart(u *store.Upload, p completePart) error {
	return s3err.Errorf("InvalidPart", "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.").
		With("UploadId", u.ID).With("PartNumber", itoa(p.PartNumber)).With("ETag", store.TrimETag(p.ETag))
}

// chooseParts validates a CompleteMultipartUpload part list against the
// upload: ascending part numbers, existing parts with matching ETags and
// checksums (which an upload with a composite checksum requires), and
// every part but the last at least MinPartSize.
func (srv *Server) chooseParts(req completeRequest, u *store.Upload) ([]*store.Part, error) {
	parts := make([]*store.Part, 0, len(req.Parts))
	for i, p := range req.Parts {
		if i > 0 && p.PartNumber <= req.Parts[i-1].PartNumber {
			return nil, s3err.Errorf("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.").
				With("UploadId", u.ID)
		}
		cur := u.Parts[p.PartNumber]
		if cur == nil || store.TrimETag(cur.ETag) != store.TrimETag(p.ETag) {
			return nil, invalidPart(u, p)
		}
		alg, sum, err := p.given()
		if err != nil {
			return nil, err
		}
		if have, ok := cur.Checksums[alg]; alg != "" && ok && have != sum {
			return nil, invalidPart(u, p)
		}
		if alg == "" && u.ChecksumAlgorithm != "" && u.Type() == checksum.Composite {
			return nil, s3err.Errorf("InvalidRequest", "The upload was created using a %s checksum. The complete request must include the checksum for each part. It was missing for part %d in the request.", u.ChecksumAlgorithm.Lower(), p.PartNumber)
		}
		parts = append(parts, cur)
	}
	for _, p := range parts[:len(parts)-1] {
		if p.Size < srv.minPartSize {
			return nil, s3err.Errorf("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.").
				With("ProposedSize", itoa64(p.Size)).With("MinSizeAllowed", itoa64(srv.minPartSize)).
				With("PartNumber", itoa(p.Number)).With("ETag", p.ETag)
		}
	}
	return parts, nil
}

func (srv *Server) abortUpload(w http.ResponseWriter, bucket, key, id string) error {
	if err := srv.store.AbortUpload(id, bucket, key); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listParts implements ListParts with part-number-marker and max-parts.
func (srv *Server) listParts(w http.ResponseWriter, r *http.Request, bucket, key, id string) error {
	q := r.URL.Query()
	marker, err := intParam(q, "part-number-marker", 0, 0, 10000)
	if err != nil {
		return err
	}
	limit, err := intParam(q, "max-parts", 1000, 0, 1000)
	if err != nil {
		return err
	}
	u, err := srv.store.Upload(id, bucket, key)
	if err != nil {
		return err
	}
	p := &listPartsResult{Xmlns: s3Namespace, Bucket: bucket, Key: key, UploadID: id, StorageClass: storageStandard,
		Initiator: ownerInfo, Owner: ownerInfo, PartNumberMarker: marker, MaxParts: limit}
	if u.ChecksumAlgorithm != "" {
		p.ChecksumAlgorithm, p.ChecksumType = string(u.ChecksumAlgorithm), u.Type()
	}
	for _, n := range sortedPartNumbers(u, marker) {
		if len(p.Parts) == limit {
			p.IsTruncated = limit > 0 // max-parts=0 asks for nothing, not for paging
			break
		}
		part := u.Parts[n]
		entry := partEntry{PartNumber: n, ETag: part.ETag, Size: part.Size, LastModified: s3Time(part.Modified)}
		if u.ChecksumAlgorithm != "" {
			entry.checksumFields = newChecksumFields(u.ChecksumAlgorithm, part.Checksums[u.ChecksumAlgorithm])
		}
		p.Parts = append(p.Parts, entry)
		p.NextPartNumberMarker = n
	}
	s3err.WriteXML(w, http.StatusOK, p)
	return nil
}

func sortedPartNumbers(u *store.Upload, after int) []int {
	var nums []int
	for n := range u.Parts {
		if n > after {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	return nums
}

// listUploads implements ListMultipartUploads.
func (srv *Server) listUploads(w http.ResponseWriter, r *http.Request, bucket string) error {
	q := r.URL.Query()
	limit, err := intParam(q, "max-uploads", 1000, 0, 1000)
	if err != nil {
		return err
	}
	ups, err := srv.store.ListUploads(bucket)
	if err != nil {
		return err
	}
	enc, err := newKeyEncoder(q.Get("encoding-type"))
	if err != nil {
		return err
	}
	uq := uploadQuery{prefix: q.Get("prefix"), delimiter: q.Get("delimiter"), keyMarker: q.Get("key-marker"),
		idMarker: q.Get("upload-id-marker"), limit: limit, enc: enc}
	l := &listUploadsResult{Xmlns: s3Namespace, EncodingType: uq.enc.kind, Bucket: bucket,
		Prefix: uq.enc.enc(uq.prefix), Delimiter: uq.enc.enc(uq.delimiter), MaxUploads: limit,
		KeyMarker: uq.enc.enc(uq.keyMarker), UploadIDMarker: uq.idMarker}
	uq.fill(l, ups)
	s3err.WriteXML(w, http.StatusOK, l)
	return nil
}

type uploadQuery struct {
	prefix, delimiter, keyMarker, idMarker string
	limit                                  int
	enc                                    keyEncoder
}

// start is the index of the first upload after (keyMarker, idMarker).
func (uq uploadQuery) start(ups []*store.Upload) int {
	if uq.keyMarker == "" {
		return 0
	}
	for i, u := range ups {
		if uq.idMarker != "" && u.Key == uq.keyMarker && u.ID == uq.idMarker {
			return i + 1
		}
	}
	return sort.Search(len(ups), func(i int) bool { return ups[i].Key > uq.keyMarker })
}

// fill adds one page of uploads, with the same common-prefix rule as object
// listing: a returned prefix swallows every upload under it.
func (uq uploadQuery) fill(l *listUploadsResult, ups []*store.Upload) {
	enc, limit := uq.enc, uq.limit
	lastPrefix, count := "", 0
	for _, u := range ups[uq.start(ups):] {
		if !strings.HasPrefix(u.Key, uq.prefix) {
			continue
		}
		cp := store.CommonPrefix(u.Key, uq.prefix, uq.delimiter)
		if cp != "" && (cp == uq.keyMarker || cp == lastPrefix) {
			continue
		}
		if count == limit {
			l.IsTruncated = limit > 0 // max-uploads=0 asks for nothing, not for paging
			return
		}
		count++
		if cp != "" {
			l.CommonPrefixes = append(l.CommonPrefixes, commonPrefixEntry{Prefix: enc.enc(cp)})
			lastPrefix, l.NextKeyMarker, l.NextUploadIDMarker = cp, enc.enc(cp), ""
			continue
		}
		e := uploadEntry{
			Key: enc.enc(u.Key), UploadID: u.ID, Initiator: ownerInfo, Owner: ownerInfo,
			StorageClass: storageStandard, Initiated: s3Time(u.Initiated),
		}
		if u.ChecksumAlgorithm != "" {
			e.ChecksumAlgorithm, e.ChecksumType = string(u.ChecksumAlgorithm), u.Type()
		}
		l.Uploads = append(l.Uploads, e)
		l.NextKeyMarker, l.NextUploadIDMarker = enc.enc(u.Key), u.ID
	}
}
