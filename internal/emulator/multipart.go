package emulator

import (
	"encoding/xml"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Multipart uploads: part sizes are checked at completion (EntityTooSmall),
// uploads survive a restart with DataDir, and the object's ETag is S3's
// multipart ETag.

const maxXMLBody = 4 << 20 // a 10,000-part Complete is about 1 MiB

// readXML decodes a small XML request body. Errors from the payload
// verifiers (hash mismatch) pass through; anything unparsable is MalformedXML.
func readXML(r *http.Request, v any) error {
	data, err := io.ReadAll(io.LimitReader(bodyReader{r.Body}, maxXMLBody+1))
	if err != nil {
		return err
	}
	if len(data) > maxXMLBody || xml.Unmarshal(data, v) != nil {
		return errMalformedXML()
	}
	return nil
}

func (e *Emulator) initiateUpload(w http.ResponseWriter, r *http.Request, bucket, key string) error {
	if len(key) > maxKeyLength {
		return errf("KeyTooLongError", "Your key is too long")
	}
	in, err := newObjectInput(r.Header, bucket, key)
	if err != nil {
		return err
	}
	u := &uploadRecord{Bucket: bucket, Key: key, Meta: in.meta, Tags: in.tags, ACL: in.acl}
	if err := e.store.createUpload(u); err != nil {
		return err
	}
	writeXML(w, http.StatusOK, &initiateResult{Xmlns: s3Namespace, Bucket: bucket, Key: key, UploadID: u.ID})
	return nil
}

func partNumberParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("partNumber")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 10000 {
		return 0, errf("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive").
			with("ArgumentName", "partNumber").with("ArgumentValue", v)
	}
	return n, nil
}

func (e *Emulator) uploadPart(w http.ResponseWriter, r *http.Request, bucket, key, id string) error {
	n, err := partNumberParam(r)
	if err != nil {
		return err
	}
	if r.Header.Get("X-Amz-Copy-Source") != "" {
		return e.uploadPartCopy(w, r, bucket, key, id, n)
	}
	if r.ContentLength < 0 {
		return errf("MissingContentLength", "You must provide the Content-Length HTTP header.")
	}
	if r.ContentLength > maxPutSize {
		return errf("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
	}
	part, err := e.store.putPart(id, bucket, key, n, r.Body, r.ContentLength)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", part.ETag)
	w.WriteHeader(http.StatusOK)
	return nil
}

// uploadPartCopy implements UploadPartCopy, with x-amz-copy-source-range.
func (e *Emulator) uploadPartCopy(w http.ResponseWriter, r *http.Request, bucket, key, id string, n int) error {
	srcBucket, srcKey, err := parseCopySource(r.Header.Get("X-Amz-Copy-Source"))
	if err != nil {
		return err
	}
	src, body, err := e.store.open(srcBucket, srcKey)
	if err != nil {
		return err
	}
	defer body.Close()
	if err := checkPreconditions(r.Header, "X-Amz-Copy-Source-", src, errPreconditionFailed("x-amz-copy-source-if-none-match")); err != nil {
		return err
	}
	start, length, err := copySourceRange(r.Header.Get("X-Amz-Copy-Source-Range"), src.Size)
	if err != nil {
		return err
	}
	if _, err := body.Seek(start, io.SeekStart); err != nil {
		return errInternal(err)
	}
	part, err := e.store.putPart(id, bucket, key, n, io.LimitReader(body, length), length)
	if err != nil {
		return err
	}
	writeXML(w, http.StatusOK, &copyResult{XMLName: xml.Name{Local: "CopyPartResult"}, ETag: part.ETag, LastModified: s3Time(part.Modified)})
	return nil
}

// copySourceRange parses "bytes=first-last", which must lie in the object.
func copySourceRange(v string, size int64) (start, length int64, err error) {
	if v == "" {
		return 0, size, nil
	}
	req, ok := parseRange(v)
	if !ok || req.fromEnd || req.end == openEnd || req.end >= size {
		return 0, 0, errf("InvalidArgument", "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy").
			with("ArgumentName", "x-amz-copy-source-range").with("ArgumentValue", v)
	}
	return req.start, req.end - req.start + 1, nil
}

func (e *Emulator) completeUpload(w http.ResponseWriter, r *http.Request, bucket, key, id string) error {
	var req completeRequest
	if err := readXML(r, &req); err != nil {
		return err
	}
	o, err := e.store.completeUpload(id, bucket, key, e.chooseParts(req))
	if err != nil {
		return err
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	writeXML(w, http.StatusOK, &completeResult{Xmlns: s3Namespace, Location: scheme + "://" + r.Host + "/" + bucket + "/" + key,
		Bucket: bucket, Key: key, ETag: o.ETag})
	return nil
}

// chooseParts validates a CompleteMultipartUpload part list against the
// upload: ascending part numbers, existing parts with matching ETags, and
// every part but the last at least MinPartSize.
func (e *Emulator) chooseParts(req completeRequest) func(*uploadRecord) ([]*partRecord, error) {
	return func(u *uploadRecord) ([]*partRecord, error) {
		if len(req.Parts) == 0 {
			return nil, errMalformedXML()
		}
		parts := make([]*partRecord, 0, len(req.Parts))
		for i, p := range req.Parts {
			if i > 0 && p.PartNumber <= req.Parts[i-1].PartNumber {
				return nil, errf("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.").
					with("UploadId", u.ID)
			}
			cur := u.Parts[p.PartNumber]
			if cur == nil || trimETag(cur.ETag) != trimETag(p.ETag) {
				return nil, errf("InvalidPart", "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.").
					with("UploadId", u.ID).with("PartNumber", itoa(p.PartNumber)).with("ETag", p.ETag)
			}
			parts = append(parts, cur)
		}
		for _, p := range parts[:len(parts)-1] {
			if p.Size < e.minPartSize {
				return nil, errf("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.").
					with("ProposedSize", itoa64(p.Size)).with("MinSizeAllowed", itoa64(e.minPartSize)).
					with("PartNumber", itoa(p.Number)).with("ETag", p.ETag)
			}
		}
		return parts, nil
	}
}

func (e *Emulator) abortUpload(w http.ResponseWriter, bucket, key, id string) error {
	if err := e.store.abortUpload(id, bucket, key); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listParts implements ListParts with part-number-marker and max-parts.
func (e *Emulator) listParts(w http.ResponseWriter, r *http.Request, bucket, key, id string) error {
	q := r.URL.Query()
	marker, err := intParam(q, "part-number-marker", 0, 0, 10000)
	if err != nil {
		return err
	}
	limit, err := intParam(q, "max-parts", 1000, 0, 1000)
	if err != nil {
		return err
	}
	u, err := e.store.upload(id, bucket, key)
	if err != nil {
		return err
	}
	p := &listPartsResult{Xmlns: s3Namespace, Bucket: bucket, Key: key, UploadID: id, StorageClass: storageStandard,
		Initiator: ownerInfo, Owner: ownerInfo, PartNumberMarker: marker, MaxParts: limit}
	for _, n := range sortedPartNumbers(u, marker) {
		if len(p.Parts) == limit {
			p.IsTruncated = limit > 0 // max-parts=0 asks for nothing, not for paging
			break
		}
		part := u.Parts[n]
		p.Parts = append(p.Parts, partEntry{PartNumber: n, ETag: part.ETag, Size: part.Size, LastModified: s3Time(part.Modified)})
		p.NextPartNumberMarker = n
	}
	writeXML(w, http.StatusOK, p)
	return nil
}

func sortedPartNumbers(u *uploadRecord, after int) []int {
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
func (e *Emulator) listUploads(w http.ResponseWriter, r *http.Request, bucket string) error {
	q := r.URL.Query()
	limit, err := intParam(q, "max-uploads", 1000, 0, 1000)
	if err != nil {
		return err
	}
	ups, err := e.store.listUploads(bucket)
	if err != nil {
		return err
	}
	uq := uploadQuery{prefix: q.Get("prefix"), delimiter: q.Get("delimiter"), keyMarker: q.Get("key-marker"),
		idMarker: q.Get("upload-id-marker"), limit: limit, enc: newKeyEncoder(q.Get("encoding-type"))}
	l := &listUploadsResult{Xmlns: s3Namespace, EncodingType: uq.enc.kind, Bucket: bucket,
		Prefix: uq.enc.enc(uq.prefix), Delimiter: uq.enc.enc(uq.delimiter), MaxUploads: limit,
		KeyMarker: uq.enc.enc(uq.keyMarker), UploadIDMarker: uq.idMarker}
	uq.fill(l, ups)
	writeXML(w, http.StatusOK, l)
	return nil
}

type uploadQuery struct {
	prefix, delimiter, keyMarker, idMarker string
	limit                                  int
	enc                                    keyEncoder
}

// start is the index of the first upload after (keyMarker, idMarker).
func (uq uploadQuery) start(ups []*uploadRecord) int {
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
func (uq uploadQuery) fill(l *listUploadsResult, ups []*uploadRecord) {
	enc, limit := uq.enc, uq.limit
	lastPrefix, count := "", 0
	for _, u := range ups[uq.start(ups):] {
		if !strings.HasPrefix(u.Key, uq.prefix) {
			continue
		}
		cp := commonPrefix(u.Key, uq.prefix, uq.delimiter)
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
		l.Uploads = append(l.Uploads, uploadEntry{
			Key: enc.enc(u.Key), UploadID: u.ID, Initiator: ownerInfo, Owner: ownerInfo,
			StorageClass: storageStandard, Initiated: s3Time(u.Initiated),
		})
		l.NextKeyMarker, l.NextUploadIDMarker = enc.enc(u.Key), u.ID
	}
}
